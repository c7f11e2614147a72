"""A self-contained HTML report of a run, a comparison or a sweep (figures embedded).

rpsim report RESULTS_DIR [--out FILE]
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import time
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from . import fonts, plots
from .metric_registry import heading
from .runner import pooled_means
from .store import describe_environment
from .summarise import INTERVALS, difference_table, headline_table, rough_note

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}
h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.85em;margin:1em 0}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}thead th{background:#f2f2f2}
figure{margin:1.5em 0}figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:.85em;color:#555}pre{background:#f7f7f7;padding:.8em;overflow:auto;font-size:.8em}
.caveat{background:#fff8e1;border-left:4px solid #f0b400;padding:.6em 1em}
.meta{color:#666;font-size:.85em}
"""


def figure_html(fig: Figure, caption: str) -> str:
    """A figure as an embedded PNG."""
    buf = io.BytesIO()
    fonts.prepare(fig)
    fig.savefig(buf, format="png", dpi=120)
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode()
    return (
        f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _table(df: pd.DataFrame) -> str:
    return df.to_html(escape=True, border=0, na_rep="–")


def _caveats(folder: Path, out: Path) -> str:
    rel = os.path.relpath(ODD, out.parent) if ODD.exists() else "docs/ODD.md"
    return f"""<h2>Caveats</h2><div class="caveat">
<p><b>True versus recorded incidents.</b> The model counts every incident that happens (true)
and those reported to the police (recorded). Policing that raises trust and presence raises
the share reported, so recorded crime can rise, or fall less, while true crime falls. Judge a
policing model on true incidents; use recorded ones to see what police statistics would show.</p>
<p><b>Model assumptions.</b> Many behavioural parameters (offender numbers, dispute escalation
and detection, trust dynamics, costs) are assumptions, not measurements: each is marked in the
parameter table with its source. Results are comparisons between policing models under the
same assumptions, with 95% intervals across replicates (common random numbers), not forecasts.
Vary the assumptions in a sensitivity sweep before relying on a conclusion.</p>
<p>The model is described in the ODD protocol: <a href="{html.escape(rel)}">docs/ODD.md</a>
(in the rpsim repository); parameters and their sources: docs/parameters.md.</p></div>"""


def _page(title: str, body: list[str], folder: Path) -> str:
    manifest = (
        json.loads((folder / "manifest.json").read_text())
        if (folder / "manifest.json").exists()
        else {}
    )
    meta = (
        f"results: {html.escape(str(folder))} · rpsim {manifest.get('rpsim_version', '?')} · "
        f"Mesa {manifest.get('mesa_version', '?')} · commit "
        f"{(manifest.get('git_commit') or 'unknown')[:10]} · report written "
        f"{time.strftime('%Y-%m-%d %H:%M')}<br>environment: "
        f"{html.escape(describe_environment(manifest.get('environment')))}"
    )
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p class='meta'>{meta}</p>{''.join(body)}"
        "</body></html>"
    )


FIGURE_CAPTIONS = {
    "response_ecdf": "Response time (report to first officer on scene), all replicates pooled.",
    "response_by_remoteness": "Mean response time by village remoteness, 95% intervals.",
    "true_vs_recorded": "True and recorded crime per 1,000 residents a year, 95% intervals.",
    "disputes_escalated": "Disputes turning violent (民转刑), 95% intervals.",
    "trust_and_visibility": "Mean trust and 30-day visibility over the run.",
    "officer_time_use": "Share of officers' on-duty time by activity.",
    "cost_frontier": "Annual cost against true crime; the dashed line is the frontier.",
    "county_map": "The county: stations, incident density and mean response per village.",
}


