"""What the team reads from a comparison across worlds: for each headline metric the
difference against the baseline with a seeds-only interval (world 0, the declared values) and
its spread across the worlds; the probability that each option is best; the net benefit at the
team's willingness to pay, the acceptability curve and the expected loss; the value of
information, total and by parameter; Sobol indices of the decisive difference; and the box of
parameter values where the preferred option changes. Written as tables, a markdown section and
figures."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..metric_registry import METRICS
from .analysis import (
    Better,
    Box,
    Decision,
    acceptability,
    decide,
    evppi,
    flips,
    net_benefit,
    prim_box,
    probability_best,
    sobol_first_order,
)
from .worlds import Worlds

SOBOL_PARAMETERS = 10
"""Sobol indices are estimated for this many parameters, those with the largest EVPPI."""
NOISE_COLUMNS = 10
"""Random columns whose largest EVPPI is the noise floor."""
PRIM_PARAMETERS = 5
"""The flip box is sought over at most this many parameters, those with the largest EVPPI."""


def headline_directions(means: pd.DataFrame) -> dict[str, Better]:
    """The headline metrics with a better direction, present in the table."""
    return {
        m.name: m.better
        for m in METRICS.values()
        if m.headline and m.better and m.per_run and m.name in means.columns
    }


@dataclass
class Answers:
    """Every table of the uncertainty analysis."""

    worlds: int
    differences: pd.DataFrame
    best: pd.DataFrame
    net_benefit: pd.DataFrame
    decision: Decision
    curve: pd.DataFrame
    evppi: pd.DataFrame
    sobol: pd.DataFrame
    box: Box | None
    flips: pd.Series
    runner_up: str  # the option with the second highest expected net benefit
    gap: pd.Series  # per world, net benefit of the preferred option less the runner-up's
    noise_floor: float = 0.0
    notes: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "uncertainty_differences": self.differences,
            "probability_best": self.best,
            "net_benefit": self.net_benefit,
            "acceptability": self.curve,
            "evppi": self.evppi,
            "sobol": self.sobol,
            "flip_box": _box_table(self.box),
        }


def _box_table(box: Box | None) -> pd.DataFrame:
    cols = ["parameter", "low", "high", "coverage", "density", "mass"]
    if box is None:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame(
        [
            {
                "parameter": k,
                "low": lo,
                "high": hi,
                "coverage": box.coverage,
                "density": box.density,
                "mass": box.mass,
            }
            for k, (lo, hi) in box.limits.items()
        ],
        columns=cols,
    )


def noise_floor(nb: pd.DataFrame, worlds: pd.Index, seed: int) -> float:
    """The EVPPI the regression finds for columns of pure noise (uniform draws unrelated to
    anything): with a few dozen worlds the estimator's upward bias is of this size, so a
    parameter below it cannot be told from no information at all."""
    rng = np.random.default_rng([seed, 7])
    noise = pd.DataFrame(
        rng.random((len(worlds), NOISE_COLUMNS)),
        index=worlds,
        columns=[f"noise{i}" for i in range(NOISE_COLUMNS)],
    )
    return float(evppi(nb, noise)["evppi"].max()) if len(worlds) else 0.0


def seeds_only(runs: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """World 0's paired differences against the baseline over its replicates (the ordinary
    comparison's intervals: the dice only)."""
    from ..runner import differences

    w0 = runs[runs["world"] == 0].drop(columns=["scenario"], errors="ignore")
    w0 = w0.rename(columns={"option": "scenario"})
    if w0.empty or w0["replicate"].nunique() < 2 or baseline not in set(w0["scenario"]):
        return pd.DataFrame(columns=["scenario", "metric", "difference", "ci_low", "ci_high"])
    return differences(w0, baseline)


def across_worlds(means: pd.DataFrame, baseline: str, metrics: list[str]) -> pd.DataFrame:
    """Per option and metric: the difference against the baseline in each drawn world, its
    mean over the worlds with a Monte Carlo standard error, and the 2.5% and 97.5% points of
    its spread over the worlds (parameters and dice together)."""
    drawn = means[means["world"] > 0]
    base = drawn[drawn["option"] == baseline].set_index("world")
    rows = []
    for option, group in drawn.groupby("option", sort=False):
        if option == baseline:
            continue
        g = group.set_index("world")
        for m in metrics:
            d = (g[m] - base[m]).dropna()
            if d.empty:
                continue
            rows.append(
                {
                    "option": option,
                    "metric": m,
                    "mean": float(d.mean()),
                    "mc_se": float(d.std(ddof=1) / math.sqrt(len(d))) if len(d) > 1 else math.nan,
                    "p2.5": float(np.percentile(d, 2.5)),
                    "p97.5": float(np.percentile(d, 97.5)),
                    "share_below_0": float((d < 0).mean()),
                    "worlds": len(d),
                }
            )
    return pd.DataFrame(rows)


