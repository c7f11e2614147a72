"""Property-based checks (hypothesis) of the schema, the YAML reader and the region loaders:
whatever a file holds, the answer is a valid object or a ScenarioError naming where (issue 14)
— never another exception, never a number a run cannot use."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.config_files import read_yaml, validate_dict
from simulation.errors import ScenarioError
from simulation.region import RegionConfig, build_region
from simulation.scenario import Scenario
from simulation.section import MAX_NUMBER, Section

# Few examples each (the suite's time budget); the seeds are derandomised so CI is repeatable.
FAST = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SECTIONS = {
    name: field.annotation
    for name, field in Scenario.model_fields.items()
    if isinstance(field.annotation, type) and issubclass(field.annotation, Section)
}
NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=5),
)


@st.composite
def scenario_dicts(draw) -> dict:
    """A scenario dict with a few fields of a few sections set to arbitrary values."""
    data: dict = {}
    for section in draw(st.lists(st.sampled_from(sorted(SECTIONS)), max_size=3, unique=True)):
        fields = sorted(SECTIONS[section].model_fields)
        keys = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=3, unique=True))
        data[section] = {k: draw(NUMBERS) for k in keys}
    if draw(st.booleans()):
        data["days"] = draw(NUMBERS)
    return data


def _numbers(model) -> list[float]:
    out = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, Section):
            out += _numbers(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append(float(value))
    return out


@FAST
@given(scenario_dicts())
def test_any_scenario_dict_is_valid_or_a_scenario_error(data):
    try:
        scenario = validate_dict(data)
    except ScenarioError as exc:
        assert exc.problems and all(p.key for p in exc.problems)
        return
    numbers = _numbers(scenario)
    assert all(math.isfinite(x) for x in numbers)
    assert scenario.days <= 36_500 and scenario.region.population <= 5_000_000
    assert all(abs(x) <= max(MAX_NUMBER, 2**63) for x in numbers)


YAML_TEXT = st.one_of(
    st.text(max_size=200),
    st.text(alphabet="{}[]:&*!- \n\tabc01.#'\"|>%@`", max_size=200),
)


@FAST
@given(YAML_TEXT, st.binary(max_size=64))
def test_any_file_reads_as_a_mapping_or_a_scenario_error(tmp_path: Path, text: str, raw: bytes):
    for i, content in enumerate((text.encode("utf-8", "surrogatepass"), raw)):
        path = tmp_path / f"f{i}.yaml"
        path.write_bytes(content)
        try:
            data, lines = read_yaml(path)
        except ScenarioError as exc:
            assert all(p.file == str(path) for p in exc.problems)
            continue
        assert isinstance(data, dict) and isinstance(lines, dict)


CELLS = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "x", "nan", "inf", "-1", "1e30", '"', ","]),
)


@FAST
@given(
    st.lists(st.tuples(st.sampled_from("ABCDE"), CELLS, CELLS, CELLS), min_size=0, max_size=6),
    st.lists(st.tuples(st.sampled_from("ABCDEZ"), st.sampled_from("ABCDEZ"), CELLS), max_size=6),
)
def test_any_villages_and_roads_csv_load_or_fail_clearly(tmp_path: Path, villages, roads):
    vpath, rpath = tmp_path / "v.csv", tmp_path / "r.csv"
    vpath.write_text(
        "name,x_km,y_km,population\n" + "".join(f"{n},{x},{y},{p}\n" for n, x, y, p in villages)
    )
    rpath.write_text("from,to,minutes\n" + "".join(f"{a},{b},{m}\n" for a, b, m in roads))
    config = RegionConfig(type="csv", villages_csv=str(vpath), roads_csv=str(rpath), townships=1)
    try:
        region = build_region(config, np.random.default_rng(0))
    except ScenarioError as exc:
        assert all(p.key.startswith("region") for p in exc.problems)
        return
    assert region.n >= 2 and (region.population >= 0).all()
    assert region.population.sum() <= 5_000_000
    assert np.isfinite(region.travel).all()


@FAST
@given(
    st.lists(st.tuples(CELLS, CELLS, CELLS, st.sampled_from(["", "X", "Y"])), max_size=5),
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=8),
)
def test_any_graphml_loads_or_fails_clearly(tmp_path: Path, nodes, edges):
    body = "".join(
        f'<node id="n{i}"><data key="x">{x}</data><data key="y">{y}</data>'
        f'<data key="population">{p}</data>'
        + (f'<data key="name">{n}</data>' if n else "")
        + "</node>"
        for i, (x, y, p, n) in enumerate(nodes)
    )
    body += "".join(f'<edge source="n{a}" target="n{b}"/>' for a, b in edges)
    keys = "".join(
        f'<key id="{k}" for="node" attr.name="{k}" attr.type="string"/>'
        for k in ("x", "y", "population", "name")
    )
    path = tmp_path / "g.graphml"
    path.write_text(
        '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        f'{keys}<graph edgedefault="undirected">{body}</graph></graphml>'
    )
    config = RegionConfig(type="graphml", graphml=str(path), townships=1)
    try:
        region = build_region(config, np.random.default_rng(0))
    except ScenarioError as exc:
        assert all(p.key.startswith("region") for p in exc.problems)
        return
    assert region.n >= 2 and len(set(region.names)) == region.n
    assert np.isfinite(region.travel).all()


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 1e10, True])
def test_every_unbounded_number_refuses_the_extremes(value):
    """Each number field without its own bound refuses infinity, NaN, > 1e9 and true."""
    for section, model in SECTIONS.items():
        for name, field in model.model_fields.items():
            if field.annotation not in (int, float):
                continue
            if any(hasattr(m, "le") or hasattr(m, "lt") for m in field.metadata):
                continue
            with pytest.raises(ScenarioError):
                validate_dict({section: {name: value}})
