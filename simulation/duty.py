"""The duty board: what the hourly heartbeat needs to know about officers without asking
each of them every hour — who has a decision or a trip end due, who stands guard in which
village, and how many are on duty and busy. The officers keep it up to date as they change
state (agents.py); the heartbeat reads it (model.py)."""

from __future__ import annotations

import math

import numpy as np
from pydantic import Field, model_validator

from .section import Probability, Section


class Shift(Section):
    """A duty shift: officers of this group are on duty from `start_hour` for `hours`."""

    start_hour: int = Field(
        ge=0,
        lt=24,
        description="shift start, hour of day",
        json_schema_extra={"unit": "hour of day", "source": "setting"},
    )
    hours: int = Field(
        gt=0,
        le=24,
        description="shift length, hours",
        json_schema_extra={"unit": "hours", "source": "setting"},
    )
    share: Probability = Field(
        description="share of officers on this shift",
        json_schema_extra={"unit": "share 0-1", "source": "setting"},
    )
    station_duty_hours: float = Field(
        0.0,
        ge=0,
        description="hours of station duties (所务) each station officer owes per shift, done at "
        "the station between calls: household registration desk, inspections of premises, "
        "meetings, reports (resident officers owe none: their time is reserved for the villages)",
        json_schema_extra={
            "unit": "hours per shift",
            "source": "assumption: 2 h of the 9 h day shift, from a rural station officer's "
            "log in which inspections and station business fill about 4 of 22 working days "
            "(Zhang, 派出所功能与国家治理的法治化, K station, May 2014); 0 on evening and night "
            "duty; resident officers are exempt as the Hubei rule reserves >= 30 h a week of "
            "theirs for the community",
        },
    )

    @model_validator(mode="after")
    def _duty_fits(self) -> Shift:
        if self.station_duty_hours > self.hours:
            raise ValueError(
                f"station_duty_hours {self.station_duty_hours} is longer than the shift "
                f"({self.hours} h)"
            )
        return self


class DutyBoard:
    """Officers' state as the heartbeat reads it, for a county of `villages` villages."""

    def __init__(self, villages: int) -> None:
        self._due: dict[int, list[int]] = {}  # heartbeat hour -> officers (stale allowed)
        self._next_hour = 0  # the first heartbeat not yet handed out
        self.guards = np.zeros(villages)  # officers on a guarding activity in each village
        self.visitors = np.zeros(villages)  # of whom on household visits
        self.posted = np.zeros(villages)  # officers on duty at their station or police room
        self.on_duty = 0
        self.busy = 0  # on duty and committed to an incident

    def due_at(self, minute: float, officer: int) -> None:
        """Officer `officer` may need attention at the first heartbeat at or after `minute`
        (the next one, if that heartbeat has been handed out already)."""
        if minute < math.inf:
            hour = max(math.ceil(minute / 60.0), self._next_hour)
            due = self._due.get(hour)
            if due is None:
                self._due[hour] = [officer]
            else:
                due.append(officer)

    def due_by(self, t: float) -> list[int]:
        """The officers (indices, ascending, once each) with something due at the heartbeat
        of minute t (a whole hour)."""
        hour = round(t / 60.0)
        self._next_hour = hour + 1
        due = self._due.pop(hour, None)
        return sorted(set(due)) if due else []

    def move_post(self, old: int, new: int) -> None:
        """An officer left its post in village `old` or came to it in `new` (-1: none)."""
        if old >= 0:
            self.posted[old] -= 1.0
        if new >= 0:
            self.posted[new] += 1.0

    def move_guard(self, old: int, old_visit: bool, new: int, new_visit: bool) -> None:
        """An officer's guard post changed from village `old` to `new` (-1: none)."""
        if old >= 0:
            self.guards[old] -= 1.0
            if old_visit:
                self.visitors[old] -= 1.0
        if new >= 0:
            self.guards[new] += 1.0
            if new_visit:
                self.visitors[new] += 1.0
