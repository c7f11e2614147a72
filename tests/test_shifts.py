"""Duty rosters and diversion to non-police work."""

from __future__ import annotations

import pytest

from simulation import RuralPolicingModel
from tests.helpers import small


@pytest.mark.parametrize(
    "shifts",
    [None, [{"start_hour": 0, "hours": 24, "share": 1.0}]],
    ids=["three-shift roster", "24-hour shift"],
)
def test_diverted_share_of_duty_time_matches_the_parameter(shifts):
    """Each shift an officer is diverted with probability diversion_share, so the diverted
    share of on-duty time is that probability. 10 officers x 90 days gives >= 900 draws:
    standard error <= 0.015; tolerance 0.05 (> 3 standard errors)."""
    policing = {"diversion_share": 0.3}
    if shifts:
        policing["shifts"] = shifts
    model = RuralPolicingModel(small("clinic", days=90, policing=policing), seed=4).run()
    o = model.results()["officers"]
    share = o["min_diverted"].sum() / o["on_duty_min"].sum()
    assert share == pytest.approx(0.3, abs=0.05)


def test_officers_work_their_shift_hours():
    model = RuralPolicingModel(small("clinic", days=30), seed=1).run()
    o = model.results()["officers"]
    # Overtime only extends a shift, so on-duty time is at least the rostered time.
    rostered = o["shift_hours"] * 60 * 30
    assert (o["on_duty_min"] >= rostered - 60).all()
    assert (o["on_duty_min"] <= rostered * 1.25).all(), "overtime should be modest"
