"""Random preventive patrol has no detectable effect on crime; focused presence does.

Sources:
- Kelling, Pate, Dieckman & Brown (1974), *The Kansas City Preventive Patrol Experiment*
  (Police Foundation): 15 beats, one year (1972-73); reactive beats (no preventive
  patrol), control beats (normal) and proactive beats (2-3x the normal patrol) showed no
  statistically significant difference in reported crime, victimisation, or fear.
- Ariel, Weinborn & Sherman (2016), "'Soft' policing at hot spots - do police community
  support officers work? A randomized controlled trial", J. Exp. Criminology 12(3):
  unarmed, uniformed PCSOs at 34 Peterborough hot spots (37 vs 16 minutes a day, ~2.4x):
  39% fewer crimes reported by victims (and 20% fewer 999 calls) than the 38 controls.
- Sherman & Weisburd (1995), "General deterrent effects of police patrol in crime 'hot
  spots': a randomized, controlled trial", Justice Quarterly 12(4): ~2x patrol presence
  at 55 of 110 Minneapolis hot spots, 6-13% fewer crime calls.

Design: paired replicates (common random numbers: each seed runs in both arms, and the
model draws offence attempts, calls and dispute onsets from streams that do not depend
on policing), the default hill county over a year. Effects are ratios of per-replicate
crime rates (geometric mean of paired ratios, t interval on the paired log ratios).
"True crime" is property + violent incidents, reported or not; "recorded crime" is the
subset reported to the police (the literature's outcome: calls and recorded crime).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.validation.stats import paired_ratio

FAST_SEEDS = range(8)
KC_SEEDS = range(40)
MINNEAPOLIS_SEEDS = range(24)


def _metric(runs, name, seeds, key):
    return np.array([r.summary[key] for r in runs.get(name, seeds)])


def _presence(runs, name, seeds):
    return np.array([r.presence_hours for r in runs.get(name, seeds)])


@pytest.mark.slow
def test_kansas_city_random_patrol_has_no_detectable_effect(runs):
    """Reactive (clinic), control (patrol 0.3) and proactive (patrol 0.9) arms, 40 paired
    replicates each (enough for the equivalence test to have power: the 90% interval's
    half-width is ~3%, against a 10% margin).

    Manipulation check: the proactive arm has 2-3x the village presence hours of the
    control arm, as in Kansas City.

    Criterion (equivalence, two one-sided tests at 5%): the 90% interval of the paired
    crime ratio lies within [1/1.1, 1.1], for true and for recorded crime, for proactive
    vs control and proactive vs reactive. Why +-10%: Kansas City compared 5 beats per
    arm over one year, a design that could not have shown effects of a few percent to be
    significant; and the margin sits inside the 6-13% that focused presence achieved in
    Minneapolis, so random patrol passes only if it does less than a typical hot-spot
    programme. (An equivalence test, not a non-significant t-test: with enough
    replicates any non-zero effect becomes significant; the p-values are printed.)
    """
    presence = _presence(runs, "patrol_0.9", KC_SEEDS) / _presence(runs, "patrol_0.45", KC_SEEDS)
    print(f"presence ratio proactive/control: mean {presence.mean():.2f}")
    assert 2.0 <= presence.mean() <= 3.0, "the proactive arm should have 2-3x the presence"
    failures = []
    for control in ("patrol_0.45", "clinic"):
        for key in ("true_crime_per_1000", "recorded_crime_per_1000"):
            est = paired_ratio(
                _metric(runs, "patrol_0.9", KC_SEEDS, key),
                _metric(runs, control, KC_SEEDS, key),
                level=0.90,
            )
            print(f"patrol_0.9 / {control} {key}: {est}")
            if not (est.low >= 1 / 1.1 and est.high <= 1.1):
                failures.append(f"{control} {key} {est}")
    assert not failures, f"random patrol effect not shown within +-10%: {failures}"


def _near(runs, name, seeds, reported):
    return np.array([r.near_post_burglaries(reported) for r in runs.get(name, seeds)], float)


def test_peterborough_auxiliaries_cut_crime_where_they_stand(runs):
    """Village auxiliaries (auxiliary_network) against the reactive clinic, 8 paired
    replicates, at the place an auxiliary stands: burglaries of the households within reach of
    the village's post (`crime.guardian_reach_share` of them). Peterborough measured crimes at
    treated micro hot spots, a place-level effect, not a whole village's.

    Criterion: the reduction is detectable (paired t-test p < 0.01) and at least
    Peterborough's lower bound (39% - 15 points: ratio <= 0.76), for true and for recorded
    burglaries; and no stronger than a guardian there round the clock would give with the
    largest declared guardian effect (ratio >= exp(-1.2) = 0.30). A post staffed 10 h a day
    is a larger dose than Peterborough's ~21 extra minutes of PCSO patrol a day, so a cut
    above 39% is expected.
    """
    for reported in (False, True):
        est = paired_ratio(
            _near(runs, "auxiliary", FAST_SEEDS, reported),
            _near(runs, "clinic", FAST_SEEDS, reported),
        )
        what = "recorded" if reported else "true"
        print(f"auxiliary / clinic, {what} burglaries near the post: {est}")
        assert est.p_value < 0.01, f"{what}: auxiliary effect not detectable, {est}"
        assert 0.30 <= est.value <= 0.76, f"{what}: ratio {est} outside [0.30, 0.76]"


def test_auxiliaries_guard_their_post_not_the_whole_village(runs):
    """The same runs, village-wide: auxiliaries cut true crime far less than at their post
    (a village auxiliary is not a guardian over ~16 km2 of natural villages), and households
    away from the post gain less than those next to it. Criterion: the village-wide ratio of
    true crime lies between the post's ratio and 1 (both 99% intervals)."""
    near = paired_ratio(
        _near(runs, "auxiliary", FAST_SEEDS, False),
        _near(runs, "clinic", FAST_SEEDS, False),
        level=0.99,
    )
    village = paired_ratio(
        _metric(runs, "auxiliary", FAST_SEEDS, "true_crime_per_1000"),
        _metric(runs, "clinic", FAST_SEEDS, "true_crime_per_1000"),
        level=0.99,
    )
    print(f"auxiliary / clinic true crime: near the post {near}, village-wide {village}")
    assert near.high < village.low, "the post should gain more than the village as a whole"
    assert village.high < 1.0, "auxiliaries should still cut true crime village-wide"


