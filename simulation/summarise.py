"""Headline tables for people: the console summary and summary.md."""

from __future__ import annotations

import math

import pandas as pd

# (metric, label, format) in the order a reader wants them.
HEADLINE = (
    ("true_crime_per_1000", "true crime /1000/yr", "{:.1f}"),
    ("recorded_crime_per_1000", "recorded crime /1000/yr", "{:.1f}"),
    ("reporting_rate", "reporting rate", "{:.0%}"),
    ("response_mean_min", "response mean (min)", "{:.1f}"),
    ("response_median_min", "response median (min)", "{:.1f}"),
    ("response_p90_min", "response p90 (min)", "{:.1f}"),
    ("response_within_15", "within 15 min", "{:.0%}"),
    ("response_within_30", "within 30 min", "{:.0%}"),
    ("response_mean_remote_third_min", "remotest third (min)", "{:.1f}"),
    ("first_presence_mean_min", "first presence (min)", "{:.1f}"),
    ("disputes_escalated", "disputes escalated", "{:.1f}"),
    ("escalation_rate", "escalation rate (民转刑)", "{:.1%}"),
    ("clearance_rate", "clearance rate", "{:.0%}"),
    ("mean_trust", "mean trust", "{:.3f}"),
    ("satisfaction", "satisfaction", "{:.0%}"),
    ("visibility", "visibility (30 d)", "{:.0%}"),
    ("officer_utilisation", "officer utilisation", "{:.0%}"),
    ("cost_total_cny", "annual cost (CNY)", "{:,.0f}"),
    ("cost_per_incident_prevented_cny", "cost / incident prevented", "{:,.0f}"),
)


def _fmt(fmt: str, value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return fmt.format(value)


def _cell(fmt: str, mean: float, lo: float, hi: float) -> str:
    """'mean ± half-width of the 95% interval' (the interval is symmetric: t-based)."""
    if isinstance(lo, float) and math.isnan(lo):
        return _fmt(fmt, mean)
    half = (hi - lo) / 2
    if half == 0:
        return _fmt(fmt, mean)
    return f"{_fmt(fmt, mean)} ± {_fmt(fmt, half).lstrip('+')}"


def headline_table(aggregate: pd.DataFrame) -> pd.DataFrame:
    """Rows: headline metrics; columns: scenarios; cells 'mean ± 95% half-width'."""
    scenarios = list(dict.fromkeys(aggregate["scenario"]))
    idx = aggregate.set_index(["scenario", "metric"])
    rows = {}
    for metric, label, fmt in HEADLINE:
        if (scenarios[0], metric) not in idx.index:
            continue
        rows[label] = [
            _cell(fmt, *idx.loc[(s, metric), ["mean", "ci_low", "ci_high"]]) for s in scenarios
        ]
    return pd.DataFrame.from_dict(rows, orient="index", columns=scenarios)


def difference_table(differences: pd.DataFrame) -> pd.DataFrame:
    """Rows: headline metrics; columns: scenarios; cells 'difference ± 95% half-width'."""
    if differences is None or differences.empty:
        return pd.DataFrame()
    scenarios = list(dict.fromkeys(differences["scenario"]))
    idx = differences.set_index(["scenario", "metric"])
    rows = {}
    for metric, label, fmt in HEADLINE:
        if (scenarios[0], metric) not in idx.index:
            continue
        cells = []
        for s in scenarios:
            m, lo, hi = idx.loc[(s, metric), ["difference", "ci_low", "ci_high"]]
            sign = "+" if m == m and m > 0 else ""
            cells.append(sign + _cell(fmt, m, lo, hi))
        rows[label] = cells
    return pd.DataFrame.from_dict(rows, orient="index", columns=scenarios)


def to_text(df: pd.DataFrame) -> str:
    """A plain aligned table for the console."""
    if df.empty:
        return ""
    widths = [max(len(str(i)) for i in df.index)] + [
        max(len(str(c)), *(len(str(v)) for v in df[c])) for c in df.columns
    ]
    lines = [
        "  ".join(
            [" " * widths[0]]
            + [str(c).rjust(w) for c, w in zip(df.columns, widths[1:], strict=True)]
        )
    ]
    for label, row in df.iterrows():
        lines.append(
            "  ".join(
                [str(label).ljust(widths[0])]
                + [str(v).rjust(w) for v, w in zip(row, widths[1:], strict=True)]
            )
        )
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
) -> str:
    """summary.md: the headline table, the differences, and the caveat on recorded crime."""
    parts = [
        f"# {title}",
        "",
        f"{replicates} replicate(s) of {days:g} days per scenario; mean and 95% interval "
        "across replicates (common random numbers across scenarios).",
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
