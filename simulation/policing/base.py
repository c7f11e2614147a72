"""What every policing model shares: officers wait at their base and answer calls.

A policing model (preset) is a `PolicingModel` subclass in its own module of this package,
decorated with `@register`. It may declare its own scenario section (`sections`), which the
schema then accepts as `policing.<section>` and hands to the preset at construction, and the
places it posts officers away from the stations (`sites`), which `rpsim plan` chooses and the
maps draw without knowing the preset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from ..section import Section
from ..vocab import Activity

if TYPE_CHECKING:
    from ..agents import Officer
    from ..duty import Shift
    from ..region import Region
    from ..rhythms import Calendar


@dataclass(frozen=True)
class Sites:
    """Where a preset posts officers away from the stations, as a plan chooses them.

    The sites are the villages listed at `policing.<section>.<key>`; `rpsim plan` places as
    many as its `count` decision says (`resident_officers` or `police_rooms`), at least one
    per township, by p-median within townships. Each site gets one officer, or the plan's
    `district_officers` written to `policing.<section>.<per_site_key>`. With `districts`, a
    site serves the villages of its township nearest to it and the plan checks the district
    size rule (`constraints.district_villages`). `column` names the plan table's column that
    lists the chosen villages; `label` and `marker` (matplotlib scatter keywords) say how a
    map draws them."""

    section: str
    key: str
    count: Literal["resident_officers", "police_rooms"]
    column: str
    label: str
    marker: dict[str, Any] = field(default_factory=dict)
    per_site_key: str | None = None
    districts: bool = False


@dataclass
class Deployment:
    """Where a policing model put its people: read by the command centre, costs and the page."""

    own_officers: dict[int, list[Officer]] = field(default_factory=dict)
    """village -> the officers assigned to it (village or district officers), dispatched first
    when `dispatch.own_officer_first`"""
    rooms: list[int] = field(default_factory=list)
    """villages with a district police room (警务室)"""

    def assign(self, officer: Officer, villages: list[int]) -> None:
        for v in villages:
            self.own_officers.setdefault(v, []).append(officer)

    @property
    def residents(self) -> list[Officer]:
        """Officers with villages of their own, once each."""
        return list({id(o): o for os in self.own_officers.values() for o in os}.values())


class PolicingModel:
    """Base: reactive policing from the station (坐诊). Subclasses change `setup` (who is
    assigned where) and `next_move` (what an idle officer on duty does next).

    Gets at construction the preset's own settings (`settings[section]`), the county, the
    calendar (hour, market days, festival), the officers, the day shift, how many officers every
    other shift keeps at each station (`policing.min_officers_per_shift`) and the behaviour random
    stream."""

    name: ClassVar[str] = "base"
    chinese: ClassVar[str] = ""
    auxiliaries_by_default: ClassVar[bool] = False  # one per village when policing.auxiliaries null
    sections: ClassVar[dict[str, type[Section]]] = {}  # this class's own scenario sections
    sites: ClassVar[Sites | None] = None  # where it posts officers away from the stations

    def __init__(
        self,
        settings: dict[str, Section],
        region: Region,
        calendar: Calendar,
        officers: list[Officer],
        day_shift: Shift,
        keep_per_shift: int,
        rng: np.random.Generator,
    ) -> None:
        self.settings = settings
        self.region = region
        self.calendar = calendar
        self.officers = officers
        self.day_shift = day_shift
        self.keep_per_shift = keep_per_shift
        self.rng = rng

    @classmethod
    def all_sections(cls) -> dict[str, type[Section]]:
        """The sections this preset reads, its own and its parents'."""
        out: dict[str, type[Section]] = {}
        for klass in reversed(cls.__mro__):
            out.update(getattr(klass, "sections", {}))
        return out

    def setup(self) -> Deployment:
        """Assign roles, villages and bases to officers (all station officers here)."""
        return Deployment()

    def idle(self, officer: Officer, t: float) -> None:
        """An officer on duty with nothing to do: casework and station duties owed first (at
        base), else this policing model's routine (`next_move`)."""
        if not officer.do_base_work(t):
            self.next_move(officer, t)

    def next_move(self, officer: Officer, t: float) -> None:
        """Idle on duty: go back to base and wait for calls (坐诊)."""
        if officer.village_here == officer.base and officer.activity == Activity.POST:
            officer.next_decision = math.inf
            return
        officer.go(officer.base, t, Activity.TRAVEL, then=Activity.POST, dwell=math.inf)

    # --- helpers -------------------------------------------------------------------
    def township_villages(self, station: int) -> list[int]:
        region = self.region
        return [int(v) for v in np.flatnonzero(region.township == region.township[station])]

    def stations_officers(self) -> dict[int, list[Officer]]:
        out: dict[int, list[Officer]] = {}
        for o in self.officers:
            out.setdefault(o.station, []).append(o)
        return out
