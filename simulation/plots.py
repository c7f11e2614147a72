"""Figures for policy readers. Each function takes results (a results folder path or the
dict of DataFrames `simulation.store.read_results` returns) and returns a matplotlib Figure.

One style throughout, readable in black and white: scenarios differ by line style, marker
and hatch as well as by colour (a perceptually uniform, greyscale-safe palette).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from .fonts import use_cjk_font
from .intervals import mean_ci
from .metric_registry import METRICS, REMOTENESS_BANDS, axis_label, heading, natural_range, show
from .runner import pooled_means
from .vocab import Activity

Results = str | Path | dict[str, pd.DataFrame]
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
HATCHES = ("", "///", "...", "xx", "\\\\", "oo", "++", "--")
ACTIVITY_ORDER = (
    Activity.ON_SCENE,
    Activity.TRAVEL,
    Activity.CASEWORK,
    Activity.STATION_DUTY,
    Activity.PATROL,
    Activity.VISIT,
    Activity.POST,
    Activity.DIVERTED,
)

STYLE: dict[RcKeyType, Any] = {
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "0.88",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "hatch.linewidth": 0.6,
}


def tables(results: Results) -> dict[str, pd.DataFrame]:
    """The tables of a results folder, or the dict itself."""
    if isinstance(results, dict):
        return results
    from .store import read_results

    return read_results(results)


def scenario_order(t: dict[str, pd.DataFrame]) -> list[str]:
    return list(dict.fromkeys(t["summary"]["scenario"]))


def palette(n: int) -> list[tuple]:
    """Colours from cividis: distinct in colour and in grey."""
    cmap = plt.get_cmap("cividis")
    return [cmap(x) for x in np.linspace(0.05, 0.85, max(n, 1))]


def _styles(scenarios: list[str]) -> dict[str, dict[str, Any]]:
    cols = palette(len(scenarios))
    return {
        s: {"color": c, "linestyle": ls, "marker": m, "hatch": h}
        for s, c, ls, m, h in zip(
            scenarios,
            cols,
            itertools.cycle(LINESTYLES),
            itertools.cycle(MARKERS),
            itertools.cycle(HATCHES),
            strict=False,
        )
    }


def _figure(width: float = 7.5, height: float = 4.2, **kw) -> tuple[Figure, Any]:
    use_cjk_font()  # Chinese labels drawn, not boxes, where the system has a CJK font
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained", **kw)
    return fig, ax


def _bars_with_ci(
    ax,
    labels,
    means,
    lows,
    highs,
    styles,
    offset=0.0,
    width=0.8,
    alpha=1.0,
    hatch_override=None,
    label=None,
):
    x = np.arange(len(labels)) + offset
    for i, s in enumerate(labels):
        st = styles[s]
        err = (
            [[max(means[i] - lows[i], 0)], [max(highs[i] - means[i], 0)]]
            if np.isfinite(lows[i])
            else None
        )
        ax.bar(
            x[i],
            means[i],
            width,
            color=st["color"],
            alpha=alpha,
            edgecolor="black",
            linewidth=0.6,
            hatch=hatch_override if hatch_override is not None else st["hatch"],
            yerr=err,
            capsize=3,
            error_kw={"elinewidth": 0.8},
            label=label if i == 0 else None,
        )
    return x


def _ci_by_scenario(summary: pd.DataFrame, metric: str, scenarios: list[str]):
    bounds = natural_range(metric)
    stats = [
        mean_ci(summary.loc[summary["scenario"] == s, metric].to_numpy(), bounds=bounds)
        for s in scenarios
    ]
    return [np.array(v) for v in zip(*stats, strict=True)]


def response_ecdf(results: Results) -> Figure:
    """Empirical CDF of response times (report to first officer on scene) per scenario,
    all replicates pooled, with 15- and 30-minute marks."""
    t = tables(results)
    inc, scenarios = t["incidents"], scenario_order(t)
    styles = _styles(scenarios)
    fig, ax = _figure()
    top = 0.0
    for s in scenarios:
        rt = np.sort(inc.loc[inc["scenario"] == s, "response_min"].dropna().to_numpy())
        if len(rt) == 0:
            continue
        y = np.arange(1, len(rt) + 1) / len(rt)
        ax.step(
            rt,
            y,
            where="post",
            color=styles[s]["color"],
            linestyle=styles[s]["linestyle"],
            linewidth=1.6,
            label=f"{s} (median {np.median(rt):.0f} min)",
        )
        top = max(top, np.percentile(rt, 97))
    for mark in (15, 30):
        ax.axvline(mark, color="black", linewidth=0.8, linestyle=(0, (2, 2)))
        ax.text(mark, 0.02, f" {mark} min", fontsize=8, va="bottom")
    ax.set_xlim(0, max(top, 35))
    ax.set_ylim(0, 1)
    ax.set_xlabel("response time, report to first officer on scene (minutes)")
    ax.set_ylabel("share of responded incidents")
    ax.set_title("How fast do officers arrive?")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def response_by_remoteness(results: Results) -> Figure:
    """Mean response time by village remoteness (minutes from the nearest station), with
    95% intervals across replicates."""
    t = tables(results)
    inc, scenarios = t["incidents"], scenario_order(t)
    styles = _styles(scenarios)
    bins = list(REMOTENESS_BANDS)
    fig, ax = _figure()
    width = 0.8 / len(scenarios)
    for k, s in enumerate(scenarios):
        sub = inc[(inc["scenario"] == s) & inc["response_min"].notna()]
        per_rep = sub.groupby(["remoteness", "replicate"])["response_min"].mean()
        stats = [
            mean_ci(per_rep.loc[b].to_numpy(), bounds=(0.0, math.inf))  # minutes
            if b in per_rep.index.get_level_values(0)
            else (np.nan,) * 3
            for b in bins
        ]
        m, lo, hi = (np.array(v) for v in zip(*stats, strict=True))
        x = np.arange(len(bins)) - 0.4 + width * (k + 0.5)
        err = np.vstack([np.nan_to_num(m - lo), np.nan_to_num(hi - m)])
        ax.bar(
            x,
            m,
            width,
            color=styles[s]["color"],
            hatch=styles[s]["hatch"],
            edgecolor="black",
            linewidth=0.6,
            yerr=err,
            capsize=2,
            label=s,
            error_kw={"elinewidth": 0.8},
        )
    ax.set_xticks(range(len(bins)), [f"{b}\n({REMOTENESS_BANDS[b]})" for b in bins])
    ax.set_ylabel(axis_label("response_mean_min"))
    ax.set_title("Response time by village remoteness")
    ax.legend(fontsize=8, ncols=min(3, len(scenarios)))
    return fig


def true_vs_recorded(results: Results) -> Figure:
    """True and recorded crime (property + violent) per 1,000 residents a year, with 95%
    intervals: the gap is the dark figure."""
    t = tables(results)
    summary, scenarios = t["summary"], scenario_order(t)
    styles = _styles(scenarios)
    fig, ax = _figure()
    for metric, offset, alpha, hatch, label in (
        ("true_crime_per_1000", -0.2, 0.45, "///", "true (hatched)"),
        ("recorded_crime_per_1000", 0.2, 1.0, "", "recorded (solid)"),
    ):
        m, lo, hi = _ci_by_scenario(summary, metric, scenarios)
        _bars_with_ci(
            ax,
            scenarios,
            m,
            lo,
            hi,
            styles,
            offset=offset,
            width=0.38,
            alpha=alpha,
            hatch_override=hatch,
            label=label,
        )
    ax.set_xticks(range(len(scenarios)), scenarios, rotation=20, ha="right")
    ax.set_ylabel(f"crimes ({METRICS['true_crime_per_1000'].unit_words})")
    ax.set_title("True vs recorded crime (property + violent)")
    ax.legend(fontsize=8)
    return fig


def disputes_escalated(results: Results) -> Figure:
    """Disputes that turned violent (民转刑) per 1,000 residents a year, with 95% intervals,
    and the share of disputes escalating."""
    t = tables(results)
    summary, scenarios = t["summary"], scenario_order(t)
    styles = _styles(scenarios)
    fig, ax = _figure()
    m, lo, hi = _ci_by_scenario(summary, "escalated_per_1000", scenarios)
    x = _bars_with_ci(ax, scenarios, m, lo, hi, styles)
    rate = summary.groupby("scenario")["escalation_rate"].mean().reindex(scenarios)
    for xi, mi, r in zip(x, m, rate, strict=True):
        rate_text = show("escalation_rate", r)
        ax.text(xi, mi, f"{rate_text}\nof disputes", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(scenarios)), scenarios, rotation=20, ha="right")
    ax.set_ylabel(axis_label("escalated_per_1000"))
    ax.set_title("Disputes turning violent (min zhuan xing)")
    ax.margins(y=0.2)
    return fig


def trust_and_visibility(results: Results) -> Figure:
    """Mean trust and visibility (share of residents with a police or auxiliary contact in
    the last 30 days) by day, averaged over replicates."""
    t = tables(results)
    daily, scenarios = t["daily"], scenario_order(t)
    styles = _styles(scenarios)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), layout="constrained", sharex=True)
    for s in scenarios:
        d = daily[daily["scenario"] == s].groupby("day")[["mean_trust", "visibility"]].mean()
        for ax, col in zip(axes, ("mean_trust", "visibility"), strict=True):
            ax.plot(
                d.index,
                d[col],
                color=styles[s]["color"],
                linestyle=styles[s]["linestyle"],
                linewidth=1.5,
                label=s,
            )
    axes[0].set_title("Mean trust in the police")
    axes[0].set_ylabel(axis_label("mean_trust"))
    axes[1].set_title("Visibility (30-day police or auxiliary contact)")
    axes[1].set_ylabel("share of present residents")
    axes[1].set_ylim(0, 1.02)
    for ax in axes:
        ax.set_xlabel("day")
    axes[1].legend(fontsize=8, loc="lower right")
    return fig


def officer_time_use(results: Results) -> Figure:
    """How officers spend their duty time, by scenario (shares of on-duty minutes)."""
    t = tables(results)
    officers, scenarios = t["officers"], scenario_order(t)
    fig, ax = _figure()
    shares = {}
    for s in scenarios:
        o = officers[officers["scenario"] == s]
        total = o[[f"min_{a}" for a in ACTIVITY_ORDER]].to_numpy().sum()
        shares[s] = [o[f"min_{a}"].sum() / total if total else 0 for a in ACTIVITY_ORDER]
    greys = [str(g) for g in np.linspace(0.15, 0.92, len(ACTIVITY_ORDER))]
    left = np.zeros(len(scenarios))
    y = np.arange(len(scenarios))
    for i, act in enumerate(ACTIVITY_ORDER):
        vals = np.array([shares[s][i] for s in scenarios])
        ax.barh(
            y,
            vals,
            left=left,
            color=greys[i],
            edgecolor="black",
            linewidth=0.5,
            hatch=HATCHES[i % len(HATCHES)],
            label=act.replace("_", " "),
        )
        for yi, v, lft in zip(y, vals, left, strict=True):
            if v > 0.06:
                ax.text(
                    lft + v / 2,
                    yi,
                    f"{v:.0%}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    bbox={
                        "boxstyle": "round,pad=0.15",
                        "facecolor": "white",
                        "edgecolor": "none",
                        "alpha": 0.9,
                    },
                )
        left += vals
    ax.set_yticks(y, scenarios)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of on-duty time")
    ax.set_title("Officer time use")
    ax.legend(
        ncols=len(ACTIVITY_ORDER), fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18)
    )
    ax.grid(axis="y", visible=False)
    return fig


def cost_frontier(results: Results, outcome: str = "true_crime_per_1000") -> Figure:
    """Annual cost against an outcome (lower is better), with 95% intervals; the line joins
    the scenarios no other scenario beats on both (the efficient frontier)."""
    t = tables(results)
    summary, scenarios = t["summary"], scenario_order(t)
    styles = _styles(scenarios)
    fig, ax = _figure()
    pts = []
    for s in scenarios:
        sub = summary[summary["scenario"] == s]
        cost = sub["cost_total_cny"].mean() / 1e6
        m, lo, hi = mean_ci(sub[outcome].to_numpy(), bounds=natural_range(outcome))
        err = [[m - lo], [hi - m]] if np.isfinite(lo) else None
        ax.errorbar(
            cost,
            m,
            yerr=err,
            fmt=styles[s]["marker"],
            color=styles[s]["color"],
            markeredgecolor="black",
            markersize=8,
            capsize=3,
            label=s,
        )
        pts.append((cost, m))
    # Label each point; points that (nearly) coincide get stacked labels.
    span_x = max(max(p[0] for p in pts) - min(p[0] for p in pts), 1e-9)
    span_y = max(max(p[1] for p in pts) - min(p[1] for p in pts), 1e-9)
    placed: list[tuple[float, float]] = []
    for s, (cost, m) in zip(scenarios, pts, strict=True):
        k = sum(abs(cost - a) / span_x < 0.05 and abs(m - b) / span_y < 0.08 for a, b in placed)
        ax.annotate(s, (cost, m), textcoords="offset points", xytext=(8, 4 - 11 * k), fontsize=8)
        placed.append((cost, m))
    frontier = [
        p
        for p in sorted(pts)
        if not any((q[0] <= p[0] and q[1] < p[1]) or (q[0] < p[0] and q[1] <= p[1]) for q in pts)
    ]
    if len(frontier) > 1:
        ax.plot(
            *zip(*frontier, strict=True),
            color="black",
            linewidth=0.8,
            linestyle=(0, (4, 2)),
            label="efficient frontier",
        )
    ax.set_xlabel("annual cost (million CNY)")
    ax.set_ylabel(axis_label(outcome))
    ax.set_title("Cost against outcome")
    ax.legend(fontsize=8)
    return fig


def county_map(results: Results, scenario: str | None = None) -> Figure:
    """The village graph: stations, incident density (marker size) and mean response time
    per village (shade), for one scenario (default: the first)."""
    t = tables(results)
    villages = t["villages"]
    scenario = scenario or scenario_order(t)[0]
    v = villages[villages["scenario"] == scenario]
    per = (
        v.groupby("village", sort=False)
        .agg(
            x=("x_km", "first"),
            y=("y_km", "first"),
            station=("station", "first"),
            population=("population", "first"),
            true=("true_per_1000_year", "mean"),
            response=("response_mean_min", "mean"),
        )
        .reset_index()
    )
    fig, ax = _figure(6.8, 6.0)
    roads = t.get("roads")
    if roads is not None:
        for r in roads.itertuples():
            ax.plot([r.x0, r.x1], [r.y0, r.y1], color="0.75", linewidth=0.7, zorder=1)
    size = 20 + 180 * per["true"] / max(per["true"].max(), 1e-9)
    sc = ax.scatter(
        per["x"],
        per["y"],
        s=size,
        c=per["response"],
        cmap="cividis_r",
        edgecolor="black",
        linewidth=0.5,
        zorder=2,
    )
    st = per[per["station"].astype(bool)]
    ax.scatter(
        st["x"],
        st["y"],
        s=160,
        marker="*",
        color="white",
        edgecolor="black",
        linewidth=1.0,
        zorder=3,
        label="police station",
    )
    cbar = fig.colorbar(sc, ax=ax, shrink=0.8)
    cbar.set_label("mean response time (minutes)")
    for q in (0.25, 1.0):
        ax.scatter(
            [],
            [],
            s=20 + 180 * q,
            color="white",
            edgecolor="black",
            label=f"{q * per['true'].max():.0f} incidents /1,000/yr",
        )
    ax.set_aspect("equal")
    ax.set_xlabel("km east")
    ax.set_ylabel("km north")
    ax.set_title(f"County map: {scenario}")
    fig.legend(fontsize=8, loc="outside lower center", ncols=3)
    return fig


def sweep_heatmap(results: pd.DataFrame, x: str, y: str, metric: str) -> Figure:
    """A metric's replicate mean over a two-parameter grid (e.g. officers x auxiliaries)."""
    grid = pooled_means(results, [y, x])[metric].unstack(x)  # ratios pooled
    fig, ax = _figure(6.5, 4.8)
    im = ax.imshow(grid.to_numpy(), origin="lower", cmap="cividis_r", aspect="auto")
    ax.set_xticks(range(grid.shape[1]), grid.columns)
    ax.set_yticks(range(grid.shape[0]), grid.index)
    for (i, j), val in np.ndenumerate(grid.to_numpy()):
        ax.text(
            j,
            i,
            show(metric, val),
            ha="center",
            va="center",
            fontsize=8,
            color="white" if val > np.nanmean(grid.to_numpy()) else "black",
        )
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.grid(False)
    fig.colorbar(im, ax=ax).set_label(axis_label(metric))
    ax.set_title(heading(metric))
    return fig


