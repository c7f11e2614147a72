"""Reference tables generated from the scenario schema and the metric registry (the sources
of truth).

    python -m simulation.reference          # rewrite the generated sections of the docs

Writes the YAML reference and the summary columns (from simulation.metric_registry) into
README.md and the parameter table into docs/ODD.md and docs/parameters.md, between
`<!-- NAME:start -->` and `<!-- NAME:end -->` markers.
Tests check that the committed docs equal what this module generates.
"""

from __future__ import annotations

import enum
import sys
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .metric_registry import METRICS, Metric
from .policing import PRESETS
from .policing.settings import PolicingConfig
from .ranges import Plausible, declared, is_setting
from .scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (list, dict):
        return f"{origin.__name__}[{', '.join(_type_name(a) for a in args)}]"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " \\| ".join(f"`{m.value}`" for m in annotation)
    if annotation is type(None):
        return "null"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation)


def _bounds(metadata: list) -> list[str]:
    parts = []
    for meta in metadata:
        for name, sym in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            value = getattr(meta, name, None)
            if value is not None:
                parts.append(f"{sym} {value}")
        parts += _bounds(getattr(meta, "metadata", []) or [])
    return parts


def _range(field: Any) -> str:
    """Bounds declared on the field or on an Annotated type inside it."""
    parts = _bounds(field.metadata)
    for arg in typing.get_args(field.annotation):
        if typing.get_origin(arg) is typing.Annotated:
            parts += _bounds(list(typing.get_args(arg)[1:]))
    return ", ".join(dict.fromkeys(parts))


def _default(field: Any) -> str:
    if field.default_factory is not None:
        value = field.default_factory()
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default
    if isinstance(value, BaseModel):
        return "(section)"
    if isinstance(value, list) and value and isinstance(value[0], BaseModel):
        return "; ".join(", ".join(f"{k}={v}" for k, v in m.model_dump().items()) for m in value)
    if isinstance(value, dict) and value and isinstance(next(iter(value.values())), BaseModel):
        return "; ".join(
            f"{k}: " + ", ".join(f"{a}={b}" for a, b in m.model_dump().items() if b or a != "sd")
            for k, m in value.items()
        )
    if isinstance(value, dict):  # keys may be vocabulary members: show their plain values
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return "null" if value is None else f"`{value}`"


def _plausible(field: Any) -> str:
    """The declared plausible range(s) of a field, for the docs ("setting" for settings)."""
    spec = declared(field)
    if spec is None:
        return "setting" if is_setting(field) else ""
    items = {"": spec} if "dist" in spec else spec
    return "; ".join(
        (f"{item}: " if item else "") + f"{(p := Plausible.model_validate(v)).describe()} ({p.why})"
        for item, v in items.items()
    )


def _meta(field: Any) -> tuple[str, str]:
    """Unit and source, declared beside each field in the schema (json_schema_extra)."""
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return str(extra.get("unit", "")), str(extra.get("source", "setting"))


def schema_rows(model: type[BaseModel] = Scenario, prefix: str = "") -> list[dict[str, str]]:
    """One row per key path of the schema, sections included."""
    rows = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        annotation = field.annotation
        section = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        desc = field.description or ""
        unit, source = _meta(field)
        if section:
            desc = desc or (annotation.__doc__ or "").strip().splitlines()[0]
        rows.append(
            {
                "key": key,
                "plausible": _plausible(field),
                "type": "section" if section else _type_name(annotation),
                "default": "" if section else _default(field),
                "range": _range(field),
                "unit": unit,
                "meaning": desc,
                "source": source,
            }
        )
        if section:
            assert isinstance(annotation, type) and issubclass(annotation, BaseModel)
            rows += schema_rows(annotation, key + ".")
            if annotation is PolicingConfig:
                rows += _preset_section_rows(key + ".")
    return rows


def _preset_section_rows(prefix: str) -> list[dict[str, str]]:
    """Rows of the registered presets' own sections (`policing.<section>.<key>`)."""
    rows = []
    for name, settings in PolicingConfig.preset_sections().items():
        users = [p for p, cls in PRESETS.items() if name in cls.all_sections()]
        doc = (settings.__doc__ or "").strip().splitlines()[0]
        meaning = f"{doc} Read by: {', '.join(users)}."
        rows.append(
            {
                "key": prefix + name,
                "plausible": "",
                "type": "section",
                "default": "",
                "range": "",
                "unit": "",
                "meaning": meaning,
                "source": "setting",
            }
        )
        rows += schema_rows(settings, f"{prefix}{name}.")
    return rows


