"""一区一警 / 警务区 — policing districts with a police room (警务室)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .base import PolicingModel

if TYPE_CHECKING:
    from ..agents import Officer


class DistrictOfficer(PolicingModel):
    """Villages are grouped into districts of about `policing.district_size` (Hubei rule:
    5-8 villages, 1-2 officers). District officers wait at the district police room
    (its most central village) and rotate presence across the district's villages."""

    name = "district_officer"
    chinese = "一区一警"

    def setup(self) -> None:
        cfg = self.model.config.policing
        travel = self.model.region.travel
        self.rooms: list[int] = []
        for station, officers in self.stations_officers().items():
            villages = self.township_villages(station)
            n_districts = math.ceil(len(villages) / cfg.district_size)
            districts = self.partition(villages, n_districts, station)
            n_res = min(
                int(round(cfg.resident_share * len(officers))),
                cfg.officers_per_district * len(districts),
            )
            for i, officer in enumerate(self.pick_residents(officers, n_res)):
                group = districts[i % len(districts)]
                room = min(group, key=lambda v, g=group: travel[v, g].sum())
                if room not in self.rooms:
                    self.rooms.append(room)
                self.make_resident(officer, "district", group, room)
                officer.district = self.rooms.index(room)

    def next_move(self, officer: Officer, t: float) -> None:
        if officer.role == "station":
            super().next_move(officer, t)
        else:
            self.presence_move(officer, t)
