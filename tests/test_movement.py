"""Officers have real positions part-way along roads; a dispatch routes from there."""

from __future__ import annotations

import pytest

from simulation import RuralPolicingModel
from simulation.movement import time_to, xy
from simulation.vocab import IncidentType
from tests.helpers import line_county_config, run_minutes


@pytest.fixture
def line_county(tmp_path):
    """Four villages on a line, 10 minutes apart: A - B - C - D."""
    model = RuralPolicingModel(line_county_config(tmp_path), seed=0)
    run_minutes(model, 1)  # first heartbeat: the officer comes on duty at A
    return model


def test_position_part_way_along_a_road(line_county):
    model = line_county
    officer = model.officers[0]
    officer.go(3, model.now, "patrol", then="patrol", dwell=30)  # A -> D, 30 minutes
    start = model.now
    assert officer.position(start + 15) == (1, 2, pytest.approx(0.5))  # half way B-C
    assert xy(model.region, officer.position(start + 15)) == pytest.approx((7.5, 0.0))
    assert officer.position(start + 40) == (3, 3, 0.0)


def test_dispatch_mid_journey_routes_from_the_real_position(line_county):
    model = line_county
    officer = model.officers[0]
    officer.go(3, model.now, "patrol", then="patrol", dwell=30)
    run_minutes(model, 15)  # now half way between B and C
    pos = officer.position(model.now)
    assert time_to(model.region, pos, 0) == pytest.approx(15.0)  # back through B to A
    assert time_to(model.region, pos, 3) == pytest.approx(15.0)  # on through C to D
    incident = model.incidents.new(IncidentType.SERVICE, 1, model.now)  # at B
    incident.t_discover = incident.t_report = model.now
    incident.reported = True
    incident.lifecycle = model.response
    model.response.received(incident)
    assert incident.responder == officer.unique_id
    assert incident.t_dispatch == pytest.approx(model.now)
    run_minutes(model, 6)
    assert incident.t_arrival == pytest.approx(incident.t_dispatch + 5.0)  # turns back to B


def test_position_during_call_handling_is_where_the_officer_stood(line_county):
    from simulation.movement import Trip

    trip = Trip.plan(line_county.region, (1, 2, 0.5), 3, now=100.0)  # leaves at minute 100
    assert trip.position(90.0) == (1, 2, 0.5)
    assert trip.position(102.5)[2] == pytest.approx(0.75)
