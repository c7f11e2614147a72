"""Plausible ranges of the uncertain parameters: what we do not know, declared beside each
value and its source (`section.plausible`), collected here over the whole schema.

Every number a scenario holds is either a *setting* (a choice that defines the scenario: a
preset's rules, the county, the number of officers; its source starts with "setting") or an
*uncertain parameter* with a plausible range: a distribution on [low, high] and one line of
reasoning from the evidence. A scenario can narrow, widen or fix a range (`ranges:`);
`uncertain_parameters(scenario)` gives the ranges that hold for it.

    from simulation.ranges import uncertain_parameters
    for key, p in uncertain_parameters().items():
        print(key, p.dist, p.low, p.high, p.why)
"""

from __future__ import annotations

import difflib
import math
import typing
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy import stats

from .section import Dist, Distribution

FIXED = "fixed"


class Plausible(BaseModel):
    """A plausible range: a distribution on [low, high] and why (see `section.plausible`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dist: Dist = "uniform"
    low: float
    high: float
    mode: float | None = None
    shape: tuple[float, float] | None = None
    why: str = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Plausible:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(f"a range needs low < high, got [{self.low:g}, {self.high:g}]")
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ValueError(f"mode {self.mode:g} outside [{self.low:g}, {self.high:g}]")
        if self.dist == "triangular" and self.mode is None:
            raise ValueError("a triangular range needs a mode")
        if self.dist == "beta" and (self.shape is None or min(self.shape) <= 0):
            raise ValueError("a beta range needs shape (a, b), both > 0")
        if self.dist == "lognormal" and self.low <= 0:
            raise ValueError("a lognormal range needs low > 0")
        return self

    def ppf(self, u: np.ndarray | float) -> np.ndarray:
        """Values at cumulative probabilities u in [0, 1] (what a Sobol or Latin hypercube
        point maps to)."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        lo, hi = self.low, self.high
        match self.dist:
            case "uniform":
                return np.asarray(lo + (hi - lo) * u)
            case "triangular":
                assert self.mode is not None
                c = (self.mode - lo) / (hi - lo)
                return np.asarray(stats.triang.ppf(u, c, loc=lo, scale=hi - lo))
            case "beta":
                assert self.shape is not None
                a, b = self.shape
                return np.asarray(stats.beta.ppf(u, a, b, loc=lo, scale=hi - lo))
            case "lognormal":
                median = self.mode if self.mode is not None else math.sqrt(lo * hi)
                # low and high are the 2.5% and 97.5% points; wider side sets the spread
                sigma = max(math.log(hi / median), math.log(median / lo)) / 1.959963984540054
                q = 0.025 + 0.95 * u
                return np.clip(median * np.exp(sigma * stats.norm.ppf(q)), lo, hi)
        raise ValueError(f"unknown distribution {self.dist!r}")

    def describe(self) -> str:
        """One line for the docs: `uniform [0.2, 1.2]`, `triangular [a, b] mode m`, ..."""
        text = f"{self.dist} [{self.low:g}, {self.high:g}]"
        if self.mode is not None:
            text += f" {'median' if self.dist == 'lognormal' else 'mode'} {self.mode:g}"
        if self.shape is not None:
            text += f" a={self.shape[0]:g} b={self.shape[1]:g}"
        return text


@dataclass(frozen=True)
class Uncertain:
    """An uncertain parameter: its key path, range, the schema's bounds and default."""

    key: str
    range: Plausible
    bounds: tuple[float | None, bool, float | None, bool]  # low, low inclusive, high, incl.
    default: float

    def within_bounds(self, low: float, high: float) -> bool:
        lo, lo_in, hi, hi_in = self.bounds
        ok_lo = lo is None or (low >= lo if lo_in else low > lo)
        ok_hi = hi is None or (high <= hi if hi_in else high < hi)
        return ok_lo and ok_hi

    def describe_bounds(self) -> str:
        lo, lo_in, hi, hi_in = self.bounds
        parts = []
        if lo is not None:
            parts.append(f"{'>=' if lo_in else '>'} {lo:g}")
        if hi is not None:
            parts.append(f"{'<=' if hi_in else '<'} {hi:g}")
        return ", ".join(parts) or "any number"


class RangeOverride(BaseModel):
    """A scenario's own range for one parameter: new bounds (and distribution), or `fixed`."""

    model_config = ConfigDict(extra="forbid")

    low: float
    high: float
    dist: Dist | None = None
    mode: float | None = None
    shape: tuple[float, float] | None = None
    why: str | None = None

    def plausible(self, why: str) -> Plausible:
        """The range it gives (uniform unless it names another distribution); `why` when it
        gives no reason of its own."""
        return Plausible(
            dist=self.dist or "uniform",
            low=self.low,
            high=self.high,
            mode=self.mode,
            shape=self.shape,
            why=self.why or why,
        )


