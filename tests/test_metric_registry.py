"""Every summary column is declared once in the metric registry, and the tables people read
take their rows, labels and formats from it."""

from __future__ import annotations

import pytest

from simulation.metric_registry import HEADLINE, METRICS, UNITS
from simulation.model import RuralPolicingModel
from simulation.runner import aggregate, differences, run_many
from simulation.scenario import Scenario
from simulation.summarise import (
    _width,
    difference_table,
    headline_table,
    summary_markdown,
    to_text,
)
from simulation.vocab import Activity, IncidentType


@pytest.fixture(scope="module")
def comparison():
    """Two scenarios, two replicates of three days."""
    results = run_many({"a": Scenario(days=3), "b": Scenario(days=3)}, 2, 0)
    return results.summary, aggregate(results.summary), differences(results.summary, "a")


def test_every_summary_key_is_declared_and_every_declared_metric_produced():
    summary = RuralPolicingModel(Scenario(days=3), seed=0).run().results()["summary"]
    per_run = {m.name for m in METRICS.values() if m.per_run}
    undeclared = set(summary) - per_run
    assert not undeclared, f"declare {sorted(undeclared)} in simulation/metric_registry.py"
    missing = per_run - set(summary)
    assert not missing, f"summary() no longer produces {sorted(missing)}: update the registry"


def test_comparison_columns_are_declared(comparison):
    summary, agg, diffs = comparison
    for name, columns in (
        ("summary", set(summary.columns)),
        ("aggregate", set(agg["metric"])),
        ("differences", set(diffs["metric"])),
    ):
        undeclared = columns - set(METRICS)
        assert not undeclared, f"{name}: declare {sorted(undeclared)}"
    across = {m.name for m in METRICS.values() if not m.per_run}
    assert across <= set(summary.columns) | set(diffs["metric"])


def test_families_follow_the_vocabularies():
    for t in IncidentType:
        for name in (f"true_{t}_per_1000", f"recorded_{t}_per_1000", f"reporting_rate_{t}"):
            assert name in METRICS, name
    for a in Activity:
        assert f"time_share_{a}" in METRICS, a


def test_declarations_are_complete():
    headings = [m.heading for m in METRICS.values()]
    assert len(set(headings)) == len(headings), "two metrics share a heading"
    for m in METRICS.values():
        assert m.unit in UNITS, f"{m.name}: unknown unit {m.unit!r}"
        assert m.better in ("lower", "higher", ""), m.name
        assert m.kind in ("id", "setting", "metric"), m.name
        assert m.label and m.meaning.endswith("."), f"{m.name} needs a label and a sentence"
        if m.kind == "metric":
            m.show(1.5)  # the format fits a number
        assert not (m.headline and m.kind != "metric"), f"{m.name}: only metrics are headline"
    assert m.show(float("nan")) == "–"


def test_headline_rows_come_from_the_registry(comparison):
    _, agg, diffs = comparison
    per_run = [m for m in HEADLINE if m.per_run]
    assert list(headline_table(agg).index) == [m.heading for m in per_run]
    assert list(difference_table(diffs).index) == [m.heading for m in HEADLINE]
    md = summary_markdown("t", agg, diffs, "a", 2, 3, "intervals across replicates")
    for m in HEADLINE:
        assert f"| {m.heading} |" in md, m.name


def test_console_table_is_aligned_with_chinese_labels(comparison):
    _, agg, _ = comparison
    lines = to_text(headline_table(agg)).splitlines()
    assert any("民转刑" in line for line in lines)
    assert len({_width(line) for line in lines}) == 1


def test_a_ratio_metric_is_one_declaration(monkeypatch):
    """Declaring a ratio of two existing summary columns is all it takes: the summary computes
    it, replicates are pooled as the ratio of means with Fieller's interval, and the docs'
    table lists it."""
    import pandas as pd

    from simulation.metric_registry import Metric
    from simulation.reference import metric_table
    from simulation.runner import pooled_means

    m = Metric(
        "arrests_per_response",
        "arrests per response",
        "",
        "Arrests per incident an officer reached.",
        ratio=("arrests", "responded"),
    )
    monkeypatch.setitem(METRICS, m.name, m)
    runs = [
        RuralPolicingModel(Scenario(days=20, warmup_days=0), seed=s).run().results()["summary"]
        for s in (1, 2)
    ]
    for s in runs:
        assert s[m.name] == pytest.approx(s["arrests"] / s["responded"])
    table = pd.DataFrame([{**s, "scenario": "x", "replicate": i} for i, s in enumerate(runs)])
    pooled = pooled_means(table, "scenario").loc["x", m.name]
    assert pooled == pytest.approx(
        (runs[0]["arrests"] + runs[1]["arrests"]) / (runs[0]["responded"] + runs[1]["responded"])
    )
    row = aggregate(table).set_index("metric").loc[m.name]
    assert row["interval"] == "fieller" and row["mean"] == pytest.approx(pooled)
    assert "`arrests_per_response`" in metric_table()
