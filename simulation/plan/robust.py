"""Robust plans: the final Pareto designs and today's deployment re-run across parameter worlds
(the plan file's `uncertainty:` block). For each design and objective: the mean over the worlds
and the 10th-worst percentile (the value a design keeps in all but the worst tenth of what we do
not know), and the probability that it beats today on the first two objectives (as the plan's
own "better than today" reads them). A design is recommended only if that probability reaches
`uncertainty.threshold` (default 0.8) and its mean annual cost over the worlds is within the
budget: the cheapest such design, or none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..metric_registry import axis_label
from ..uncertainty.run import run_worlds, world_means
from ..uncertainty.worlds import make_worlds
from .spec import PlanSpec

TODAY = "today"


def robust_table(
    spec: PlanSpec,
    table: pd.DataFrame,
    scenarios: dict[str, Any],
    out: Path,
    executor: dict[str, Any],
    progress: Callable[..., Any] | None = None,
) -> pd.DataFrame:
    """Run the final designs (`scenarios`: design label -> Scenario, today's as `today`) across
    the worlds into `out / "worlds"` (resumable) and summarise them, one row per design."""
    u = spec.uncertainty
    assert u is not None
    worlds = make_worlds(spec.name, scenarios, TODAY, u, 1, spec.seed)
    runs = run_worlds(worlds, out / "worlds", resume=True, progress=progress, **executor)
    means = world_means(runs, worlds)
    drawn = means[means["world"] > 0]
    return summarise(drawn, spec, table)


def summarise(drawn: pd.DataFrame, spec: PlanSpec, table: pd.DataFrame) -> pd.DataFrame:
    """One row per design: each objective's mean and 10th-worst percentile over the worlds,
    the mean annual cost, the probability of beating today, and whether it is recommended."""
    u = spec.uncertainty
    assert u is not None
    objectives = spec.objectives
    wide = {
        o.metric: drawn.pivot(index="world", columns="option", values=o.metric) for o in objectives
    }
    cost = drawn.pivot(index="world", columns="option", values="cost_total_cny")
    rows = []
    for design in cost.columns:
        row: dict[str, Any] = {"design": design, "worlds": len(cost)}
        for o in objectives:
            v = wide[o.metric][design]
            row[f"{o.metric}_mean"] = float(v.mean())
            # the bad tail: the 90th percentile of a 'lower is better' objective
            row[f"{o.metric}_worst10"] = float(np.nanpercentile(v, 90 if o.sign > 0 else 10))
        row["cost_total_cny_mean"] = float(cost[design].mean())
        if design == TODAY:
            row["p_beats_today"], row["compared"] = np.nan, 0
        else:
            pairs = [
                (wide[o.metric][design], wide[o.metric][TODAY], o.sign) for o in objectives[:2]
            ]
            defined = np.logical_and.reduce([a.notna() & b.notna() for a, b, _ in pairs])
            better = np.logical_and.reduce([sign * a < sign * b for a, b, sign in pairs])
            # worlds where an objective is undefined (no response, say) are not counted
            row["compared"] = int(defined.sum())
            row["p_beats_today"] = float(better[defined].mean()) if defined.any() else np.nan
        rows.append(row)
    df = pd.DataFrame(rows)
    df["mc_se"] = np.sqrt(df["p_beats_today"] * (1 - df["p_beats_today"]) / df["compared"])
    ok = (df["design"] != TODAY) & (df["p_beats_today"] >= u.threshold)
    ok &= df["cost_total_cny_mean"] <= spec.budget_cny
    df["recommended"] = False
    if ok.any():
        pick = df[ok].sort_values("cost_total_cny_mean").index[0]
        df.loc[pick, "recommended"] = True
    keys = table.set_index("design")
    df["preset"] = df["design"].map(keys["preset"]) if "preset" in keys else None
    return df


def robust_markdown(robust: pd.DataFrame, spec: PlanSpec) -> str:
    """The plan.md section."""
    u = spec.uncertainty
    assert u is not None
    objs = spec.objectives
    worlds = int(robust["worlds"].iloc[0]) if len(robust) else 0
    lines = [
        "",
        f"## Across {worlds} parameter worlds",
        "",
        "The re-run designs and today's deployment in worlds drawn from the plausible ranges "
        "(docs/parameters.md): each objective's mean and its 10th-worst percentile over the "
        f"worlds, and the probability that the design beats today on {objs[0].metric} and "
        f"{objs[1].metric} (± 95% Monte Carlo error).",
        "",
        "| design | "
        + " | ".join(f"{axis_label(o.metric)}: mean / 10th-worst" for o in objs)
        + " | cost (CNY) | P(beats today) |",
        "|---|" + "---|" * len(objs) + "---|---|",
    ]
    for r in [{str(k): v for k, v in row.items()} for row in robust.to_dict("records")]:
        p = r["p_beats_today"]
        prob = "—" if p != p else f"{p:.0%} ± {1.96 * r['mc_se']:.0%}"
        lines.append(
            f"| {r['design']}{' **(recommended)**' if r['recommended'] else ''} | "
            + " | ".join(
                f"{r[f'{o.metric}_mean']:.3g} / {r[f'{o.metric}_worst10']:.3g}" for o in objs
            )
            + f" | {r['cost_total_cny_mean']:,.0f} | {prob} |"
        )
    rec = robust[robust["recommended"]]
    lines.append("")
    if len(rec):
        pick = rec.iloc[0]
        lines.append(
            f"Recommended: **{pick['design']}**, the cheapest design that beats today in at least "
            f"{u.threshold:.0%} of the worlds ({pick['p_beats_today']:.0%})."
        )
    else:
        lines.append(
            f"No design beats today in at least {u.threshold:.0%} of the worlds: no "
            "recommendation. The means above may still favour one; what we do not know decides."
        )
    lines.append("")
    return "\n".join(lines)
