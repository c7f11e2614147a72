"""Scenario files: YAML with `extends:`, `--set key.path=value` overrides, and errors
that name the file, the line, the key and the reason."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from .errors import Problem, ScenarioError
from .limits import MAX_REPLICATES, MAX_SEED
from .scenario import (  # noqa: F401 (re-exported: the file readers' entry points)
    LineMap,
    Scenario,
    fields_at,
    problems_from,
    section_at,
    validate_dict,
)
from .uncertainty.spec import UncertaintySpec
from .uncertainty.worlds import problems as uncertainty_problems

# Data files a scenario names: a relative path is relative to the file that sets it.
PATH_KEYS = ("region.graphml", "region.villages_csv", "region.roads_csv")


# Limits on what a YAML file may hold: aliases that expand past MAX_VALUES values ("billion
# laughs"), nesting deeper than MAX_DEPTH and `extends:` chains longer than MAX_EXTENDS are
# errors, not gigabytes of memory or a crash (no scenario comes close: the shipped files hold
# under 200 values, 5 levels and 2 extends).
MAX_VALUES = 100_000
MAX_DEPTH = 50
MAX_EXTENDS = 20


def _check_size(node: yaml.Node, file: str) -> None:
    """ScenarioError if the document, with its aliases expanded, is too big or too deep."""
    sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth), aliases shared

    def walk(n: yaml.Node, depth: int) -> tuple[int, int]:
        if depth > MAX_DEPTH:
            raise ScenarioError(
                Problem(
                    key="",
                    reason=f"nested more than {MAX_DEPTH} levels deep",
                    file=file,
                    line=n.start_mark.line + 1,
                )
            )
        if id(n) in sizes:
            return sizes[id(n)]
        values, deepest = 1, 0
        children: list[yaml.Node] = []
        if isinstance(n, yaml.MappingNode):
            children = [c for pair in n.value for c in pair]
        elif isinstance(n, yaml.SequenceNode):
            children = list(n.value)
        for c in children:
            v, d = walk(c, depth + 1)
            values += v
            deepest = max(deepest, d + 1)
            if values > MAX_VALUES:
                raise ScenarioError(
                    Problem(
                        key="",
                        reason=f"the file expands to more than {MAX_VALUES:,} values "
                        "(aliases repeating aliases?)",
                        file=file,
                        line=n.start_mark.line + 1,
                    )
                )
        sizes[id(n)] = (values, deepest)
        return values, deepest

    walk(node, 0)


def _line_map(node: yaml.Node, file: str, path: tuple[str, ...] = ()) -> LineMap:
    """(key path) -> (file, line) for every mapping key in a composed YAML document; a key
    given twice in one mapping is an error (YAML would silently keep the last)."""
    out: LineMap = {}
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            line = key_node.start_mark.line + 1
            if name in seen and name != "<<":
                raise ScenarioError(
                    Problem(
                        key=".".join((*path, name)),
                        reason=f"given twice (also on line {seen[name]})",
                        file=file,
                        line=line,
                    )
                )
            seen[name] = line
            key = (*path, name)
            out[key] = (file, line)
            out.update(_line_map(value_node, file, key))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out[(*path, str(i))] = (file, item.start_mark.line + 1)
            out.update(_line_map(item, file, (*path, str(i))))
    return out


def _read_text(p: Path) -> str:
    """A file's text; ScenarioError for a file that is not UTF-8 text."""
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ScenarioError(
            Problem(key="", reason=f"cannot read: {exc.strerror}", file=str(p))
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            Problem(
                key="",
                reason=f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                file=str(p),
                line=line,
            )
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ScenarioError(
            Problem(key="", reason="a binary file, not YAML text", file=str(p), line=line)
        )
    return text


def read_yaml(path: str | Path) -> tuple[dict[str, Any], LineMap]:
    """Parse one YAML file into a dict and its line map; clear errors for bad files."""
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(Problem(key="", reason="file not found", file=str(p)))
    text = _read_text(p)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None:
            _check_size(node, str(p))
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        reason = f"YAML syntax error: {exc.problem}"
        if exc.context and exc.context_mark is not None:
            reason += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
        raise ScenarioError(
            Problem(key="", reason=reason, file=str(p), line=mark.line + 1 if mark else None)
        ) from None
    except yaml.YAMLError as exc:  # e.g. a control character (reader errors carry no mark)
        raise ScenarioError(
            Problem(key="", reason=f"not a YAML file: {exc}".splitlines()[0], file=str(p))
        ) from None
    except RecursionError:
        raise ScenarioError(
            Problem(key="", reason=f"nested more than {MAX_DEPTH} levels deep", file=str(p), line=1)
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(
            Problem(key="", reason="a scenario file must be a mapping of keys", file=str(p), line=1)
        )
    return data, _line_map(node, str(p)) if node is not None else {}


def read_spec[Spec: BaseModel](model: type[Spec], path: str | Path) -> tuple[Spec, LineMap]:
    """A comparison, sweep, plan or calibration file validated as `model` (its name defaults
    to the file's stem), with its line map; ScenarioError listing every problem at its line."""
    data, lines = read_yaml(path)
    data.setdefault("name", Path(path).stem)
    try:
        return model.model_validate(data), lines
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc, lines, str(path))) from None


