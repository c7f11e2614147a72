"""The docs stay true to the schema: generated tables are current and complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulation.reference import TARGETS, generated, schema_rows

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", [p for p in TARGETS if p.exists()], ids=lambda p: p.name)
def test_generated_sections_are_current(path):
    assert path.read_text(encoding="utf-8") == generated(path), (
        f"{path.name} is stale: run `python -m simulation.reference` and commit the result"
    )


def test_yaml_reference_covers_every_key():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    keys = set(re.findall(r"^\| `([^`]+)` \|", readme, flags=re.M))
    missing = {r["key"] for r in schema_rows()} - keys
    assert not missing, f"README YAML reference lacks {sorted(missing)}"


def test_parameter_table_gives_every_parameter_a_source():
    table = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    for row in schema_rows():
        if row["type"] == "section":
            continue
        assert f"| `{row['key']}` |" in table, row["key"]
        assert row["source"].strip(), f"{row['key']} has no source"


def test_readme_documents_every_output_column(tmp_path):
    from simulation.runner import run_many
    from simulation.scenario import Scenario

    results = run_many({"s": Scenario(days=3)}, 1, 0)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, df in results.tables.items():
        for col in df.columns:
            generic = re.sub(r"_(property|violent|dispute|service)", "_<type>", col)
            generic = re.sub(
                r"_(post|patrol|visit|travel|on_scene|casework|station_duty|diverted|off_duty)$",
                "_<activity>",
                generic,
            )
            generic = re.sub(r"^min_<activity>$", "min_<activity>", generic)
            assert f"`{col}`" in readme or f"`{generic}`" in readme or generic in readme, (
                f"README does not document column {col!r} of {name}"
            )


def test_odd_parameter_table_lists_every_parameter():
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    table = odd.split("<!-- parameters:start -->", 1)[1].split("<!-- parameters:end -->", 1)[0]
    missing = [
        r["key"]
        for r in schema_rows()
        if r["type"] != "section" and f"| `{r['key']}` |" not in table
    ]
    assert not missing, f"docs/ODD.md parameter table lacks {missing}"
