"""What the presets that put officers into villages share (驻村 / 包村): picking which
officers get villages, grouping villages, and the resident officer's routine."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
from pydantic import Field, model_validator
from scipy.optimize import linear_sum_assignment

from ..errors import ScenarioError
from ..section import Probability, Section, documented, plausible
from ..vocab import Activity, Role
from .base import Deployment, PolicingModel, Sites

if TYPE_CHECKING:
    from ..agents import Officer


class ResidentSettings(Section):
    """Officers with villages of their own (village_officer, district_officer, hybrid)."""

    share: Probability = Field(
        0.6,
        description="share of each station's officers given villages; the rest stay on station "
        "response duty. A deployment choice; Hubei rule keeps >=40% of county police at stations",
        json_schema_extra=documented(
            "share 0-1",
            "setting: the Hubei rule keeps >=40% of a county's police at stations (seeds)",
        ),
    )
    presence_share: Probability = Field(
        0.7,
        description="probability that a resident officer's next move is a stay in an assigned "
        "village (else a stay at base); the realised share of time in the villages is reported "
        "in the officers table (rules in the Chinese sources: >=30 h in the community)",
        json_schema_extra=documented(
            "share 0-1",
            "seeds: rules ask >=30 h in the community (C3) and >=2 days a week at the village room",
            plausible(
                0.3,
                0.9,
                "rules ask >=30 h a week in the community and 2 days at the village room; rural "
                "reports say officers often fall short: 0.3-0.9",
            ),
        ),
    )
    stay_min_min: float = Field(
        60,
        gt=0,
        description="shortest stay in an assigned village, minutes (stays are uniform between "
        "the shortest and the longest)",
        json_schema_extra=documented(
            "minutes",
            "assumption: 1-2 h stays",
            plausible(
                30,
                90,
                "expert range (assumption): half an hour to 1.5 h for a few visits; kept at or "
                "below the longest stay's range",
                dist="triangular",
                mode=60,
            ),
        ),
    )
    stay_max_min: float = Field(
        120,
        gt=0,
        description="longest stay in an assigned village, minutes",
        json_schema_extra=documented(
            "minutes",
            "assumption: 1-2 h stays",
            plausible(
                90,
                240,
                "expert range (assumption): 1.5-4 h, up to half a day's work in one village; "
                "kept at or above the shortest stay's range",
                dist="triangular",
                mode=120,
            ),
        ),
    )
    base_stay_min: float = Field(
        60,
        gt=0,
        description="a resident officer's stay at base between village stays, minutes",
        json_schema_extra=documented(
            "minutes",
            "assumption",
            plausible(
                20,
                180,
                "expert range (assumption): 20 min to 3 h at base between stays (reports, meals, "
                "desk work)",
                dist="triangular",
                mode=60,
            ),
        ),
    )

    villages: list[str] | None = Field(
        None,
        description="villages that get a resident officer, by name (village_officer, hybrid): "
        "each officer covers the villages of its township nearest to it; null = "
        "`share` of each station's officers, villages split into compact groups",
        json_schema_extra=documented("villages", "setting (a deployment plan: `rpsim plan`)"),
    )

    @model_validator(mode="after")
    def _stay_order(self) -> ResidentSettings:
        if self.stay_max_min < self.stay_min_min:
            raise ValueError("stay_max_min must be at least stay_min_min")
        return self


class ResidentOfficers(PolicingModel):
    """Base of presets with resident officers: they spend `resident.presence_share` of their
    idle moves in their villages (visits 大走访, mediation, information) and are dispatched
    first to them; station officers answer calls as in `clinic`."""

    sections: ClassVar = {"resident": ResidentSettings}
    sites: ClassVar = Sites(
        section="resident",
        key="villages",
        count="resident_officers",
        column="resident_villages",
        label="resident officer",
        marker={"marker": "s", "s": 40, "facecolor": "none", "edgecolor": "C0", "linewidth": 1.4},
    )

    @property
    def resident(self) -> ResidentSettings:
        settings = self.settings["resident"]
        assert isinstance(settings, ResidentSettings)
        return settings

    def next_move(self, officer: Officer, t: float) -> None:
        if officer.role == Role.STATION:
            super().next_move(officer, t)
        else:
            self.presence_move(officer, t)

    def presence_move(self, officer: Officer, t: float) -> None:
        """A resident officer's routine: stays in the assigned villages in turn, else at base."""
        cfg = self.resident
        if officer.villages and self.rng.random() < cfg.presence_share:
            v = officer.villages[officer.next_village % len(officer.villages)]
            officer.next_village += 1
            dwell = cfg.stay_min_min + (cfg.stay_max_min - cfg.stay_min_min) * self.rng.random()
            officer.go(v, t, Activity.TRAVEL, then=Activity.VISIT, dwell=dwell)
        else:
            officer.go(
                officer.base, t, Activity.TRAVEL, then=Activity.POST, dwell=cfg.base_stay_min
            )

    def pick_residents(self, officers: list[Officer], n: int) -> list[Officer]:
        """Up to n of a station's officers to give villages: day-shift officers first, then
        others, but never the last `policing.min_officers_per_shift` of another shift (nights
        and evenings stay covered; resident officers move to the day shift)."""
        keep = self.keep_per_shift
        day = self.day_shift
        spare: list[Officer] = []
        seen: dict[int, int] = {}
        for o in officers:
            if o.shift is not day:
                if seen.get(id(o.shift), 0) >= keep:
                    spare.append(o)
                seen[id(o.shift)] = seen.get(id(o.shift), 0) + 1
        return ([o for o in officers if o.shift is day] + spare)[:n]

    def make_resident(
        self, deployment: Deployment, officer: Officer, role: Role, villages: list[int], base: int
    ) -> None:
        """Give an officer villages (包村) and put them on the day shift."""
        officer.role, officer.villages, officer.base = role, villages, base
        officer.shift = self.day_shift
        deployment.assign(officer, villages)

    def named(self, names: list[str], key: str) -> dict[int, list[int]]:
        """Named villages (resident villages, police rooms) by their township's station."""
        region = self.region
        out: dict[int, list[int]] = {}
        for name in names:
            v = region.village(name, key)
            station = int(region.stations[region.township[v]])
            out.setdefault(station, []).append(v)
        return out

    def around(self, villages: list[int], centres: list[int]) -> list[list[int]]:
        """Villages grouped by their nearest centre by road (ties: the first centre): each
        group holds its centre and is connected along the quickest roads."""
        travel = self.region.travel
        groups: list[list[int]] = [[] for _ in centres]
        for v in villages:
            groups[int(np.argmin([travel[v, c] for c in centres]))].append(v)
        return groups

    def staffed(self, officers: list[Officer], n: int, station: int, key: str) -> list[Officer]:
        """n of a station's officers for named posts; a clear error when it has too few."""
        picked = self.pick_residents(officers, n)
        if len(picked) < n:
            raise ScenarioError(
                f"station {self.region.names[station]} can spare {len(picked)} of its "
                f"{len(officers)} officers for {n} named posts (the other shifts keep "
                f"{self.keep_per_shift} each)",
                key=key,
            )
        return picked

    def partition(self, villages: list[int], k: int, centre: int) -> list[list[int]]:
        """Split villages into k compact groups of near-equal size (sizes differ by at most
        one) by travel time: a few rounds of capacity-constrained k-medoids, seeded by
        farthest points from `centre`, each round an optimal assignment of villages to the
        medoids' slots (scipy's linear_sum_assignment), so the result is deterministic."""
        travel = self.region.travel
        k = max(1, min(k, len(villages)))
        vs = np.array(villages)
        medoids = [int(vs[np.argmax(travel[centre, vs])])]
        while len(medoids) < k:
            d = travel[np.ix_(vs, medoids)].min(axis=1)
            medoids.append(int(vs[np.argmax(d)]))
        # Slots: group j takes base or base + 1 villages, so that the sizes add up to n.
        base, extra = divmod(len(vs), k)
        slot_group = np.repeat(np.arange(k), [base + (j < extra) for j in range(k)])
        label = np.zeros(len(vs), dtype=int)
        for _ in range(10):
            cost = travel[np.ix_(vs, medoids)][:, slot_group]
            rows, cols = linear_sum_assignment(cost)
            label[rows] = slot_group[cols]
            new = []
            for j in range(k):
                members = vs[label == j]
                within = travel[np.ix_(members, members)].sum(axis=1)
                new.append(int(members[np.argmin(within)]))
            if new == medoids:
                break
            medoids = new
        groups = [sorted(int(v) for v in vs[label == j]) for j in range(k)]
        return [g for g in groups if g]