def field_bounds(field: Any) -> tuple[float | None, bool, float | None, bool]:
    """The schema's bounds of a field (on the field or on an Annotated type inside it)."""
    lo: float | None = None
    hi: float | None = None
    lo_in = hi_in = True
    metadata = list(field.metadata)
    for arg in [field.annotation, *typing.get_args(field.annotation)]:
        if typing.get_origin(arg) is typing.Annotated:
            metadata += list(typing.get_args(arg)[1:])
    for meta in metadata:
        for m in [meta, *(getattr(meta, "metadata", None) or [])]:
            if getattr(m, "ge", None) is not None:
                lo, lo_in = float(m.ge), True
            if getattr(m, "gt", None) is not None:
                lo, lo_in = float(m.gt), False
            if getattr(m, "le", None) is not None:
                hi, hi_in = float(m.le), True
            if getattr(m, "lt", None) is not None:
                hi, hi_in = float(m.lt), False
    return lo, lo_in, hi, hi_in


def declared(field: Any) -> dict[str, Any] | None:
    """The `plausible` declaration of a field, if any."""
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    value = extra.get("plausible")
    return value if isinstance(value, dict) else None


def is_setting(field: Any) -> bool:
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return str(extra.get("source", "setting")).lower().startswith("setting")


def _value_at(data: Any, parts: list[str]) -> Any:
    for part in parts:
        data = data[part] if isinstance(data, dict) else getattr(data, part)
    return data


def schema_ranges(root: type[BaseModel]) -> dict[str, Uncertain]:
    """Every declared range of the schema under `root` (the Scenario; presets' sections
    included), by key path, with the bounds and default of its field. A dict-valued field
    declares ranges for its items (`reporting.probability.property`, `on_scene.violent.mean`)."""
    defaults = root().model_dump()
    out: dict[str, Uncertain] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        # a section with sections of its own beyond its fields (the presets' in `policing`)
        hook = getattr(model, "preset_sections", None)
        extra: dict[str, type[BaseModel]] = hook() if callable(hook) else {}
        for name, field in model.model_fields.items():
            ann = field.annotation
            key = f"{prefix}{name}"
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                walk(ann, key + ".")
                continue
            spec = declared(field)
            if spec is None:
                continue
            items = {"": spec} if "dist" in spec else spec
            for item, value in items.items():
                full = f"{key}.{item}" if item else key
                bounds = field_bounds(field)
                if item.endswith(".mean") or item.endswith(".sd"):  # a Distribution's field
                    bounds = field_bounds(Distribution.model_fields[item.rsplit(".", 1)[1]])
                elif item:  # a dict of numbers: the value type's bounds
                    args = typing.get_args(ann)
                    if len(args) == 2:
                        fake = type("F", (), {"metadata": [], "annotation": args[1]})
                        bounds = field_bounds(fake)
                default = _value_at(defaults, full.split("."))
                out[full] = Uncertain(full, Plausible.model_validate(value), bounds, float(default))
        for name, settings in extra.items():
            walk(settings, f"{prefix}{name}.")

    walk(root, "")
    return out


def uncertain_parameters(scenario: BaseModel) -> dict[str, Plausible]:
    """The plausible ranges that hold for a scenario: the declared ones, with the scenario's
    `ranges:` applied. An override replaces the bounds (uniform unless it names another
    distribution); `fixed` drops the parameter, which then keeps the scenario's value."""
    ranges = {k: u.range for k, u in schema_ranges(type(scenario)).items()}
    overrides: dict[str, Any] = getattr(scenario, "ranges", None) or {}
    for key, o in overrides.items():
        if o == FIXED:
            ranges.pop(key, None)
            continue
        ranges[key] = o.plausible(f"the scenario's own range (declared: {ranges[key].describe()})")
    return ranges


def check_overrides(
    overrides: dict[str, RangeOverride | Literal["fixed"]], known: dict[str, Uncertain]
) -> dict[str, str]:
    """One problem per bad override, by key: an unknown or non-ranged parameter, a range
    outside the schema's bounds or the wrong way round (`known`: `schema_ranges`)."""
    problems: dict[str, str] = {}
    for key, o in overrides.items():
        u = known.get(key)
        if u is None:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems[key] = f"not an uncertain parameter with a range{hint}"
            continue
        if o == FIXED:
            continue
        assert isinstance(o, RangeOverride)
        if not o.low < o.high:
            problems[key] = f"a range needs low < high, got [{o.low:g}, {o.high:g}]"
        elif not u.within_bounds(o.low, o.high):
            problems[key] = (
                f"range [{o.low:g}, {o.high:g}] outside the parameter's bounds "
                f"({u.describe_bounds()})"
            )
        else:
            try:
                o.plausible("override")
            except ValueError as exc:
                problems[key] = str(exc).splitlines()[-1].strip().removeprefix("Value error, ")
    return problems
