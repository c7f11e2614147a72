"""An incident and the log of every incident of a run.

Demand processes (crime, disputes, calls) create incidents with `IncidentLog.new` and hand them
to the response (response.py), which moves them through their life; Mesa's scheduled events
call the incident's bound methods (`call_arrives`, ...), which hand it back to its lifecycle.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from .vocab import IncidentState, IncidentType, Outcome, Reporter, Responder, Source

if TYPE_CHECKING:
    from .agents import Officer

NAN = math.nan


class Lifecycle(Protocol):
    """What moves an incident along (response.Response)."""

    def received(self, inc: Incident) -> None: ...
    def mutual_aid(self, inc: Incident) -> None: ...
    def arrived(self, inc: Incident) -> None: ...
    def cleared(self, inc: Incident) -> None: ...


class Incident:
    """One true incident. Times are model minutes; NaN means "did not happen (yet)"."""

    __slots__ = (
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
        "state",
        "outcome",
        "officer",  # the responding Officer (not a column: `responder` is its id)
        "needs_officer",  # False: a call handled on the phone, nobody goes
        "clear_due",  # when the officer on scene will leave (not a column)
        "lifecycle",  # the Response that moves this incident along (not a column)
        "__weakref__",  # Mesa holds scheduled callbacks by weak reference
    )

    def __init__(
        self,
        id: int,
        type: IncidentType,
        village: int,
        t_occur: float,
        household: int = -1,
        offender: int = -1,
        dispute: int = -1,
        source: Source = Source.NONE,
    ) -> None:
        self.id = id
        self.type = type
        self.village = village
        self.household = household
        self.offender = offender
        self.dispute = dispute
        self.source = source
        self.t_occur = t_occur
        self.t_discover = NAN
        self.reported = False
        self.reporter = Reporter.NONE
        self.t_report = NAN
        self.t_dispatch = NAN
        self.responder = -1
        self.t_first_presence = NAN
        self.first_presence_by = Responder.NONE
        self.t_arrival = NAN
        self.t_clear = NAN
        self.state = IncidentState.UNREPORTED
        self.outcome = Outcome.NONE
        self.officer: Officer | None = None
        self.needs_officer = True
        self.clear_due = NAN
        self.lifecycle: Lifecycle | None = None

    @property
    def response_time(self) -> float:
        """Report to first officer on scene, minutes."""
        return self.t_arrival - self.t_report

    # Scheduled callbacks (Mesa events hold bound methods of live objects).
    def call_arrives(self) -> None:
        assert self.lifecycle is not None
        self.lifecycle.received(self)

    def mutual_aid_due(self) -> None:
        assert self.lifecycle is not None
        self.lifecycle.mutual_aid(self)

    def officer_arrives(self) -> None:
        assert self.lifecycle is not None
        self.lifecycle.arrived(self)

    def scene_cleared(self) -> None:
        assert self.lifecycle is not None
        self.lifecycle.cleared(self)

    def row(self) -> tuple:
        return tuple(getattr(self, k) for k in COLUMNS)


# The incident log's columns: every slot but the object references.
COLUMNS = tuple(
    k for k in Incident.__slots__ if k not in ("officer", "clear_due", "lifecycle", "__weakref__")
)


class IncidentLog(list[Incident]):
    """Every true incident of a run, in the order they were created."""

    def new(self, type: IncidentType, village: int, t_occur: float, **kw: Any) -> Incident:
        inc = Incident(len(self), type, village, t_occur, **kw)
        self.append(inc)
        return inc


NewIncident = Callable[..., Incident]  # IncidentLog.new
