"""Headline tables for people: the console summary and summary.md. Their rows, labels and
formats are the headline metrics of `simulation.metric_registry`."""

from __future__ import annotations

import math
import unicodedata

import numpy as np
import pandas as pd

from .metric_registry import HEADLINE, Metric


def _cell(metric: Metric, mean: float, lo: float, hi: float) -> str:
    """'mean ± half-width of the 95% interval' (the interval is symmetric: t-based)."""
    if isinstance(lo, float) and math.isnan(lo):
        return metric.show(mean)
    half = (hi - lo) / 2
    if half == 0:
        return metric.show(mean)
    return f"{metric.show(mean)} ± {metric.show(half).lstrip('+')}"


def headline_table(aggregate: pd.DataFrame) -> pd.DataFrame:
    """Rows: headline metrics; columns: scenarios; cells 'mean ± 95% half-width'."""
    scenarios = list(dict.fromkeys(aggregate["scenario"]))
    idx = aggregate.set_index(["scenario", "metric"])
    rows = {}
    for metric in HEADLINE:
        if (scenarios[0], metric.name) not in idx.index:
            continue
        rows[metric.heading] = [
            _cell(metric, *idx.loc[(s, metric.name), ["mean", "ci_low", "ci_high"]])
            for s in scenarios
        ]
    return pd.DataFrame.from_dict(rows, orient="index", columns=scenarios)


def difference_table(differences: pd.DataFrame) -> pd.DataFrame:
    """Rows: headline metrics; columns: scenarios; cells 'difference ± 95% half-width'."""
    if differences is None or differences.empty:
        return pd.DataFrame()
    scenarios = list(dict.fromkeys(differences["scenario"]))
    idx = differences.set_index(["scenario", "metric"])
    rows = {}
    for metric in HEADLINE:
        if (scenarios[0], metric.name) not in idx.index:
            continue
        cells = []
        for s in scenarios:
            values = idx.loc[(s, metric.name), ["difference", "ci_low", "ci_high"]]
            m, lo, hi = (float(v) for v in np.asarray(values, dtype=float))
            sign = "+" if m == m and m > 0 else ""
            cells.append(sign + _cell(metric, m, lo, hi))
        rows[metric.heading] = cells
    return pd.DataFrame.from_dict(rows, orient="index", columns=scenarios)


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def to_text(df: pd.DataFrame) -> str:
    """A plain aligned table for the console."""
    if df.empty:
        return ""
    index = [str(i) for i in df.index]
    cells = [[str(c), *map(str, df[c])] for c in df.columns]
    widths = [max(map(_width, col)) for col in cells]
    pad = max(map(_width, index))

    def line(label: str, row: list[str]) -> str:
        left = label + " " * (pad - _width(label))
        return "  ".join(
            [left] + [" " * (w - _width(v)) + v for v, w in zip(row, widths, strict=True)]
        )

    lines = [line("", [col[0] for col in cells])]
    lines += [line(label, [col[k + 1] for col in cells]) for k, label in enumerate(index)]
    return "\n".join(lines)


def to_markdown(df: pd.DataFrame) -> str:
    if df.empty:
        return ""
    head = "| metric | " + " | ".join(map(str, df.columns)) + " |"
    rule = "|---|" + "---|" * len(df.columns)
    body = ["| " + str(i) + " | " + " | ".join(map(str, r)) + " |" for i, r in df.iterrows()]
    return "\n".join([head, rule, *body])


def summary_markdown(
    title: str,
    aggregate: pd.DataFrame,
    differences: pd.DataFrame | None,
    baseline: str | None,
    replicates: int,
    days: float,
    intervals: str,
    warmup_days: float = 0,
) -> str:
    """summary.md: the headline table, the differences, and the caveat on recorded crime.
    `intervals` says what the intervals cover (simulation.runner.interval_note)."""
    warmup = f" after a {warmup_days:g}-day warm-up" if warmup_days else ""
    parts = [
        f"# {title}",
        "",
        f"{replicates} replicate(s) of {days:g} observed days{warmup} per scenario; mean and "
        f"95% interval across replicates (common random numbers across scenarios): {intervals}.",
        "",
        to_markdown(headline_table(aggregate)),
        "",
    ]
    if differences is not None and not differences.empty:
        parts += [
            f"## Difference against `{baseline}` (paired by replicate seed)",
            "",
            to_markdown(difference_table(differences)),
            "",
        ]
    parts += [
        "Recorded crime is not true crime: a model that raises trust and reporting can "
        "raise recorded crime while true crime falls. Compare both. See docs/ODD.md for "
        "the model's assumptions.",
        "",
    ]
    return "\n".join(parts)
