"""Burglary and occupancy: empty homes are burgled more.

Source: Catalano (2010), *Victimization During Household Burglary*, Bureau of Justice
Statistics NCJ 227379 (NCVS 2003-2007): 21 burglaries per 1,000 households while no one
was home against 8 per 1,000 while a household member was present; that is, a household
member was present in 27.6% of burglaries.

Both rates are per 1,000 *households* (all households): a split of burglaries by whether
someone was home, so a household member was present in 8 / (8 + 21) = 27.6% of
burglaries. The model's crime.occupied_attractiveness (burglary risk of an occupied home
relative to an empty one, per household-hour) is calibrated to that share at the default
occupancy of its villages (~73% of household-hours occupied: left-behind elderly and
children). An earlier version read 8/21 as a per-exposure ratio and put ~50% of burglaries
in occupied homes; this suite caught it.

Two tests:
1. Validation: the share of burglaries with someone home is within 5 points of 27.6% (the
   model's share has a sampling error of ~1.5 points at this n).
2. Mechanism check (not a literature comparison): burglaries per household-hour occupied
   vs empty, measured from the incident log (source "occupied_home" / "empty_home")
   against exposure from model.villagers.empty_probability(households, hour) by village
   and hour outside Spring Festival, equal the parameter. The Mantel-Haenszel rate ratio
   is stratified by village x hour, because offenders choose the village and hour first
   and the home within them; the crude ratio is printed too. Tolerance: the 99% interval
   (Greenland-Robins variance) contains the parameter (8 replicates; the slow suite
   repeats it on 24) and is informative (half-width under 25% of the ratio, log scale).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.rhythms import MINUTES_PER_DAY
from simulation.scenario import Scenario
from tests.validation.stats import mantel_haenszel_rate_ratio

SEEDS = range(8)
RELATIVE_RISK = Scenario().crime.occupied_attractiveness  # the model's own parameter
PRESENT_SHARE = 8 / (8 + 21)  # 0.276


def _tables(runs, seeds=SEEDS):
    """Counts and exposure by village x hour, summed over replicates."""
    occupied = empty = occ_exposure = empty_exposure = 0.0
    for run in runs.get("clinic", seeds):
        inc = run.incidents
        b = inc[inc["source"].isin(["occupied_home", "empty_home"])]
        day = (b["t_occur"] // MINUTES_PER_DAY).astype(int).to_numpy()
        b = b[~run.festival_day[day]]
        hour = ((b["t_occur"] % MINUTES_PER_DAY) // 60).astype(int).to_numpy()
        village = b["village"].to_numpy()
        is_occ = (b["source"] == "occupied_home").to_numpy()
        shape = run.empty_exposure.shape
        a = np.zeros(shape)
        e = np.zeros(shape)
        np.add.at(a, (village[is_occ], hour[is_occ]), 1)
        np.add.at(e, (village[~is_occ], hour[~is_occ]), 1)
        occupied = occupied + a
        empty = empty + e
        occ_exposure = occ_exposure + run.occupied_exposure
        empty_exposure = empty_exposure + run.empty_exposure
    return occupied, occ_exposure, empty, empty_exposure


def _check_relative_risk(runs, seeds):
    a, e1, b, e0 = _tables(runs, seeds)
    mh = mantel_haenszel_rate_ratio(a, e1, b, e0, level=0.99)
    crude = (a.sum() / e1.sum()) / (b.sum() / e0.sum())
    print(
        f"{int(a.sum())} occupied / {int(b.sum())} empty-home burglaries; occupied share of "
        f"household-hours {e1.sum() / (e1.sum() + e0.sum()):.2f}; rate ratio occupied/empty: "
        f"Mantel-Haenszel {mh}, crude {crude:.3f} (parameter {RELATIVE_RISK:.3f})"
    )
    assert mh.low <= RELATIVE_RISK <= mh.high, f"rate ratio {mh} vs {RELATIVE_RISK:.3f}"
    assert math.log(mh.high / mh.low) / 2 <= 0.25, f"interval too wide: {mh}"


def test_occupied_homes_relative_risk_per_exposure(runs):
    """8 clinic replicates."""
    _check_relative_risk(runs, SEEDS)


@pytest.mark.slow
def test_occupied_homes_relative_risk_per_exposure_precisely(runs):
    """24 clinic replicates (~4,000 burglaries)."""
    _check_relative_risk(runs, range(24))


def test_share_of_burglaries_with_someone_home(runs):
    a, _, b, _ = _tables(runs)
    share = a.sum() / (a.sum() + b.sum())
    print(f"share of burglaries with someone home {share:.3f} (BJS {PRESENT_SHARE:.3f})")
    assert abs(share - PRESENT_SHARE) <= 0.05, f"{share:.3f} vs BJS {PRESENT_SHARE:.3f}"
