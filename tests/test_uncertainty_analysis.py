"""The uncertainty analysis gives known answers: on a made-up comparison where option B beats
the baseline A exactly when a parameter p exceeds 0.3, B is best in 70% of worlds, the answer
flips in the box p < 0.3, p carries the value of information and an irrelevant parameter none;
plus the arithmetic and edge cases of each function."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import qmc

from simulation.uncertainty.analysis import (
    Box,
    acceptability,
    decide,
    evpi_total,
    evppi,
    flips,
    net_benefit,
    prim_box,
    probability_best,
    sobol_first_order,
)

N = 400
K = 1000.0  # net benefit of B per unit of p above 0.3
BOUNDS = {"p": (0.0, 1.0), "noise": (0.0, 1.0)}


@pytest.fixture(scope="module")
def known() -> tuple[pd.DataFrame, pd.DataFrame]:
    """400 worlds; B prevents p crimes a year at an extra cost of 300 (+ small noise), so at
    1000 per crime its net benefit is K (p - 0.3) - noise; `noise` does not enter at all."""
    rng = np.random.default_rng(20240521)
    params = pd.DataFrame(
        {"p": rng.uniform(0, 1, N), "noise": rng.uniform(0, 1, N)},
        index=pd.Index(range(N), name="world"),
    )
    jitter = rng.normal(0, 2.0, N)
    p = params["p"].to_numpy()
    a = pd.DataFrame(
        {
            "world": range(N),
            "option": "A",
            "true_crimes_per_year": 50.0,
            "escalations_per_year": 5.0,
            "cost_total_cny": 1000.0,
            "value": 0.0,
        }
    )
    b = pd.DataFrame(
        {
            "world": range(N),
            "option": "B",
            "true_crimes_per_year": 50.0 - p,
            "escalations_per_year": 5.0,
            "cost_total_cny": 1300.0 + jitter,
            "value": K * (p - 0.3) - jitter,
        }
    )
    world_means = pd.concat([a, b]).sort_values(["world", "option"]).reset_index(drop=True)
    return world_means, params


def _nb(world_means: pd.DataFrame) -> pd.DataFrame:
    return net_benefit(world_means, "A", wtp_crime=K, wtp_escalation=0.0)


def test_probability_best_known_answer(known):
    world_means, _ = known
    pb = probability_best(world_means, {"value": "higher"}).set_index("option")
    se = math.sqrt(0.7 * 0.3 / N)
    assert abs(pb.loc["B", "p_best"] - 0.7) < 3 * se
    assert pb.loc["A", "p_best"] + pb.loc["B", "p_best"] == pytest.approx(1.0)
    assert pb.loc["B", "mc_se"] == pytest.approx(
        math.sqrt(pb.loc["B", "p_best"] * (1 - pb.loc["B", "p_best"]) / N)
    )
    assert (pb["worlds"] == N).all()


def test_decision_known_answer(known):
    world_means, _ = known
    nb = _nb(world_means)
    wide = nb.pivot(index="world", columns="option", values="net_benefit")
    assert np.allclose(wide["B"], world_means.query("option == 'B'")["value"].to_numpy())
    d = decide(nb)
    assert d.preferred == "B"
    assert abs(d.p_cost_effective["B"] - 0.7) < 3 * math.sqrt(0.7 * 0.3 / N)
    # E[max(0, K (p - 0.3))] - K (E p - 0.3) = K (0.245 - 0.2) for p ~ U(0, 1)
    assert d.evpi == pytest.approx(0.045 * K, rel=0.25)
    assert d.expected_loss["B"] == pytest.approx(d.evpi)
    assert d.expected_loss["A"] == pytest.approx(d.evpi + d.expected["B"])
    assert evpi_total(nb) == pytest.approx(d.evpi)


def test_prim_finds_the_flip_region(known):
    world_means, params = known
    nb = _nb(world_means)
    cases = flips(nb, decide(nb).preferred)
    assert abs(cases.mean() - 0.3) < 0.07
    box = prim_box(params, cases, BOUNDS)
    assert box is not None
    assert set(box.limits) == {"p"}, box.describe()
    low, high = box.limits["p"]
    assert low == 0.0  # unrestricted side: the plausible range's end
    assert abs(high - 0.3) < 0.1
    assert box.coverage > 0.8 and box.density > 0.8, box.describe()
    assert 0 < box.mass < 1
    # the same from an array in params' row order
    assert prim_box(params, cases.to_numpy(), BOUNDS) == box


def test_prim_reports_only_restrictions_beyond_five_percent():
    """A second restriction at half the range is reported (its free side at the range's
    end); one at 3% of the range is not, and the box's statistics are those of the box as
    reported."""
    rng = np.random.default_rng(3)
    n = 2000
    params = pd.DataFrame({"p": rng.uniform(0, 1, n), "noise": rng.uniform(0, 1, n)})
    half = prim_box(params, (params["p"] < 0.3) & (params["noise"] > 0.5), BOUNDS)
    assert half is not None and set(half.limits) == {"p", "noise"}, half
    assert half.limits["noise"][1] == 1.0 and abs(half.limits["noise"][0] - 0.5) < 0.1
    cases = (params["p"] < 0.3) & (params["noise"] > 0.03)
    small = prim_box(params, cases, BOUNDS, alpha=0.02)
    assert small is not None and set(small.limits) == {"p"}, small
    inside = params["p"] <= small.limits["p"][1]
    assert small.density == pytest.approx(cases[inside].mean())
    assert small.coverage == pytest.approx(cases[inside].sum() / cases.sum())
    assert small.mass == pytest.approx(inside.mean())


def test_prim_without_cases_or_with_only_cases(known):
    _, params = known
    assert prim_box(params, np.zeros(N, dtype=bool), BOUNDS) is None
    assert prim_box(params, np.ones(N, dtype=bool), BOUNDS) is None


def test_evppi_ranks_the_parameter_that_matters(known):
    world_means, params = known
    nb = _nb(world_means)
    table = evppi(nb, params)
    assert list(table.columns) == ["parameter", "evppi"]
    assert table["parameter"].iloc[0] == "p"
    values = table.set_index("parameter")["evppi"]
    assert values["p"] > 0
    assert values["noise"] < 0.05 * values["p"]
    assert (table["evppi"] >= 0).all()
    # partial information is worth no more than perfect information
    assert values["p"] <= table.attrs["evpi"] + 1e-9
    assert table.attrs["evpi"] > 0


def test_evppi_of_the_only_driver_is_the_evpi():
    """Net benefit a noise-free, kinked function of p: knowing p is knowing everything, so
    the spline (GCV picks little smoothing) recovers EVPPI(p) = EVPI."""
    worlds = pd.Index(range(200), name="world")
    p = qmc.Sobol(d=1, seed=11).random(256)[:200, 0]
    params = pd.DataFrame({"p": p}, index=worlds)
    nb = pd.DataFrame(
        {
            "world": np.repeat(worlds, 3),
            "option": ["A", "B", "C"] * 200,
            "net_benefit": np.column_stack(
                [np.zeros(200), K * (p - 0.3), K * np.minimum(0.6 - p, 0.2)]
            ).ravel(),
        }
    )
    table = evppi(nb, params)
    assert table["evppi"].iloc[0] == pytest.approx(table.attrs["evpi"], rel=0.02)
    assert table.attrs["evpi"] > 0.05 * K


def test_evppi_falls_back_to_a_line_for_few_values():
    """A parameter with 3 distinct values: a straight line through the tied means; EVPPI is
    then exact for a net benefit linear in it."""
    worlds = pd.Index(range(30), name="world")
    q = np.tile([0.0, 0.5, 1.0], 10)
    params = pd.DataFrame({"q": q}, index=worlds)
    nb = pd.DataFrame(
        {
            "world": np.repeat(worlds, 2),
            "option": ["A", "B"] * 30,
            "net_benefit": np.column_stack([np.zeros(30), 10 * (q - 0.5)]).ravel(),
        }
    )
    # perfect information on q: choose B only when q = 1 -> E = 10 * 0.5 / 3; without: 0
    assert evppi(nb, params)["evppi"].iloc[0] == pytest.approx(5 / 3)


def test_net_benefit_arithmetic():
    wm = pd.DataFrame(
        {
            "world": [0, 0, 1, 1],
            "option": ["base", "new", "base", "new"],
            "crimes": [100.0, 90.0, 80.0, 85.0],
            "escalations": [10.0, 8.0, 6.0, 6.0],
            "cost": [1000.0, 1500.0, 1000.0, 900.0],
        }
    )
    nb = net_benefit(wm, "base", 100.0, 50.0, "crimes", "escalations", "cost")
    assert list(nb.columns) == ["world", "option", "net_benefit"]
    got = nb.set_index(["world", "option"])["net_benefit"]
    assert got[(0, "base")] == 0 and got[(1, "base")] == 0
    assert got[(0, "new")] == 100 * 10 + 50 * 2 - 500  # 600
    assert got[(1, "new")] == 100 * -5 + 50 * 0 + 100  # -400


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf])
@pytest.mark.parametrize("which", ["wtp_crime", "wtp_escalation"])
def test_net_benefit_refuses_bad_willingness_to_pay(known, bad, which):
    world_means, _ = known
    kwargs = {"wtp_crime": 1.0, "wtp_escalation": 1.0, which: bad}
    with pytest.raises(ValueError, match=which) as err:
        net_benefit(world_means, "A", **kwargs)
    assert "\n" not in str(err.value)


def test_net_benefit_refuses_an_unknown_baseline(known):
    world_means, _ = known
    with pytest.raises(ValueError, match="baseline 'C'") as err:
        net_benefit(world_means, "C", 1.0, 1.0)
    assert "\n" not in str(err.value)


def test_probability_best_ties_and_direction():
    wm = pd.DataFrame(
        {
            "world": [0, 0, 0, 1, 1, 1, 2, 2, 2],
            "option": ["x", "y", "z"] * 3,
            "same": [1.0, 1.0, 2.0] * 3,  # x and y tie, z above them
            "gappy": [1.0, 2.0, 3.0, math.nan, 1.0, 0.0, 5.0, 4.0, 6.0],
        }
    )
    pb = probability_best(wm, {"same": "lower", "gappy": "higher"}).set_index(["metric", "option"])
    assert pb.loc[("same", "x"), "p_best"] == 0.5
    assert pb.loc[("same", "y"), "p_best"] == 0.5
    assert pb.loc[("same", "z"), "p_best"] == 0.0
    assert pb.loc[("same", "x"), "mc_se"] == pytest.approx(math.sqrt(0.25 / 3))
    # higher is better; world 1 (a NaN) is left out
    assert pb.loc[("gappy", "z"), "p_best"] == 1.0
    assert (pb.loc["gappy", "worlds"] == 2).all()
    flipped = probability_best(wm, {"same": "higher"}).set_index("option")
    assert flipped.loc["z", "p_best"] == 1.0


def test_acceptability_moves_from_cheapest_to_most_effective():
    worlds = 50
    rng = np.random.default_rng(7)
    rows = []
    for w in range(worlds):
        crimes = 100 + rng.normal(0, 5)
        for option, cost, prevented in [("base", 1000, 0), ("cheap", 900, 1), ("strong", 2000, 8)]:
            rows.append(
                {
                    "world": w,
                    "option": option,
                    "c": crimes - prevented,
                    "e": 3.0,
                    "k": cost + rng.normal(0, 10),
                }
            )
    wm = pd.DataFrame(rows)
    curve = acceptability(wm, "base", [0.0, 10_000.0], 2.0, crimes="c", escalations="e", cost="k")
    assert list(curve.columns) == [
        "wtp_crime",
        "wtp_escalation",
        "option",
        "p_cost_effective",
        "expected_net_benefit",
        "expected_loss",
    ]
    at = curve.set_index(["wtp_crime", "option"])
    assert at.loc[(0.0, "cheap"), "p_cost_effective"] == 1.0
    assert at.loc[(10_000.0, "strong"), "p_cost_effective"] == 1.0
    assert at.loc[(10_000.0, "strong"), "expected_loss"] == 0.0
    assert (curve.loc[curve["wtp_crime"] == 10_000.0, "wtp_escalation"] == 20_000.0).all()
    assert curve.groupby("wtp_crime")["p_cost_effective"].sum().tolist() == [1.0, 1.0]


def test_acceptability_with_equal_costs_and_different_effects():
    """Costs differ, effects do not: the cheapest is cost-effective at every willingness to
    pay."""
    wm = pd.DataFrame(
        {
            "world": [0, 0, 1, 1],
            "option": ["base", "lean"] * 2,
            "true_crimes_per_year": [10.0, 10.0, 12.0, 12.0],
            "escalations_per_year": [1.0, 1.0, 1.0, 1.0],
            "cost_total_cny": [500.0, 400.0, 500.0, 450.0],
        }
    )
    curve = acceptability(wm, "base", [0.0, 1e6], 1.0)
    assert (curve.loc[curve["option"] == "lean", "p_cost_effective"] == 1.0).all()


def test_sobol_first_order_finds_the_dominant_input():
    """(Few bootstrap resamples: SALib's kernel densities are slow when BLAS threads compete.)"""
    sample = qmc.LatinHypercube(d=2, seed=3).random(300)
    worlds = pd.Index(range(300), name="world")
    params = pd.DataFrame(sample, columns=["x1", "x2_conf"], index=worlds)  # SALib-hostile name
    params["fixed"] = 0.5
    y = pd.Series(3 * params["x1"] + 0.1 * params["x2_conf"], index=worlds)
    bounds = {"x1": (0.0, 1.0), "x2_conf": (0.0, 1.0), "fixed": (0.0, 1.0)}
    state = np.random.get_state()
    table = sobol_first_order(y, params, bounds, seed=0, num_resamples=10)
    assert np.random.get_state()[1].tolist() == state[1].tolist()  # global state untouched
    assert list(table.columns) == ["parameter", "S1", "S1_conf", "delta", "delta_conf"]
    assert table["parameter"].iloc[0] == "x1"
    got = table.set_index("parameter")
    assert got.loc["x1", "S1"] > 0.8
    assert got.loc["x2_conf", "S1"] < 0.1
    assert got.loc["x1", "delta"] > got.loc["x2_conf", "delta"]
    assert (got.loc["fixed", ["S1", "S1_conf", "delta", "delta_conf"]] == 0).all()
    # deterministic given the seed
    pd.testing.assert_frame_equal(
        table, sobol_first_order(y, params, bounds, seed=0, num_resamples=10)
    )


def test_sobol_first_order_of_a_constant_is_zero():
    worlds = pd.Index(range(50), name="world")
    params = pd.DataFrame({"a": np.linspace(0, 1, 50), "b": np.linspace(1, 2, 50)}, index=worlds)
    table = sobol_first_order(pd.Series(4.0, index=worlds), params, {})
    assert sorted(table["parameter"]) == ["a", "b"]
    assert (table[["S1", "S1_conf", "delta", "delta_conf"]] == 0).all().all()


def test_box_describe():
    box = Box(limits={"crime.guardian_effect": (0.2, 0.41)}, coverage=0.92, density=0.951, mass=0.3)
    text = box.describe()
    assert "crime.guardian_effect in [0.20, 0.41]" in text
    assert "coverage 92%" in text and "density 95%" in text
    assert "\n" not in text


def test_flips_leave_ties_with_the_preferred_alone():
    nb = pd.DataFrame(
        {
            "world": [0, 0, 1, 1, 2, 2],
            "option": ["A", "B"] * 3,
            "net_benefit": [0.0, 5.0, 0.0, -1.0, 0.0, 0.0],
        }
    )
    assert flips(nb, "B").tolist() == [False, True, False]
    with pytest.raises(ValueError, match="preferred"):
        flips(nb, "C")
