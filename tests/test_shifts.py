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


def test_station_duties_fill_their_hours_of_the_day_shift():
    """Day-shift officers owe shift.station_duty_hours (2 of 9 h by default) of station duties
    a shift, done at base between calls; evening and night shifts owe none. Diversion is off so
    every shift owes its duties. Calls interrupt the duties and the officer resumes them after
    any casework, so nearly all of it gets done: at least 90% of 2/9 and never more."""
    model = RuralPolicingModel(
        small("clinic", days=60, policing={"diversion_share": 0.0}), seed=3
    ).run()
    o = model.results()["officers"]
    day = o[o["shift_hours"] == 9]
    other = o[o["shift_hours"] != 9]
    share = day["min_station_duty"].sum() / day["on_duty_min"].sum()
    assert 0.9 * 2 / 9 <= share <= 2 / 9 + 1e-9
    assert (other["min_station_duty"] == 0).all()
    # Utilisation counts station duties; incident workload leaves them out.
    assert (o["utilisation"] >= o["incident_utilisation"] - 1e-12).all()
    assert day["utilisation"].mean() > day["incident_utilisation"].mean() + 0.15


def test_no_station_duties_in_calls_for_service_mode():
    """A pure queue: officers only answer calls."""
    model = RuralPolicingModel(small("clinic", days=20, mode="calls_for_service"), seed=3).run()
    assert model.results()["officers"]["min_station_duty"].sum() == 0
