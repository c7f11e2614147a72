"""The county command centre (指挥中心): which officer goes, and the queues of waiting calls."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from .movement import time_to
from .region import Region
from .section import Probability, Section, plausible
from .vocab import IncidentType, check_incident_types

if TYPE_CHECKING:
    from .agents import Officer
    from .incident import Incident

QueueItem = tuple[int, float, int, "Incident"]  # (priority, time received, id, incident)


class DispatchConfig(Section):
    """The county command centre."""

    call_handling_min: float = Field(
        2,
        ge=0,
        description="report to dispatch when an officer is free, minutes "
        "(Kansas City: dispatch ~2 min)",
        json_schema_extra={
            "unit": "minutes",
            "source": "Kansas City response time study: dispatch ~2 min",
            "plausible": plausible(
                1,
                5,
                "Kansas City response time study: dispatch ~2 min (1977, US); a county 110 "
                "centre relaying to a township station may take longer",
                dist="triangular",
                mode=2,
            ),
        },
    )
    smart_dispatch_factor: Probability = Field(
        0.5,
        description="call-handling multiplier with smart dispatch. Assumption",
        json_schema_extra={
            "unit": "ratio",
            "source": "assumption",
            "plausible": plausible(
                0.25,
                1.0,
                "expert range (assumption): smart dispatch (location, status) cuts call handling "
                "by an unmeasured amount; 1 = no gain",
                dist="triangular",
                mode=0.5,
            ),
        },
    )
    own_officer_first: bool = Field(
        True,
        description="send the village's own officer first when available",
        json_schema_extra={
            "unit": "",
            "source": "setting (seeds: the village's own officer is dispatched first)",
        },
    )
    own_officer_max_extra_min: float | None = Field(
        10,
        ge=0,
        description="the village's own officer goes first only if its travel time is at most "
        "this much longer than the closest available officer's, minutes; null = always the own "
        "officer. Assumption",
        json_schema_extra={
            "unit": "minutes",
            "source": "setting: the command centre's dispatch rule (the own officer first, seeds) "
            "unless another is clearly nearer; assumption: 10 min, the order of call handling plus "
            "a short drive",
        },
    )
    mutual_aid_after_min: float | None = Field(
        60,
        ge=0,
        description="jurisdiction first (属地管辖): an incident is answered by its own township's "
        "station; once it has waited this long in that station's queue, the closest free officer "
        "of another township within dispatch.mutual_aid_max_travel_min goes (支援), or the first "
        "such to come free; null = never",
        json_schema_extra={
            "unit": "minutes",
            "source": "setting: police stations answer their own jurisdiction (属地管辖); "
            "assumption: the command centre orders support from another station when the own "
            "station cannot come within the hour",
        },
    )
    mutual_aid_max_travel_min: float | None = Field(
        30,
        ge=0,
        description="mutual aid comes only from an officer at most this many minutes' drive "
        "from the incident (a neighbouring station across the township border); null = from "
        "anywhere in the county",
        json_schema_extra={
            "unit": "minutes",
            "source": "setting: the command centre's mutual-aid rule; assumption: support is asked "
            "of a neighbouring station's officer within half an hour, not of one hours away whose "
            "officer would arrive after the own station's",
        },
    )
    auxiliary_first_presence: bool = Field(
        True,
        description="send the village auxiliary as first presence",
        json_schema_extra={"unit": "", "source": "setting"},
    )
    auxiliary_response_min: float = Field(
        8,
        ge=0,
        description="mean time for an auxiliary to reach a scene in its village",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption: on foot or motorbike within the village",
            "plausible": plausible(
                3,
                20,
                "expert range (assumption): on foot or motorbike within the village, a few minutes "
                "in a compact village to a quarter hour or more in a dispersed hill village",
                dist="triangular",
                mode=8,
            ),
        },
    )
    auxiliary_scene_min: float = Field(
        60,
        ge=0,
        description="time a village auxiliary stays at a scene before taking another, minutes",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption: an hour at the scene",
            "plausible": plausible(
                20,
                120,
                "expert range (assumption): an auxiliary holds the scene until the officer comes "
                "and helps after, from a short stop to a couple of hours",
                dist="triangular",
                mode=60,
            ),
        },
    )
    priority: dict[IncidentType, int] = Field(
        default_factory=lambda: {
            IncidentType.VIOLENT: 0,
            IncidentType.PROPERTY: 1,
            IncidentType.DISPUTE: 1,
            IncidentType.SERVICE: 2,
        },
        description="dispatch priority by incident type, lower is more urgent; first come first "
        "served within a priority",
        json_schema_extra={
            "unit": "rank",
            "source": "setting: violent before property and disputes before other calls",
        },
    )
    travel_time_cv: float = Field(
        0.2,
        ge=0,
        le=2,
        description="coefficient of variation of a response trip's duration (traffic, weather, "
        "finding the house); 0 = deterministic road times",
        json_schema_extra={
            "unit": "ratio",
            "source": "assumption",
            "plausible": plausible(
                0.05,
                0.5,
                "expert range (assumption): rural trip times vary with weather, road works and "
                "finding the house; unmeasured",
                dist="triangular",
                mode=0.2,
            ),
        },
    )
    vehicle_kmh_factor: float = Field(
        1.0,
        gt=0,
        description="response driving speed relative to normal road speed",
        json_schema_extra={
            "unit": "ratio",
            "source": "assumption",
            "plausible": plausible(
                0.8,
                1.4,
                "expert range (assumption): lights and siren speed a response on open roads; "
                "narrow village roads and finding the way slow it",
                dist="triangular",
                mode=1.0,
            ),
        },
    )

    @field_validator("priority")
    @classmethod
    def _every_type_ranked(cls, p: dict[IncidentType, int]) -> dict[IncidentType, int]:
        check_incident_types(p)
        return p


class CommandCentre:
    """Jurisdiction first (属地管辖): an incident is answered by the police station of its own
    township, the closest available of that station's officers by travel time from where each
    really is; the village's own officer first when `dispatch.own_officer_first`, unless it is
    more than `dispatch.own_officer_max_extra_min` slower than the closest. When nobody of the
    township is free the incident waits in its township's priority queue (`dispatch.priority`,
    first come first served within a priority). Another township's officer goes only by mutual
    aid (支援): once the incident has waited `dispatch.mutual_aid_after_min` (null: never), the
    closest free officer in the county if at most `dispatch.mutual_aid_max_travel_min` away,
    or, if none, the first officer that near to come free with nothing to do in its own
    township.

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
        self.own_officer_max_extra = config.own_officer_max_extra_min
        self.mutual_aid_after = config.mutual_aid_after_min
        self.mutual_aid_reach = config.mutual_aid_max_travel_min
        self.priority: dict[IncidentType, int] = config.priority
        self.handling = config.call_handling_min * (
            config.smart_dispatch_factor if smart_dispatch else 1.0
        )
        # The officers of each township's station(s): the incident's own station answers.
        self.by_township: dict[int, list[Officer]] = {}
        for o in officers:
            self.by_township.setdefault(self.township_of(o.station), []).append(o)
        self.queues: dict[int, list[QueueItem]] = {}  # township -> its waiting incidents
        self.waiting: dict[int, QueueItem] = {}  # incident id -> its queue item
        self.aid: dict[int, QueueItem] = {}  # the same, of incidents open to mutual aid

    def township_of(self, village: int) -> int:
        return int(self.region.township[village])

    def assign(self, incident: Incident, t: float) -> Officer | None:
        """The officer of the incident's township to send now, or None: then the incident
        joins its township's queue."""
        officer = self.closest_available(incident.village, t)
        if officer is None:
            item = (self.priority[incident.type], t, incident.id, incident)
            heapq.heappush(self.queues.setdefault(self.township_of(incident.village), []), item)
            self.waiting[incident.id] = item
        return officer

    def next_job(self, officer: Officer, t: float) -> Incident | None:
        """The job of an officer coming free at minute t, taken off its queue: the oldest
        most urgent incident waiting in the officer's own township, else the oldest most
        urgent of other townships' incidents waiting for mutual aid within the officer's
        reach, else None."""
        queue = self.queues.get(self.township_of(officer.station))
        if queue:
            item = heapq.heappop(queue)
            del self.waiting[item[2]]
            self.aid.pop(item[2], None)
            return item[3]
        reach = math.inf if self.mutual_aid_reach is None else self.mutual_aid_reach
        pos = officer.position(t)
        near = [i for i in self.aid.values() if time_to(self.region, pos, i[3].village) <= reach]
        if not near:
            return None
        item = min(near)
        self._take(item)
        return item[3]

    def mutual_aid(self, incident: Incident, t: float) -> Officer | None:
        """An incident still waiting `mutual_aid_after_min` after it was received: the
        closest available officer in the county if within `mutual_aid_max_travel_min`, taken
        off the queue; else None (it then also goes to the first officer within reach to come
        free with nothing to do in its own township, `next_job`)."""
        item = self.waiting.get(incident.id)
        if item is None:
            return None  # no longer waiting
        officer, travel = self._closest(self.officers, incident.village, t)
        reach = self.mutual_aid_reach
        if officer is None or (reach is not None and travel > reach):
            self.aid[incident.id] = item
            return None
        self._take(item)
        return officer

    def _take(self, item: QueueItem) -> None:
        """Take a waiting incident off its township's queue (wherever it stands in it)."""
        queue = self.queues[self.township_of(item[3].village)]
        queue.remove(item)
        heapq.heapify(queue)
        del self.waiting[item[2]]
        self.aid.pop(item[2], None)

    def closest_available(self, village: int, t: float) -> Officer | None:
        """Of the available officers of the village's township: the village's own officer
        if any (the closest of them) and at most `own_officer_max_extra` minutes slower than
        the closest officer (null: however slow), else the closest; None if nobody is free."""
        best, best_time = self._closest(
            self.by_township.get(self.township_of(village), ()), village, t
        )
        if self.own_officer_first and best is not None:
            own, own_time = self._closest(self.own_officers.get(village, ()), village, t)
            extra = self.own_officer_max_extra
            if own is not None and (extra is None or own_time <= best_time + extra):
                return own
        return best

    def _closest(
        self, officers: Iterable[Officer], village: int, t: float
    ) -> tuple[Officer | None, float]:
        """The available officer closest to the village by travel time, and that time."""
        region = self.region
        best, best_time = None, math.inf
        for o in officers:
            if o.available:
                tt = time_to(region, o.position(t), village)
                if tt < best_time:
                    best, best_time = o, tt
        return best, best_time

    @property
    def queue(self) -> list[QueueItem]:
        """Every waiting incident's queue item, most urgent and oldest first."""
        return sorted(self.waiting.values())

    def queued(self) -> list[Incident]:
        return [item[3] for item in self.queue]
