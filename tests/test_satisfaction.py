"""Satisfaction follows experience: promptness against expectation, outcome and manner, with bad
judgments weighing more than good ones (Skogan 2006), word of mouth in the village, and the
population's satisfaction falling when responses slow and rising with good handling."""

from __future__ import annotations

import numpy as np
import pytest

from simulation import RuralPolicingModel
from simulation.vocab import Outcome
from tests.helpers import small
from tests.validation.stats import mean_ci


def _model(**trust):
    """A small county before its first day, with villagers and their trust, nothing run."""
    return RuralPolicingModel(small("clinic", trust=trust), seed=3)


def _household_change(model, response_min, outcome, household=0):
    """Trust change of a household's members after one response."""
    vt = model.villagers
    members = vt.members(household)
    before = vt.trust[members].copy()
    model.community.responded(household, response_min, outcome, 0.0)
    return vt.trust[members] - before, before


def test_a_prompt_solved_well_handled_response_raises_trust():
    model = _model(poor_manner_share=0.0)
    change, before = _household_change(model, 10.0, Outcome.ARREST)
    # three good judgments: trust moves 3 x 0.03 of the way to 1
    assert change == pytest.approx(0.09 * (1 - before))


def test_a_bad_judgment_weighs_more_than_a_good_one():
    """Late (wholly: 3x the expected 20 min) and unsolved, well handled: one good judgment and
    two bad ones at weight 4 -> 0.03 x (1 - 8) = -0.21 of the way to 0."""
    model = _model(poor_manner_share=0.0)
    change, before = _household_change(model, 60.0, Outcome.NO_ARREST)
    assert change == pytest.approx(-0.21 * before)
    symmetric = _model(poor_manner_share=0.0, bad_experience_weight=1.0)
    change1, before1 = _household_change(symmetric, 60.0, Outcome.NO_ARREST)
    assert change1 == pytest.approx(-0.03 * before1)


def test_lateness_grows_with_the_log_of_the_delay():
    community = _model().community
    assert community.lateness(20.0) == 0.0
    assert community.lateness(20.0 * 3**0.5) == pytest.approx(0.5)
    assert community.lateness(60.0) == pytest.approx(1.0)
    assert community.lateness(600.0) == 1.0
    slower = [community.lateness(m) for m in (25, 30, 40, 50)]
    assert slower == sorted(slower) and slower[0] > 0


def test_the_village_hears_of_it():
    """Word of mouth: every resident of the household's village moves by vicarious_weight of
    the household's change; other villages do not move."""
    model = _model(poor_manner_share=0.0, vicarious_weight=0.1)
    vt = model.villagers
    v = int(vt.hh_village[0])
    before = vt.trust.copy()
    model.community.responded(0, 60.0, Outcome.NO_ARREST, 0.0)
    village = np.arange(vt.village_start[v], vt.village_end[v])
    others = np.setdiff1d(village, np.arange(vt.n)[vt.members(0)])
    assert vt.trust[others] == pytest.approx(before[others] * (1 - 0.1 * 0.21))
    outside = np.arange(vt.village_end[v], vt.n)
    assert np.array_equal(vt.trust[outside], before[outside])


def test_calls_for_service_mode_moves_no_trust():
    model = RuralPolicingModel(small("clinic", mode="calls_for_service"), seed=3)
    change, _ = _household_change(model, 600.0, Outcome.NO_ARREST)
    assert not change.any()


def _paired_difference(config_a, config_b, seeds):
    """Per seed: satisfaction of b minus a (common random numbers: one seed, both arms)."""
    out = []
    for seed in seeds:
        a = RuralPolicingModel(config_a, seed=seed).run().results()["summary"]
        b = RuralPolicingModel(config_b, seed=seed).run().results()["summary"]
        out.append(b["satisfaction"] - a["satisfaction"])
    return mean_ci(out)


def test_satisfaction_falls_when_responses_slow():
    """The small mountain county for a year under clinic policing, 10 officers against 4 (the
    median response roughly doubles): satisfaction falls. 4 paired seeds (common random
    numbers); the 95% interval of the paired difference lies below 0 (measured -0.5 points
    [-0.8, -0.2]: a year of slower responses reaches the few households that call and, by
    word of mouth, their villages)."""
    many = small("clinic", days=365)
    few = small("clinic", days=365, policing={"officers": 4, "min_officers_per_station": 2})
    est = _paired_difference(many, few, range(4))
    print(f"satisfaction, 4 officers - 10: {est}")
    assert est.high < 0, est


def test_satisfaction_rises_with_good_handling():
    """The same county and seeds, responses judged poorly handled 30% of the time against 2%:
    satisfaction is higher with good handling (95% interval of the paired difference above 0;
    measured +0.5 points [+0.3, +0.8])."""
    poor = small("clinic", days=365, trust={"poor_manner_share": 0.3})
    good = small("clinic", days=365, trust={"poor_manner_share": 0.02})
    est = _paired_difference(poor, good, range(4))
    print(f"satisfaction, good handling - poor: {est}")
    assert est.low > 0, est
