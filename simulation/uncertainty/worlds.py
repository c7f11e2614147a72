"""Parameter worlds: which parameters vary (the declared plausible ranges, with a file's own
ranges and fixed values), the worlds drawn from them by a Sobol or Latin hypercube design
(`scipy.stats.qmc`), and the seeds each world runs with.

World 0 is the declared values: the ordinary comparison, whose replicates give the seeds-only
intervals. Worlds 1..N are drawn. Within a world every option runs with the same seeds (common
random numbers: the same calls, the same offenders' draws), so differences between options in a
world are differences the options make there."""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel
from scipy.stats import qmc

from ..ranges import FIXED, Plausible, Uncertain, check_overrides, schema_ranges
from .spec import UncertaintySpec

Job = tuple[int, str, int, int]
"""(world, option, replicate, seed)."""

Where = tuple[str, ...]
"""A key path in the file (`("uncertainty", "fixed", "crime.guardian_effect")`)."""


def _unknown(key: str, known: dict[str, Uncertain]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"not an uncertain parameter with a range{hint}"


def read_posterior(path: str) -> pd.DataFrame:
    """A calibration's posterior draws (`rpsim calibrate`'s posterior.parquet): one column
    per parameter, one row per draw. ValueError, one line, for a file that is not one."""
    try:
        table = pd.read_parquet(path)
    except FileNotFoundError:
        raise ValueError(f"file not found: {path}") from None
    except Exception as exc:  # pyarrow raises many kinds for a damaged file
        raise ValueError(f"cannot read {path} as a posterior table: {exc}") from None
    table = table.drop(columns=[c for c in ("draw",) if c in table])
    if table.empty or not len(table.columns):
        raise ValueError(f"{path} holds no posterior draws")
    bad = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
    if bad or not np.isfinite(table.to_numpy(dtype=float)).all():
        raise ValueError(f"{path}: every column must be finite numbers (not {bad or 'NaN'})")
    return table.reset_index(drop=True)


def problems(spec: UncertaintySpec, scenario: BaseModel) -> list[tuple[Where, str]]:
    """One line per bad entry of an `uncertainty:` block, at its key path: an unknown or
    non-ranged parameter, a range outside the schema's bounds, a fixed value outside them, a
    parameter both fixed and ranged, or one the scenario itself fixes."""
    known = schema_ranges(type(scenario))
    out: list[tuple[Where, str]] = []
    at = ("uncertainty",)
    if isinstance(spec.parameters, list):
        out += [
            ((*at, "parameters", k), _unknown(k, known)) for k in spec.parameters if k not in known
        ]
        if not spec.parameters:
            out.append(((*at, "parameters"), "give at least one parameter, or 'all'"))
    for key, value in spec.fixed.items():
        u = known.get(key)
        if u is None:
            out.append(((*at, "fixed", key), _unknown(key, known)))
        elif not u.within_bounds(value, value):
            out.append(
                (
                    (*at, "fixed", key),
                    f"{value:g} outside the parameter's bounds ({u.describe_bounds()})",
                )
            )
        elif key in spec.ranges:
            out.append(((*at, "fixed", key), "both fixed and given a range: choose one"))
        elif _is_int(key) and not float(value).is_integer():
            out.append(((*at, "fixed", key), f"{value:g} is not a whole number"))
    bad = check_overrides(dict(spec.ranges), known)
    out += [((*at, "ranges", k), reason) for k, reason in bad.items()]
    if spec.posterior is not None:
        out += _posterior_problems(spec, known)
    own = getattr(scenario, "ranges", None) or {}
    if isinstance(spec.parameters, list):
        out += [
            ((*at, "parameters", k), "the scenario fixes it (its `ranges:` say fixed)")
            for k in spec.parameters
            if own.get(k) == FIXED and k not in spec.ranges
        ]
    return out


def _posterior_problems(spec: UncertaintySpec, known: dict[str, Uncertain]) -> list:
    at: Where = ("uncertainty", "posterior")
    assert spec.posterior is not None
    try:
        table = read_posterior(spec.posterior)
    except ValueError as exc:
        return [(at, str(exc))]
    out: list[tuple[Where, str]] = []
    for key in table.columns:
        if key not in known:
            out.append((at, f"column {key!r}: {_unknown(key, known)}"))
        elif key in spec.fixed or key in spec.ranges:
            out.append((at, f"{key} is in the posterior and also fixed or ranged: choose one"))
        else:
            values = table[key]
            if not known[key].within_bounds(float(values.min()), float(values.max())):
                out.append(
                    (at, f"{key}: draws outside its bounds ({known[key].describe_bounds()})")
                )
    if spec.worlds > len(table):
        out.append(
            (
                ("uncertainty", "worlds"),
                f"{spec.worlds} worlds but the posterior has {len(table)} draws: ask for at "
                "most that many",
            )
        )
    return out


def posterior_ranges(table: pd.DataFrame, path: str) -> dict[str, Plausible]:
    """The span of each posterior column, as the range the answers report it over."""
    out = {}
    for key in table.columns:
        lo, hi = float(table[key].min()), float(table[key].max())
        if not lo < hi:
            lo, hi = lo - 1e-9 * (abs(lo) + 1), hi + 1e-9 * (abs(hi) + 1)
        out[key] = Plausible(low=lo, high=hi, why=f"posterior draws of a calibration ({path})")
    return out


def varying(spec: UncertaintySpec, scenario: BaseModel) -> dict[str, Plausible]:
    """The parameters that vary and their ranges, in the schema's order: the scenario's
    (declared, with its own `ranges:`), then the block's ranges, less the fixed ones, and only
    the listed ones when `parameters` is a list. Call `problems` first."""
    from ..ranges import uncertain_parameters

    ranges = uncertain_parameters(scenario)
    for key, o in spec.ranges.items():
        declared = ranges.get(key)
        ranges[key] = o.plausible(
            "the team's own range"
            + (f" (declared: {declared.describe()})" if declared is not None else "")
        )
    chosen = ranges if spec.parameters == "all" else {k: ranges[k] for k in spec.parameters}
    if spec.posterior is not None:  # its parameters vary as its draws
        posterior = posterior_ranges(read_posterior(spec.posterior), spec.posterior)
        chosen = {k: p for k, p in chosen.items() if k not in posterior} | posterior
    return {k: p for k, p in chosen.items() if k not in spec.fixed}


def draw(ranges: dict[str, Plausible], n: int, sampling: str, seed: int) -> pd.DataFrame:
    """n worlds (index `world`, 1..n), one column per parameter: a scrambled Sobol or Latin
    hypercube design on the unit cube mapped through each range's distribution. A design of
    more worlds starts with the same worlds (Sobol), so adaptive runs take a prefix."""
    d = len(ranges)
    if d == 0:
        return pd.DataFrame(index=pd.RangeIndex(1, n + 1, name="world"))
    rng = np.random.default_rng(seed)
    if sampling == "sobol":
        with warnings.catch_warnings():  # n need not be a power of 2 (balance is not needed)
            warnings.simplefilter("ignore", UserWarning)
            u = qmc.Sobol(d, scramble=True, rng=rng).random(n)
    else:
        u = qmc.LatinHypercube(d, rng=rng).random(n)
    cols = {key: p.ppf(u[:, j]) for j, (key, p) in enumerate(ranges.items())}
    design = pd.DataFrame(cols, index=pd.RangeIndex(1, n + 1, name="world"))
    for key in design.columns:
        if _is_int(key):
            design[key] = design[key].round().astype(int)
    return design


def _is_int(key: str) -> bool:
    from ..scenario import is_int_key

    return is_int_key(key)


def world_seeds(base_seed: int, world: int, replicates: int) -> list[int]:
    """The replicate seeds of a world: world 0's are the comparison's own
    (`runner.replicate_seeds(base_seed, R)`); world w's are spawned from (base_seed, w)."""
    from ..runner import replicate_seeds

    if world == 0:
        return replicate_seeds(base_seed, replicates)
    children = np.random.SeedSequence([base_seed, world]).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


def set_values(data: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """`data` (a scenario as a dict) with dotted keys set (`reporting.probability.property`)."""
    for key, value in values.items():
        node = data
        parts = key.split(".")
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1]] = value.item() if isinstance(value, np.generic) else value
    return data


