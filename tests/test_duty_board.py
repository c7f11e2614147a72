"""The duty board (simulation/duty.py) agrees with the officers it summarises: after every
heartbeat its guard and visit head counts, on-duty and busy counts equal a recount over the
officers, and no officer with a trip ended or a decision due was left untouched."""

from __future__ import annotations

import numpy as np
import pytest

from simulation import RuralPolicingModel
from simulation.vocab import GUARDING, Activity

from .helpers import small


class CheckedModel(RuralPolicingModel):
    """Recounts the board from the officers after each heartbeat."""

    checked = 0
    most_guards = 0.0
    guard_hours_today = 0.0

    def heartbeat(self) -> None:
        super().heartbeat()
        t = self.now
        if t >= self.end_time:
            return
        guards, visitors = np.zeros(self.region.n), np.zeros(self.region.n)
        for o in self.officers:
            v = o.village_here
            if o.on_duty and v is not None and o.activity in GUARDING:
                guards[v] += 1
                visitors[v] += o.activity == Activity.VISIT
            # What the old heartbeat did for every officer on duty, every hour:
            if o.on_duty and o.incident is None and o.trip is not None:
                assert o.trip.end > t, f"officer {o.index}: trip ended, not settled"
            if o.available:
                assert o.next_decision > t, f"officer {o.index}: decision due, not taken"
        board = self.roster.board
        np.testing.assert_array_equal(board.guards, guards)
        np.testing.assert_array_equal(board.visitors, visitors)
        assert board.on_duty == sum(o.on_duty for o in self.officers)
        assert board.busy == sum(o.on_duty and o.incident is not None for o in self.officers)
        self.checked += 1
        self.most_guards = max(self.most_guards, guards.sum())
        if self.calendar.hour(t) == 0:
            self.guard_hours_today = 0.0
        self.guard_hours_today += guards.sum()


@pytest.mark.parametrize(
    "preset,extra",
    [
        ("hybrid", {}),
        ("patrol", {"policing": {"officers": 10, "rotation_days": 5, "learning_days": 3}}),
        ("district_officer", {"policing": {"officers": 10, "diversion_share": 0.3}}),
    ],
)
def test_board_matches_a_recount_every_hour(preset, extra):
    model = CheckedModel(small(preset, days=8, **extra), seed=4)
    model.run()
    assert model.checked == 8 * 24
    assert model.most_guards >= 2  # officers did stand guard in the villages


def test_presence_hours_count_learning_officers_by_knowledge():
    """With rotation, newcomers' presence counts by how well they know the villages: less
    than a head count (1 per officer-hour) while someone is learning; a head count without
    rotation."""
    cfg = small("village_officer", days=3)
    cfg["policing"].update({"rotation_days": 2, "learning_days": 20})
    model = CheckedModel(cfg, seed=2)
    model.run(days=2.5)  # ends at noon: today's presence so far
    assert model.presence.learned_by > model.now  # someone is still learning
    assert 0 < model.presence.officer_hours.sum() < model.guard_hours_today
    cfg["policing"].update({"rotation_days": None})
    model = CheckedModel(cfg, seed=2)
    model.run(days=2.5)
    assert model.presence.officer_hours.sum() == model.guard_hours_today > 0
