"""Bookkeeping that must hold exactly in every run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation import RuralPolicingModel
from simulation.agents import ACTIVITIES
from tests.helpers import small


@pytest.fixture(scope="module", params=["clinic", "hybrid", "district_officer", "patrol"])
def run(request):
    cfg = small(request.param, days=60, policing={"officers": 6, "rotation_days": 30})
    model = RuralPolicingModel(cfg, seed=11).run()
    return model, model.results()


def test_every_true_incident_is_reported_or_not(run):
    _, tables = run
    inc = tables["incidents"]
    assert len(inc) > 100, "the test county should produce incidents"
    assert inc["reported"].isin([True, False]).all()
    unreported = inc[~inc["reported"]]
    assert (unreported["state"] == "unreported").all()
    assert unreported["t_report"].isna().all()


def test_every_reported_incident_is_responded_or_queued(run):
    model, tables = run
    inc = tables["incidents"]
    reported = inc[inc["reported"] & (inc["t_report"] <= model.end_time)]
    by_phone = reported["outcome"] == "advised"  # calls handled on the phone: nobody goes
    assert (reported.loc[by_phone, "type"] == "service").all()
    assert (reported.loc[by_phone, "t_clear"] == reported.loc[by_phone, "t_report"]).all()
    assert reported.loc[by_phone, "t_dispatch"].isna().all()
    reported = reported[~by_phone]
    responded = reported["t_dispatch"].notna()
    queued = reported["state"] == "queued"
    assert (responded ^ queued).all(), "each reported incident is dispatched xor queued"
    assert queued.sum() == len(model.command_centre.queue)
    done = reported[reported["t_clear"].notna()]
    assert (done["t_report"] <= done["t_dispatch"]).all()
    assert (done["t_dispatch"] <= done["t_arrival"]).all()
    assert (done["t_arrival"] <= done["t_clear"]).all()


def test_no_officer_is_in_two_places_at_once(run):
    model, tables = run
    inc = tables["incidents"].dropna(subset=["t_dispatch"])
    for _, jobs in inc.groupby("responder"):
        jobs = jobs.sort_values("t_dispatch")
        ends = jobs["t_clear"].fillna(np.inf).to_numpy()
        starts = jobs["t_dispatch"].to_numpy()
        assert (starts[1:] >= ends[:-1] - 1e-9).all(), "an officer held two jobs at once"
    # Time use adds up to the run length for every officer: one activity at a time.
    officers = tables["officers"]
    total = officers[[f"min_{a}" for a in ACTIVITIES]].sum(axis=1)
    assert np.allclose(total, model.end_time), "activities must tile the run exactly"


def test_same_seed_gives_identical_tables():
    cfg = small("hybrid", days=30)
    a = RuralPolicingModel(cfg, seed=5).run().results()
    b = RuralPolicingModel(cfg, seed=5).run().results()
    for name in ("incidents", "daily", "villages", "officers"):
        pd.testing.assert_frame_equal(a[name], b[name])
    assert a["summary"] == b["summary"] or all(
        (x == y) or (x != x and y != y)
        for x, y in zip(a["summary"].values(), b["summary"].values(), strict=True)
    )
    c = RuralPolicingModel(cfg, seed=6).run().results()
    assert not a["incidents"].equals(c["incidents"]), "another seed should differ"


def test_presets_share_the_demand_stream():
    """Common random numbers: calls for service and dispute onsets do not depend on the
    policing preset, so preset comparisons are not seed noise."""
    onsets = {}
    for preset in ("clinic", "hybrid", "patrol"):
        inc = RuralPolicingModel(small(preset, days=45), seed=2).run().results()["incidents"]
        calls = inc[inc["type"] == "service"][["village", "t_occur"]].to_numpy()
        disputes = inc[inc["type"] == "dispute"][["village", "t_occur"]].to_numpy()
        onsets[preset] = (calls, disputes)
    for preset in ("hybrid", "patrol"):
        np.testing.assert_array_equal(onsets[preset][0], onsets["clinic"][0])
        np.testing.assert_array_equal(onsets[preset][1], onsets["clinic"][1])


def test_villagers_are_inspectable_agents():
    model = RuralPolicingModel(small("clinic", days=1), seed=1)
    v = model.villager(123)
    assert v.village == model.villagers.village[123]
    assert 0.0 <= v.trust <= 1.0
    assert v.age_group in ("child", "adult", "elderly")
    assert model.villager(123) is v
    with pytest.raises(IndexError):
        model.villager(model.villagers.n)
