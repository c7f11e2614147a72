"""The county command centre (指挥中心): which officer goes, and the queue of waiting calls."""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING

from .movement import time_to
from .region import Region
from .scenario import DispatchConfig
from .vocab import IncidentType

if TYPE_CHECKING:
    from .agents import Officer
    from .response import Incident


class CommandCentre:
    """Closest available officer by travel time from where each officer really is; the
    village's own officer first when `dispatch.own_officer_first`; a priority queue
    (`dispatch.priority`), first come first served within a priority, when nobody is free.

    `own_officers` maps a village to its own officers (the policing model's deployment);
    `handling` is the call-handling time before a free officer leaves."""

    def __init__(
        self,
        config: DispatchConfig,
        region: Region,
        officers: list[Officer],
        own_officers: dict[int, list[Officer]],
        smart_dispatch: bool,
    ) -> None:
        self.region = region
        self.officers = officers
        self.own_officers = own_officers
        self.own_officer_first = config.own_officer_first
        self.priority: dict[IncidentType, int] = config.priority
        self.handling = config.call_handling_min * (
            config.smart_dispatch_factor if smart_dispatch else 1.0
        )
        self.queue: list[tuple[int, float, int, Incident]] = []

    def assign(self, incident: Incident, t: float) -> Officer | None:
        """The officer to send now, or None: then the incident joins the queue."""
        officer = self.closest_available(incident.village, t)
        if officer is None:
            heapq.heappush(self.queue, (self.priority[incident.type], t, incident.id, incident))
        return officer

    def next_job(self) -> Incident | None:
        """The oldest most urgent waiting incident, taken off the queue."""
        return heapq.heappop(self.queue)[3] if self.queue else None

    def closest_available(self, village: int, t: float) -> Officer | None:
        """The village's own available officer if any (closest of them), else the
        closest available officer in the county."""
        region = self.region
        if self.own_officer_first:
            own = [o for o in self.own_officers.get(village, ()) if o.available]
            if own:
                return min(own, key=lambda o: time_to(region, o.position(t), village))
        best, best_time = None, math.inf
        for o in self.officers:
            if o.available:
                tt = time_to(region, o.position(t), village)
                if tt < best_time:
                    best, best_time = o, tt
        return best

    def queued(self) -> list[Incident]:
        return [item[3] for item in self.queue]