def analyse(runs: pd.DataFrame, means: pd.DataFrame, worlds: Worlds) -> Answers:
    """Every table, from the finished runs and their world means."""
    baseline, spec = worlds.baseline, worlds.spec
    directions = headline_directions(means)
    metrics = list(directions)
    drawn = means[means["world"] > 0].reset_index(drop=True)
    params = worlds.design.loc[sorted(set(drawn["world"]))]
    bounds = {k: (p.low, p.high) for k, p in worlds.ranges.items()}
    w0 = seeds_only(runs, baseline)
    spread = across_worlds(means, baseline, metrics)
    if not w0.empty:
        w0 = w0[w0["metric"].isin(metrics)][
            ["scenario", "metric", "difference", "ci_low", "ci_high"]
        ]
        w0 = w0.rename(
            columns={
                "scenario": "option",
                "difference": "seeds_mean",
                "ci_low": "seeds_low",
                "ci_high": "seeds_high",
            }
        )
        spread = spread.merge(w0, on=["option", "metric"], how="left")
    best = probability_best(drawn, directions)
    wtp = spec.wtp
    nb = net_benefit(drawn, baseline, wtp.per_crime, wtp.per_escalation)
    decision = decide(nb)
    curve = acceptability(drawn, baseline, wtp.curve_points(), wtp.escalation_per_crime)
    wide = nb.pivot(index="world", columns="option", values="net_benefit")
    notes: list[str] = []
    left_out = len(worlds.design) - int(drawn["world"].nunique())
    ran = int(runs.loc[runs["world"] > 0, "world"].nunique()) if len(runs) else 0
    if left_out and ran > drawn["world"].nunique():
        notes.append(
            f"{ran - drawn['world'].nunique()} world(s) left out because a run failed there "
            "(errors.parquet): if failures depend on the parameters, every answer is biased."
        )
    voi = evppi(nb, params) if len(params.columns) else pd.DataFrame(columns=["parameter", "evppi"])
    floor = noise_floor(nb, params.index, worlds.seed)
    voi = voi.assign(above_noise=voi["evppi"] > floor)
    ranked = sorted(decision.expected, key=lambda o: decision.expected[o], reverse=True)
    runner_up = ranked[1] if len(ranked) > 1 else ranked[0]
    gap = wide[decision.preferred] - wide[runner_up]
    # Sobol indices of the decisive difference for the parameters worth most to learn (the
    # estimator's cost grows with every parameter; the rest have EVPPI near 0)
    top = [str(p) for p in voi["parameter"].head(SOBOL_PARAMETERS)]
    sobol = (
        sobol_first_order(gap, params[top], {k: bounds[k] for k in top}, seed=worlds.seed)
        if top and len(params) >= 8
        else pd.DataFrame(columns=["parameter", "S1", "S1_conf", "delta", "delta_conf"])
    )
    sobol = sobol.assign(output=f"net benefit: {decision.preferred} - {runner_up}")
    cases = flips(nb, decision.preferred)
    # PRIM over the parameters worth something to learn (EVPPI above the noise floor): over
    # every parameter, a few dozen worlds always admit some spurious many-sided box
    worth = voi[voi["above_noise"]]
    candidates = [str(p) for p in worth["parameter"].head(PRIM_PARAMETERS)]
    box = (
        prim_box(params[candidates], cases.reindex(params.index), bounds)
        if candidates and cases.any()
        else None
    )
    if box is not None and not box.limits:
        box = None
    if not cases.any():
        notes.append(
            f"'{decision.preferred}' has the highest net benefit in every world drawn: no flip box."
        )
    elif box is None:
        notes.append(
            "No parameter's value of information stands out, so no box describes where "
            "the answer flips: it flips with the dice and many parameters at once."
            if not candidates
            else "PRIM found no box."
        )
    return Answers(
        worlds=int(drawn["world"].nunique()),
        runner_up=runner_up,
        gap=gap,
        noise_floor=floor,
        differences=spread,
        best=best,
        net_benefit=nb,
        decision=decision,
        curve=curve,
        evppi=voi,
        sobol=sobol,
        box=box,
        flips=cases,
        notes=notes,
    )


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in df.to_dict("records")]


