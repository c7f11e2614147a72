"""Who is on duty: officers posted to stations (or named villages), their shifts, shift
changes, diversion to non-police work (非警务) and rotation; village auxiliaries."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .agents import Auxiliary, Officer
from .duty import DutyBoard, Shift
from .errors import ScenarioError
from .policing.settings import PolicingConfig
from .region import Region, _split_population
from .vocab import Activity, Role

if TYPE_CHECKING:
    from mesa import Model
    from mesa.discrete_space import Network


HUBEI_MIN_PER_STATION = 5
"""Officers every rural police station holds at least (Hubei Provincial Public Security
Department, 鄂公委发〔2018〕4号, 2018: 农村派出所警力达到5人以上)."""


def station_minimum(asked: int | None, officers: int, stations: int) -> int:
    """Officers each station holds at least: `policing.min_officers_per_station`, or (null) the
    Hubei rule's 5 where the officers suffice, else an even split."""
    if asked is not None:
        return asked
    return min(HUBEI_MIN_PER_STATION, officers // max(stations, 1))


def day_shift(shifts: list[Shift]) -> Shift:
    """The shift that covers most of the working day (8-18 h): resident officers work it."""
    return max(shifts, key=lambda s: sum((h - s.start_hour) % 24 < s.hours for h in range(8, 18)))


class Roster:
    """Creates the officers and runs their duty. Reads `policing.officers`, `posts`,
    `shifts`, `min_officers_per_shift`, `diversion_share` (0 in calls-for-service mode),
    `rotation_days` and `learning_days`."""

    def __init__(
        self,
        model: Model,
        space: Network,
        config: PolicingConfig,
        region: Region,
        proactive: bool,
        rng: np.random.Generator,
    ) -> None:
        self.config = config
        self.rng = rng
        self.diversion = config.diversion_share if proactive else 0.0
        self.station_duties = proactive  # a pure queue in calls-for-service mode
        self.rotation_days = config.rotation_days
        self.day_shift = day_shift(config.shifts)
        self.board = DutyBoard(region.n)
        self.officers = self._post_officers(model, space, region)
        self.starts: list[list[Officer]] = [[] for _ in range(24)]
        self.ends: list[list[Officer]] = [[] for _ in range(24)]

    def _post_officers(self, model: Model, space: Network, region: Region) -> list[Officer]:
        """Officers split across stations by township population, or at `posts`; then
        across shifts by share. Every station (or post) keeps `min_officers_per_shift` on each
        shift when it has the officers; too few officers for every station is an error if the
        scenario sets the minimum, else (null: 1) the stations get as many as there are (with
        no minimum, at least one each when there are enough)."""
        cfg = self.config
        shares = np.array([s.share for s in cfg.shifts])
        asked = cfg.min_officers_per_shift  # null: 1 where the officers suffice
        per_shift = 1 if asked is None else asked
        minimum = per_shift * (shares > 0)  # per shift; none on empty shifts
        if cfg.posts:
            total = sum(cfg.posts.values())
            if total != cfg.officers:
                raise ScenarioError(
                    f"posts place {total} officers but policing.officers is {cfg.officers}",
                    key="policing.posts",
                )
            places = []
            for name, k in cfg.posts.items():
                places += [region.village(name, f"policing.posts.{name}")] * k
        else:
            weight = (
                np.array(
                    [
                        region.population[region.township == region.township[s]].sum()
                        for s in region.stations
                    ],
                    dtype=float,
                )
                + 1.0
            )
            n_stations, need = len(region.stations), int(minimum.sum())
            held = cfg.min_officers_per_station
            at_least = station_minimum(held, cfg.officers, n_stations)
            if held is not None and cfg.officers < n_stations * held:
                raise ScenarioError(
                    f"{cfg.officers} officers cannot give each of {n_stations} stations "
                    f"{held} officers: at least {n_stations * held} needed (more "
                    "policing.officers, or a lower policing.min_officers_per_station)",
                    key="policing.min_officers_per_station",
                )
            if asked is not None and cfg.officers < n_stations * need:
                raise ScenarioError(
                    f"{cfg.officers} officers cannot keep {asked} on each "
                    f"of {int((shares > 0).sum())} shifts at {n_stations} stations: at least "
                    f"{n_stations * need} needed (more policing.officers, or a lower "
                    "policing.min_officers_per_shift)",
                    key="policing.min_officers_per_shift",
                )
            if cfg.station_officers is not None:
                per_station = np.zeros(n_stations, dtype=np.int64)
                for name, k in cfg.station_officers.items():
                    v = region.village(name, f"policing.station_officers.{name}")
                    if v not in region.stations:
                        raise ScenarioError(
                            f"{name} is not a station (stations: "
                            f"{', '.join(region.names[s] for s in region.stations)})",
                            key=f"policing.station_officers.{name}",
                        )
                    per_station[list(region.stations).index(v)] += k
                if asked is not None and (per_station < need).any():
                    raise ScenarioError(
                        f"every station needs at least {need} officers to keep {asked} on each "
                        "shift",
                        key="policing.station_officers",
                    )
                if held is not None and (per_station < held).any():
                    short = [
                        f"{region.names[s]} {k}"
                        for s, k in zip(region.stations, per_station, strict=True)
                        if k < held
                    ]
                    raise ScenarioError(
                        f"every station holds at least {held} officers "
                        f"(policing.min_officers_per_station): {', '.join(short)}",
                        key="policing.station_officers",
                    )
            else:
                per_station = _split_population(cfg.officers, weight)
                floor = (
                    min(need, cfg.officers // n_stations)
                    if need
                    else int(cfg.officers >= n_stations)
                )
                _at_least(per_station, np.full(n_stations, max(floor, at_least)))
            places = [
                int(s) for s, k in zip(region.stations, per_station, strict=True) for _ in range(k)
            ]
        by_station: dict[int, list[int]] = {}
        for place in places:
            by_station.setdefault(place, []).append(place)
        officers: list[Officer] = []
        for place, members in by_station.items():
            counts = _split_population(len(members), shares)
            if len(members) >= minimum.sum():
                _at_least(counts, minimum)
            for shift, k in zip(cfg.shifts, counts, strict=True):
                for _ in range(k):
                    officers.append(
                        Officer(
                            model,
                            space,
                            region,
                            self.board,
                            len(officers),
                            place,
                            shift,
                            cfg.learning_days,
                        )
                    )
        return officers

    def fix_shifts(self) -> None:
        """Index officers by the hours their shifts start and end (after the policing model
        has moved resident officers to the day shift)."""
        for o in self.officers:
            self.starts[o.shift.start_hour].append(o)
            self.ends[(o.shift.start_hour + o.shift.hours) % 24].append(o)

    def shift_change(self, t: float, hour: int, free: Callable[[Officer, float], None]) -> None:
        """Officers whose shift ends go off duty (busy ones finish their job first); those
        whose shift starts come on duty, station officers with the shift's station duties
        owed (resident officers' time is reserved for their villages), and `free` hands them
        work; or they are diverted to non-police work for the shift."""
        for o in self.ends[hour]:
            if o.on_duty and o.incident is None and not o.on_shift(t):
                o.go_off_duty(t)
        for o in self.starts[hour]:
            if o.incident is not None:
                continue  # still busy: overtime, or a 24-hour shift rolling over
            was_diverted = o.on_duty and o.activity == Activity.DIVERTED
            starting = not o.on_duty
            o.come_on_duty()
            if self.diversion > 0 and self.rng.random() < self.diversion:
                o.divert(t)
            elif starting or was_diverted:
                if self.station_duties and o.role == Role.STATION:
                    o.station_duty_owed = o.shift.station_duty_hours * 60.0
                o.set_activity(Activity.POST, t)
                o.next_decision = t
                free(o, t)

    def open_books(self, t: float) -> None:
        """The warm-up is over: every officer's time use starts afresh."""
        for o in self.officers:
            o.open_books(t)

    def close_books(self, t: float) -> None:
        """The end: every officer's time booked up to minute t."""
        for o in self.officers:
            o.close_books(t)

    def rotate(self, t: float) -> list[Officer]:
        """Daily: officers transferred today (replaced by newcomers who do not yet know the
        villages), each with probability 1 / rotation_days."""
        if not self.rotation_days:
            return []
        rotated = []
        for o in self.officers:
            if self.rng.random() < 1.0 / self.rotation_days:
                o.posted_since = t
                rotated.append(o)
        return rotated


def _at_least(counts: np.ndarray, floor: np.ndarray) -> None:
    """Move units, one at a time from the largest surplus to the largest shortfall, until
    every count reaches its floor (in place; the total must suffice)."""
    while (counts < floor).any():
        counts[np.argmax(counts - floor)] -= 1
        counts[np.argmin(counts - floor)] += 1


def post_auxiliaries(
    model: Model,
    space: Network,
    config: PolicingConfig,
    region: Region,
    one_per_village: bool,
    proactive: bool,
) -> dict[int, Auxiliary]:
    """Auxiliaries by village: one in each of `policing.auxiliary_villages`, else in each of
    the `policing.auxiliaries` most populous villages (null: one per village where the preset
    says so, else none; more than villages is an error). None in calls-for-service mode."""
    start, hours = config.auxiliary_day_start, config.auxiliary_day_hours
    if proactive and config.auxiliary_villages is not None:
        named = config.auxiliary_villages
        chosen = [region.village(v, "policing.auxiliary_villages") for v in named]
        return {v: Auxiliary(model, space, v, start, hours) for v in sorted(chosen)}
    n = config.auxiliaries
    if n is None:
        n = region.n if one_per_village else 0
    n = n if proactive else 0
    if n > region.n:
        raise ScenarioError(
            f"{n} auxiliaries for {region.n} villages: at most one per village",
            key="policing.auxiliaries",
        )
    order = np.argsort(-region.population, kind="stable")[:n]
    return {v: Auxiliary(model, space, v, start, hours) for v in sorted(int(v) for v in order)}
