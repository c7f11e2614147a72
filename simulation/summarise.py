"""Headline tables for people: the console summary and summary.md. Their rows, labels and
formats are the headline metrics of `simulation.metric_registry`."""

from __future__ import annotations

import math
import re
import unicodedata

import pandas as pd

from .intervals import ROUGH_BELOW
from .metric_registry import HEADLINE, Metric


def _is_nan(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


_PRECISION = re.compile(r"\{:(?P<comma>,?)(?:\.(?P<digits>\d+))?(?P<kind>[f%g])\}")


def _with_digits(fmt: str, extra: int) -> str:
    """A format with `extra` more digits after the point ('{:.0%}' -> '{:.1%}')."""
    m = _PRECISION.fullmatch(fmt)
    if m is None or extra == 0:
        return fmt
    digits = int(m["digits"]) if m["digits"] is not None else (6 if m["kind"] == "g" else 0)
    return f"{{:{m['comma']}.{digits + extra}{m['kind']}}}"


def cell(
    metric: Metric,
    value: float,
    lo: float,
    hi: float,
    interval: str,
    signed: bool = False,
) -> str:
    """An estimate with its 95% interval, for people: 'mean ± half-width' (symmetric: t and
    delta intervals), 'estimate [low, high]' (Fieller, or a t interval clipped to the
    metric's range), 'not defined: <why>' when the estimate is not, and 'unbounded' when the
    ratio's denominator may be zero. Shown with as many more digits as it takes for an
    interval of non-zero width not to look like a point."""
    if _is_nan(value):
        if metric.ratio is not None or metric.infinite:
            return f"not defined: {metric.why_undefined}"
        return metric.show(value)
    if _is_nan(lo) or _is_nan(hi) or not math.isfinite(value):
        return metric.show(value)
    fmt = metric.format

    def show(x: float, extra: int = 0) -> str:
        if not math.isfinite(x):
            return metric.show(x)
        text = _with_digits(fmt, extra).format(x)
        return ("+" + text) if signed and x > 0 else text

    if math.isinf(lo) or math.isinf(hi):
        return f"{show(value)} [unbounded: maybe {metric.why_undefined}]"
    half = (hi - lo) / 2
    symmetric = math.isclose(value - lo, hi - value, rel_tol=1e-9, abs_tol=1e-12)
    if symmetric and half == 0:
        return show(value)  # a point: every replicate (pair) gave the same value
    for extra in range(7):
        if symmetric:
            zero = _with_digits(fmt, extra).format(0.0)
            if _with_digits(fmt, extra).format(half) != zero:
                return f"{show(value, extra)} ± {_with_digits(fmt, extra).format(half)}"
        else:
            ends = [show(x, extra) for x in (lo, value, hi)]
            if (lo == value or ends[0] != ends[1]) and (hi == value or ends[2] != ends[1]):
                return f"{ends[1]} [{ends[0]}, {ends[2]}]"
    return f"{show(value)} [{show(lo)}, {show(hi)}]"


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
    "95% intervals across replicates, all t intervals with replicates - 1 degrees of freedom: "
    "'mean ± half-width' for a mean (shown as [low, high] where it is cut at what the metric can "
    "take, e.g. 0 or 100%) and for a difference of two ratios (paired, delta method); "
    "'estimate [low, high]' for a ratio of means pooled over replicates (Fieller's interval, "
    "unbounded when its denominator may be zero: 'maybe nothing prevented'); column `interval`."
)


def rough_note(replicates: int) -> str:
    """A warning for tables made of fewer than ROUGH_BELOW replicates ('' otherwise)."""
    if replicates >= ROUGH_BELOW:
        return ""
    return (
        f"Only {replicates} replicate(s): the intervals are rough (wide, and they assume "
        f"replicate values near normal, which so few cannot check); use {ROUGH_BELOW} or more "
        "before relying on them."
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
        *([rough_note(replicates), ""] if rough_note(replicates) else []),
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
