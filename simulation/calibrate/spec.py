"""A calibration file: the county and its policing while the records were kept, the records,
what to infer, and how hard to look.

name: hill_synthetic
base: hill/clinic.yaml            # the county and its policing during the records
seed: 2026
records:
  calls: records/hill_synthetic/calls.csv     # 110 call log, CSV or .xlsx
  panel: records/hill_synthetic/panel.csv     # optional township x month aggregates
  start: 2025-01-01                            # the records period (end exclusive)
  end: 2026-01-01
  columns: {received: 接警时间}                 # only where the headers differ from the usual
  categories: {治安纠纷: dispute}                # category names the usual list lacks
  village_codes: null                          # a CSV of code,name for calls given by code
parameters: [crime.offenders_per_1000, ...]    # what the simulation infers (default below)
ranges: {crime.offenders_per_1000: {low: 0.3, high: 3}}   # priors other than the declared
summaries: all                                 # or a list (observe.SUMMARIES)
waves: 3                                       # history-matching waves
runs_per_wave: 96
cutoff: 3.0                                    # implausibility cut-off (Pukelsheim's 3 sigma)
discrepancy: 0.05                              # model discrepancy, share of each summary
samples: 1000                                  # posterior draws saved
checks: 20                                     # posterior predictive runs
"""

from __future__ import annotations

import difflib
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..config_files import load_scenario, read_spec
from ..errors import Problem, ScenarioError
from ..ranges import RangeOverride, check_overrides, schema_ranges
from ..scenario import Scenario
from .observe import SUMMARIES

DEFAULT_PARAMETERS = (
    "crime.offenders_per_1000",
    "crime.violent_share",
    "reporting.probability.property",
    "crime.base_clearance.property",
    "crime.base_clearance.violent",
    "disputes.rate_per_1000",
    "disputes.escalation_days",
    "calls.rate_per_1000",
    "calls.scene_share",
)
"""What the call log and panel speak to but do not show directly: the volumes of crime,
disputes and other calls behind the calls received, reporting, clearance and escalation."""

MAX_RUNS_PER_WAVE = 5000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Records(_Strict):
    """Where the county's records are and how to read them."""

    calls: str = Field(description="the 110 call log, CSV or .xlsx (relative to this file)")
    panel: str | None = Field(None, description="township x month aggregates, CSV or .xlsx")
    start: date = Field(description="first day of the records period")
    end: date = Field(description="the day after the last (exclusive)")
    columns: dict[str, str] = Field(
        default_factory=dict, description="call log field -> header, where not the usual"
    )
    panel_columns: dict[str, str] = Field(default_factory=dict)
    categories: dict[str, str] = Field(
        default_factory=dict, description="category name -> property/violent/dispute/service"
    )
    village_codes: str | None = Field(
        None, description="a CSV with columns code,name for calls placed by village code"
    )
    sheet: str | None = Field(None, description="the Excel sheet (default: the first)")

    @model_validator(mode="after")
    def _period(self) -> Records:
        days = (self.end - self.start).days
        if days < 28:
            raise ValueError(f"the records period {self.start} to {self.end} is under 4 weeks")
        if days > 3 * 366:
            raise ValueError("a records period of at most 3 years (the model runs it whole)")
        return self

    @property
    def start_time(self) -> datetime:
        return datetime.combine(self.start, datetime.min.time())

    @property
    def end_time(self) -> datetime:
        return datetime.combine(self.end, datetime.min.time())


class CalibrationSpec(_Strict):
    """A calibration file (see the module docstring)."""

    name: str = "calibration"
    description: str = ""
    base: str = Field(description="scenario file: the county and its policing in the records")
    set: list[str] = Field(default_factory=list, description="overrides of the base")
    seed: int = Field(0, ge=0, le=2**32 - 1)
    records: Records
    parameters: list[str] = Field(default_factory=lambda: list(DEFAULT_PARAMETERS))
    ranges: dict[str, RangeOverride] = Field(default_factory=dict)
    summaries: Literal["all"] | list[str] = "all"
    waves: int = Field(3, ge=1, le=10)
    runs_per_wave: int = Field(96, ge=8, le=MAX_RUNS_PER_WAVE)
    cutoff: float = Field(3.0, gt=0, le=10, description="implausibility cut-off")
    discrepancy: float = Field(
        0.05,
        ge=0,
        le=1,
        description="model discrepancy: the standard deviation of what the model cannot "
        "match, as a share of each summary (0 for synthetic records)",
    )
    samples: int = Field(1000, ge=10, le=100_000, description="posterior draws saved")
    checks: int = Field(20, ge=0, le=1000, description="posterior predictive runs")

    @model_validator(mode="after")
    def _lists(self) -> CalibrationSpec:
        if not self.parameters:
            raise ValueError("parameters: give at least one parameter to infer")
        if len(set(self.parameters)) != len(self.parameters):
            raise ValueError("parameters: each parameter once")
        if isinstance(self.summaries, list):
            unknown = [s for s in self.summaries if s not in SUMMARIES]
            if unknown:
                close = difflib.get_close_matches(unknown[0], list(SUMMARIES), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise ValueError(
                    f"summaries: unknown summary '{unknown[0]}'{hint}; known: "
                    + ", ".join(SUMMARIES)
                )
        return self


def parameter_problems(spec: CalibrationSpec, scenario: Scenario) -> list[tuple[str, str]]:
    """(key, reason) for parameters without a declared range and bad range overrides."""
    known = schema_ranges(type(scenario))
    out = []
    for key in spec.parameters:
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            out.append((f"parameters.{key}", f"not an uncertain parameter with a range{hint}"))
    bad = check_overrides(dict(spec.ranges), known)
    out += [(f"ranges.{k}", reason) for k, reason in bad.items()]
    out += [
        (f"ranges.{k}", "not one of the parameters to infer")
        for k in spec.ranges
        if k not in spec.parameters and k not in bad
    ]
    return out


def load_calibration(path: str | Path) -> tuple[CalibrationSpec, Scenario, Path]:
    """A calibration file, its base scenario and the folder its paths are relative to.
    Every problem found is reported at once, at its line."""
    spec, lines = read_spec(CalibrationSpec, path)
    folder = Path(path).parent

    def problem(key: str, reason: str) -> Problem:
        where = tuple(key.split(".", 1)) if "." in key else (key,)
        line = lines.get(where, lines.get(where[:1], (None, None)))[1]
        return Problem(key=key, reason=reason, file=str(path), line=line)

    base_path = folder / spec.base
    if not base_path.is_file():
        raise ScenarioError(problem("base", f"file not found: {base_path}"))
    scenario = load_scenario(base_path, list(spec.set))
    problems = [problem(k, r) for k, r in parameter_problems(spec, scenario)]
    for key in ("calls", "panel", "village_codes"):
        value = getattr(spec.records, key)
        if value is not None and not (folder / value).is_file():
            problems.append(problem(f"records.{key}", f"file not found: {folder / value}"))
    if problems:
        raise ScenarioError(problems)
    return spec, scenario, folder


def as_dict(spec: CalibrationSpec) -> dict[str, Any]:
    """The spec as JSON (what the settings note keeps for --resume)."""
    return spec.model_dump(mode="json")
