"""What the outputs observe: the window after the warm-up, rates over closed disputes, trust
that does not drift when nothing changes, one population base per rate, first presence only
when someone is there, and the county each replicate runs on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation import RuralPolicingModel
from simulation.config_files import validate_dict
from simulation.runner import county_for, interval_note, run_many
from tests.helpers import small


@pytest.fixture(scope="module")
def warmed():
    cfg = small("hybrid", days=40, warmup_days=30, policing={"officers": 8, "auxiliaries": 10})
    model = RuralPolicingModel(cfg, seed=5).run()
    return model, model.results()


def test_outputs_cover_only_the_days_after_the_warm_up(warmed):
    model, t = warmed
    assert model.start_time == 30 * 1440 and model.end_time == 70 * 1440
    inc = t["incidents"]
    assert len(inc) > 50
    assert inc["t_occur"].min() >= model.start_time and inc["t_occur"].max() < model.end_time
    assert inc["day"].between(0, 39).all()
    assert t["summary"]["days"] == 40
    assert list(t["daily"]["day"]) == list(range(40))
    # Officers' books open at the end of the warm-up: on-duty time is the 40 observed days'
    # shifts (overtime only adds; rostered time is a floor).
    o = t["officers"]
    rostered = o["shift_hours"] * 60 * 40
    assert (o["on_duty_min"] >= rostered - 60).all()
    assert (o["on_duty_min"] <= rostered * 1.25).all()
    # Disputes: arisen in the window, rates over those closed in it.
    s = t["summary"]
    closed = [d for d in model.disputes.disputes if model.start_time <= d.t_end < model.end_time]
    assert s["disputes_closed"] == len(closed) > 0
    assert s["escalation_rate"] == pytest.approx(s["disputes_escalated"] / len(closed))


def test_a_warm_up_does_not_change_the_warm_up_days_themselves():
    """The warm-up only moves the start of observation: the same seed runs the same county
    the same way, so day 30-39 of a run without warm-up is days 0-9 of a run with 30 days of
    it."""
    a = RuralPolicingModel(small("clinic", days=40, warmup_days=0), seed=2).run().results()
    b = RuralPolicingModel(small("clinic", days=10, warmup_days=30), seed=2).run().results()
    cols = ["type", "village", "t_occur", "t_report", "t_arrival"]
    tail = a["incidents"][a["incidents"]["day"] >= 30][cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(tail, b["incidents"][cols].reset_index(drop=True))


def test_trust_stays_put_when_nothing_happens():
    """No incidents and no police contact (calls-for-service mode, demand off): word of mouth
    and decay to each person's disposition leave trust where it starts, so satisfaction
    cannot drift. Before the fix the spread shrank and satisfaction fell from ~24% to ~10%."""
    cfg = small(
        "clinic",
        days=200,
        warmup_days=0,
        crime={"enabled": False},
        disputes={"enabled": False},
        calls={"enabled": False},
    )
    model = RuralPolicingModel(cfg, seed=1)
    before = model.villagers.trust.copy()
    sat0 = model.community.satisfaction()
    model.community.contacts_and_trust(0.0, np.zeros(model.region.n))  # one quiet day
    for day in range(1, 200):
        model.community.contacts_and_trust(day * 1440.0, np.zeros(model.region.n))
    assert np.abs(model.villagers.trust - before).max() < 0.02
    assert model.community.satisfaction() == pytest.approx(sat0, abs=0.01)


def test_per_village_crime_rates_match_the_summary(warmed):
    """One base (registered residents) for every rate: the population-weighted mean of the
    villages' crime rates is the summary's."""
    _, t = warmed
    v, s = t["villages"], t["summary"]
    for kind in ("true", "recorded"):
        pooled = (v[f"{kind}_crime_per_1000_year"] * v["population"]).sum() / v["population"].sum()
        assert pooled == pytest.approx(s[f"{kind}_crime_per_1000"])


def test_reporting_rate_is_split_between_crime_and_calls(warmed):
    _, t = warmed
    inc, s = t["incidents"], t["summary"]
    crime = inc["type"].isin(["property", "violent"])
    assert s["reporting_rate_crime"] == pytest.approx(inc.loc[crime, "reported"].mean())
    assert s["reporting_rate_calls"] == pytest.approx(inc.loc[~crime, "reported"].mean())
    assert s["reporting_rate_crime"] < s["reporting_rate_calls"]


def test_an_auxiliary_who_reports_is_not_counted_at_the_scene_at_once(warmed):
    """Hearing of an incident is not being at the scene: first presence takes the walk."""
    _, t = warmed
    inc = t["incidents"]
    by_aux = inc[(inc["first_presence_by"] == "auxiliary") & (inc["reporter"] == "auxiliary")]
    assert len(by_aux) > 0
    assert (by_aux["first_presence_min"] > 0).all()


def _scenarios(**extra):
    base = small("clinic", days=8, warmup_days=0, **extra)
    a = validate_dict({**base, "name": "a"})
    b = validate_dict({**base, "name": "b", "policing": {**base["policing"], "preset": "hybrid"}})
    return {"a": a, "b": b}


def test_a_new_county_per_replicate_is_shared_by_the_scenarios():
    """counties: per_replicate draws each replicate's county from its seed, so scenarios of a
    replicate share the county (and the common random numbers: the same calls), while
    replicates differ."""
    res = run_many(_scenarios(), 2, base_seed=3, counties="per_replicate")
    v = res.tables["villages"]
    x = v.pivot_table(index=["replicate", "village"], columns="scenario", values="x_km")
    assert np.allclose(x["a"], x["b"])  # same county in a replicate
    r0 = v[(v["scenario"] == "a") & (v["replicate"] == 0)]["x_km"].to_numpy()
    r1 = v[(v["scenario"] == "a") & (v["replicate"] == 1)]["x_km"].to_numpy()
    assert not np.allclose(r0, r1)  # a new county per replicate
    calls = res.tables["incidents"].query("type == 'service'")
    for r in (0, 1):
        times = [
            calls[(calls["scenario"] == s) & (calls["replicate"] == r)]["t_occur"].to_numpy()
            for s in ("a", "b")
        ]
        np.testing.assert_array_equal(*times)  # common random numbers kept
    fixed = run_many(_scenarios(), 2, base_seed=3)
    fv = fixed.tables["villages"]
    assert np.allclose(
        fv[(fv["scenario"] == "a") & (fv["replicate"] == 0)]["x_km"],
        fv[(fv["scenario"] == "a") & (fv["replicate"] == 1)]["x_km"],
    )
    assert "new county" in interval_note("per_replicate")
    assert "one county" in interval_note("fixed")


def test_a_set_of_counties_cycles_over_replicates():
    sc = _scenarios()["a"]
    seeds = [county_for(sc, r, [4, 9]).region.seed for r in range(4)]
    assert seeds == [4, 9, 4, 9]
    assert "2 counties" in interval_note([4, 9])


def _halves(warmup: int) -> dict[str, float]:
    """Second half minus first half of a 240-day window, mean of daily values over 2 seeds."""
    out: dict[str, list[float]] = {"satisfaction": [], "mean_trust": []}
    for seed in (1, 2):
        cfg = small("hybrid", days=240, warmup_days=warmup, policing={"auxiliaries": 15})
        daily = RuralPolicingModel(cfg, seed=seed).run().results()["daily"]
        first, second = daily[daily["day"] < 120], daily[daily["day"] >= 120]
        for m in out:
            out[m].append(second[m].mean() - first[m].mean())
    return {m: float(np.mean(v)) for m, v in out.items()}


def test_no_drift_after_the_default_warm_up():
    """With the default warm-up (365 days) the trust a preset builds has settled: satisfaction
    and mean trust move by less than 0.004 and 0.0025 between the two halves of the observed
    window, while observed from day 0 they are still rising by more than that (the test could
    fail: the same runs with no warm-up show the drift). Satisfaction settles with an e-folding
    time of ~100 days (decay plus word of mouth, 0.01/day), so after 365 days less than 3% of
    the first-year change is left. Measured: settled +0.0015 and +0.0013, rising +0.0080 and
    +0.0047 (satisfaction's threshold, in the tail of the trust distribution since issue 25,
    makes its rise smaller than mean trust's would suggest; the tolerances, 0.01 and 0.005
    before, were tightened to lie between the settled and the rising drift)."""
    from simulation.scenario import WARMUP_DAYS

    settled, rising = _halves(WARMUP_DAYS), _halves(0)
    for metric, tolerance in (("satisfaction", 0.004), ("mean_trust", 0.0025)):
        assert rising[metric] > tolerance, rising
        assert abs(settled[metric]) < tolerance, settled
    # Visibility is left out: it is seasonal (migrants home for the Spring Festival change who
    # is present), not drifting.
