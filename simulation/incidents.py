"""Incidents: a true occurrence, then discovery, a reporting decision and delay, and
only if reported dispatch, arrival, on-scene time and an outcome."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .agents import Officer
    from .model import RuralPolicingModel

# Dispatch priority, lower is more urgent (DESIGN.md §3: violent > property > service).
PRIORITY = {"violent": 0, "property": 1, "dispute": 1, "service": 2}
NAN = math.nan


class Incident:
    """One true incident. Times are model minutes; NaN means "did not happen (yet)"."""

    __slots__ = (
        "model",
        "id",
        "type",
        "village",
        "household",
        "offender",
        "dispute",
        "source",
        "t_occur",
        "t_discover",
        "reported",
        "reporter",
        "t_report",
        "t_dispatch",
        "responder",
        "t_first_presence",
        "first_presence_by",
        "t_arrival",
        "t_clear",
        "outcome",
        "__weakref__",  # Mesa holds scheduled callbacks by weak reference
    )

    def __init__(
        self,
        model: RuralPolicingModel,
        type: str,
        village: int,
        t_occur: float,
        household: int = -1,
        offender: int = -1,
        dispute: int = -1,
        source: str = "",
    ) -> None:
        self.model = model
        self.id = len(model.incidents)
        self.type = type
        self.village = village
        self.household = household
        self.offender = offender
        self.dispute = dispute
        self.source = source
        self.t_occur = t_occur
        self.t_discover = NAN
        self.reported = False
        self.reporter = ""
        self.t_report = NAN
        self.t_dispatch = NAN
        self.responder = -1
        self.t_first_presence = NAN
        self.first_presence_by = ""
        self.t_arrival = NAN
        self.t_clear = NAN
        self.outcome = "unreported"
        model.incidents.append(self)

    @property
    def priority(self) -> int:
        return PRIORITY[self.type]

    def report(self) -> None:
        """Scheduled at the reporting minute: the call reaches the command centre."""
        self.outcome = "queued"
        self.model.command_centre.receive(self)

    def arrive(self, t: float) -> None:
        self.t_arrival = t
        if not (self.t_first_presence <= t):  # NaN-safe: no earlier presence
            self.t_first_presence = t
            self.first_presence_by = "officer"
        self.outcome = "on_scene"

    def clear(self, t: float, officer: Officer) -> None:
        self.t_clear = t
        self.outcome = self.model.resolve(self, officer)

    @property
    def response_time(self) -> float:
        """Report to first officer on scene, minutes."""
        return self.t_arrival - self.t_report

    def row(self) -> tuple:
        return tuple(getattr(self, k) for k in COLUMNS)


# The incident log's columns: every slot but the model back-reference.
COLUMNS = tuple(k for k in Incident.__slots__ if k not in ("model", "__weakref__"))
