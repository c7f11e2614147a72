"""The base of every schema section, shared by the scenario schema and the policing presets'
own sections (which live beside their preset, in simulation/policing/)."""

from __future__ import annotations

import math
import types
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


def _is_number(annotation: Any) -> bool:
    """True for int and float fields (optional or constrained), False where bool is allowed."""
    if get_origin(annotation) is Annotated:
        return _is_number(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return bool(args) and bool not in args and all(_is_number(a) for a in args)
    return annotation in (int, float)


# Every number in a scenario is finite, and a number whose field states no upper bound of its
# own is at most MAX_NUMBER: a typo like 1e308 fails validation instead of overflowing a run.
MAX_NUMBER = 1e9


@cache
def _unbounded_number(model: type[BaseModel], name: str) -> bool:
    """A number field without its own upper bound (`le`/`lt`)."""
    field = model.model_fields.get(name)
    if field is None or not _is_number(field.annotation):
        return False
    metadata = list(field.metadata)
    ann = field.annotation
    for arg in [ann, *get_args(ann)]:
        if get_origin(arg) is Annotated:
            metadata += [m for a in get_args(arg)[1:] for m in getattr(a, "metadata", [a])]
    return not any(hasattr(m, "le") or hasattr(m, "lt") for m in metadata)


class Section(BaseModel):
    """Base for every schema section: unknown keys and wrong types are errors, numbers are
    finite (no .inf or .nan) and true/false is not a number."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _plain_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """true/false is not a number; a number without its own bound is at most MAX_NUMBER."""
        name = info.field_name
        if name is None:
            return value
        if isinstance(value, bool):
            field = cls.model_fields.get(name)
            if field is not None and _is_number(field.annotation):
                raise ValueError(f"must be a number, not {str(value).lower()}")
        elif (
            isinstance(value, (int, float))
            and math.isfinite(value)
            and abs(value) > MAX_NUMBER
            and _unbounded_number(cls, name)
        ):
            raise ValueError(f"must be at most {MAX_NUMBER:g}, got {value:g}")
        return value


def documented(unit: str, source: str, plausible: dict[str, Any] | None = None) -> dict[str, Any]:
    """A field's unit and source (and plausible range), as the docs generator
    (simulation.reference) and the uncertainty tools (simulation.ranges) read them."""
    out: dict[str, Any] = {"unit": unit, "source": source}
    if plausible is not None:
        out["plausible"] = plausible
    return out


Dist = Literal["uniform", "triangular", "beta", "lognormal"]


def plausible(
    low: float,
    high: float,
    why: str,
    dist: Dist = "uniform",
    mode: float | None = None,
    shape: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """The plausible range of an uncertain parameter, declared beside its value and source
    (`json_schema_extra={..., "plausible": plausible(...)}`): a distribution on [low, high]
    and one line of reasoning from the evidence.

    - uniform: every value in [low, high] alike;
    - triangular: peaked at `mode`;
    - beta: shape `(a, b)` on [low, high];
    - lognormal: median `mode` (default the geometric mid-point), low and high its 2.5% and
      97.5% points (truncated there)."""
    out: dict[str, Any] = {"dist": dist, "low": low, "high": high, "why": why}
    if mode is not None:
        out["mode"] = mode
    if shape is not None:
        out["shape"] = list(shape)
    return out


class Distribution(Section):
    """A positive duration distribution in minutes."""

    kind: Literal["fixed", "exponential", "lognormal"] = Field(
        "lognormal",
        description="shape of the distribution",
        json_schema_extra={"unit": "", "source": "setting"},
    )
    mean: float = Field(
        ge=0,
        description="mean, minutes (0: none)",
        json_schema_extra={"unit": "minutes", "source": "setting"},
    )
    sd: float = Field(
        0.0,
        ge=0,
        description="standard deviation, minutes (lognormal only)",
        json_schema_extra={"unit": "minutes", "source": "setting"},
    )

    @model_validator(mode="after")
    def _lognormal_needs_sd(self) -> Distribution:
        if self.kind == "lognormal" and self.mean > 0 and self.sd <= 0:
            raise ValueError("a lognormal distribution needs sd > 0")
        return self
