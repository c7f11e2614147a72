"""Mesa agents: Officer, Auxiliary, Offender and Villager.

Officers and auxiliaries are `CellAgent`s on the county's `mesa.discrete_space.Network`
(one cell per village). An officer's exact position, part-way along a road when
travelling, is `officer.position(t)`; its `cell` is the village it last stood in.
Villagers and offenders are views onto numpy columns (see villagers.py, demand.py),
so that touching thousands at once stays cheap.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING

from mesa import Agent
from mesa.discrete_space import CellAgent

from .movement import Position, Trip, at_village

if TYPE_CHECKING:
    from .incidents import Incident
    from .model import RuralPolicingModel
    from .scenario import Shift

ACTIVITIES = ("post", "patrol", "visit", "travel", "on_scene", "diverted", "off_duty")


class Officer(CellAgent):
    """A sworn officer (民警) of a township police station (派出所).

    Reads `policing.shifts`, `policing.diversion_share`, `policing.rotation_days`,
    `dispatch.*` and `on_scene.*`. `role` is "station", "village" (驻村民警) or
    "district" (警务区民警); `villages` are the assigned villages, `base` is where the
    officer waits when idle (the station, or a district police room 警务室).
    """

    def __init__(self, model: RuralPolicingModel, station: int, shift: Shift) -> None:
        super().__init__(model)
        self.station = station
        self.base = station
        self.shift = shift
        self.role = "station"
        self.villages: list[int] = []
        self.district: int | None = None
        self.activity = "off_duty"
        self.activity_since = 0.0
        self.time_use: dict[str, float] = defaultdict(float)
        self.pos: Position = at_village(station)
        self.trip: Trip | None = None
        self.after_trip = "post"  # activity on reaching the trip's destination
        self.on_duty = False
        self.incident: Incident | None = None
        self.next_decision = 0.0
        self.posted_since = -math.inf  # in post since long before the run: knows the villages
        self.next_village = 0  # round-robin pointer over assigned villages
        self.committed_since = 0.0
        self.committed_minutes = 0.0  # dispatch to clearance: the reactive workload
        self.cell = model.space[station]

    # --- state --------------------------------------------------------------------
    @property
    def available(self) -> bool:
        """On duty, not diverted, not committed to an incident."""
        return self.on_duty and self.incident is None and self.activity != "diverted"

    def set_activity(self, activity: str, t: float) -> None:
        """Switch activity at minute t, booking the time spent on the previous one."""
        self.time_use[self.activity] += t - self.activity_since
        self.activity, self.activity_since = activity, t

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
            self._arrive_at(trip.destination)

    def _arrive_at(self, village: int) -> None:
        self.trip = None
        self.pos = at_village(village)
        self.cell = self.model.space[village]

    @property
    def village_here(self) -> int | None:
        """The village the officer stands in, or None while on the road."""
        a, b, f = self.pos
        return a if self.trip is None and a == b else None

    def knowledge(self, t: float) -> float:
        """0-1: how well the officer knows the assigned villages (rotation resets it)."""
        learning = self.model.config.policing.learning_days * 1440.0
        return 1.0 if learning <= 0 else min(1.0, (t - self.posted_since) / learning)

    # --- movement -----------------------------------------------------------------
    def go(self, target: int, t: float, travel_activity: str, then: str, dwell: float) -> None:
        """Start a proactive trip (patrol, presence, return to base)."""
        pos = self.position(t)
        self.trip = None
        if pos == at_village(target):
            self._arrive_at(target)
            self.set_activity(then, t)
            self.next_decision = t + dwell
            return
        self.trip = Trip.plan(self.model.region, pos, target, t)
        self.after_trip = then
        self.set_activity(travel_activity, t)
        self.next_decision = self.trip.end + dwell

    def dispatch(self, incident: Incident, t: float, handling: float) -> None:
        """Send the officer to an incident; arrival is a scheduled event."""
        model = self.model
        self.settle(t)
        self.incident = incident
        start = self.position(t)
        self.trip = None
        cfg = model.config.dispatch
        speed = cfg.vehicle_kmh_factor
        if cfg.travel_time_cv > 0:  # lognormal trip-time factor with mean 1
            sigma2 = math.log(1.0 + cfg.travel_time_cv**2)
            speed /= model.behaviour_rng.lognormal(-sigma2 / 2, math.sqrt(sigma2))
        self.trip = Trip.plan(model.region, start, incident.village, t + handling, speed)
        self.set_activity("travel", t)
        incident.t_dispatch = t + handling
        incident.responder = self.unique_id
        incident.outcome = "en_route"
        self.committed_since = t
        model.schedule_event(self.arrive_at_scene, at=self.trip.end)

    def arrive_at_scene(self) -> None:
        """Scheduled: reach the scene, then stay for the on-scene time."""
        model = self.model
        t = model.time
        self._arrive_at(self.incident.village)
        self.set_activity("on_scene", t)
        self.incident.arrive(t)
        model.schedule_event(self.clear_scene, after=model.on_scene_time(self.incident.type))

    def clear_scene(self) -> None:
        """Scheduled: leave the scene with an outcome and take the next job."""
        model = self.model
        incident, self.incident = self.incident, None
        incident.clear(model.time, self)
        self.committed_minutes += model.time - self.committed_since
        self.set_activity("post", model.time)
        self.next_decision = model.time
        model.command_centre.officer_free(self)


class Auxiliary(CellAgent):
    """A village auxiliary (辅警 / 驻村协勤): lives in one village, on duty by day.

    Patrols and hears of disputes in its village, reports incidents at once, and goes
    first to a scene while an officer travels; cannot arrest. Reads
    `policing.auxiliary_day_start`, `policing.auxiliary_day_hours` and
    `dispatch.auxiliary_response_min`.
    """

    def __init__(self, model: RuralPolicingModel, village: int) -> None:
        super().__init__(model)
        self.village = village
        self.busy_until = 0.0
        self.scenes = 0
        self.cell = model.space[village]

    def on_duty(self, hour: int) -> bool:
        p = self.model.config.policing
        return (hour - p.auxiliary_day_start) % 24 < p.auxiliary_day_hours


class Offender(CellAgent):
    """A motivated offender: resident in a village (known to its officer once met) or
    roaming from outside. State lives in `model.crime` columns; this is a view."""

    def __init__(self, model: RuralPolicingModel, index: int, home: int) -> None:
        super().__init__(model)
        self.index = index
        self.cell = model.space[home]

    @property
    def resident(self) -> bool:
        return bool(self.model.crime.resident[self.index])

    @property
    def jailed_until(self) -> float:
        return float(self.model.crime.jailed_until[self.index])

    @property
    def known(self) -> bool:
        return bool(self.model.crime.known[self.index])


class Villager(Agent):
    """A villager: a view on row `index` of `model.villagers` (numpy columns)."""

    def __init__(self, model: RuralPolicingModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def village(self) -> int:
        return int(self.model.villagers.village[self.index])

    @property
    def household(self) -> int:
        return int(self.model.villagers.household[self.index])

    @property
    def age_group(self) -> str:
        return ("child", "adult", "elderly")[self.model.villagers.age[self.index]]

    @property
    def away(self) -> bool:
        """True while away as a migrant worker."""
        return not bool(self.model.villagers.present[self.index])

    @property
    def trust(self) -> float:
        return float(self.model.villagers.trust[self.index])
