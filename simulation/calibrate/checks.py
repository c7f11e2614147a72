"""The checks a reviewer asks of a calibration: posterior predictive checks (the records
against runs at posterior draws: calls per village, by hour, response times, months by
township) and what each parameter learnt (prior against posterior, Betancourt's shrinkage).
Each figure function returns a matplotlib Figure."""

from __future__ import annotations

import math
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .observe import SUMMARIES, Observed

BAND = (0.05, 0.95)


def _band(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lo, hi = np.quantile(values, BAND, axis=0)
    return lo, np.median(values, axis=0), hi


def _array(checks: list[dict[str, Any]], key: str) -> np.ndarray:
    return np.array([c[key] for c in checks], dtype=float)


def villages_figure(observed: Observed, checks: list[dict[str, Any]]) -> Figure:
    """Observed calls per village against the posterior predictive 90% band."""
    sims = _array(checks, "village_calls")
    lo, mid, hi = _band(sims)
    obs = observed.village_calls.astype(float)
    fig, ax = plt.subplots(figsize=(6.0, 5.4))
    ax.errorbar(
        mid,
        obs,
        xerr=[mid - lo, hi - mid],
        fmt="o",
        ms=3.5,
        color="0.2",
        ecolor="0.65",
        elinewidth=0.8,
        label="village (bar: simulated 90%)",
    )
    top = max(float(hi.max()), float(obs.max()), 1.0) * 1.05
    ax.plot([0, top], [0, top], "--", color="0.5", lw=0.8, label="observed = simulated")
    inside = float(np.mean((obs >= lo) & (obs <= hi)))
    ax.set(
        xlabel="simulated calls (median of posterior predictive runs)",
        ylabel="calls in the records",
        title=f"Calls per village: {inside:.0%} inside their 90% band",
    )
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def hourly_figure(observed: Observed, checks: list[dict[str, Any]]) -> Figure:
    """Calls by hour of day: the records against the predictive 90% band."""
    lo, mid, hi = _band(_array(checks, "hour_calls"))
    hours = np.arange(24)
    fig, ax = plt.subplots(figsize=(7.0, 3.8))
    ax.fill_between(hours, lo, hi, color="0.8", step="mid", label="simulated 90%")
    ax.step(hours, mid, where="mid", color="0.45", lw=1, ls="--", label="simulated median")
    ax.plot(hours, observed.hour_calls, "o-", color="0.1", ms=3.5, lw=1.2, label="records")
    ax.set(
        xlabel="hour of day", ylabel="calls", xticks=range(0, 24, 3), title="Calls by hour of day"
    )
    ax.legend()
    fig.tight_layout()
    return fig


def response_figure(observed: Observed, checks: list[dict[str, Any]]) -> Figure:
    """The ECDF of response times in the records against the predictive runs' quantiles."""
    fig, ax = plt.subplots(figsize=(7.0, 3.8))
    q = np.linspace(0, 1, 21)
    sims = [c["response_quantiles"] for c in checks if c["response_quantiles"]]
    if sims:
        arr = np.array(sims)
        lo, mid, hi = _band(arr)
        ax.fill_betweenx(q, lo, hi, color="0.8", label="simulated 90% (by quantile)")
        ax.plot(mid, q, "--", color="0.45", lw=1, label="simulated median")
    resp = observed.response_min
    if len(resp):
        ax.step(
            resp,
            np.arange(1, len(resp) + 1) / len(resp),
            where="post",
            color="0.1",
            lw=1.3,
            label=f"records ({len(resp):,} calls with an arrival)",
        )
        ax.set_xlim(0, float(np.quantile(resp, 0.99)) * 1.1)
    ax.set(
        xlabel="minutes from call to an officer on scene",
        ylabel="share of calls",
        title="Response times",
    )
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def monthly_figure(observed: Observed, checks: list[dict[str, Any]]) -> Figure:
    """Calls a month in each township: the records against the predictive 90% band."""
    obs = observed.monthly
    townships = sorted(obs["township"].unique()) if len(obs) else []
    n = max(len(townships), 1)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(3.3 * cols, 2.6 * rows), squeeze=False, sharex=True
    )
    months = sorted(obs["month"].unique()) if len(obs) else []
    keys = [f"{pd.Timestamp(m):%Y-%m}" for m in months]
    for k, t in enumerate(townships):
        ax = axes[k // cols][k % cols]
        sims = np.array([[c["monthly"].get(f"{m}|{t}", 0) for m in keys] for c in checks])
        x = np.arange(len(keys))
        if len(sims):
            lo, mid, hi = _band(sims)
            ax.fill_between(x, lo, hi, color="0.8", label="simulated 90%")
            ax.plot(x, mid, "--", color="0.45", lw=1)
        own = obs[obs["township"] == t].set_index("month")["calls"].reindex(months, fill_value=0)
        ax.plot(x, own.to_numpy(), "o-", color="0.1", ms=2.5, lw=1, label="records")
        ax.set_title(f"township {t + 1}", fontsize=9)
        ax.set_xticks(x[:: max(1, len(x) // 4)], [keys[i][2:] for i in x[:: max(1, len(x) // 4)]])
    for k in range(len(townships), rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    axes[0][0].legend(fontsize=8)
    fig.supylabel("calls a month")
    fig.suptitle("Calls a month by township", fontweight="bold")
    fig.tight_layout()
    return fig


def shrinkage_figure(table: pd.DataFrame) -> Figure:
    """Each parameter's prior and posterior 90% intervals (`Result.table`), on the prior's
    scale (0-1), with the true value where it is known (its `true` column: synthetic
    records)."""
    n = len(table)
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * n + 1.4))
    for i, row in enumerate(table.to_dict("records")):
        low, high = float(row["prior_low"]), float(row["prior_high"])
        span = high - low or 1.0

        def pos(v: float, low: float = low, span: float = span) -> float:
            return (v - low) / span

        y = n - 1 - i
        ax.plot(
            [0, 1],
            [y + 0.12] * 2,
            color="0.7",
            lw=5,
            solid_capstyle="butt",
            label="prior 90%" if i == 0 else None,
        )
        ax.plot(
            [pos(float(row["posterior_low"])), pos(float(row["posterior_high"]))],
            [y - 0.12] * 2,
            color="0.15",
            lw=5,
            solid_capstyle="butt",
            label="posterior 90%" if i == 0 else None,
        )
        true = float(row.get("true", math.nan))
        if math.isfinite(true):
            ax.plot(
                pos(true),
                y,
                marker="v",
                color="#c0392b",
                ms=8,
                ls="",
                label="true value" if i == 0 else None,
            )
        ax.text(1.03, y, f"shrinkage {float(row['shrinkage']):.2f}", va="center", fontsize=8)
    ax.set_yticks(range(n), list(table["parameter"])[::-1], fontsize=8)
    ax.set_xlim(-0.1, 1.3)
    ax.set_xlabel("position within the prior's 90% interval")
    ax.set_title("What the records taught: prior and posterior", pad=24)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8)
    fig.tight_layout()
    return fig


def predictive_table(observed: dict[str, float], checks: list[dict[str, Any]]) -> pd.DataFrame:
    """Each summary: the records, the predictive median and 90% band, and the posterior
    predictive p-value (Gelman, Meng & Stern 1996), mid-p for counts: the share of runs above
    the record plus half the share equal to it. Near 0 or 1, the model cannot reproduce it."""
    rows = []
    for name, value in observed.items():
        sims = np.array([c["summaries"].get(name, math.nan) for c in checks], dtype=float)
        sims = sims[np.isfinite(sims)]
        if not len(sims):
            continue
        rows.append(
            {
                "summary": name,
                "label": SUMMARIES[name].label,
                "records": value,
                "simulated_median": float(np.median(sims)),
                "simulated_low": float(np.quantile(sims, BAND[0])),
                "simulated_high": float(np.quantile(sims, BAND[1])),
                "p_value": float(np.mean(sims > value) + 0.5 * np.mean(sims == value)),
            }
        )
    return pd.DataFrame(rows)
