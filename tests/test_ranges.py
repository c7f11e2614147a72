"""Every number a scenario holds is a setting or an uncertain parameter with a plausible range
(declared beside its value and source); every range lies inside the schema's bounds and
contains the default; a scenario can override or fix a range, and bad overrides are one
clear line each."""

from __future__ import annotations

import typing
from pathlib import Path

import numpy as np
import pytest
import yaml
from pydantic import BaseModel

from simulation import ScenarioError
from simulation.config_files import validate_dict
from simulation.policing.settings import PolicingConfig
from simulation.ranges import (
    Plausible,
    declared,
    field_bounds,
    is_setting,
    schema_ranges,
    uncertain_parameters,
)
from simulation.scenario import Scenario
from simulation.section import Distribution

ROOT = Path(__file__).resolve().parents[1]


def _numeric(annotation: typing.Any) -> bool:
    if typing.get_origin(annotation) is typing.Annotated:
        return _numeric(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, __import__("types").UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return len(args) == 1 and _numeric(args[0])
    return annotation in (int, float)


def _fields(model: type[BaseModel] = Scenario, prefix: str = ""):
    """(key, field, default) of every leaf field of the schema, presets' sections included."""
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from _fields(ann, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", field
    if model is PolicingConfig:
        for name, settings in PolicingConfig.preset_sections().items():
            yield from _fields(settings, f"{prefix}{name}.")


def test_every_number_is_a_setting_or_has_a_range():
    missing = []
    for key, field in _fields():
        if is_setting(field) or declared(field) is not None:
            continue
        ann = field.annotation
        args = typing.get_args(ann)
        if _numeric(ann) or (typing.get_origin(ann) is dict and args and args[1] is not str):
            missing.append(key)
    assert not missing, f"numbers with neither 'setting' nor a plausible range: {missing}"


def test_dict_parameters_have_a_range_for_every_item():
    """A per-incident-type parameter ranges every type (scene durations: their means)."""
    scenario = Scenario()
    for key, field in _fields():
        spec = declared(field)
        if spec is None or "dist" in spec:
            continue
        value = scenario
        for part in key.split("."):
            value = getattr(value, part)
        assert isinstance(value, dict), key
        want = {f"{k}.mean" if isinstance(v, Distribution) else str(k) for k, v in value.items()}
        assert set(spec) == want, f"{key}: ranges for {sorted(spec)}, items {sorted(want)}"


def test_every_range_is_inside_the_bounds_and_contains_the_default():
    ranges = schema_ranges(Scenario)
    assert len(ranges) >= 60, f"only {len(ranges)} ranged parameters"
    bad = []
    for key, u in ranges.items():
        if not u.within_bounds(u.range.low, u.range.high):
            bad.append(f"{key}: {u.range.describe()} outside {u.describe_bounds()}")
        if not u.range.low <= u.default <= u.range.high:
            bad.append(f"{key}: default {u.default:g} outside {u.range.describe()}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    "p",
    [
        Plausible(low=0.2, high=1.2, why="w"),
        Plausible(dist="triangular", low=10, high=60, mode=20, why="w"),
        Plausible(dist="beta", low=0, high=1, shape=(2, 5), why="w"),
        Plausible(dist="lognormal", low=0.5, high=8, mode=2, why="w"),
    ],
)
def test_ppf_maps_the_unit_interval_onto_the_range(p):
    u = np.linspace(0, 1, 101)
    x = p.ppf(u)
    assert np.all(np.diff(x) >= 0), "a quantile function never decreases"
    assert x[0] >= p.low - 1e-12 and x[-1] <= p.high + 1e-12
    assert x[0] == pytest.approx(p.low) and x[-1] == pytest.approx(p.high)


def test_a_scenario_overrides_or_fixes_a_range():
    ranged = schema_ranges(Scenario)
    key = next(iter(ranged))
    other = list(ranged)[1]
    u = ranged[key]
    lo = u.range.low + 0.25 * (u.range.high - u.range.low)
    hi = u.range.low + 0.75 * (u.range.high - u.range.low)
    s = validate_dict({"ranges": {key: {"low": lo, "high": hi}, other: "fixed"}})
    got = uncertain_parameters(s)
    assert (got[key].low, got[key].high, got[key].dist) == (lo, hi, "uniform")
    assert other not in got
    assert len(got) == len(ranged) - 1


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        ({"crime.guardian_efect": "fixed"}, "not an uncertain parameter"),
        ({"policing.officers": "fixed"}, "not an uncertain parameter"),
        ({"crime.guardian_effect": {"low": -1, "high": 1}}, "outside the parameter's bounds"),
        ({"crime.guardian_effect": {"low": 0.5, "high": 0.2}}, "low < high"),
        ({"crime.guardian_effect": {"low": 0.1, "high": 0.5, "dist": "triangular"}}, "mode"),
    ],
)
def test_bad_overrides_are_one_clear_line(ranges, message):
    with pytest.raises(ScenarioError) as err:
        validate_dict({"ranges": ranges})
    lines = str(err.value).splitlines()
    assert len(lines) == 1 and message in lines[0] and "ranges." in lines[0], lines


def test_the_sobol_sweep_samples_the_declared_ranges():
    """The shipped sensitivity sweep samples each parameter over its declared range."""
    sweep = yaml.safe_load((ROOT / "scenarios" / "sweeps" / "sensitivity_sobol.yaml").read_text())
    ranged = schema_ranges(Scenario)
    for key, (lo, hi) in sweep["sample"]["bounds"].items():
        assert key in ranged, f"{key} has no declared range"
        assert (lo, hi) == (ranged[key].range.low, ranged[key].range.high), key


def test_bounds_are_read_from_the_schema():
    from simulation.crime import CrimeConfig

    assert field_bounds(CrimeConfig.model_fields["guardian_effect"]) == (0.0, True, None, True)
    assert field_bounds(CrimeConfig.model_fields["violent_share"])[2:] == (1.0, True)
