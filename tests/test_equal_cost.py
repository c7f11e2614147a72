"""Driving costs and equal-cost comparisons (`budget_cny` in a comparison file)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from simulation import RuralPolicingModel
from simulation.cli import main
from simulation.movement import Trip
from simulation.region import RegionConfig, build_region

from .helpers import small


def test_a_trip_books_the_km_of_its_roads():
    region = build_region(
        RegionConfig(type="hill", villages=12, population=6000, townships=1),
        np.random.default_rng(0),
    )
    nodes, _ = region.route(0, 11)
    km = sum(region.road_km(u, v) for u, v in itertools.pairwise(nodes))
    trip = Trip.plan(region, (0, 0, 0.0), 11, now=100.0)
    assert abs(trip.km_at(trip.end) - km) < 1e-9
    assert trip.km_at(100.0) == 0.0
    half = trip.km_at((100.0 + trip.end) / 2)
    assert 0.0 < half < km


def test_patrols_and_presence_are_not_free():
    """Same county and seed: random patrols drive many times the km of officers who wait at
    the station (clinic), and the driving cost enters the annual cost."""
    runs = {
        p: RuralPolicingModel(small(p, days=60, warmup_days=0), seed=3).run().results()["summary"]
        for p in ("clinic", "patrol", "village_officer")
    }
    for s in runs.values():
        parts = [k for k in s if k.startswith("cost_") and k != "cost_total_cny"]
        assert abs(sum(s[k] for k in parts) - s["cost_total_cny"]) < 1e-6
        assert s["cost_driving_cny"] == s["vehicle_km_per_year"] * 1.0  # default 1 CNY/km
    # Clinic drives only to calls; patrol by design many times more (KC arms: 2-3x presence).
    assert runs["patrol"]["vehicle_km_per_year"] > 5 * runs["clinic"]["vehicle_km_per_year"]
    assert runs["village_officer"]["vehicle_km_per_year"] > runs["clinic"]["vehicle_km_per_year"]


def _comparison(tmp_path, budget: float, extra: str = "", officers: int = 10) -> str:
    scenarios = tmp_path / "s"
    scenarios.mkdir()
    for preset in ("clinic", "auxiliary_network", "patrol"):
        (scenarios / f"{preset}.yaml").write_text(
            "warmup_days: 0\n"
            "region: {type: hill, villages: 20, population: 15000, townships: 2}\n"
            f"policing: {{preset: {preset}, officers: {officers}}}\n"
        )
    f = tmp_path / "cmp.yaml"
    f.write_text(
        "baseline: clinic\nreplicates: 2\nseed: 5\ndays: 60\n"
        f"budget_cny: {budget}\n{extra}"
        "scenarios:\n  clinic: s/clinic.yaml\n  auxiliary_network: s/auxiliary_network.yaml\n"
        "  patrol: s/patrol.yaml\n"
    )
    return str(f)


def test_equal_cost_sizes_every_scenario_within_one_officer(tmp_path, capsys):
    # 2.8 M CNY: the 20 auxiliaries (0.8 M) leave auxiliary_network ~10 officers, the 2
    # stations' minimum (5 each, the Hubei rule)
    budget = 2_800_000
    out = tmp_path / "out"
    code = main(["compare", _comparison(tmp_path, budget), "--out", str(out), "-q"])
    assert code == 0
    summary = pd.read_parquet(out / "summary.parquet")
    md = (out / "summary.md").read_text()
    assert "Staffing at equal cost: 2,800,000 CNY" in md
    # One officer costs 150,000 CNY a year plus a third of a 30,000 CNY vehicle and its driving
    # (under 30,000 km a year at 1 CNY/km here): the sized design is within that of the budget.
    one_officer = 150_000 + 10_000 + 30_000
    by = summary.groupby("scenario")
    cost = by["cost_total_cny"].mean()
    assert ((budget - cost) < one_officer).all() and ((cost - budget) < one_officer).all(), cost
    officers = by["officers"].first()
    # Auxiliaries (one per village, 40,000 CNY each) are paid for with officers.
    assert officers["auxiliary_network"] < officers["clinic"]
    assert by["auxiliaries"].first()["auxiliary_network"] == 20


def test_equal_cost_by_auxiliaries(tmp_path):
    out = tmp_path / "out"
    extra = "size_by: {auxiliary_network: auxiliaries}\n"
    assert main(["compare", _comparison(tmp_path, 2_300_000, extra), "--out", str(out), "-q"]) == 0
    summary = pd.read_parquet(out / "summary.parquet").groupby("scenario").first()
    assert summary.loc["auxiliary_network", "officers"] == 10  # kept
    assert 0 < summary.loc["auxiliary_network", "auxiliaries"] < 20  # filled by auxiliaries


def test_budget_below_the_cheapest_design_is_one_line(tmp_path, capsys):
    code = main(["compare", _comparison(tmp_path, 100_000), "-q", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 3 and all("below the minimum staffing" in e for e in err), err


def test_a_budget_that_leaves_a_station_under_its_minimum_is_infeasible(tmp_path, capsys):
    """2.0 M CNY would buy clinic 10 officers but leave auxiliary_network (20 auxiliaries,
    0.8 M) about 6 for 2 stations: below the Hubei rule's 5 per station. The comparison stops
    with one line naming the minimum and its cost, instead of calling the budget filled."""
    code = main(["compare", _comparison(tmp_path, 2_000_000), "-q", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1, err
    assert "auxiliary_network: infeasible" in err[0]
    assert "5 officers at each of 2 stations" in err[0]
    assert "Hubei rule" in err[0]
    assert not (tmp_path / "o" / "summary.parquet").exists()


def test_sizing_by_auxiliaries_keeps_the_station_minimum(tmp_path, capsys):
    """Sized by auxiliaries with 8 officers for 2 stations: the officers cannot keep 5 at each
    station, whatever the auxiliaries; one line says so."""
    extra = "size_by: {auxiliary_network: auxiliaries}\n"
    path = _comparison(tmp_path, 2_300_000, extra, officers=8)
    code = main(["compare", path, "-q", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert any("8 officers cannot keep 5 at each of 2 stations" in e for e in err), err
