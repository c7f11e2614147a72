"""一区一警 / 警务区 — policing districts with a police room (警务室)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field

from ..section import Section, documented
from ..vocab import Role
from .base import Deployment, Sites
from .registry import register
from .resident import ResidentOfficers


class DistrictSettings(Section):
    """Policing districts (district_officer preset)."""

    size: int = Field(
        6,
        ge=1,
        description="villages per policing district (Hubei rule: 5-8)",
        json_schema_extra=documented(
            "villages", "setting: Hubei rule: 5-8 administrative villages per district (seeds)"
        ),
    )
    officers: int = Field(
        1,
        ge=1,
        le=4,
        description="officers per district (Hubei rule: 1-2)",
        json_schema_extra=documented(
            "officers", "setting: Hubei rule: 1-2 officers per district (seeds)"
        ),
    )
    rooms: list[str] | None = Field(
        None,
        description="villages with a police room (警务室), by name: each district is the villages "
        "of the room's township nearest to it by road, with `officers` officers; null = "
        "districts of about `size` villages",
        json_schema_extra=documented("villages", "setting (a deployment plan: `rpsim plan`)"),
    )


@register
class DistrictOfficer(ResidentOfficers):
    """Villages are grouped into districts of about `policing.district.size` (Hubei rule:
    5-8 villages, 1-2 officers) with a police room (警务室) in the most central village;
    district officers wait there and rotate presence across the district's villages. A
    station short of officers forms fewer, larger districts rather than leave villages out."""

    name = "district_officer"
    chinese = "一区一警 / 警务区"
    sections: ClassVar = {"district": DistrictSettings}
    sites: ClassVar = Sites(
        section="district",
        key="rooms",
        count="police_rooms",
        column="rooms",
        label="police room (district)",
        marker={"marker": "s", "s": 70, "color": "C4", "edgecolor": "black"},
        per_site_key="officers",
        districts=True,
    )

    def setup(self) -> Deployment:
        cfg = self.settings["district"]
        assert isinstance(cfg, DistrictSettings)
        deployment = Deployment()
        travel = self.region.travel
        if cfg.rooms is not None:
            key = "policing.district.rooms"
            named = self.named(cfg.rooms, key)
            for station, officers in self.stations_officers().items():
                rooms = named.get(station, [])
                if not rooms:
                    continue
                residents = self.staffed(officers, cfg.officers * len(rooms), station, key)
                districts = self.around(self.township_villages(station), rooms)
                for i, officer in enumerate(residents):
                    room = rooms[i % len(rooms)]
                    if room not in deployment.rooms:
                        deployment.rooms.append(room)
                    self.make_resident(
                        deployment, officer, Role.DISTRICT, districts[i % len(rooms)], room
                    )
                    officer.district = deployment.rooms.index(room)
            return deployment
        for station, officers in self.stations_officers().items():
            villages = self.township_villages(station)
            candidates = self.pick_residents(
                officers, int(round(self.resident.share * len(officers)))
            )
            if not candidates:
                continue
            # Districts of about `size` villages; fewer, larger ones when the station cannot
            # give every district an officer, so that no village is left without one.
            n_districts = min(max(1, round(len(villages) / cfg.size)), len(candidates))
            districts = self.partition(villages, n_districts, station)
            residents = candidates[: cfg.officers * len(districts)]
            for i, officer in enumerate(residents):
                group = districts[i % len(districts)]
                room = group[int(np.argmin(travel[np.ix_(group, group)].sum(axis=1)))]
                if room not in deployment.rooms:
                    deployment.rooms.append(room)
                self.make_resident(deployment, officer, Role.DISTRICT, group, room)
                officer.district = deployment.rooms.index(room)
        return deployment
