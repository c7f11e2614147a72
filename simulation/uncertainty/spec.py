"""The `uncertainty:` block of a comparison or plan file: how many parameter worlds, which
parameters vary and how, and the values the team puts on what the options achieve.

    uncertainty:
      worlds: 128              # parameter worlds drawn from the plausible ranges
      sampling: sobol          # sobol | lhs (scipy.stats.qmc)
      parameters: all          # or a list of ranged parameters; the rest keep their values
      fixed: {crime.guardian_effect: 0.5}             # held at a value in every world
      ranges: {trust.contact_gain: {low: 0.001, high: 0.004}}   # the team's own range
      replicates: 1            # runs per option in each drawn world (common seeds)
      counties: fixed          # fixed | per_world (a new county per world)
      wtp: {per_crime: 20000, per_escalation: 200000}    # CNY, willingness to pay
      adaptive: false          # stop adding worlds once every probability-best is known
      tolerance: 0.05          # ... to +- this (95%)
      threshold: 0.8           # plans: recommend a design only if it beats today this often
      posterior: calibrate-x/posterior.parquet   # a calibration's posterior (rpsim calibrate):
                               # its parameters take its draws, world by world
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..ranges import RangeOverride

MAX_WORLDS = 100_000


class WillingnessToPay(BaseModel):
    """What the team would pay, a year, for one crime or one 民转刑 escalation prevented (CNY):
    settings, the team's own values, not evidence."""

    model_config = ConfigDict(extra="forbid")

    per_crime: float = Field(
        20_000,
        ge=0,
        le=1e9,
        allow_inf_nan=False,
        description="CNY the team would pay to prevent one crime (setting)",
    )
    per_escalation: float = Field(
        200_000,
        ge=0,
        le=1e10,
        allow_inf_nan=False,
        description="CNY the team would pay to prevent one dispute turning violent (setting), "
        "beyond its value as a crime: an escalated dispute is a violent crime too, so it counts "
        "per_crime + per_escalation",
    )
    curve: list[float] | None = Field(
        None,
        description="willingness to pay per crime at which to draw the acceptability curve "
        "(an escalation valued at per_escalation / per_crime times a crime); default 0 to 5 "
        "times per_crime",
    )

    def curve_points(self) -> list[float]:
        """The acceptability curve's willingness to pay per crime."""
        if self.curve:
            return sorted({float(x) for x in self.curve})
        top = 5.0 * (self.per_crime or 20_000.0)
        return [top * i / 20 for i in range(21)]

    @property
    def escalation_per_crime(self) -> float:
        """An escalation's value in crimes (the ratio held along the acceptability curve)."""
        return self.per_escalation / self.per_crime if self.per_crime > 0 else 0.0


class UncertaintySpec(BaseModel):
    """How a comparison or plan is run across what we do not know."""

    model_config = ConfigDict(extra="forbid")

    worlds: int = Field(64, ge=2, le=MAX_WORLDS, description="parameter worlds to draw")
    sampling: Literal["sobol", "lhs"] = "sobol"
    parameters: Literal["all"] | list[str] = Field(
        "all", description="the ranged parameters that vary (default: every one)"
    )
    fixed: dict[str, float] = Field(
        default_factory=dict, description="parameters held at a value in every world"
    )
    ranges: dict[str, RangeOverride] = Field(
        default_factory=dict, description="the team's own ranges, replacing the declared ones"
    )
    replicates: int = Field(1, ge=1, le=1000, description="runs per option in each drawn world")
    # World 0 (the declared values, `fixed` applied) runs the file's replicates with the file's
    # seed on each scenario's own county.
    counties: Literal["fixed", "per_world"] = "fixed"
    seed: int | None = Field(None, ge=0, description="default: the file's seed")
    wtp: WillingnessToPay = Field(default_factory=WillingnessToPay)
    adaptive: bool = False
    tolerance: float = Field(
        0.05, gt=0, le=0.5, description="adaptive: 95% half-width of every probability-best"
    )
    batch: int = Field(16, ge=2, le=10_000, description="adaptive: worlds added at a time")
    threshold: float = Field(
        0.8, gt=0, le=1, description="plans: recommend only designs beating today this often"
    )
    posterior: str | None = Field(
        None,
        description="posterior.parquet of `rpsim calibrate` (relative to this file): its "
        "parameters take its draws in place of their plausible ranges",
    )

    def resolve(self, folder: Path) -> None:
        """The posterior's path, relative to the file that names it."""
        if self.posterior is not None and not Path(self.posterior).is_absolute():
            self.posterior = str(folder / self.posterior)
