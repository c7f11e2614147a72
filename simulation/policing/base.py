"""What every policing model shares: officers wait at their base and answer calls."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..agents import Officer
    from ..model import RuralPolicingModel


class PolicingModel:
    """Base: reactive policing from the station. Subclasses change `setup` (who is
    assigned where) and `next_move` (what an idle officer on duty does next)."""

    name = "base"
    chinese = ""
    auxiliaries_by_default = False  # one auxiliary per village when policing.auxiliaries is null

    def __init__(self, model: RuralPolicingModel) -> None:
        self.model = model

    def setup(self) -> None:
        """Assign roles, villages and bases to officers (all station officers here)."""

    def next_move(self, officer: Officer, t: float) -> None:
        """Idle on duty: go back to base and wait for calls (坐诊)."""
        if officer.village_here == officer.base and officer.activity == "post":
            officer.next_decision = math.inf
            return
        officer.go(officer.base, t, "travel", then="post", dwell=math.inf)

    # --- helpers for presets that put officers into villages ------------------------
    def township_villages(self, station: int) -> list[int]:
        region = self.model.region
        return [int(v) for v in np.flatnonzero(region.township == region.township[station])]

    def partition(self, villages: list[int], k: int, centre: int) -> list[list[int]]:
        """Split villages into k compact groups by travel time (a few k-medoids rounds,
        seeded by farthest points from `centre`, so the result is deterministic)."""
        travel = self.model.region.travel
        k = max(1, min(k, len(villages)))
        vs = np.array(villages)
        medoids = [int(vs[np.argmax(travel[centre, vs])])]
        while len(medoids) < k:
            d = travel[np.ix_(vs, medoids)].min(axis=1)
            medoids.append(int(vs[np.argmax(d)]))
        for _ in range(10):
            label = np.argmin(travel[np.ix_(vs, medoids)], axis=1)
            new = []
            for j in range(k):
                members = vs[label == j]
                if len(members) == 0:
                    new.append(medoids[j])
                    continue
                cost = travel[np.ix_(members, members)].sum(axis=1)
                new.append(int(members[np.argmin(cost)]))
            if new == medoids:
                break
            medoids = new
        label = np.argmin(travel[np.ix_(vs, medoids)], axis=1)
        groups = [sorted(int(v) for v in vs[label == j]) for j in range(k)]
        return [g for g in groups if g]

    def pick_residents(self, officers: list[Officer], n: int) -> list[Officer]:
        """Up to n of a station's officers to give villages: day-shift officers first, then
        others, but never the last officer of another shift (nights and evenings stay
        covered)."""
        day = self.model.day_shift
        spare: list[Officer] = []
        seen: set[int] = set()
        for o in officers:
            if o.shift is not day:
                if id(o.shift) in seen:
                    spare.append(o)
                seen.add(id(o.shift))
        return ([o for o in officers if o.shift is day] + spare)[:n]

    def make_resident(self, officer: Officer, role: str, villages: list[int], base: int) -> None:
        """Give an officer villages (包村) and put them on the day shift."""
        officer.role, officer.villages, officer.base = role, villages, base
        officer.shift = self.model.day_shift
        for v in villages:
            self.model.command_centre.own_officers.setdefault(v, []).append(officer)

    def presence_move(self, officer: Officer, t: float) -> None:
        """A resident officer's routine: time in the assigned villages (visits, mediation,
        information), the rest at base. Reads policing.presence_share."""
        cfg = self.model.config.policing
        if officer.villages and self.model.behaviour_rng.random() < cfg.presence_share:
            v = officer.villages[officer.next_village % len(officer.villages)]
            officer.next_village += 1
            dwell = 60.0 + 60.0 * self.model.behaviour_rng.random()  # assumption: 1-2 h stays
            officer.go(v, t, "travel", then="visit", dwell=dwell)
        else:
            officer.go(officer.base, t, "travel", then="post", dwell=60.0)

    def stations_officers(self) -> dict[int, list[Officer]]:
        out: dict[int, list[Officer]] = {}
        for o in self.model.officers:
            out.setdefault(o.station, []).append(o)
        return out
