"""The police side's Mesa agents: Officer and Auxiliary.

Officers and auxiliaries are `CellAgent`s on the county's `mesa.discrete_space.Network`
(one cell per village). An officer's exact position, part-way along a road when
travelling, is `officer.position(t)`; its `cell` is the village it last stood in.
Villagers and offenders are Mesa agents too, as views onto numpy columns beside their
columns (`Villager` in villagers.py, `Offender` in crime.py), so that touching thousands at
once stays cheap.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mesa import Model
from mesa.discrete_space import CellAgent, Network

from .movement import Position, Trip, at_village
from .units import MINUTES_PER_DAY
from .vocab import GUARDING, Activity, Role

if TYPE_CHECKING:
    from .duty import DutyBoard, Shift
    from .region import Region

ACTIVITIES = tuple(Activity)


class Officer(CellAgent):
    """A sworn officer (民警) of a township police station (派出所).

    `role` is station, village (驻村民警) or district (警务区民警); `villages` are the assigned
    villages, `base` is where the officer waits when idle (the station, or a district police
    room 警务室). `learning_days` is how long a newly posted officer takes to know them.
    The officer keeps the roster's duty board (duty.py) up to date as its state changes.
    """

    def __init__(
        self,
        model: Model,
        space: Network,
        region: Region,
        board: DutyBoard,
        index: int,
        station: int,
        shift: Shift,
        learning_days: float,
    ) -> None:
        super().__init__(model)
        self.region = region
        self.board = board
        self.index = index  # position in the roster (the order officers decide in)
        self.station = station
        self.base = station
        self.shift = shift
        self.learning_min = learning_days * MINUTES_PER_DAY
        self.role = Role.STATION
        self.villages: list[int] = []
        self.district: int | None = None
        self.activity = Activity.OFF_DUTY
        self.activity_since = 0.0
        self._minutes = [0.0] * len(ACTIVITIES)  # time use, by activity
        self.pos: Position = at_village(station)
        self.trip: Trip | None = None
        self.after_trip = Activity.POST  # activity on reaching the trip's destination
        self.on_duty = False
        self.incident: object | None = None  # the job committed to (response.py owns it)
        self._next_decision = 0.0
        self.posted_since = -math.inf  # in post since long before the run: knows the villages
        self.next_village = 0  # round-robin pointer over assigned villages
        self.committed_since = 0.0
        self.committed_minutes = 0.0  # dispatch to clearance: the reactive workload
        self.casework_owed = 0.0  # minutes of paperwork still to do at base
        self.km_driven = 0.0  # vehicle-km on duty (trips finished or cut short)
        self.station_duty_owed = 0.0  # minutes of this shift's station duties still to do
        self.guard_village = -1  # the village this officer stands guard in (-1: none)
        self.post_village = -1  # the station or police room it is at, on duty (-1: none)
        self.visiting = False  # ... on household visits
        self.space = space
        self.cell = space[station]

    # --- state --------------------------------------------------------------------
    @property
    def available(self) -> bool:
        """On duty, not diverted, not committed to an incident."""
        return self.on_duty and self.incident is None and self.activity is not _DIVERTED

    @property
    def next_decision(self) -> float:
        """Minute of the officer's next routine decision (inf: none planned)."""
        return self._next_decision

    @next_decision.setter
    def next_decision(self, minute: float) -> None:
        self._next_decision = minute
        self.board.due_at(minute, self.index)

    @property
    def time_use(self) -> dict[Activity, float]:
        """Minutes spent on each activity so far (booked at each change of activity)."""
        return {a: m for a, m in zip(ACTIVITIES, self._minutes, strict=True) if m}

    def close_books(self, t: float) -> None:
        """Book time use and committed time up to minute t (a job still open counts up to t)."""
        self.settle(t)
        self.set_activity(self.activity, t)
        if self.incident is not None:
            self.committed_minutes += t - self.committed_since
            self.committed_since = t

    def open_books(self, t: float) -> None:
        """Start time use and committed time afresh at minute t (the end of the warm-up)."""
        self.close_books(t)
        self._minutes = [0.0] * len(ACTIVITIES)
        self.committed_minutes = 0.0
        self.committed_since = t

    def set_activity(self, activity: Activity, t: float) -> None:
        """Switch activity at minute t, booking the time spent on the previous one."""
        spent = t - self.activity_since
        previous = self.activity
        self._minutes[_ORDER[previous]] += spent
        if previous is _CASEWORK:
            self.casework_owed = max(0.0, self.casework_owed - spent)
        elif previous is _STATION_DUTY:
            self.station_duty_owed = max(0.0, self.station_duty_owed - spent)
        self.activity, self.activity_since = activity, t
        if activity is not previous and (
            self.trip is None or self.guard_village >= 0 or self.post_village >= 0
        ):
            self._sync_guard()

    def _sync_guard(self) -> None:
        """Tell the duty board where this officer stands guard (patrol, visits, a scene) or is
        at its post (at base, in the station or police room), if that changed."""
        a = self.activity
        v = post = -1
        if self.trip is None:
            p, q, _f = self.pos
            if p == q:
                if a in _GUARDING:
                    v = p
                elif p == self.base and a in _AT_BASE:
                    post = p
        visiting = v >= 0 and a is _VISIT
        if v != self.guard_village or visiting != self.visiting:
            self.board.move_guard(self.guard_village, self.visiting, v, visiting)
            self.guard_village, self.visiting = v, visiting
        if post != self.post_village:
            self.board.move_post(self.post_village, post)
            self.post_village = post

    def position(self, t: float) -> Position:
        """Exact position at minute t (part-way along a road while travelling)."""
        if self.trip is not None:
            return self.trip.position(t)
        return self.pos

    def settle(self, t: float) -> None:
        """Finish a non-response trip that ended by minute t (booked at its real end)."""
        trip = self.trip
        if trip is not None and self.incident is None and trip.end <= t:
            self.set_activity(self.after_trip, trip.end)
            self.km_driven += trip.kms[-1]
            self._arrive_at(trip.destination)

    def km_by(self, t: float) -> float:
        """Vehicle-km on duty by minute t, the trip under way included."""
        return self.km_driven + (self.trip.km_at(t) if self.trip is not None else 0.0)

    def _end_trip(self, t: float) -> None:
        """Book the km of the current trip driven by minute t and drop it."""
        if self.trip is not None:
            self.km_driven += self.trip.km_at(t)
            self.trip = None

    def _arrive_at(self, village: int) -> None:
        self.trip = None
        if self.pos[0] != village or self.pos[1] != village:
            self.pos = at_village(village)
            self.cell = self.space[village]
        self._sync_guard()

    @property
    def village_here(self) -> int | None:
        """The village the officer stands in, or None while on the road."""
        a, b, _f = self.pos
        return a if self.trip is None and a == b else None

    def knowledge(self, t: float) -> float:
        """0-1: how well the officer knows the assigned villages (rotation resets it)."""
        learning = self.learning_min
        return 1.0 if learning <= 0 else min(1.0, (t - self.posted_since) / learning)

    # --- duty -----------------------------------------------------------------------
    def on_shift(self, t: float) -> bool:
        """True while minute t lies within the officer's rostered shift."""
        hour = (t % MINUTES_PER_DAY) / 60.0
        return (hour - self.shift.start_hour) % 24 < self.shift.hours

    def come_on_duty(self) -> None:
        if not self.on_duty:
            self.on_duty = True
            self.board.on_duty += 1

    def go_off_duty(self, t: float) -> None:
        self.settle(t)
        self._end_trip(t)
        self.set_activity(Activity.OFF_DUTY, t)
        if self.on_duty:
            self.on_duty = False
            self.board.on_duty -= 1
        self._arrive_at(self.base)  # the journey home is off duty
        self.next_decision = math.inf

    def divert(self, t: float) -> None:
        """Non-police duty for the shift (非警务): at base, not available."""
        self.settle(t)
        self._end_trip(t)
        self.set_activity(Activity.DIVERTED, t)
        self._arrive_at(self.base)
        self.next_decision = math.inf

    # --- movement -----------------------------------------------------------------
    def go(self, target: int, t: float, travel: Activity, then: Activity, dwell: float) -> None:
        """Start a proactive trip (patrol, presence, return to base)."""
        pos = self.position(t)
        self._end_trip(t)
        if pos[0] == target and pos[1] == target and pos[2] == 0.0:
            self._arrive_at(target)
            self.set_activity(then, t)
            self.next_decision = t + dwell
            return
        trip = self.trip = Trip.plan(self.region, pos, target, t)
        self.after_trip = then
        self.set_activity(travel, t)
        self._sync_guard()  # on the road: guarding nowhere, whatever the activity
        self.next_decision = trip.end + dwell
        if dwell > 0.0:  # the trip ends before the decision: settle it at its own hour
            self.board.due_at(trip.end, self.index)

    # --- responding -----------------------------------------------------------------
    def start_response(
        self, incident: object, village: int, t: float, handling: float, speed: float
    ) -> float:
        """Commit to an incident and drive there, leaving after call handling; the arrival
        minute."""
        self.settle(t)
        self.incident = incident
        self.board.busy += 1
        start = self.position(t)
        self._end_trip(t)
        self.trip = Trip.plan(self.region, start, village, t + handling, speed)
        self.set_activity(Activity.TRAVEL, t)
        self._sync_guard()
        self.committed_since = t
        return self.trip.end

    def reach_scene(self, t: float) -> None:
        assert self.trip is not None
        destination = self.trip.destination
        self._end_trip(t)
        self._arrive_at(destination)
        self.set_activity(Activity.ON_SCENE, t)

    def do_base_work(self, t: float) -> bool:
        """Idle: casework owed first, then the shift's station duties, at base (interrupted
        by any dispatch). False when nothing is owed."""
        activity = self.activity
        if activity is _CASEWORK or activity is _STATION_DUTY:
            self.set_activity(activity, t)  # book (and deduct) what was done so far
        if self.casework_owed > 1e-6:
            self.go(self.base, t, Activity.TRAVEL, then=_CASEWORK, dwell=self.casework_owed)
            return True
        if self.station_duty_owed > 1e-6:
            self.go(self.base, t, Activity.TRAVEL, then=_STATION_DUTY, dwell=self.station_duty_owed)
            return True
        return False

    def leave_scene(self, t: float) -> None:
        """Clear the scene: the job's time is booked; the officer is free at once."""
        self.incident = None
        self.board.busy -= 1
        self.committed_minutes += t - self.committed_since
        self.set_activity(Activity.POST, t)
        self.next_decision = t


_ORDER = {a: i for i, a in enumerate(ACTIVITIES)}
_DIVERTED, _CASEWORK, _STATION_DUTY = Activity.DIVERTED, Activity.CASEWORK, Activity.STATION_DUTY
_VISIT = Activity.VISIT
_GUARDING = tuple(GUARDING)  # tuple: membership by identity, no hashing
_AT_BASE = (Activity.POST, _CASEWORK, _STATION_DUTY)  # on duty in the station or police room


class Auxiliary(CellAgent):
    """A village auxiliary (辅警 / 驻村协勤): lives in one village, on duty `day_hours` a day
    from `day_start`.

    Patrols and hears of disputes in its village, reports incidents at once, and goes
    first to a scene while an officer travels; cannot arrest.
    """

    def __init__(
        self, model: Model, space: Network, village: int, day_start: int, day_hours: int
    ) -> None:
        super().__init__(model)
        self.village = village
        self.day_start = day_start
        self.day_hours = day_hours
        self.busy_until = 0.0
        self.scenes = 0
        self.cell = space[village]

    def on_duty(self, hour: int) -> bool:
        return (hour - self.day_start) % 24 < self.day_hours
