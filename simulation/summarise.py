"""Headline tables for people: the console summary and summary.md. Their rows, labels and
formats are the headline metrics of `simulation.metric_registry`."""

from __future__ import annotations

import math
import unicodedata

import pandas as pd

from .metric_registry import HEADLINE, Metric
from .runner import BOOTSTRAP_RESAMPLES


def _is_nan(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def cell(
    metric: Metric,
    value: float,
    lo: float,
    hi: float,
    interval: str,
    undefined: float,
    signed: bool = False,
) -> str:
    """An estimate with its 95% interval, for people: 'mean ± half-width' (t, symmetric),
    'estimate [low, high]' (bootstrap, or a t interval clipped to the metric's range),
    'not defined: <why>' when the estimate is not, and an unbounded interval with the share
    of resamples in which the ratio is not defined."""

    def show(x: float) -> str:
        text = metric.show(x)
        return ("+" + text) if signed and x == x and x > 0 and math.isfinite(x) else text

    if _is_nan(value):
        if metric.ratio is not None or metric.infinite:
            return f"not defined: {metric.why_undefined}"
        return metric.show(value)
    if _is_nan(lo) or _is_nan(hi) or not math.isfinite(value):
        return show(value)
    if interval == "bootstrap":
        if math.isinf(lo) or math.isinf(hi):
            return (
                f"{show(value)} [unbounded: {metric.why_undefined} in {undefined:.0%} of resamples]"
            )
        return f"{show(value)} [{show(lo)}, {show(hi)}]"
    half = (hi - lo) / 2
    if not math.isclose(value - lo, hi - value, rel_tol=1e-9, abs_tol=1e-12):
        return f"{show(value)} [{show(lo)}, {show(hi)}]"  # clipped to the metric's range
    if half == 0:
        return show(value)
    return f"{show(value)} ± {metric.show(half).lstrip('+')}"


def _table(frame: pd.DataFrame, column: str, signed: bool) -> pd.DataFrame:
    """Rows: headline metrics; columns: scenarios, then the kind of interval."""
    scenarios = list(dict.fromkeys(frame["scenario"]))
    idx = frame.set_index(["scenario", "metric"])
    rows = {}
    for metric in HEADLINE:
        if (scenarios[0], metric.name) not in idx.index:
            continue
        cells = []
        for s in scenarios:
            r = idx.loc[(s, metric.name)]
            cells.append(
                cell(
                    metric,
                    float(r[column]),
                    float(r["ci_low"]),
                    float(r["ci_high"]),
                    str(r.get("interval", "t")),
                    float(r.get("undefined_share", math.nan)),
                    signed,
                )
            )
        interval = str(idx.loc[(scenarios[0], metric.name)].get("interval", "t"))
        rows[metric.heading] = [*cells, interval]
    return pd.DataFrame.from_dict(rows, orient="index", columns=[*scenarios, "interval"])


def headline_table(aggregate: pd.DataFrame) -> pd.DataFrame:
    """Rows: headline metrics; columns: scenarios, cells 'estimate with 95% interval', and
    the kind of interval (t or bootstrap)."""
    return _table(aggregate, "mean", signed=False)


def difference_table(differences: pd.DataFrame | None) -> pd.DataFrame:
    """Rows: headline metrics; columns: scenarios, cells 'difference with 95% interval', and
    the kind of interval (t or bootstrap)."""
    if differences is None or differences.empty:
        return pd.DataFrame()
    return _table(differences, "difference", signed=True)


INTERVALS = (
    "95% intervals across replicates: 'mean ± half-width' is a t interval of the mean of "
    "replicate values (shown as [low, high] where it is cut at what the metric can take, "
    "e.g. 0 or 100%); 'estimate [low, high]' is a percentile bootstrap interval "
    f"({BOOTSTRAP_RESAMPLES:,} resamples of replicates) of a ratio of means, pooled over "
    "replicates (column `interval`)."
)


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
        f"{replicates} replicate(s) of {days:g} observed days{warmup} per scenario (common "
        f"random numbers across scenarios); {intervals}. {INTERVALS}",
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