@dataclass
class Worlds:
    """A comparison across parameter worlds: the options (already sized), the baseline, what
    varies, the drawn design (worlds 1..N) and the seeds. World 0 is the declared values."""

    name: str
    options: Mapping[str, BaseModel]  # label -> Scenario
    baseline: str
    spec: UncertaintySpec
    ranges: dict[str, Plausible]
    design: pd.DataFrame  # index world 1..N, one column per varying parameter
    replicates: int  # world 0's (the comparison's own)
    seed: int  # the drawn worlds' (the block's seed, else the file's)
    file_seed: int | None = None  # world 0's: the file's own seed (default: `seed`)
    own: dict[str, frozenset[str]] | None = None  # per option, varying keys it sets itself

    def seeds(self, world: int) -> list[int]:
        if world == 0:
            seed = self.seed if self.file_seed is None else self.file_seed
            return world_seeds(seed, 0, self.replicates)
        return world_seeds(self.seed, world, self.spec.replicates)

    def runs(self, worlds: Iterable[int]) -> list[Job]:
        """Every (world, option, replicate, seed), world by world."""
        return [
            (w, label, r, s)
            for w in worlds
            for label in self.options
            for r, s in enumerate(self.seeds(w))
        ]

    def values(self, world: int, option: str | None = None) -> dict[str, Any]:
        """The parameter values a world sets: the fixed ones, and its draw; for an option,
        less the varying parameters the option sets itself (they are part of its design)."""
        out: dict[str, Any] = dict(self.spec.fixed)
        if world > 0:
            out.update({str(k): v for k, v in self.design.loc[world].items()})
        keep = (self.own or {}).get(option or "", frozenset())
        return {k: v for k, v in out.items() if k not in keep}

    def scenario(self, world: int, option: str) -> dict[str, Any]:
        """The scenario of an option in a world, as a dict (validated where it runs)."""
        data = self.options[option].model_dump(mode="json")
        set_values(data, self.values(world, option))
        if world > 0 and self.spec.counties == "per_world":
            data.setdefault("region", {})["seed"] = world_seeds(self.seed, world, 1)[0]
        return data


