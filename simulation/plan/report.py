"""The plan section of `rpsim report`: the frontier, the Pareto designs with intervals, the
cheapest design that beats today, each recommended deployment's map, the method."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import pandas as pd

from ..metric_registry import heading


def _img(path: Path, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return (
        f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def plan_section(folder: Path) -> list[str]:
    """HTML blocks of a plan folder (pareto.parquet, plan.md, frontier.png, maps/)."""
    table = pd.read_parquet(folder / "pareto.parquet")
    manifest = json.loads((folder / "manifest.json").read_text())
    objectives = [o["metric"] for o in manifest["plan"]["objectives"]]
    fin = table[table["final"]]
    cols = ["design", "preset", "final_officers", "final_auxiliaries", "final_cost_total_cny"]
    shown = fin[cols].rename(
        columns={
            "final_officers": "officers",
            "final_auxiliaries": "auxiliaries",
            "final_cost_total_cny": heading("cost_total_cny"),
        }
    )
    for o in objectives:
        shown[heading(o)] = [
            f"{r[f'final_{o}']:.2f} [{r[f'final_{o}_low']:.2f}, {r[f'final_{o}_high']:.2f}]"
            for _, r in fin.iterrows()
        ]
    shown["not beaten with confidence"] = fin["confident"].map({True: "yes", False: "no"})
    md = (folder / "plan.md").read_text().splitlines()
    cheapest = next((line for line in md if line.startswith(("Cheapest", "No re-run"))), "")
    body = [
        "<h2>Deployment plan</h2>",
        f"<p>Budget {manifest['plan']['budget_cny']:,.0f} CNY a year; "
        f"{manifest['designs']} designs realised, {manifest['simulated']} simulated "
        f"(seeds {manifest['search_seeds']}), Pareto designs re-run with seeds "
        f"{manifest['final_seeds']}. Screen {manifest['screen_s']} s, search "
        f"{manifest['search_s']} s, final re-run {manifest['final_s']} s "
        f"({html.escape(manifest['executor'])}).</p>",
        f"<p>{html.escape(cheapest.replace('**', ''))}</p>",
        shown.to_html(index=False, border=0, na_rep="–"),
        _img(
            folder / "frontier.png",
            "Frontier: every evaluated design and the re-run Pareto "
            "designs with 95% intervals; the star is today's deployment.",
        ),
    ]
    for path in sorted((folder / "maps").glob("*.png")):
        body.append(_img(path, f"Deployment {path.stem}"))
    body.append(
        "<p>Method: placements by p-median (Hakimi 1964) and maximal covering (Church &amp; "
        "ReVelle 1974) on the travel-time matrix, response estimates by Larson's hypercube "
        "approximation (Larson 1974, 1975), NSGA-II search (Deb et al. 2002) with common "
        "random numbers; see README and docs/ODD.md.</p>"
    )
    return body
