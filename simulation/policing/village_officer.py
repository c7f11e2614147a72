"""一村一警 / 驻村民警 / 包村民警 — one village, one officer."""

from __future__ import annotations

from ..vocab import Role
from .base import Deployment
from .registry import register
from .resident import ResidentOfficers


@register
class VillageOfficer(ResidentOfficers):
    """A share of each station's officers (`policing.resident.share`) is given villages (one
    each, or a compact group when officers are fewer than villages); they spend day-shift time
    there (visits 大走访, mediation, information) and are dispatched first there. The other
    officers stay on station response duty."""

    name = "village_officer"
    chinese = "一村一警 / 驻村民警 / 包村民警"

    def setup(self) -> Deployment:
        deployment = Deployment()
        share = self.resident.share
        if self.resident.villages is not None:
            key = "policing.resident.villages"
            named = self.named(self.resident.villages, key)
            for station, officers in self.stations_officers().items():
                centres = named.get(station, [])
                if not centres:
                    continue
                residents = self.staffed(officers, len(centres), station, key)
                groups = self.around(self.township_villages(station), centres)
                for officer, group in zip(residents, groups, strict=True):
                    self.make_resident(deployment, officer, Role.VILLAGE, group, station)
            return deployment
        for station, officers in self.stations_officers().items():
            villages = self.township_villages(station)
            n_res = min(int(round(share * len(officers))), len(villages))
            residents = self.pick_residents(officers, n_res)
            if not residents:
                continue
            groups = self.partition(villages, len(residents), station)
            for officer, group in zip(residents, groups, strict=False):
                self.make_resident(deployment, officer, Role.VILLAGE, group, station)
        return deployment