def _value(data: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def own_settings(
    options: Mapping[str, BaseModel], baseline: str, keys: Iterable[str]
) -> dict[str, frozenset[str]]:
    """Per option, the varying parameters it sets to another value than the baseline: an
    option that *is* a change of a ranged parameter (a higher presence share, say) keeps its
    value in every world, or the worlds would erase what it is."""
    base = options[baseline].model_dump(mode="json")
    out = {}
    for label, scenario in options.items():
        data = scenario.model_dump(mode="json")
        out[label] = frozenset(k for k in keys if _value(data, k) != _value(base, k))
    return out


def make_worlds(
    name: str,
    options: Mapping[str, BaseModel],
    baseline: str,
    spec: UncertaintySpec,
    replicates: int,
    seed: int,
) -> Worlds:
    """The worlds of a comparison (check `worlds.problems` first). World 0 runs with the
    file's seed; the drawn worlds with the block's seed if it gives one."""
    base_seed = seed if spec.seed is None else spec.seed
    ranges = varying(spec, options[baseline])
    design = draw(ranges, spec.worlds, spec.sampling, base_seed)
    if spec.posterior is not None:  # the posterior's columns take its draws, in order
        posterior = read_posterior(spec.posterior)
        for key in posterior.columns:
            values = posterior[key].to_numpy()[: spec.worlds]
            design[key] = np.round(values).astype(int) if _is_int(key) else values
    own = own_settings(options, baseline, [*ranges, *spec.fixed])
    return Worlds(
        name, dict(options), baseline, spec, ranges, design, replicates, base_seed, seed, own
    )
