"""一村一警 / 驻村民警 / 包村民警 — one village, one officer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import PolicingModel

if TYPE_CHECKING:
    from ..agents import Officer


class VillageOfficer(PolicingModel):
    """A share of each station's officers (`policing.resident_share`) is given villages:
    one each, or a compact group when officers are fewer than villages. They spend
    `policing.presence_share` of idle day-shift time there (visits 大走访, mediation,
    information) and are dispatched first to their own villages. The other officers
    stay on station response duty."""

    name = "village_officer"
    chinese = "一村一警"

    def setup(self) -> None:
        share = self.model.config.policing.resident_share
        for station, officers in self.stations_officers().items():
            villages = self.township_villages(station)
            n_res = min(int(round(share * len(officers))), len(villages))
            residents = self.pick_residents(officers, n_res)
            if not residents:
                continue
            groups = self.partition(villages, len(residents), station)
            for officer, group in zip(residents, groups, strict=False):
                self.make_resident(officer, "village", group, station)

    def next_move(self, officer: Officer, t: float) -> None:
        if officer.role == "station":
            super().next_move(officer, t)
        else:
            self.presence_move(officer, t)