def _md(rows: list[dict[str, str]], columns: list[str]) -> str:
    head = "| " + " | ".join(columns) + " |\n|" + "---|" * len(columns)
    body = []
    for r in rows:
        cells = [
            str(r[c]).replace("|", "\\|").replace("\n", " ") if c != "type" else r[c]
            for c in columns
        ]
        cells[0] = f"`{r['key']}`"
        body.append("| " + " | ".join(cells) + " |")
    return head + "\n" + "\n".join(body)


def yaml_reference() -> str:
    """README's YAML reference: every key with type, default, unit and meaning."""
    return _md(schema_rows(), ["key", "type", "default", "unit", "meaning"])


def parameter_table() -> str:
    """The parameter table: default, unit, bounds, source and plausible range of every
    parameter ("setting" marks a choice that defines a scenario: it has no range)."""
    rows = [r for r in schema_rows() if r["type"] != "section"]
    table = _md(rows, ["key", "default", "unit", "range", "source", "plausible"])
    return table.replace("| range | source | plausible |", "| bounds | source | plausible range |")


def _across(m: Metric) -> str:
    """How replicates are combined and the kind of interval, in words."""
    if m.kind != "metric":
        return ""
    if m.ratio is None:
        return "mean; t interval"
    num, den = m.ratio
    if not m.per_run:
        return (
            f"ratio of mean differences: extra `{num}` / `{den}` prevented a year; Fieller interval"
        )
    return f"ratio of means: `{num}` / `{den}`; Fieller interval (difference: delta-method t)"


def metric_table() -> str:
    """README's summary columns, from simulation.metric_registry; headline rows in bold;
    how replicates are combined and the kind of interval of each."""
    rows = [
        {
            "key": m.name,
            "label": f"**{m.heading}**" if m.headline else m.heading,
            "unit": m.unit_words,
            "better": m.better,
            "across replicates": _across(m),
            "meaning": m.meaning,
        }
        for m in METRICS.values()
    ]
    columns = ["key", "label", "unit", "better", "across replicates", "meaning"]
    return _md(rows, columns).replace("| key |", "| column |")


def presets_table() -> str:
    """The registered policing models: name, Chinese name, meaning and own settings."""
    rows = ["| preset | Chinese | what it means in the model | own settings |", "|---|---|---|---|"]
    for name, cls in PRESETS.items():
        meaning = " ".join((cls.__doc__ or "").split())
        own = ", ".join(f"`policing.{k}`" for k in cls.all_sections()) or "–"
        rows.append(f"| `{name}` | {cls.chinese} | {meaning} | {own} |")
    return "\n".join(rows)


def calibration_summaries() -> str:
    """The summary statistics `rpsim calibrate` matches (simulation/calibrate/observe.py)."""
    from .calibrate.observe import SUMMARIES

    rows = [
        {
            "key": name,
            "summary": name,
            "label": s.label,
            "unit": s.unit,
            "meaning": s.meaning + (" (needs the panel)" if s.needs_panel else ""),
            "emulated as": s.transform.value,
        }
        for name, s in SUMMARIES.items()
    ]
    return _md(rows, ["summary", "label", "unit", "meaning", "emulated as"])


SECTIONS = {
    "presets": presets_table,
    "yaml-reference": yaml_reference,
    "parameters": parameter_table,
    "metrics": metric_table,
    "calibration-summaries": calibration_summaries,
}
TARGETS = {
    ROOT / "README.md": ["presets", "metrics", "yaml-reference", "calibration-summaries"],
    ROOT / "docs" / "ODD.md": ["presets", "parameters"],
    ROOT / "docs" / "parameters.md": ["parameters"],
}


def replace_section(text: str, name: str, content: str) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text or end not in text:
        raise ValueError(f"markers {start} ... {end} not found")
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    return f"{before}{start}\n{content}\n{end}{after}"


def generated(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    for name in TARGETS[path]:
        text = replace_section(text, name, SECTIONS[name]())
    return text


def main() -> int:
    for path in TARGETS:
        if path.exists():
            path.write_text(generated(path), encoding="utf-8")
            print(f"updated {path.relative_to(ROOT)}")
        else:
            print(f"skipped {path.relative_to(ROOT)} (missing)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