def _label(metric: str) -> str:
    return METRICS[metric].label if metric in METRICS else metric


def _fmt(metric: str, x: Any) -> str:
    m = METRICS.get(metric)
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    fmt = m.format if m is not None else "{:.3g}"
    try:
        return fmt.format(x)
    except (ValueError, TypeError):
        return f"{x:.3g}"


def _cny(x: float) -> str:
    return f"{x:,.0f}"


def markdown(a: Answers, worlds: Worlds) -> str:
    """The summary.md section."""
    spec = worlds.spec
    lines = [
        f"## How sure are we: {a.worlds} parameter worlds",
        "",
        f"Every option ran in {a.worlds} worlds drawn ({spec.sampling}) from the plausible "
        f"ranges of {len(worlds.ranges)} parameters (docs/parameters.md)"
        + (f", {len(spec.fixed)} held fixed" if spec.fixed else "")
        + f", {spec.replicates} run(s) per option per world with common seeds"
        + (", a new county per world" if spec.counties == "per_world" else "")
        + ". *Seeds only*: the declared values (world 0), paired over its replicates: what the "
        "ordinary comparison shows. *Across worlds*: the mean over worlds and the range holding "
        "95% of the worlds, what we do not know included.",
        "",
        "### Differences against the baseline",
        "",
        "| option | metric | seeds only (declared values) | across worlds: mean | 95% of worlds |",
        "|---|---|---|---|---|",
    ]
    for d in _records(a.differences):
        seeds = (
            f"{_fmt(d['metric'], d.get('seeds_mean'))} [{_fmt(d['metric'], d.get('seeds_low'))}, "
            f"{_fmt(d['metric'], d.get('seeds_high'))}]"
            if "seeds_mean" in d and d["seeds_mean"] == d["seeds_mean"]
            else "—"
        )
        label = _label(d["metric"])
        lines.append(
            f"| {d['option']} | {label} | {seeds} | {_fmt(d['metric'], d['mean'])} | "
            f"[{_fmt(d['metric'], d['p2.5'])}, {_fmt(d['metric'], d['p97.5'])}] |"
        )
    lines += [
        "",
        "### Probability that each option is best",
        "",
        "Share of worlds in which the option is best on the metric (± its 95% Monte Carlo error).",
        "",
    ]
    options = list(worlds.options)
    lines += ["| metric | " + " | ".join(options) + " |", "|---" * (len(options) + 1) + "|"]
    for metric, g in a.best.groupby("metric", sort=False):
        p = dict(zip(g["option"], g["p_best"].astype(float), strict=True))
        se = dict(zip(g["option"], g["mc_se"].astype(float), strict=True))
        cells = [f"{p[o]:.0%} ± {1.96 * se[o]:.0%}" if o in p else "—" for o in options]
        lines.append(f"| {_label(str(metric))} | " + " | ".join(cells) + " |")
    dec = a.decision
    wtp = spec.wtp
    lines += [
        "",
        "### Net benefit",
        "",
        f"At {_cny(wtp.per_crime)} CNY per crime and {_cny(wtp.per_escalation)} CNY per escalation "
        "(民转刑) prevented a year (the team's values), less the extra annual cost, against the "
        f"baseline '{worlds.baseline}':",
        "",
        "| option | expected net benefit (CNY/yr) | probability cost-effective "
        "| expected loss (CNY/yr) |",
        "|---|---|---|---|",
    ]
    for o in options:
        lines.append(
            f"| {o}{' (preferred)' if o == dec.preferred else ''} | {_cny(dec.expected[o])} | "
            f"{dec.p_cost_effective[o]:.0%} | {_cny(dec.expected_loss[o])} |"
        )
    lines += [
        "",
        f"Expected value of perfect information: {_cny(dec.evpi)} CNY a year (what knowing every "
        "parameter would be worth to this decision).",
        "",
    ]
    curve = a.curve
    pts = sorted(set(curve["wtp_crime"]))
    picks = [pts[0], pts[len(pts) // 2], pts[-1]] if len(pts) >= 3 else pts
    lines += [
        "Acceptability (probability of the highest net benefit) at three willingness-to-pay "
        "values:",
        "",
        "| CNY per crime (per escalation) | " + " | ".join(options) + " |",
        "|---" * (len(options) + 1) + "|",
    ]
    for x in picks:
        g = curve[curve["wtp_crime"] == x].set_index("option")
        esc = float(g["wtp_escalation"].iloc[0])
        lines.append(
            f"| {_cny(x)} ({_cny(esc)}) | "
            + " | ".join(f"{g.loc[o, 'p_cost_effective']:.0%}" for o in options)
            + " |"
        )
    lines += ["", "### What matters most: the value of information", ""]
    if len(a.evppi):
        lines += [
            "Expected value of partial perfect information by parameter (Strong, Oakley & Brennan "
            "2014): what learning that one parameter would be worth, CNY a year. Measure the top "
            "ones first.",
            "",
            "| parameter | EVPPI (CNY/yr) | share of EVPI |",
            "|---|---|---|",
        ]
        for r in _records(a.evppi.head(8)):
            value = float(r["evppi"])
            share = f"{value / dec.evpi:.0%}" if dec.evpi > 0 else "—"
            mark = "" if r.get("above_noise", True) else " (within noise)"
            lines.append(f"| `{r['parameter']}`{mark} | {_cny(value)} | {share} |")
        lines += [
            "",
            f"Noise floor: {_cny(a.noise_floor)} CNY a year, the largest EVPPI the same "
            f"regression finds for {NOISE_COLUMNS} columns of random numbers over these "
            f"{a.worlds} worlds. A parameter below it cannot be told from no information; "
            f"{int(a.evppi['above_noise'].sum()) if 'above_noise' in a.evppi else 0} of "
            f"{len(a.evppi)} are above it. More worlds lower the floor.",
        ]
    if len(a.sobol):
        out = a.sobol["output"].iloc[0]
        lines += [
            "",
            f"First-order Sobol indices of the {out} (SALib, delta method's estimator):",
            "",
            "| parameter | S1 | 95% ± |",
            "|---|---|---|",
        ]
        for s1 in _records(a.sobol.head(5)):
            lines.append(f"| `{s1['parameter']}` | {s1['S1']:.2f} | {s1['S1_conf']:.2f} |")
    lines += ["", "### Where the answer flips", ""]
    n_flip = int(a.flips.sum())
    lines.append(
        f"'{dec.preferred}' has the highest net benefit in {a.worlds - n_flip} of {a.worlds} "
        "worlds."
    )
    if a.box is not None:
        lines += [
            f" Another option does in {n_flip}; PRIM (Bryant & Lempert 2010) finds them mostly in "
            f"this box: {a.box.describe()}.",
        ]
    lines += [f"{n}" for n in a.notes]
    lines += [
        "",
        "Figures: `figures/probability_best.png`, `figures/acceptability.png`, "
        "`figures/value_of_information.png`, `figures/difference_vs_parameter.png`.",
        "",
    ]
    return "\n".join(lines)


# --- figures ------------------------------------------------------------------------------
def figures(a: Answers, worlds: Worlds) -> dict[str, Figure]:
    """Probability-best bars, acceptability curves, value of information, and the decisive
    difference against the most influential parameter."""
    import matplotlib.pyplot as plt

    from ..fonts import prepare
    from ..plots import STYLE, _styles, palette

    options = list(worlds.options)
    styles = _styles(options)
    colours = palette(len(options))
    out: dict[str, Figure] = {}
    with plt.rc_context(STYLE):
        metrics = list(dict.fromkeys(a.best["metric"]))
        fig, ax = plt.subplots(figsize=(8, 1.5 + 0.12 * len(metrics) * len(options)))
        height = 0.8 / len(options)
        for i, o in enumerate(options):
            g = a.best[a.best["option"] == o].set_index("metric").reindex(metrics)
            y = np.arange(len(metrics)) + i * height
            ax.barh(
                y,
                g["p_best"],
                height=height,
                xerr=1.96 * g["mc_se"],
                color=colours[i],
                hatch=styles[o]["hatch"],
                edgecolor="0.2",
                label=o,
            )
        ax.set_yticks(np.arange(len(metrics)) + 0.4 - height / 2)
        ax.set_yticklabels([METRICS[m].label if m in METRICS else m for m in metrics])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("probability of being best (share of worlds, 95% Monte Carlo error)")
        ax.set_title(f"Which option is best, across {a.worlds} worlds")
        ax.legend(loc="lower right")
        prepare(fig)
        fig.tight_layout()
        out["probability_best"] = fig

        fig, ax = plt.subplots(figsize=(7.5, 4.2))
        for i, o in enumerate(options):
            g = a.curve[a.curve["option"] == o]
            ax.plot(
                g["wtp_crime"],
                g["p_cost_effective"],
                color=colours[i],
                linestyle=styles[o]["linestyle"],
                marker=styles[o]["marker"],
                markersize=3,
                label=o,
            )
        ax.axvline(worlds.spec.wtp.per_crime, color="0.5", linewidth=0.8)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel(
            "willingness to pay per crime prevented, CNY (an escalation: a violent crime and "
            f"{worlds.spec.wtp.escalation_per_crime:g} crimes more)"
        )
        ax.set_ylabel("probability of the highest net benefit")
        ax.set_title("Cost-effectiveness acceptability")
        ax.legend()
        prepare(fig)
        fig.tight_layout()
        out["acceptability"] = fig

        top = a.evppi.head(10)
        fig, ax = plt.subplots(figsize=(7.5, 0.6 + 0.35 * max(len(top), 1) + 1))
        ax.barh(top["parameter"], top["evppi"] / 1000, color=colours[0], edgecolor="0.2")
        ax.invert_yaxis()
        ax.axvline(a.decision.evpi / 1000, color="0.4", linestyle="--", linewidth=0.8, label="EVPI")
        ax.axvline(
            a.noise_floor / 1000,
            color="0.4",
            linestyle=":",
            linewidth=1.0,
            label="noise floor (random columns)",
        )
        ax.set_xlabel("expected value of partial perfect information, thousand CNY a year")
        ax.set_title("What to measure first")
        ax.legend()
        prepare(fig)
        fig.tight_layout()
        out["value_of_information"] = fig

        fig, ax = plt.subplots(figsize=(7.5, 4.2))
        if len(top):
            param = str(top["parameter"].iloc[0])
            x = worlds.design.loc[a.gap.index, param]
            ax.scatter(x, a.gap / 1000, s=12, color=colours[0], edgecolor="0.2", linewidth=0.3)
            ax.axhline(0, color="0.4", linewidth=0.8)
            ax.set_xlabel(param)
            ax.set_ylabel(
                f"net benefit, {a.decision.preferred} - {a.runner_up}\n(thousand CNY a year)"
            )
            ax.set_title("The decisive difference against the most influential parameter")
        prepare(fig)
        fig.tight_layout()
        out["difference_vs_parameter"] = fig
    return out


def write(
    out: Path,
    a: Answers,
    worlds: Worlds,
    runs: pd.DataFrame,
    means: pd.DataFrame,
    errors: pd.DataFrame,
    wall_s: float,
    extra_md: str = "",
) -> None:
    """Tables (Parquet), summary.md, figures and manifest.json into `out`."""
    from ..store import atomic_write_bytes, write_parquet

    tables = {
        "world_runs": runs,
        "world_means": means,
        "worlds": worlds.design.reset_index(),
        "errors": errors,
        **a.tables(),
    }
    for name, df in tables.items():
        write_parquet(df.reset_index(drop=True), out / f"{name}.parquet")
    title = f"# rpsim compare across worlds: {worlds.name}\n\n"
    md = title + markdown(a, worlds) + extra_md
    atomic_write_bytes(out / "summary.md", md.encode())
    (out / "figures").mkdir(exist_ok=True)
    import matplotlib.pyplot as plt

    for name, fig in figures(a, worlds).items():
        fig.savefig(out / "figures" / f"{name}.png")
        plt.close(fig)
    from ..runner import Results
    from ..store import manifest

    meta = manifest(
        Results(scenarios=dict(worlds.options), seeds=worlds.seeds(0), wall_s=wall_s),  # type: ignore[arg-type]
        {
            "comparison": worlds.name,
            "baseline": worlds.baseline,
            "worlds": a.worlds,
            "parameters": list(worlds.ranges),
            "preferred": a.decision.preferred,
            "runs": len(runs),
            "errors": len(errors),
        },
    )
    atomic_write_bytes(out / "manifest.json", json.dumps(meta, indent=2, default=str).encode())