def comparison_report(folder: Path, out: Path) -> str:
    t = plots.tables(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    baseline = manifest.get("baseline")
    summary = t["summary"]
    reps = summary.groupby("scenario")["replicate"].nunique().max()
    body = [
        f"<p>{len(plots.scenario_order(t))} scenario(s) × {reps} replicate(s) of "
        f"{summary['days'].iloc[0]:g} observed days. "
        f"{html.escape(manifest.get('intervals', 'Intervals across replicates').capitalize())}. "
        f"{html.escape(INTERVALS)} {html.escape(rough_note(int(reps)))}</p>",
        "<h2>Headline</h2>",
        _table(headline_table(t["aggregate"])),
    ]
    if baseline and "differences" in t:
        body += [
            f"<h2>Difference against {html.escape(baseline)}</h2>",
            "<p>Paired by replicate seed (common random numbers).</p>",
            _table(difference_table(t["differences"])),
        ]
    body.append("<h2>Figures</h2>")
    for name, fig in plots.comparison_figures(t).items():
        body.append(figure_html(fig, FIGURE_CAPTIONS[name]))
    body.append("<h2>Scenario definitions</h2>")
    for path in sorted((folder / "scenarios").glob("*.yaml")):
        body.append(
            f"<details><summary>{html.escape(path.stem)}</summary><pre>"
            f"{html.escape(path.read_text())}</pre></details>"
        )
    body.append(_caveats(folder, out))
    kind = "comparison" if baseline else "run"
    return _page(f"rpsim {kind} report: {folder.name}", body, folder)


def sweep_report(folder: Path, out: Path) -> str:
    results = pd.read_parquet(folder / "results.parquet")
    design = pd.read_parquet(folder / "design.parquet")
    spec = json.loads((folder / "sweep.json").read_text())["spec"]
    params = [c for c in design.columns if c != "point"]
    headline = [
        "true_crime_per_1000",
        "recorded_crime_per_1000",
        "response_mean_min",
        "response_mean_remote_third_min",
        "disputes_escalated",
        "mean_trust",
        "cost_total_cny",
    ]
    # A sweep whose runs all failed has no metric columns: its report lists the failures.
    means = pooled_means(results, "point")
    headline = [m for m in headline if m in means.columns]
    means = means[[p for p in params if p in means.columns] + headline].round(3)
    means = means.rename(columns={m: heading(m) for m in headline})
    body = [
        f"<p>{len(design)} design point(s) × {spec['replicates']} replicate(s); "
        f"base scenario <code>{html.escape(spec['base'])}</code>; "
        f"{'grid' if spec.get('vary') else spec['sample']['method'] + ' design'}.</p>",
        "<h2>Replicate means by design point</h2>",
        _table(means),
    ]
    errors = pd.read_parquet(folder / "errors.parquet")
    if len(errors):
        body += ["<h2>Failed runs</h2>", _table(errors)]
    body.append("<h2>Figures</h2>")
    grid = [p for p in params if design[p].nunique() > 1]
    if spec.get("vary") and len(grid) == 2 and len(results):
        for metric in (
            "true_crime_per_1000",
            "response_mean_min",
            "disputes_escalated",
            "cost_total_cny",
        ):
            body.append(
                figure_html(
                    plots.sweep_heatmap(results, grid[0], grid[1], metric),
                    f"{heading(metric)}, replicate mean over the grid",
                )
            )
    if (folder / "sensitivity.parquet").exists():
        sens = pd.read_parquet(folder / "sensitivity.parquet")
        for metric in ("true_crime_per_1000", "response_mean_min", "disputes_escalated"):
            if metric in set(sens["metric"]):
                body.append(
                    figure_html(
                        plots.sensitivity_bars(sens, metric),
                        f"Sensitivity indices of {heading(metric)}, 95% intervals",
                    )
                )
    body.append(
        "<h2>Sweep definition</h2><pre>" + html.escape(json.dumps(spec, indent=2)) + "</pre>"
    )
    body.append(_caveats(folder, out))
    return _page(f"rpsim sweep report: {spec['name']}", body, folder)


def _markdown_html(text: str) -> list[str]:
    """The summary.md of an uncertainty run as HTML: headings, pipe tables, paragraphs, code."""

    def inline(x: str) -> str:
        x = html.escape(x)
        x = re.sub(r"`([^`]+)`", r"<code>\1</code>", x)
        return re.sub(r"\*([^*]+)\*", r"<em>\1</em>", x)

    out: list[str] = []
    rows: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                rows.append(cells)
            continue
        if rows:
            head, *body = rows
            out.append(
                "<table><thead><tr>"
                + "".join(f"<th>{inline(c)}</th>" for c in head)
                + "</tr></thead><tbody>"
                + "".join(
                    "<tr>" + "".join(f"<td>{inline(c)}</td>" for c in r) + "</tr>" for r in body
                )
                + "</tbody></table>"
            )
            rows = []
        if line.startswith("#"):
            level = min(len(line) - len(line.lstrip("#")), 4)
            out.append(f"<h{level}>{inline(line.lstrip('#').strip())}</h{level}>")
        elif line.strip():
            out.append(f"<p>{inline(line)}</p>")
    return out


def worlds_report(folder: Path, out: Path) -> str:
    """A comparison across parameter worlds: its summary and figures."""
    text = (folder / "summary.md").read_text(encoding="utf-8")
    title, _, rest = text.partition("\n")
    body = _markdown_html(rest)
    for path in sorted((folder / "figures").glob("*.png")):
        data = base64.b64encode(path.read_bytes()).decode()
        caption = path.stem.replace("_", " ")
        body.append(
            f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )
    body.append(_caveats(folder, out))
    return _page(title.lstrip("# ").strip(), body, folder)


def write_report(folder: str | Path, out: str | Path | None = None) -> Path:
    """Write the report of a results folder (run, comparison, sweep or plan); returns its
    path."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no results folder at {folder}")
    out = Path(out) if out else folder / "report.html"
    if (folder / "pareto.parquet").exists():  # a deployment plan (simulation/plan)
        from .plan.report import plan_section

        text = _page(f"rpsim plan report: {folder.name}", plan_section(folder), folder)
    elif (folder / "worlds.json").exists():  # a comparison across worlds (uncertainty)
        if not (folder / "summary.md").exists():
            raise FileNotFoundError(
                f"{folder}: the run across worlds has not finished (rerun with --resume)"
            )
        text = worlds_report(folder, out)
    elif (folder / "sweep.json").exists():
        if not (folder / "results.parquet").exists():
            raise FileNotFoundError(f"{folder}: the sweep has not finished (rerun with --resume)")
        text = sweep_report(folder, out)
    elif (folder / "summary.parquet").exists():
        text = comparison_report(folder, out)
    else:
        raise FileNotFoundError(f"{folder} is not an rpsim results folder")
    from .store import atomic_write_bytes

    atomic_write_bytes(out, text.encode("utf-8"))
    return out
