"""A plan file: base scenario, budget, decision variables, constraints, objectives, search.

name: mouding_plan
base: ../mouding.yaml            # any scenario file (generated or loaded county)
seed: 2026                       # common random numbers: every design runs these seeds
days: 365
budget_cny: 31000000             # annual cost, simulation.costs (driving included)
set: [costs.vehicle_per_km=1.2]  # overrides of the base (unit costs ...)
decisions:
  officers: [120, 180]
  auxiliaries: [0, 89]
  auxiliary_placement: screen    # screen | population | search
  station_officers: screen       # population | screen
  resident_officers: [20, 89]    # village officers (village_officer, hybrid)
  night_share: [0.2, 0.35]       # share of officers on the night shift
constraints:
  min_station_share: 0.4         # Hubei rule: >= 40% of officers at stations
  min_night_officers_per_station: 2
objectives: [escalated_per_1000, response_mean_remote_third_min]
search: {evaluations: 200, population: 20, replicates: 1, final_replicates: 5}
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from ..config_files import load_scenario, read_spec, read_yaml
from ..errors import Problem, ScenarioError
from ..limits import MAX_OFFICERS, MAX_VILLAGES
from ..metric_registry import METRICS
from ..policing import PRESETS
from ..scenario import Scenario
from ..uncertainty.spec import UncertaintySpec
from ..units import MINUTES_PER_DAY

IntRange = tuple[int, int]
Placement = Literal["screen", "population", "search"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _range(value: object) -> object:
    """A single number is a fixed value: [n, n]."""
    return [value, value] if isinstance(value, int | float) else value


class Decisions(_Strict):
    """What the planner may change. A range [lo, hi] is searched; a single value is fixed;
    an absent decision keeps the base scenario's setting."""

    presets: list[str] | None = Field(
        None, min_length=1, description="policing models to choose from"
    )
    officers: IntRange | None = None
    auxiliaries: IntRange | None = None
    auxiliary_placement: Placement = "screen"
    station_officers: Literal["population", "screen"] = "population"
    resident_officers: IntRange | None = None
    police_rooms: IntRange | None = None
    district_officers: IntRange | None = None
    posts: Literal["screen", "search"] | None = None
    night_share: tuple[float, float] | None = None

    @field_validator(
        "officers",
        "auxiliaries",
        "resident_officers",
        "police_rooms",
        "district_officers",
        "night_share",
        mode="before",
    )
    @classmethod
    def _fixed(cls, v: object) -> object:
        return _range(v)

    @field_validator(
        "officers", "auxiliaries", "resident_officers", "police_rooms", "district_officers"
    )
    @classmethod
    def _ordered(cls, v: IntRange | None, info: ValidationInfo) -> IntRange | None:
        if v is not None and not (0 <= v[0] <= v[1]):
            raise ValueError(f"a range must be [low, high] with 0 <= low <= high, got {list(v)}")
        top = MAX_VILLAGES if info.field_name == "auxiliaries" else MAX_OFFICERS
        if v is not None and v[1] > top:
            raise ValueError(f"at most {top:,} (as in a scenario), got {v[1]:,}")
        return v

    @field_validator("presets")
    @classmethod
    def _known_presets(cls, v: list[str] | None) -> list[str] | None:
        for name in v or []:
            if name not in PRESETS:
                close = difflib.get_close_matches(name, list(PRESETS), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise ValueError(f"unknown preset {name!r}{hint}; known: {', '.join(PRESETS)}")
        if v is not None and len(set(v)) < len(v):
            raise ValueError(f"a preset is named twice: {v}")
        return v

    @field_validator("night_share")
    @classmethod
    def _share(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not (0 < v[0] <= v[1] < 1):
            raise ValueError(f"night_share must be [low, high] within (0, 1), got {list(v)}")
        return v


class Constraints(_Strict):
    min_station_share: float | None = Field(None, ge=0, le=1)
    min_night_officers_per_station: int | None = Field(None, ge=0, le=MAX_OFFICERS)
    # Hubei rule (鄂公委发〔2018〕4号): a rural police station holds at least 5 officers
    min_officers_per_station: int | None = Field(5, ge=0, le=MAX_OFFICERS)
    district_villages: IntRange = (5, 8)  # Hubei rule
    district_officers: IntRange = (1, 2)  # Hubei rule

    @field_validator("district_villages", "district_officers")
    @classmethod
    def _ordered(cls, v: IntRange) -> IntRange:
        if not (1 <= v[0] <= v[1] <= MAX_VILLAGES):
            raise ValueError(f"a range must be [low, high] with 1 <= low <= high, got {list(v)}")
        return v


class Objective(_Strict):
    metric: str
    direction: Literal["lower", "higher"] | None = None  # default: the metric's own

    @property
    def sign(self) -> float:
        """+1 to minimise, -1 to maximise."""
        return 1.0 if (self.direction or METRICS[self.metric].better) == "lower" else -1.0


class Search(_Strict):
    """Bounds keep the work proportionate: a plan of the largest allowed search runs
    100,000 designs x 100 seeds; a search never tries more candidates than the county has
    distinct designs (DesignSpace.size)."""

    evaluations: int = Field(
        60, ge=2, le=100_000, description="distinct designs simulated in the search"
    )
    population: int = Field(12, ge=4, le=1000, description="NSGA-II population per generation")
    replicates: int = Field(1, ge=1, le=100, description="seeds per design in the search (CRN)")
    final_replicates: int = Field(
        5, ge=2, le=1000, description="seeds per Pareto design at the end"
    )
    final_max: int = Field(8, ge=1, le=1000, description="most Pareto designs re-run at the end")
    cover_min: float = Field(
        15.0,
        gt=0,
        le=MINUTES_PER_DAY,
        description="coverage standard of the maximal covering screen, minutes",
    )


class PlanSpec(_Strict):
    name: str = "plan"
    description: str = ""
    base: str
    # Optuna's NSGA-II seeds numpy's legacy generator, which takes 32 bits.
    seed: int = Field(0, ge=0, le=2**32 - 2)
    days: float | None = Field(None, gt=0, le=36_500)
    budget_cny: float = Field(gt=0, le=1e12, allow_inf_nan=False)
    set: list[str] = []
    decisions: Decisions = Field(default_factory=Decisions)
    constraints: Constraints = Field(default_factory=Constraints)
    objectives: list[Objective] = Field(min_length=2)
    search: Search = Field(default_factory=Search)
    uncertainty: UncertaintySpec | None = Field(
        None,
        description="re-run the final designs and today across parameter worlds "
        "(simulation/plan/robust.py)",
    )

    @field_validator("objectives", mode="before")
    @classmethod
    def _names(cls, v: object) -> object:
        if isinstance(v, list):
            return [{"metric": o} if isinstance(o, str) else o for o in v]
        return v

    @field_validator("objectives")
    @classmethod
    def _known_metrics(cls, objectives: list[Objective]) -> list[Objective]:
        per_run = [m for m, d in METRICS.items() if d.per_run and d.kind == "metric"]
        names = [o.metric for o in objectives]
        if len(set(names)) < len(names):
            raise ValueError(f"an objective is named twice: {names}")
        for o in objectives:
            if o.metric not in per_run:
                close = difflib.get_close_matches(o.metric, per_run, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise ValueError(f"unknown objective metric {o.metric!r}{hint}")
            if o.direction is None and not METRICS[o.metric].better:
                raise ValueError(f"objective {o.metric!r} needs a direction (lower or higher)")
        return objectives


def load_plan(path: str | Path) -> tuple[PlanSpec, Scenario]:
    """A plan file and its base scenario (with the plan's `set` and `days`)."""
    spec, lines = read_spec(PlanSpec, path)
    if spec.uncertainty is not None:
        spec.uncertainty.resolve(Path(path).parent)
    base_path = Path(path).parent / spec.base
    if not base_path.is_file():
        raise ScenarioError(
            Problem(
                key="base",
                reason=f"file not found: {base_path}",
                file=str(path),
                line=lines.get(("base",), (None, None))[1],
            )
        )
    base_data, _ = read_yaml(base_path)
    if "objectives" in base_data and "base" in base_data:
        raise ScenarioError(
            Problem(
                key="base",
                reason=f"{base_path} is a plan file, not a scenario: base names the scenario "
                "whose county and settings the plan starts from",
                file=str(path),
                line=lines.get(("base",), (None, None))[1],
            )
        )
    overrides = list(spec.set) + ([f"days={spec.days}"] if spec.days is not None else [])
    base = load_scenario(base_path, overrides)
    return spec, base


def line_of(path: str | Path, *key: str) -> int | None:
    """The line of a key in a plan file (for errors found after validation)."""
    _, lines = read_yaml(path)
    return lines.get(tuple(key), (None, None))[1]
