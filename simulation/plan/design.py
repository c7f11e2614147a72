"""The design space of a plan: Optuna distributions of the decision variables, and the
realisation of one set of decisions as a scenario (placements from the screen), its fixed
cost, its constraint violations and its screen estimates."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from pydantic import ValidationError

from ..config_files import validate_dict
from ..costs import annual_costs
from ..errors import ScenarioError
from ..model import RuralPolicingModel
from ..policing import PRESETS
from ..region import Region
from ..scenario import Scenario
from ..vocab import Role
from . import screen
from .spec import PlanSpec

DECISION_COLUMNS = (
    "preset",
    "officers",
    "auxiliaries",
    "resident_officers",
    "police_rooms",
    "district_officers",
    "night_share",
    "station_officers",
    "auxiliary_villages",
    "resident_villages",
    "rooms",
    "posts",
)


@dataclass
class Design:
    """One candidate deployment."""

    key: str  # canonical decisions: equal keys are the same design
    params: dict[str, Any]
    decisions: dict[str, Any]
    scenario: Scenario | None
    fixed_cost_cny: float = math.nan
    violations: dict[str, float] = field(default_factory=dict)
    screen_response_min: float = math.nan
    screen_remote_third_min: float = math.nan

    @property
    def feasible_before_running(self) -> bool:
        return not any(v > 0 for v in self.violations.values())


def _night(shifts: list[Any]) -> int:
    """Index of the shift on duty at 2 am."""
    for i, s in enumerate(shifts):
        if (2 - s.start_hour) % 24 < s.hours:
            return i
    return len(shifts) - 1


class DesignSpace:
    """Decision variables of a plan over its base scenario's county."""

    def __init__(self, spec: PlanSpec, base: Scenario, region: Region) -> None:
        self.spec, self.base, self.region = spec, base, region
        d = spec.decisions
        self.presets = d.presets or [base.policing.preset]
        self.names = list(region.names)
        self.demand = screen.demand_per_min(base, region)
        self.weight = self.demand / max(self.demand.sum(), 1e-12)
        far = np.percentile(region.remoteness, 200 / 3)
        self.remote = region.remoteness >= far
        self._station_sequence: list[np.ndarray] | None = None
        self._realised: dict[str, Design] = {}

    # --- the search space -------------------------------------------------------------
    def distributions(self) -> dict[str, BaseDistribution]:
        d = self.spec.decisions
        out: dict[str, BaseDistribution] = {}
        if len(self.presets) > 1:
            out["preset"] = CategoricalDistribution(self.presets)
        for name, rng in (
            ("officers", d.officers),
            ("auxiliaries", d.auxiliaries),
            ("resident_officers", d.resident_officers),
            ("police_rooms", d.police_rooms),
            ("district_officers", d.district_officers),
        ):
            if rng is not None and rng[0] < rng[1]:
                out[name] = IntDistribution(rng[0], rng[1])
        if d.night_share is not None and d.night_share[0] < d.night_share[1]:
            out["night_share"] = FloatDistribution(*d.night_share)
        if d.auxiliary_placement == "search" and d.auxiliaries is not None:
            for i in range(d.auxiliaries[1]):
                out[f"aux_{i}"] = CategoricalDistribution(self.names)
        if d.posts == "search":
            for i in range(self._officers_range()[1]):
                out[f"post_{i}"] = CategoricalDistribution(self.names)
        return out

    def size(self) -> int | None:
        """How many distinct settings of the decision variables there are (None: a continuous
        variable makes them uncountable); equal settings can still realise one design."""
        total = 1
        for dist in self.distributions().values():
            if isinstance(dist, IntDistribution):
                total *= dist.high - dist.low + 1
            elif isinstance(dist, CategoricalDistribution):
                total *= len(dist.choices)
            else:
                return None
            total = min(total, 10**12)  # beyond any search's evaluations
        return total

    def _officers_range(self) -> tuple[int, int]:
        r = self.spec.decisions.officers
        return (r[0], r[1]) if r is not None else (self.base.policing.officers,) * 2

    def _value(self, params: dict[str, Any], name: str, default: Any) -> Any:
        if name in params:
            return params[name]
        rng = getattr(self.spec.decisions, name, None)
        return rng[0] if rng is not None else default

    # --- placements from the screen (cached by count) ---------------------------------
    @cache  # noqa: B019 - one space per plan, kept for the plan's life
    def auxiliary_sites(self, k: int) -> tuple[int, ...]:
        """Maximal covering: the stations already cover the villages within `cover_min`;
        an auxiliary covers its own village (first presence); k auxiliaries cover the most
        demand the stations leave uncovered."""
        r = self.region
        n = r.n
        covered = (r.travel[:, r.stations] <= self.spec.search.cover_min).any(axis=1)
        # Demand the stations cover still counts a little, so spare auxiliaries (more than
        # the uncovered villages) go where most calls are.
        w = self.weight * np.where(covered, 1e-3, 1.0) + 1e-12
        k = min(k, n)
        reach = np.eye(n, dtype=bool)
        return tuple(screen.max_cover(r.travel, w, k, self.spec.search.cover_min, None, reach))

    @cache  # noqa: B019
    def township_sites(self, k: int) -> tuple[int, ...]:
        """p-median within townships: k sites, each village served by a site of its own
        township (police rooms, resident officers)."""
        r = self.region
        return tuple(screen.p_median(r.travel, self.weight, k, same_group=r.township))

    @cache  # noqa: B019
    def post_sites(self, k: int) -> tuple[int, ...]:
        return tuple(screen.p_median(self.region.travel, self.weight, min(k, self.region.n)))

    def station_sequence(self) -> list[np.ndarray]:
        """Greedy hypercube allocation of response officers to stations: the counts after
        each step (nested, so every force size takes a prefix)."""
        if self._station_sequence is None:
            r = self.region
            hi = self._officers_range()[1]
            counts = np.zeros(len(r.stations), dtype=int)
            seq = [counts.copy()]
            stations = np.asarray(r.stations)

            def score(c: np.ndarray) -> float:
                bases = np.repeat(stations, c)
                est = screen.estimate_response(self.base, r, bases)
                return float((self.weight * np.minimum(est, 1e4)).sum())

            step = max(1, hi // 24)
            while counts.sum() < hi:
                trials = []
                for s in range(len(stations)):
                    c = counts.copy()
                    c[s] += step
                    trials.append(score(c))
                counts[int(np.argmin(trials))] += step
                seq.append(counts.copy())
            self._station_sequence = seq
        return self._station_sequence

    def allocate(self, free: int) -> np.ndarray:
        """`free` response officers to stations by the greedy hypercube sequence."""
        seq = self.station_sequence()
        sums = [int(c.sum()) for c in seq]
        i = max(j for j, s in enumerate(sums) if s <= free)
        out = seq[i].copy()
        rest = free - sums[i]
        if rest and i + 1 < len(seq):  # part of the next step, to the station it goes to
            out[int(np.argmax(seq[i + 1] - seq[i]))] += rest
        elif rest:
            out[int(np.argmax(self.demand_by_station()))] += rest
        return out

    def demand_by_station(self) -> np.ndarray:
        r = self.region
        return np.array([self.demand[r.township == t].sum() for t in range(len(r.stations))])

    # --- one design ---------------------------------------------------------------------
    def realise(self, params: dict[str, Any]) -> Design:
        """The design of a set of decisions (cached: the search repeats itself)."""
        key = json.dumps(params, sort_keys=True)
        if key not in self._realised:
            self._realised[key] = self._realise(params)
        return self._realised[key]

    def _realise(self, params: dict[str, Any]) -> Design:
        spec, base, r = self.spec, self.base, self.region
        d, c = spec.decisions, spec.constraints
        names = self.names
        preset = params.get("preset", self.presets[0])
        cls = PRESETS[preset]
        officers = int(self._value(params, "officers", base.policing.officers))
        policing = base.policing.model_dump(mode="json")
        policing.update(preset=preset, officers=officers)
        violations: dict[str, float] = {}
        decisions: dict[str, Any] = dict.fromkeys(DECISION_COLUMNS)
        decisions.update(preset=preset, officers=officers)
        # Auxiliaries: how many, and where.
        if d.auxiliaries is not None:
            k = int(self._value(params, "auxiliaries", 0))
            if d.auxiliary_placement == "search":
                villages = sorted({params[f"aux_{i}"] for i in range(k)})
            elif d.auxiliary_placement == "screen":
                villages = sorted(names[v] for v in self.auxiliary_sites(k))
            else:
                villages = None
            policing["auxiliaries"] = len(villages) if villages is not None else k
            policing["auxiliary_villages"] = villages
        # Officers posted away from the stations at the preset's sites (resident officers'
        # villages, police rooms), placed by p-median within townships.
        residents = 0
        site_rule = cls.sites
        if site_rule is not None and getattr(d, site_rule.count) is not None:
            k = int(self._value(params, site_rule.count, len(r.stations)))
            decisions[site_rule.count] = k
            per = 1
            if site_rule.per_site_key is not None:
                per = int(self._value(params, "district_officers", 1))
                decisions["district_officers"] = per
                lo_o, hi_o = c.district_officers
                if not lo_o <= per <= hi_o:
                    violations["district_officers"] = float(max(lo_o - per, per - hi_o))
            if k < len(r.stations):
                violations[site_rule.count] = float(len(r.stations) - k)
            else:
                placed = list(self.township_sites(k))
                own = policing.setdefault(site_rule.section, {})
                own[site_rule.key] = [names[v] for v in placed]
                if site_rule.per_site_key is not None:
                    own[site_rule.per_site_key] = per
                decisions[site_rule.column] = " ".join(names[v] for v in placed)
                if site_rule.districts:
                    lo, hi = c.district_villages
                    other = r.township[:, None] != r.township[placed][None, :]
                    nearest = np.argmin(np.where(other, np.inf, r.travel[:, placed]), axis=1)
                    sizes = np.bincount(nearest, minlength=k)
                    miss = float(np.maximum(lo - sizes, 0).sum() + np.maximum(sizes - hi, 0).sum())
                    if miss:
                        violations["district_villages"] = miss
                residents = k * per
        # Shifts: the night shift's share.
        if d.night_share is not None:
            share = float(self._value(params, "night_share", d.night_share[0]))
            shifts = [dict(s) for s in policing["shifts"]]
            night = _night(base.policing.shifts)
            rest = sum(s["share"] for i, s in enumerate(shifts) if i != night)
            for i, s in enumerate(shifts):
                s["share"] = share if i == night else s["share"] / rest * (1 - share)
            policing["shifts"] = shifts
            decisions["night_share"] = round(share, 4)
        if c.min_night_officers_per_station is not None:
            policing["min_officers_per_shift"] = c.min_night_officers_per_station
        floor = c.min_officers_per_station or 0
        if floor and base.proactive:  # stations' minimum staffing (posts have no stations)
            policing["min_officers_per_station"] = floor
            if officers < floor * len(r.stations):
                violations["min_officers_per_station"] = float(floor * len(r.stations) - officers)
        # Officers per station: residents where they serve, the rest by the hypercube screen.
        if d.station_officers == "screen" and base.proactive:
            per_station = np.zeros(len(r.stations), dtype=int)
            keep = c.min_night_officers_per_station or 1
            n_shifts = sum(1 for s in policing["shifts"] if s["share"] > 0)
            posted: list[str] = []  # one name per officer posted at a site
            if site_rule is not None:
                own = policing.get(site_rule.section, {})
                per_site = int(own[site_rule.per_site_key]) if site_rule.per_site_key else 1
                posted = list(own.get(site_rule.key) or []) * per_site
            for name in posted:
                per_station[r.township[r.index[name]]] += 1
            per_station += keep * n_shifts
            per_station = np.maximum(per_station, floor)
            free = officers - int(per_station.sum())
            if free < 0:
                violations["station_officers"] = float(-free)
            else:
                per_station += self.allocate(free)
                policing["station_officers"] = {
                    names[s]: int(k) for s, k in zip(r.stations, per_station, strict=True)
                }
        # Posts (calls-for-service mode): officers at villages.
        if d.posts is not None:
            if d.posts == "search":
                chosen = [params[f"post_{i}"] for i in range(officers)]
            else:
                sites = self.post_sites(officers)
                chosen = [names[sites[i % len(sites)]] for i in range(officers)]
            posts: dict[str, int] = {}
            for name in sorted(chosen):
                posts[name] = posts.get(name, 0) + 1
            policing["posts"] = posts
            decisions["posts"] = " ".join(f"{k}:{v}" for k, v in posts.items())
        if policing.get("station_officers"):
            decisions["station_officers"] = " ".join(
                f"{k}:{v}" for k, v in policing["station_officers"].items()
            )
        if policing.get("auxiliary_villages") is not None:
            decisions["auxiliary_villages"] = " ".join(policing["auxiliary_villages"])
        data = base.model_dump(mode="json")
        data["policing"] = policing
        key = json.dumps(policing, sort_keys=True)
        design = Design(key=key, params=dict(params), decisions=decisions, scenario=None)
        design.violations = violations
        if violations:
            return design
        return self._check(design, data, residents)

    def _check(self, design: Design, data: dict, residents: int) -> Design:
        """Validate the scenario, build its deployment, and price and screen it."""
        spec, r = self.spec, self.region
        try:
            scenario = validate_dict(data)
            model = RuralPolicingModel(scenario)
        except (ScenarioError, ValidationError, ValueError) as exc:
            design.violations["invalid"] = 1.0
            design.decisions["error"] = str(exc).splitlines()[0][:200]
            return design
        design.scenario = scenario
        aux = len(model.auxiliaries)
        n = len(model.officers)
        design.decisions["auxiliaries"] = aux
        resident = sum(o.role != Role.STATION for o in model.officers)
        design.decisions["resident_officers"] = design.decisions["resident_officers"] or (
            resident or None
        )
        cctv = r.n if scenario.addons.cctv else 0
        fixed = annual_costs(scenario.costs, n, aux, len(model.deployment.rooms), cctv, 0.0)[
            "cost_total_cny"
        ]
        design.fixed_cost_cny = fixed
        if fixed > spec.budget_cny:
            design.violations["budget"] = (fixed - spec.budget_cny) / spec.budget_cny
        share = spec.constraints.min_station_share
        if share is not None and (n - resident) < share * n - 1e-9:
            design.violations["min_station_share"] = share - (n - resident) / n
        bases = np.array([o.base for o in model.officers if o.role == Role.STATION])
        est = screen.estimate_response(scenario, r, bases)
        est = np.minimum(est, 1e4)
        design.screen_response_min = float((self.weight * est).sum())
        w = self.weight * self.remote
        design.screen_remote_third_min = float((w * est).sum() / max(w.sum(), 1e-12))
        return design

    def cheapest_cost(self, officers: int) -> float:
        """Fixed annual cost of the cheapest design the decisions allow (no driving)."""
        d, base = self.spec.decisions, self.base
        aux = d.auxiliaries[0] if d.auxiliaries is not None else (base.policing.auxiliaries or 0)
        rooms = d.police_rooms[0] if d.police_rooms is not None else 0
        cctv = self.region.n if base.addons.cctv else 0
        return annual_costs(base.costs, officers, aux, rooms, cctv, 0.0)["cost_total_cny"]

    def today(self) -> Design:
        """The base scenario as it is: today's deployment."""
        design = Design(
            key="today", params={}, decisions=dict.fromkeys(DECISION_COLUMNS), scenario=None
        )
        base = self.base
        design.decisions.update(preset=base.policing.preset, officers=base.policing.officers)
        return self._check(design, base.model_dump(mode="json"), 0)

    def seeds(self) -> list[dict[str, Any]]:
        """Designs to start the search from: each searched count at its low, middle and high
        value, the others in the middle (placements by the screen)."""
        dists = {
            k: v for k, v in self.distributions().items() if not k.startswith(("aux_", "post_"))
        }
        if not self.distributions():
            return []

        def mid(v: BaseDistribution) -> Any:
            if isinstance(v, IntDistribution):
                return (v.low + v.high) // 2
            if isinstance(v, FloatDistribution):
                return (v.low + v.high) / 2
            assert isinstance(v, CategoricalDistribution)
            return v.choices[0]

        out = [{k: mid(v) for k, v in dists.items()}]
        for k, v in dists.items():
            if isinstance(v, IntDistribution | FloatDistribution):
                for end in (v.low, v.high):
                    out.append({**out[0], k: end})
        if "post_0" in self.distributions():
            sites = self.post_sites(self._officers_range()[1])
            for p in out:
                for i in range(self._officers_range()[1]):
                    p[f"post_{i}"] = self.names[sites[i % len(sites)]]
        if "aux_0" in self.distributions():
            hi = self.spec.decisions.auxiliaries[1]  # type: ignore[index]
            sites = self.auxiliary_sites(hi)
            for p in out:
                for i in range(hi):
                    p[f"aux_{i}"] = self.names[sites[i]]
        return out