def deep_merge(base: dict, over: dict) -> dict:
    """Mappings merge key by key; anything else in `over` replaces `base`."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def load_raw(path: str | Path, _seen: tuple[Path, ...] = ()) -> tuple[dict, LineMap]:
    """A scenario file with its `extends:` chain resolved (child keys win)."""
    p = Path(path).resolve()
    data, lines = read_yaml(path)
    resolve_paths(data, Path(path).parent)
    parent = data.pop("extends", None)
    if parent is None:
        return data, lines
    line = lines.get(("extends",), ("", None))[1]
    if not isinstance(parent, str):
        raise ScenarioError(
            Problem(key="extends", reason="must be a file path", file=str(path), line=line)
        )
    parent_path = Path(path).parent / parent
    if not parent_path.is_file():
        raise ScenarioError(
            Problem(
                key="extends",
                reason=f"file not found: {parent_path}",
                file=str(path),
                line=line,
            )
        )
    chain = (*_seen, p)
    if parent_path.resolve() in chain:
        loop = [q.name for q in chain[chain.index(parent_path.resolve()) :]]
        raise ScenarioError(
            Problem(
                key="extends",
                reason=f"circular extends: {' -> '.join([*loop, parent_path.name])}",
                file=str(path),
                line=line,
            )
        )
    if len(chain) >= MAX_EXTENDS:
        raise ScenarioError(
            Problem(
                key="extends",
                reason=f"a chain of more than {MAX_EXTENDS} extends files",
                file=str(path),
                line=line,
            )
        )
    base, base_lines = load_raw(parent_path, chain)
    merged_lines = dict(base_lines)
    merged_lines.update(lines)
    return deep_merge(base, data), merged_lines


def resolve_path(value: Any, folder: Path) -> Any:
    """A relative path string made absolute from `folder`; anything else unchanged."""
    if not isinstance(value, str) or not value:
        return value
    path = Path(value).expanduser()
    return str(path) if path.is_absolute() else os.path.abspath(folder / path)


def resolve_paths(data: dict, folder: Path) -> None:
    """Rewrite the data-file paths (PATH_KEYS) a file sets relative to its own folder."""
    for key in PATH_KEYS:
        section, name = key.split(".")
        node = data.get(section)
        if isinstance(node, dict) and name in node:
            node[name] = resolve_path(node[name], folder)


def parse_override(item: str) -> tuple[list[str], Any]:
    """'policing.officers=20' -> (['policing', 'officers'], 20); values parse as YAML."""
    if "=" not in item:
        raise ScenarioError(
            Problem(key=item, reason="an override must look like key.path=value", file="--set")
        )
    key, value = item.split("=", 1)
    keys = key.strip().split(".")
    if not all(keys):
        raise ScenarioError(Problem(key=key, reason="an empty key in the path", file="--set"))
    try:
        parsed = yaml.safe_load(value) if value != "" else ""
    except yaml.YAMLError as exc:
        reason = str(getattr(exc, "problem", None) or exc).splitlines()[0]
        raise ScenarioError(
            Problem(
                key=key.strip(),
                reason=f"cannot read the value {value!r} ({reason}); quote a text value",
                file="--set",
            )
        ) from None
    return keys, parsed


def apply_overrides(data: dict, overrides: list[str], lines: LineMap) -> dict:
    """Apply `--set` overrides, recording them in the line map as coming from --set."""
    out = copy.deepcopy(data)
    for item in overrides or []:
        keys, value = parse_override(item)
        node = out
        for k in keys[:-1]:
            if not isinstance(node.get(k), dict):
                node[k] = {}
            node = node[k]
        node[keys[-1]] = value
        lines[tuple(keys)] = ("--set", None)  # type: ignore[assignment]
    return out


def locate(problems: list[Problem], lines: LineMap, file: str | None) -> list[Problem]:
    """Problems found while building a run (no file, no line) placed at the line of their key
    (or its nearest parent) in the scenario's files."""
    out = []
    for p in problems:
        if p.file is not None:
            out.append(p)
            continue
        loc = tuple(p.key.split(".")) if p.key else ()
        where: tuple[str, int | None] = (file or "<scenario>", None)
        for n in range(len(loc), 0, -1):
            if loc[:n] in lines:
                where = lines[loc[:n]]
                break
        out.append(Problem(key=p.key, reason=p.reason, file=where[0], line=where[1]))
    return out