def sensitivity_bars(sensitivity: pd.DataFrame, metric: str) -> Figure:
    """Sobol first-order and total indices (or Morris mu*) of one metric, with 95% intervals."""
    s = sensitivity[sensitivity["metric"] == metric]
    indices = [i for i in ("S1", "ST", "mu_star") if i in set(s["index"])]
    params = list(dict.fromkeys(s["parameter"]))
    fig, ax = _figure(7.5, 1.2 + 0.5 * len(params))
    height = 0.8 / len(indices)
    for k, idx in enumerate(indices):
        d = s[s["index"] == idx].set_index("parameter").reindex(params)
        y = np.arange(len(params)) - 0.4 + height * (k + 0.5)
        ax.barh(
            y,
            d["value"],
            height,
            xerr=d["conf"].fillna(0),
            capsize=2,
            color=("0.3", "0.75", "0.55")[k],
            hatch=("", "///", "..")[k],
            edgecolor="black",
            linewidth=0.5,
            label=idx,
        )
    ax.set_yticks(range(len(params)), params)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlabel("sensitivity index")
    ax.set_title(f"Sensitivity of {heading(metric)}")
    ax.legend(fontsize=8)
    return fig


COMPARISON_FIGURES = {
    "response_ecdf": response_ecdf,
    "response_by_remoteness": response_by_remoteness,
    "true_vs_recorded": true_vs_recorded,
    "disputes_escalated": disputes_escalated,
    "trust_and_visibility": trust_and_visibility,
    "officer_time_use": officer_time_use,
    "cost_frontier": cost_frontier,
    "county_map": county_map,
}


def comparison_figures(results: Results) -> dict[str, Figure]:
    """Every figure of a run or comparison."""
    t = tables(results)
    return {name: fn(t) for name, fn in COMPARISON_FIGURES.items()}
