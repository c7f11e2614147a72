"""The county command centre (指挥中心): receives reports and assigns responders."""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING

from .movement import time_to

if TYPE_CHECKING:
    from .agents import Officer
    from .incidents import Incident
    from .model import RuralPolicingModel


class CommandCentre:
    """Closest available officer by travel time from where each officer really is;
    the village's own officer first when `dispatch.own_officer_first`; a priority queue
    (violent > property/dispute > service), first come first served within a priority,
    when nobody is free; the village auxiliary as first presence meanwhile."""

    def __init__(self, model: RuralPolicingModel) -> None:
        self.model = model
        self.queue: list[tuple[int, float, int, Incident]] = []
        self.own_officers: dict[int, list[Officer]] = {}
        cfg = model.config
        self.handling = cfg.dispatch.call_handling_min * (
            cfg.dispatch.smart_dispatch_factor if cfg.addons.smart_dispatch else 1.0
        )

    def receive(self, incident: Incident) -> None:
        """A report arrives (the incident's scheduled report event)."""
        t = self.model.time
        self._first_presence(incident, t)
        officer = self.closest_available(incident.village, t)
        if officer is None:
            heapq.heappush(self.queue, (incident.priority, t, incident.id, incident))
        else:
            officer.dispatch(incident, t, self.handling)

    def _first_presence(self, incident: Incident, t: float) -> None:
        model = self.model
        if not model.config.dispatch.auxiliary_first_presence:
            return
        aux = model.auxiliary_by_village.get(incident.village)
        if aux is None:
            return
        if incident.reporter == "auxiliary":
            incident.t_first_presence, incident.first_presence_by = t, "auxiliary"
            return
        if aux.on_duty(model.calendar.hour(t)) and aux.busy_until <= t:
            delay = model.behaviour_rng.exponential(model.config.dispatch.auxiliary_response_min)
            incident.t_first_presence, incident.first_presence_by = t + delay, "auxiliary"
            aux.busy_until = t + delay + 60.0  # assumption: an hour at the scene
            aux.scenes += 1

    def closest_available(self, village: int, t: float) -> Officer | None:
        """The village's own available officer if any (closest of them), else the
        closest available officer in the county."""
        region = self.model.region
        if self.model.config.dispatch.own_officer_first:
            own = [o for o in self.own_officers.get(village, ()) if o.available]
            if own:
                return min(own, key=lambda o: time_to(region, o.position(t), village))
        best, best_time = None, math.inf
        for o in self.model.officers:
            if o.available:
                tt = time_to(region, o.position(t), village)
                if tt < best_time:
                    best, best_time = o, tt
        return best

    def officer_free(self, officer: Officer) -> None:
        """An officer cleared a scene or came on duty: take the oldest most urgent job."""
        model, t = self.model, self.model.time
        if not officer.on_duty:
            return
        if not model.on_shift(officer, t):
            model.end_duty(officer, t)  # overtime is over
            return
        if self.queue and officer.available:
            _, _, _, incident = heapq.heappop(self.queue)
            officer.dispatch(incident, t, 0.0)  # handled while it waited
        elif officer.available:
            model.policing.next_move(officer, t)

    def queued(self) -> list[Incident]:
        return [item[3] for item in self.queue]
