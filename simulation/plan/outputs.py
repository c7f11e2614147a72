"""What a plan writes besides pareto.parquet: a scenario YAML per Pareto design, the frontier
figure, a map of each recommended deployment, plan.md and manifest.json."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import fonts
from ..config_files import scenario_yaml
from ..metric_registry import axis_label, show
from ..policing import PRESETS
from ..region import Region
from ..scenario import Scenario
from ..store import atomic_write_bytes, environment, git_commit

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .design import Design, DesignSpace
    from .spec import PlanSpec


@dataclass
class PlanResult:
    """What `rpsim plan` wrote and how long each stage took."""

    out: Path
    table: pd.DataFrame
    screen_s: float
    search_s: float
    final_s: float
    runs: int


def recommended(table: pd.DataFrame) -> pd.DataFrame:
    """The re-run Pareto designs (not today), best first by the first objective."""
    return table[table["final"] & (table["design"] != "today")]


def frontier_figure(table: pd.DataFrame, spec: PlanSpec) -> Figure:
    """Objective 1 against each other objective: every evaluated feasible design (grey),
    infeasible ones (x), the re-run Pareto designs with 95% intervals, today (star)."""
    objs = [o.metric for o in spec.objectives]
    pairs = [(objs[0], o) for o in objs[1:]]
    fig, axes = plt.subplots(1, len(pairs), figsize=(6.2 * len(pairs), 5.0), squeeze=False)
    sim = table[table["simulated"]]
    for ax, (x, y) in zip(axes[0], pairs, strict=True):
        ok = sim[sim["feasible"] & (sim["design"] != "today")]
        bad = sim[~sim["feasible"] & (sim["design"] != "today")]
        ax.scatter(ok[x], ok[y], s=14, color="0.7", label="evaluated design", zorder=1)
        if len(bad):
            ax.scatter(
                bad[x],
                bad[y],
                s=14,
                marker="x",
                color="0.55",
                label="over budget / infeasible",
                zorder=1,
            )
        fin = recommended(table)
        for r in fin.itertuples():
            rx, ry = getattr(r, f"final_{x}"), getattr(r, f"final_{y}")
            xe = [[rx - getattr(r, f"final_{x}_low")], [getattr(r, f"final_{x}_high") - rx]]
            ye = [[ry - getattr(r, f"final_{y}_low")], [getattr(r, f"final_{y}_high") - ry]]
            ax.errorbar(
                rx,
                ry,
                xerr=xe,
                yerr=ye,
                fmt="o",
                color="C0" if r.confident else "C1",
                ms=6,
                capsize=2,
                zorder=3,
            )
            ax.annotate(r.design, (rx, ry), textcoords="offset points", xytext=(5, 4), fontsize=8)
        fx = fin.sort_values(f"final_{x}")
        ax.plot(fx[f"final_{x}"], fx[f"final_{y}"], color="C0", lw=0.8, alpha=0.6, zorder=2)
        today = table[table["design"] == "today"]
        if len(today) and today["final"].any():
            t = today.iloc[0]
            ax.scatter(
                [t[f"final_{x}"]],
                [t[f"final_{y}"]],
                marker="*",
                s=220,
                color="C3",
                edgecolor="black",
                zorder=4,
                label="today's deployment",
            )
        ax.errorbar([], [], fmt="o", color="C0", label="Pareto design (95% CI), not beaten")
        ax.errorbar([], [], fmt="o", color="C1", label="Pareto design, beaten with confidence")
        ax.set_xlabel(axis_label(x))
        ax.set_ylabel(axis_label(y))
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=7, loc="best")
    fig.suptitle(
        f"Plan {spec.name}: frontier at {spec.budget_cny / 1e6:.2f} M CNY a year "
        "(lower-left is better)"
        if all(o.sign > 0 for o in spec.objectives)
        else f"Plan {spec.name}: frontier"
    )
    fig.tight_layout()
    return fig


def deployment_map(region: Region, design: Design, title: str) -> Figure:
    """Where a design puts its people: roads, villages (size: population), stations with
    their officers, auxiliaries, resident officers' villages, police rooms and their
    districts, posts."""
    fig, ax = plt.subplots(figsize=(7.0, 6.6))
    for u, v in region.graph.edges():
        ax.plot(
            [region.x[u], region.x[v]], [region.y[u], region.y[v]], color="0.8", lw=0.7, zorder=1
        )
    pol = design.scenario.policing if design.scenario is not None else None
    size = 12 + 90 * region.population / max(region.population.max(), 1)
    colour = np.full(region.n, "0.85", dtype=object)
    sites = PRESETS[pol.preset].sites if pol is not None else None
    site_names: list[str] = (
        getattr(pol.section(sites.section), sites.key, None) or []
        if pol is not None and sites is not None
        else []
    )
    if site_names and sites is not None and sites.districts:  # colour villages by district
        chosen = [region.index[n] for n in site_names]
        nearest = np.argmin(region.travel[:, chosen], axis=1)
        cmap = plt.get_cmap("tab20")
        colour = np.array([cmap(i % 20) for i in nearest], dtype=object)
    ax.scatter(region.x, region.y, s=size, c=list(colour), edgecolor="0.3", linewidth=0.4, zorder=2)

    def mark(villages: list[int] | np.ndarray, **style: Any) -> None:
        ax.scatter(region.x[villages], region.y[villages], **style)

    if pol is not None:
        aux = pol.auxiliary_villages
        if aux:
            idx = [region.index[n] for n in aux]
        else:  # posted by the preset's default rule: ask the model where they go
            from ..model import RuralPolicingModel

            idx = sorted(RuralPolicingModel(design.scenario, seed=0).auxiliary_by_village)
        if idx:
            mark(
                idx,
                marker="^",
                s=36,
                color="C2",
                edgecolor="black",
                linewidth=0.4,
                zorder=3,
                label="auxiliary",
            )
        if site_names and sites is not None:
            mark(
                [region.index[n] for n in site_names],
                **{"zorder": 4, **sites.marker},
                label=sites.label,
            )
        if pol.posts:
            for name, k in pol.posts.items():
                v = region.index[name]
                mark(
                    [v],
                    marker="P",
                    s=60 + 30 * k,
                    color="C1",
                    edgecolor="black",
                    zorder=5,
                )
                ax.annotate(
                    f"{k}",
                    (region.x[v], region.y[v]),
                    xytext=(6, 6),
                    textcoords="offset points",
                    fontsize=8,
                )
            ax.scatter([], [], marker="P", s=60, color="C1", label="officers posted")
    mark(
        region.stations,
        marker="*",
        s=240,
        color="white",
        edgecolor="black",
        zorder=5,
        label="police station",
    )
    if pol is not None and pol.station_officers:
        for name, k in pol.station_officers.items():
            v = region.index[name]
            ax.annotate(
                f"{k} officers",
                (region.x[v], region.y[v]),
                xytext=(7, -10),
                textcoords="offset points",
                fontsize=8,
                weight="bold",
            )
    ax.set_aspect("equal")
    ax.set_xlabel("km east")
    ax.set_ylabel("km north")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return fig


def _save(fig: Figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fonts.prepare(fig)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def _fmt(metric: str, row: pd.Series, prefix: str = "final_") -> str:
    m, lo, hi = (
        row[f"{prefix}{metric}"],
        row.get(f"{prefix}{metric}_low"),
        row.get(f"{prefix}{metric}_high"),
    )
    if m is None or m != m:
        return "–"
    if lo is None or lo != lo:
        return show(metric, m)
    return f"{show(metric, m)} [{show(metric, lo)}, {show(metric, hi)}]"


def beats_today(table: pd.DataFrame, spec: PlanSpec) -> pd.Series | None:
    """The cheapest re-run design whose mean is better than today's on the first two
    objectives, or None."""
    today = table[(table["design"] == "today") & table["final"]]
    if today.empty:
        return None
    t = today.iloc[0]
    objs = spec.objectives[:2]
    fin = recommended(table)
    better = fin[
        np.logical_and.reduce(
            [o.sign * fin[f"final_{o.metric}"] < o.sign * t[f"final_{o.metric}"] for o in objs]
        )
    ]
    if better.empty:
        return None
    return better.sort_values("final_cost_total_cny").iloc[0]


def plan_markdown(table: pd.DataFrame, spec: PlanSpec, manifest: dict[str, Any]) -> str:
    objs = [o.metric for o in spec.objectives]
    n_sim = int(table["simulated"].sum())
    lines = [
        f"# rpsim plan: {spec.name}",
        "",
        f"Budget {spec.budget_cny:,.0f} CNY a year. {len(table)} designs realised, {n_sim} "
        f"simulated with {len(manifest['search_seeds'])} seed(s) each (common random "
        f"numbers); the Pareto designs and today's deployment re-run with "
        f"{len(manifest['final_seeds'])} seeds: mean [95% interval]. 'not beaten' = no other "
        "re-run design is better with confidence on every objective (paired by seed).",
        "",
        "| design | officers | auxiliaries | preset | annual cost (CNY) | "
        + " | ".join(axis_label(o) for o in objs)
        + " | not beaten |",
        "|---|---|---|---|---|" + "---|" * len(objs) + "---|",
    ]
    fin = table[table["final"]]
    for _, r in fin.iterrows():
        lines.append(
            f"| {r['design']} | {r['final_officers']:.0f} | {r['final_auxiliaries']:.0f} | "
            f"{r['preset']} | {_fmt('cost_total_cny', r)} | "
            + " | ".join(_fmt(o, r) for o in objs)
            + f" | {'yes' if r['confident'] else 'no'} |"
        )
    best = beats_today(table, spec)
    lines += [""]
    if best is not None:
        lines += [
            f"Cheapest design better than today on {objs[0]} and {objs[1]} (means): "
            f"**{best['design']}**, {best['final_officers']:.0f} officers, "
            f"{best['final_auxiliaries']:.0f} auxiliaries, "
            f"{best['final_cost_total_cny']:,.0f} CNY a year (scenario: "
            f"designs/{best['design']}.yaml).",
        ]
    else:
        lines += ["No re-run design is better than today on both of the first two objectives."]
    lines += [
        "",
        f"Screen {manifest['screen_s']:.1f} s, search {manifest['search_s']:.0f} s, "
        f"final re-run {manifest['final_s']:.0f} s on {manifest['executor']}.",
        "",
    ]
    return "\n".join(lines)


def write_outputs(
    result: PlanResult,
    spec: PlanSpec,
    base: Scenario,
    space: DesignSpace,
    designs: dict[str, Design],
    manifest: dict[str, Any],
    robust: pd.DataFrame | None = None,
) -> None:
    out, table = result.out, result.table
    fin = recommended(table)
    for _, r in fin.iterrows():
        d = designs[r["key"]]
        assert d.scenario is not None
        scenario = d.scenario.model_copy(update={"name": f"{spec.name}-{r['design']}"})
        text = (
            f"# rpsim plan {spec.name}: design {r['design']} (Pareto set; budget "
            f"{spec.budget_cny:,.0f} CNY)\n" + scenario_yaml(scenario)
        )
        atomic_write_bytes(out / "designs" / f"{r['design']}.yaml", text.encode())
        _save(
            deployment_map(
                space.region,
                d,
                f"{spec.name} {r['design']}: {d.decisions['preset']}, "
                f"{r['final_officers']:.0f} officers, "
                f"{r['final_auxiliaries']:.0f} auxiliaries",
            ),
            out / "maps" / f"{r['design']}.png",
        )
    today = designs["today"]
    if today.scenario is not None:
        _save(
            deployment_map(space.region, today, f"{spec.name}: today's deployment"),
            out / "maps" / "today.png",
        )
    _save(frontier_figure(table, spec), out / "frontier.png")
    from importlib.metadata import version

    manifest = {
        "rpsim_version": version("rpsim"),  # marks an rpsim results folder (rpsim report)
        "mesa_version": version("mesa"),
        "plan": spec.model_dump(mode="json"),
        "git_commit": git_commit(),
        "environment": environment(),
        **manifest,
        "designs": len(table),
        "simulated": int(table["simulated"].sum()),
    }
    atomic_write_bytes(out / "manifest.json", json.dumps(manifest, indent=2).encode())
    text = plan_markdown(table, spec, manifest)
    if robust is not None:
        from .robust import robust_markdown

        text += robust_markdown(robust, spec)
    atomic_write_bytes(out / "plan.md", text.encode())


__all__ = ["beats_today", "deployment_map", "frontier_figure", "math", "plan_markdown"]
