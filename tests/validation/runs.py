"""Scenarios and a run cache shared by the validation tests.

Every scenario here is the package default county (`Scenario()`: a hill county of 40
villages and 40,000 residents, 3 townships, 12 officers, 365 days) unless it says
otherwise, so that the validation speaks about the model as users run it. Runs are
seeded (seed = replicate number) and cached for the whole pytest session: the same
clinic replicates feed the reporting, repeat-victimisation, journey, occupancy and
clearance checks, and are the control arm of the presence comparisons (common random
numbers: the same seed in both arms of a comparison).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation import RuralPolicingModel
from simulation.rhythms import MINUTES_PER_DAY

# Named scenarios (overrides of the package defaults).
SCENARIOS: dict[str, dict] = {
    # Reactive station policing (坐诊式警务): nothing proactive, no auxiliaries, so reporting
    # happens at the reference trust and clearance depends on response time alone.
    "clinic": {"policing": {"preset": "clinic"}},
    # The same with offenders choosing persons four times as often (crime.violent_share 0.28
    # instead of 0.07): enough violent incidents in a county-year to measure their reporting.
    "clinic_more_violence": {"policing": {"preset": "clinic"}, "crime": {"violent_share": 0.28}},
    # The most compact region type (15 x 15 km, dense villages): the analogue of the urban
    # Kansas City jurisdiction of the response time study.
    "periurban_clinic": {"region": {"type": "periurban"}, "policing": {"preset": "clinic"}},
    # Kansas City preventive patrol experiment arms: reactive (clinic), control (patrol at
    # 0.45 of idle time) and proactive (0.9, ~2.5x the village presence of the control; the
    # control was 0.3 before casework took a share of idle time).
    "patrol_0.45": {"policing": {"preset": "patrol", "patrol": {"intensity": 0.45}}},
    "patrol_0.9": {"policing": {"preset": "patrol", "patrol": {"intensity": 0.9}}},
    # Village auxiliaries (一村一辅警) against clinic: Peterborough PCSO analogue.
    "auxiliary": {"policing": {"preset": "auxiliary_network"}},
    # Minneapolis analogue: the same auxiliaries on duty 5 h or 10 h a day (2x presence),
    # with the auxiliaries' own reporting channel switched off in both arms so that only
    # presence differs (in Minneapolis, extra patrol did not change who called the police).
    "auxiliary_5h_no_aux_reports": {
        "policing": {"preset": "auxiliary_network", "auxiliary_day_hours": 5},
        "reporting": {"auxiliary_report_probability": 0.0},
    },
    "auxiliary_10h_no_aux_reports": {
        "policing": {"preset": "auxiliary_network", "auxiliary_day_hours": 10},
        "reporting": {"auxiliary_report_probability": 0.0},
    },
}


@dataclass
class Run:
    """What the validation tests read from one finished run."""

    seed: int
    incidents: pd.DataFrame
    summary: dict
    villages: pd.DataFrame
    end_time: float
    journeys: np.ndarray  # km, every offence (model.crime.journeys)
    offender_home: np.ndarray  # village of each offender
    offender_resident: np.ndarray  # True: lives in the county's villages (local)
    distance_km: np.ndarray  # village x village straight-line km (diagonal: intra-village)
    households_per_village: np.ndarray
    n_households: int
    festival_day: np.ndarray  # per day: migrants home for Spring Festival
    empty_exposure: np.ndarray  # village x hour: household-hours empty, non-festival days
    occupied_exposure: np.ndarray  # village x hour: household-hours occupied, idem
    near_post: np.ndarray  # per household: within reach of its village's post

    def near_post_burglaries(self, reported: bool = False) -> int:
        """Burglaries (true, or reported) of households within reach of their village's post:
        the place where an auxiliary, or a station's officers, stand."""
        inc = self.incidents
        prop = inc[inc["type"] == "property"]
        if reported:
            prop = prop[prop["reported"]]
        return int(self.near_post[prop["household"].to_numpy(int)].sum())

    @property
    def presence_hours(self) -> float:
        """Officer and auxiliary presence in villages over the run, hours."""
        return float(self.villages["presence_hours"].sum())


def _extract(model: RuralPolicingModel, seed: int) -> Run:
    tables = model.results()
    vt, region, crime = model.villagers, model.region, model.crime
    days = int(np.ceil(model.end_time / MINUTES_PER_DAY))
    festival_day = np.array([model.calendar.is_festival(d * MINUTES_PER_DAY) for d in range(days)])
    # Exposure: household-hours empty and occupied, by village and hour of day, on days
    # outside Spring Festival (when migrants are home, occupancy differs). The run is over,
    # so putting the villager table in its non-festival state changes nothing recorded.
    vt.set_festival(False, 0.0)
    households = np.arange(vt.n_households)
    normal_days = int((~festival_day).sum())
    empty = np.zeros((region.n, 24))
    occupied = np.zeros((region.n, 24))
    for hour in range(24):
        p_empty = vt.empty_probability(households, hour)
        empty[:, hour] = np.bincount(vt.hh_village, weights=p_empty, minlength=region.n)
        occupied[:, hour] = np.bincount(vt.hh_village, weights=1.0 - p_empty, minlength=region.n)
    return Run(
        seed=seed,
        incidents=tables["incidents"],
        summary=tables["summary"],
        villages=tables["villages"],
        end_time=float(model.end_time),
        journeys=np.asarray(crime.journeys, dtype=float),
        offender_home=crime.home.copy(),
        offender_resident=crime.resident.copy(),
        distance_km=crime.distance_km.copy(),
        households_per_village=(vt.hh_village_end - vt.hh_village_start).astype(float),
        n_households=int(vt.n_households),
        festival_day=festival_day,
        empty_exposure=empty * normal_days,
        occupied_exposure=occupied * normal_days,
        near_post=crime.near_post.copy(),
    )


class RunCache:
    """Seeded runs of the named scenarios, each computed once per session."""

    def __init__(self) -> None:
        self._runs: dict[tuple[str, int], Run] = {}

    def get(self, name: str, seeds) -> list[Run]:
        out = []
        for seed in seeds:
            key = (name, int(seed))
            if key not in self._runs:
                # Observed from day 0 (no warm-up): the mechanisms checked here hold from the
                # start, and under clinic the headline metrics are flat from day 0 (docs/ODD.md,
                # Warm-up), so the Chinese targets are met without one.
                config = {**SCENARIOS[name], "warmup_days": 0}
                model = RuralPolicingModel(config, seed=int(seed)).run()
                self._runs[key] = _extract(model, int(seed))
            out.append(self._runs[key])
        return out
