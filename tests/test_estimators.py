"""Estimators across replicates and within a run, on constructed data where the answer is
known: ratios of means with Fieller's intervals (and the cost per incident prevented), differences
of ratios with paired delta-method intervals (tests/test_intervals.py measures their coverage), and
Kaplan-Meier response times with incidents still waiting censored."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulation.intervals import mean_ci, paired_ratio_difference_ci, ratio_ci
from simulation.metric_registry import METRICS, natural_range
from simulation.metrics import censored_response, km_quantile, with_ratios
from simulation.model import RuralPolicingModel
from simulation.runner import aggregate, cost_per_incident_prevented, differences
from simulation.scenario import Scenario
from simulation.summarise import cell, difference_table, headline_table

COST = METRICS["cost_per_incident_prevented_cny"]


# --- ratio of means ------------------------------------------------------------------------
def test_ratio_of_means_keeps_zeros_and_negatives():
    # Replicate ratios 0/0 (undefined), -4/2 and 10/4: the mean of ratios would drop the first
    # and give (-2 + 2.5) / 2 = 0.25; the ratio of means is (0 - 4 + 10) / (0 + 2 + 4) = 1.
    e = ratio_ci(np.array([0.0, -4.0, 10.0]), np.array([0.0, 2.0, 4.0]))
    assert e.value == pytest.approx(1.0)
    assert e.estimator == "ratio of means" and e.interval == "fieller"


@pytest.mark.parametrize("den", [[0.0, 0.0, 0.0], [1.0, -1.0, 0.0], [-2.0, 1.0, 0.5]])
def test_ratio_not_defined_when_mean_denominator_not_positive(den):
    e = ratio_ci(np.array([5.0, 5.0, 5.0]), np.array(den))
    assert math.isnan(e.value)
    assert cell(COST, e.value, e.low, e.high, e.interval) == "not defined: nothing prevented"


def test_ratio_interval_is_reproducible_and_covers_the_ratio():
    rng = np.random.default_rng(5)
    covered, trials = 0, 200
    for _ in range(trials):
        den = rng.poisson(40, 20).astype(float)
        num = rng.binomial(den.astype(int), 0.3).astype(float)  # true ratio 0.3
        e = ratio_ci(num, den)
        again = ratio_ci(num, den)
        assert (e.value, e.low, e.high) == (again.value, again.low, again.high)
        assert e.low <= e.value <= e.high
        covered += e.low <= 0.3 <= e.high
    # Nominal 95% (Fieller's interval is exact for normal totals; these are near normal). With
    # 200 trials the binomial sd is 1.5 points: 88-99% is nominal +- 4 sd on the low side.
    assert 0.88 <= covered / trials <= 0.99


def test_interval_unbounded_when_prevented_may_be_zero():
    prevented = np.array([6.0, -5.0, 2.0, -4.0, 3.0, -1.0])  # mean 1/6, sd 4.4: zero inside
    e = ratio_ci(np.full(6, 100.0), prevented, estimator="ratio of mean differences")
    assert e.value == pytest.approx(600.0)
    assert (e.low, e.high) == (-math.inf, math.inf)
    text = cell(COST, e.value, e.low, e.high, e.interval)
    assert text == "600 [unbounded: maybe nothing prevented]"
    # A clear effect keeps a finite interval: 100 / 5 = 20, Fieller's ends by hand:
    # t(5)^2 = 6.608, var(mean prevented) = 0.8 / 6: a = 25 - 0.881, b = 500, c = 10,000;
    # (b -+ sqrt(b^2 - a c)) / a = (500 -+ 93.86) / 24.119 = 16.84, 24.62.
    clear = ratio_ci(np.full(6, 100.0), np.array([4.0, 5.0, 6.0, 5.0, 4.0, 6.0]))
    assert (clear.low, clear.high) == pytest.approx((16.84, 24.62), abs=0.01)


def _summary(base_incidents, scen_incidents, base_cost, scen_cost, extra=None):
    """A constructed two-scenario summary of 365-day replicates."""
    n = len(base_incidents)
    rows = []
    for label, inc, cost in (
        ("base", base_incidents, base_cost),
        ("alt", scen_incidents, scen_cost),
    ):
        for r in range(n):
            row = {
                "scenario": label,
                "preset": label,
                "replicate": r,
                "seed": r,
                "days": 365.0,
                "true_incidents": inc[r],
                "cost_total_cny": cost[r] if np.ndim(cost) else cost,
            }
            for k, v in (extra or {}).get(label, {}).items():
                row[k] = v[r]
            rows.append(row)
    return pd.DataFrame(rows)


def test_cost_per_incident_prevented_is_a_ratio_of_mean_differences():
    # Extra cost 100 in every replicate; prevented 0, 1, 2: the replicate that prevents
    # nothing counts (mean of defined replicate ratios would give (100 + 50) / 2 = 75).
    s = _summary([10, 10, 10], [10, 9, 8], 1000.0, 1100.0)
    d = differences(s, "base").set_index("metric").loc["cost_per_incident_prevented_cny"]
    assert d["difference"] == pytest.approx(100.0)
    assert d["estimator"] == "ratio of mean differences" and d["interval"] == "fieller"


def test_free_model_that_prevents_nothing_is_not_defined_not_zero():
    s = _summary([10, 12, 9], [10, 12, 9], 1000.0, 1000.0)
    d = differences(s, "base")
    row = d.set_index("metric").loc["cost_per_incident_prevented_cny"]
    assert math.isnan(row["difference"])
    table = difference_table(d)
    assert table.loc[COST.heading, "alt"] == "not defined: nothing prevented"
    assert table.loc[COST.heading, "interval"] == "fieller"


def test_cost_per_incident_prevented_scales_to_a_year():
    base = pd.DataFrame({"true_incidents": [10.0, 10.0], "cost_total_cny": 0.0, "days": 73.0})
    alt = pd.DataFrame({"true_incidents": [9.0, 9.0], "cost_total_cny": 500.0})
    # One incident prevented in 73 days is 5 a year: 500 / 5 = 100 CNY per incident.
    assert cost_per_incident_prevented(alt, base).value == pytest.approx(100.0)


def test_paired_difference_keeps_the_replicate_pairs():
    # Baseline arrests vary a lot between replicates; the scenario clears 10 points more of
    # the same recorded crimes in every replicate. Paired, every replicate's linearised
    # difference is exactly 0.1; unpaired the interval would be wide.
    crimes = np.array([20.0, 50.0, 80.0, 40.0, 60.0])
    base_arrests = np.array([2.0, 40.0, 10.0, 30.0, 6.0])
    e = paired_ratio_difference_ci(base_arrests + 0.1 * crimes, crimes, base_arrests, crimes)
    assert e.value == pytest.approx(0.1)
    assert e.low == pytest.approx(0.1) and e.high == pytest.approx(0.1)
    # The same through `differences`, with the replicates in a different order per scenario.
    s = _summary(
        [1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1],
        0.0,
        0.0,
        {
            "base": {"arrests": base_arrests, "recorded_crime": crimes},
            "alt": {"arrests": base_arrests + 0.1 * crimes, "recorded_crime": crimes},
        },
    )
    s["clearance_rate"] = s["arrests"] / s["recorded_crime"]
    s = pd.concat([s[s.scenario == "base"], s[s.scenario == "alt"].iloc[::-1]])
    row = differences(s, "base").set_index("metric").loc["clearance_rate"]
    assert (row["difference"], row["ci_low"], row["ci_high"]) == pytest.approx((0.1, 0.1, 0.1))
    assert row["interval"] == "delta"


def test_aggregate_pools_ratio_metrics_and_names_the_interval():
    s = _summary(
        [10, 10, 10],
        [10, 10, 10],
        0.0,
        0.0,
        {
            "base": {"arrests": [1.0, 9.0, 0.0], "recorded_crime": [2.0, 10.0, 0.0]},
            "alt": {"arrests": [1.0, 1.0, 1.0], "recorded_crime": [2.0, 2.0, 2.0]},
        },
    )
    s["clearance_rate"] = s["arrests"] / s["recorded_crime"].replace(0, np.nan)
    agg = aggregate(s).set_index(["scenario", "metric"])
    # Ratio of means 10/12, not the mean of the defined replicate ratios (0.5 + 0.9) / 2.
    assert agg.loc[("base", "clearance_rate"), "mean"] == pytest.approx(10 / 12)
    assert agg.loc[("base", "clearance_rate"), "interval"] == "fieller"
    assert agg.loc[("base", "arrests"), "mean"] == pytest.approx(10 / 3)
    assert agg.loc[("base", "arrests"), "interval"] == "t"
    table = headline_table(aggregate(s))
    assert list(table.columns) == ["base", "alt", "interval"]


def test_t_intervals_stay_in_the_range_a_metric_can_take():
    """Two or three replicates give wide t intervals: a count's or a share's must not leave
    its natural range (no negative arrests, no visibility above 100%); paired differences
    may be negative and are not clipped."""
    assert natural_range("visibility") == (0.0, 1.0)  # a share
    assert natural_range("mean_trust") == (0.0, 1.0)  # a score
    assert natural_range("response_mean_remote_third_min") == (0.0, math.inf)
    assert natural_range("arrests") == (0.0, math.inf)
    assert natural_range("cost_per_incident_prevented_cny") == (-math.inf, math.inf)  # savings
    assert natural_range("not_a_metric") == (-math.inf, math.inf)
    _, lo, hi = mean_ci(np.array([0.0, 0.9]))
    assert lo < 0 and hi > 1  # t(1) = 12.7: the raw interval leaves [0, 1] on both sides
    assert mean_ci(np.array([0.0, 0.9]), bounds=(0.0, 1.0)) == pytest.approx((0.45, 0.0, 1.0))
    s = _summary(
        [10, 10, 10],
        [10, 10, 10],
        0.0,
        0.0,
        {
            "base": {"arrests": [1.0, 9.0, 0.0], "visibility": [0.02, 0.97, 0.9]},
            "alt": {"arrests": [1.0, 1.0, 1.0], "visibility": [0.5, 0.5, 0.5]},
        },
    )
    agg = aggregate(s).set_index(["scenario", "metric"])
    arrests = agg.loc[("base", "arrests")]  # mean 3.33, raw t interval [-8.9, 15.6]
    assert arrests["mean"] == pytest.approx(10 / 3)
    assert arrests["ci_low"] == 0.0 and arrests["ci_high"] > 10
    seen = agg.loc[("base", "visibility")]  # mean 0.63, raw t interval [-0.7, 1.9]
    assert (seen["ci_low"], seen["ci_high"]) == (0.0, 1.0)
    diff = differences(s, "base").set_index("metric").loc["arrests"]
    assert diff["ci_low"] < 0 < diff["ci_high"]  # a difference keeps its sign
    # A clipped interval is no longer mean ± half-width: tables show its ends.
    shown = cell(METRICS["arrests"], *arrests[["mean", "ci_low", "ci_high"]], "t")
    assert shown == f"3 [0, {arrests['ci_high']:,.0f}]"
    assert cell(METRICS["arrests"], 3.0, 1.0, 5.0, "t") == "3 ± 2"


# --- censored response times ---------------------------------------------------------------
def test_km_quantiles_against_a_hand_computation():
    # Waits (c: still waiting at the end): 2, 3, 3c, 5, 7c, 8, 10c, 12. Kaplan-Meier:
    # S(2) = 7/8, S(3) = 7/8 * 6/7 = 3/4, S(5) = 3/4 * 4/5 = 3/5, S(8) = 3/5 * 2/3 = 2/5,
    # S(12) = 0: the median is 8 (first S <= 1/2), the p90 12 (first S <= 1/10). Over the
    # answered alone (2, 3, 5, 8, 12) the median would be 5.
    waits = np.array([2, 3, 3, 5, 7, 8, 10, 12], dtype=float)
    answered = np.array([1, 1, 0, 1, 0, 1, 0, 1], dtype=bool)
    assert km_quantile(waits, answered, 0.5) == 8.0
    assert km_quantile(waits, answered, 0.9) == 12.0
    # 1, 2, 3 answered and 4 still waiting: S = 3/4, 1/2, 1/4 and no lower: p90 not reached.
    w, a = np.array([1.0, 2.0, 3.0, 4.0]), np.array([True, True, True, False])
    assert km_quantile(w, a, 0.5) == 2.0
    assert km_quantile(w, a, 0.9) == math.inf
    assert km_quantile(np.array([5.0, 6.0]), np.array([False, False]), 0.5) == math.inf
    assert math.isnan(km_quantile(np.array([]), np.array([], dtype=bool), 0.5))


def test_censored_response_on_a_constructed_incident_log():
    end = 100.0
    nan = math.nan
    inc = pd.DataFrame(
        {
            "reported": [True, True, True, True, True, False, True, True],
            "needs_officer": [True, True, True, True, True, True, False, True],
            "t_report": [0.0, 10.0, 50.0, 80.0, 95.0, nan, 5.0, 120.0],
            "t_arrival": [12.0, 50.0, nan, 90.0, nan, nan, nan, nan],
        }
    )
    inc["response_min"] = inc["t_arrival"] - inc["t_report"]
    s = with_ratios(censored_response(inc, end))
    # Needing an officer by the end: rows 0-4 (5 not reported, 6 handled on the phone, 7
    # reported after the end). Waits: 12, 40, 50c, 10, 5c.
    assert s["needing_officer"] == 5 and s["unanswered_at_end"] == 2
    assert s["unanswered_share"] == pytest.approx(0.4)
    # KM: 5c leaves the risk set first; S(10) = 3/4, S(12) = 3/4 * 2/3 = 1/2, S(40) = 1/4,
    # then 50c: the median is 12 (first S <= 1/2), the p90 not reached.
    assert s["response_km_median_min"] == 12.0
    assert s["response_km_p90_min"] == math.inf
    # Within 15: reported by 85 -> rows 0-3; reached within 15: rows 0 and 3.
    assert (s["eligible_within_15"], s["answered_within_15"]) == (4, 2)
    assert s["response_within_15"] == pytest.approx(0.5)
    # Within 30: reported by 70 -> rows 0-2; reached within 30: row 0 only.
    assert (s["eligible_within_30"], s["answered_within_30"]) == (3, 1)


@pytest.mark.parametrize("officers", [1, 2])
def test_overloaded_queue_counts_the_incidents_still_waiting(officers):
    # One or two officers for the whole default county: the queue grows faster than it is
    # served (1: ~2/3 of the calls still waiting after 30 days, 2: ~1/4).
    s = RuralPolicingModel(Scenario(days=30, policing={"officers": officers}), seed=0)
    s = s.run().results()["summary"]
    assert s["unanswered_share"] > 0.1
    assert s["unanswered_at_end"] == s["needing_officer"] - s["responded"]
    assert s["response_km_median_min"] > s["response_median_min"]
    assert s["response_km_p90_min"] > s["response_p90_min"]
    assert METRICS["response_km_median_min"].show(math.inf) == "not reached"


def test_every_declared_ratio_is_its_numerator_over_its_denominator():
    s = RuralPolicingModel(Scenario(days=5), seed=1).run().results()["summary"]
    for m in METRICS.values():
        if m.ratio is None or not m.per_run:
            continue
        num, den = (s[c] for c in m.ratio)
        expected = num / den if den else math.nan
        assert s[m.name] == pytest.approx(expected, nan_ok=True), m.name


def test_sweeps_pool_ratio_metrics_per_design_point():
    """Per design point a ratio metric is the ratio of means (2 arrests of 10 recorded and 0
    of 2: 2/12), not the mean of the replicate ratios (0.1); other columns are means."""
    from simulation.runner import pooled_means

    runs = pd.DataFrame(
        {
            "point": [0, 0, 1, 1],
            "arrests": [2, 0, 1, 1],
            "recorded_crime": [10, 2, 4, 0],
            "clearance_rate": [0.2, 0.0, 0.25, float("nan")],
            "officers": [5, 5, 9, 9],
        }
    )
    means = pooled_means(runs, "point")
    assert means.loc[0, "clearance_rate"] == pytest.approx(2 / 12)
    assert means.loc[1, "clearance_rate"] == pytest.approx(2 / 4)
    assert means.loc[0, "officers"] == 5


def test_an_interval_never_looks_like_a_point_unless_it_is_one():
    """The demo once printed 'satisfaction +8% [+8%, +8%]': intervals of non-zero width get
    the digits it takes to show their ends apart; a true point stays a point."""
    share = METRICS["visibility"]  # format {:.0%}
    assert cell(share, 0.8912, 0.8871, 0.8953, "t") == "89.1% ± 0.4%"
    assert cell(share, 0.0812, 0.0797, 0.0840, "fieller", signed=True) == "+8.1% [+8.0%, +8.4%]"
    assert cell(share, 0.0812, 0.0812, 0.0812, "t") == "8%"
    assert cell(share, 0.08, 0.02, 0.15, "fieller") == "8% [2%, 15%]"  # already apart
    count = METRICS["arrests"]  # format {:,.0f}
    assert cell(count, 1200.0, 1199.8, 1200.2, "t") == "1,200.0 ± 0.2"


def test_tables_of_few_replicates_say_their_intervals_are_rough():
    from simulation.summarise import rough_note, summary_markdown

    s = _summary([10, 12, 9], [9, 11, 8], 1000.0, 1100.0)
    agg, diffs = aggregate(s), differences(s, "base")
    md = summary_markdown("t", agg, diffs, "base", 3, 365, "intervals")
    assert "Only 3 replicate(s): the intervals are rough" in md
    assert rough_note(5) == "" and "rough" not in summary_markdown(
        "t", agg, diffs, "base", 5, 365, "intervals"
    )