MINNEAPOLIS_XFAIL = (
    "Re-examined with guardianship bounded to the households within reach (issue 25): at the "
    "place (the post's households, the analogue of a Minneapolis hot spot), doubling auxiliary "
    "hours (5 h -> 10 h) cuts burglaries by ~20%, more than Minneapolis's 6-13% of crime "
    "calls, because deterrence is exp(-guardian_effect x guardians) per hour: linear in hours "
    "of presence on the log scale, with no saturation. Village-wide the cut is ~4% (the post "
    "is a third of the village). Reproducing Minneapolis at the place needs a saturating "
    "dose-response, which the model does not have."
)


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=MINNEAPOLIS_XFAIL)
def test_minneapolis_doubling_focused_presence(runs):
    """Village auxiliaries on duty 5 h vs 10 h a day (2x presence in the same places),
    24 paired replicates. The auxiliaries' reporting channel is off in both arms, so that
    only presence differs and crime calls (recorded crime) track crime, as in
    Minneapolis, where extra patrol did not change who called the police.

    Manipulation check: presence ratio 1.8-2.2.
    Criterion, for crime calls (recorded crime) and for true crime: the reduction is
    detectable (the 99% interval of the paired ratio excludes 1, i.e. p < 0.01) and
    consistent with Minneapolis (that interval of the reduction overlaps 6-13%).
    """
    treated, control = "auxiliary_10h_no_aux_reports", "auxiliary_5h_no_aux_reports"
    presence = _presence(runs, treated, MINNEAPOLIS_SEEDS) / _presence(
        runs, control, MINNEAPOLIS_SEEDS
    )
    print(f"presence ratio 10h/5h: mean {presence.mean():.2f}")
    assert 1.8 <= presence.mean() <= 2.2
    for reported in (True, False):  # crime calls at the place, then true burglaries there
        est = paired_ratio(
            _near(runs, treated, MINNEAPOLIS_SEEDS, reported),
            _near(runs, control, MINNEAPOLIS_SEEDS, reported),
            level=0.99,
        )
        what = "recorded" if reported else "true"
        low_cut, high_cut = 1 - est.high, 1 - est.low
        print(f"10h / 5h {what} burglaries near the post: {est} (reduction {1 - est.value:.1%})")
        assert est.high < 1.0, f"{what}: doubling presence has no detectable effect, {est}"
        assert low_cut <= 0.13 and high_cut >= 0.06, (
            f"{what}: reduction {low_cut:.1%}-{high_cut:.1%} does not overlap Minneapolis 6-13%"
        )