def check_buildable(scenario: Scenario, lines: LineMap | None = None, file: str | None = None):
    """Build the run's county, officers and demand (no simulation) so that every problem a
    run would meet (posts or call rates at unknown villages, too few officers for the
    stations, more auxiliaries than villages, unreadable region files) is an error now."""
    from .model import RuralPolicingModel

    try:
        RuralPolicingModel(scenario)
    except ScenarioError as exc:
        raise ScenarioError(locate(exc.problems, lines or {}, file)) from None
    except (ValueError, ArithmeticError, MemoryError, OSError) as exc:
        raise ScenarioError(
            locate(
                [Problem(key="", reason=f"cannot build the county: {exc}".splitlines()[0])],
                lines or {},
                file,
            )
        ) from None


def load_scenario(
    path: str | Path, overrides: list[str] | None = None, build: bool = True
) -> Scenario:
    """Read, extend, override and validate a scenario file; with `build`, also build its
    county and officers (see check_buildable)."""
    data, lines = load_raw(path)
    data = apply_overrides(data, overrides or [], lines)
    data.setdefault("name", Path(path).stem)
    scenario = validate_dict(data, lines, str(path))
    if build:
        check_buildable(scenario, lines, str(path))
    return scenario


def scenario_yaml(scenario: Scenario) -> str:
    """The resolved scenario as YAML (what `rpsim info` prints and runs store)."""
    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


class ComparisonSpec(BaseModel):
    """A comparison file: the scenarios to compare and the baseline."""

    model_config = {"extra": "forbid"}

    name: str = "comparison"
    description: str = ""
    baseline: str
    scenarios: dict[str, str]  # label -> scenario file, relative to the comparison file
    replicates: int = Field(3, ge=1, le=MAX_REPLICATES)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    days: float | None = Field(None, gt=0, le=36_500)
    set: list[str] = []  # overrides applied to every scenario
    budget_cny: float | None = Field(
        None,
        gt=0,
        le=1e12,
        allow_inf_nan=False,
        description="equal-cost comparison: every scenario is sized to this annual cost",
    )
    size_by: Literal["officers", "auxiliaries"] | dict[str, Literal["officers", "auxiliaries"]] = (
        Field(
            "officers",
            description="the count that fills the budget (the largest within it): one for "
            "every scenario, or by scenario label (labels not named: officers)",
        )
    )

    def sizing_rule(self, label: str) -> Literal["officers", "auxiliaries"]:
        """Which count fills the budget for a scenario."""
        if isinstance(self.size_by, dict):
            return self.size_by.get(label, "officers")
        return self.size_by

    counties: (
        Literal["fixed", "per_replicate"]
        | Annotated[list[Annotated[int, Field(ge=0, le=MAX_SEED)]], Field(min_length=1)]
    ) = "fixed"
    # which county each replicate runs on (simulation.runner.Counties)
    uncertainty: UncertaintySpec | None = Field(
        None, description="run every scenario across parameter worlds (simulation.uncertainty)"
    )


def load_comparison(
    path: str | Path, overrides: list[str] | None = None
) -> tuple[ComparisonSpec, dict[str, Scenario]]:
    """A comparison file and its resolved scenarios (each with the shared overrides)."""
    spec, lines = read_spec(ComparisonSpec, path)
    if spec.baseline not in spec.scenarios:
        raise ScenarioError(
            Problem(
                key="baseline",
                file=str(path),
                line=lines.get(("baseline",), (None, None))[1],
                reason=f"{spec.baseline!r} is not one of the scenarios {sorted(spec.scenarios)}",
            )
        )
    scenarios, problems = {}, []
    for label, rel in spec.scenarios.items():
        try:
            scenarios[label] = load_scenario(
                Path(path).parent / rel, [*spec.set, *(overrides or [])]
            )
        except ScenarioError as exc:
            problems += exc.problems
    if isinstance(spec.size_by, dict):
        for label in sorted(set(spec.size_by) - set(spec.scenarios)):
            problems.append(
                Problem(
                    key=f"size_by.{label}",
                    file=str(path),
                    line=lines.get(("size_by", label), (None, None))[1],
                    reason=f"not one of the scenarios {sorted(spec.scenarios)}",
                )
            )
    if spec.uncertainty is not None:
        spec.uncertainty.resolve(Path(path).parent)
    if spec.uncertainty is not None and spec.baseline in scenarios:
        problems += [
            Problem(
                key=".".join(where),
                file=str(path),
                line=lines.get(where, lines.get(where[:2], (None, None)))[1],
                reason=reason,
            )
            for where, reason in uncertainty_problems(spec.uncertainty, scenarios[spec.baseline])
        ]
    if problems:
        raise ScenarioError(problems)
    return spec, scenarios
