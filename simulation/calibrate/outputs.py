"""`rpsim calibrate FILE`: the whole calibration and what it writes.

out/
  data_report.md, data_report.csv    every record rejected or repaired, and why
  direct.md, direct_*.parquet         what the records show directly
  runs.parquet                        every history-matching run: parameters, summaries
  posterior.parquet                   equally weighted posterior draws, one column per
                                      parameter (`uncertainty: {posterior: ...}` reads it)
  prior_posterior.parquet             prior and posterior side by side, shrinkage
  predictive.parquet                  posterior predictive check of every summary
  calibrated.yaml                     the base scenario, calibrated
  calibration.md                      all of it in words and tables
  figures/                            predictive checks and prior against posterior
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import yaml

from ..scenario import validate_dict
from ..store import atomic_write_bytes, environment, folder_lock, write_parquet
from ..uncertainty.worlds import set_values
from . import checks
from .run import Calibration, CountyRecords, Result, county_of, read_records
from .spec import CalibrationSpec, load_calibration
from .synthetic import read_truth_file

Say = Callable[[str], None]


def _md_table(df: pd.DataFrame, floatfmt: str = ".4g") -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return format(v, floatfmt)
        return str(v)

    head = "| " + " | ".join(map(str, df.columns)) + " |"
    rule = "|" + "---|" * len(df.columns)
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def calibrated_yaml(cal: Calibration, result: Result, source: str) -> str:
    """The base scenario with the calibrated values, and a header saying where each came
    from."""
    data = set_values(cal.scenario.model_dump(mode="json"), dict(result.settings))
    data["name"] = f"{cal.scenario.name}_calibrated"
    validate_dict(data)  # it must load
    lines = [
        f"# Calibrated by `rpsim calibrate {source}` to the records "
        f"{cal.spec.records.start} to {cal.spec.records.end}.",
        "# Direct estimates and posterior medians set here:",
        *[f"#   {k}: {v}" for k, v in result.settings.items() if not isinstance(v, list)],
        *[f"#   {k}: (24 values)" for k, v in result.settings.items() if isinstance(v, list)],
        "# posterior.parquet beside this file holds the whole posterior: use it with",
        "# `uncertainty: {posterior: <path to posterior.parquet>}` in a comparison or plan.",
    ]
    return "\n".join(lines) + "\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def markdown(
    cal: Calibration,
    records: CountyRecords,
    result: Result,
    predictive: pd.DataFrame,
    truth: dict[str, float] | None,
) -> str:
    spec = cal.spec
    show = result.table(truth).drop(columns=["prior", "prior_mean"])
    waves = pd.DataFrame(
        [
            {"wave": i + 1, "runs": w["runs"], "share of prior searched": w["share"]}
            for i, w in enumerate(result.waves)
        ]
    )
    held = result.held_out
    parts = [
        f"# Calibration: {spec.name}",
        spec.description,
        f"Records {spec.records.start} to {spec.records.end} "
        f"({len(records.log):,} calls kept); base scenario `{spec.base}`.",
        "## The records",
        records.report_markdown(),
        "## What the records show directly",
        cal.direct.markdown() if cal.direct is not None else "",
        "## What the simulation inferred",
        "Summaries matched: "
        + ", ".join(f"`{s}`" for s in cal.summaries)
        + (
            "; not in these records: " + ", ".join(f"`{s}`" for s in cal.unmatched)
            if cal.unmatched
            else ""
        )
        + ".",
        "History matching with Gaussian-process emulators (one per summary), then the "
        "emulators' posterior (prior x Gaussian likelihood with the emulator's uncertainty, "
        f"the model's noise and a discrepancy of {spec.discrepancy:.0%} of each summary).",
        _md_table(waves),
        f"Posterior: {len(result.posterior):,} draws, effective sample size {result.ess:,.0f}.",
        "Prior and posterior, 90% intervals (shrinkage: 1 - posterior variance / prior "
        "variance; near 0, the records say little about the parameter):",
        _md_table(show),
    ]
    if len(held):
        share = float((held.abs() <= 3).to_numpy().mean())
        parts.append(
            f"Emulator check: {share:.0%} of the last wave's runs fell within 3 standard "
            "deviations of what the emulators, fitted before that wave, predicted (Bastos & "
            "O'Hagan 2009; near 99.7% when the emulators are right)."
        )
    if len(predictive):
        parts += [
            "## Posterior predictive check",
            "Each summary in the records against runs at posterior draws (p-value: share of "
            "runs above the record, plus half those equal to it; near 0 or 1, the model cannot "
            "reproduce it):",
            _md_table(predictive.drop(columns=["summary"])),
            "Figures: `figures/predictive_villages.png`, `predictive_hourly.png`, "
            "`predictive_response.png`, `predictive_monthly.png`, `prior_posterior.png`.",
        ]
    parts.append(f"Wall time: {result.wall_s:.0f} s.")
    return "\n\n".join(p for p in parts if p) + "\n"


def write_outputs(
    cal: Calibration,
    records: CountyRecords,
    result: Result,
    out: Path,
    source: str,
    truth: dict[str, float] | None = None,
) -> None:
    """Everything a calibration writes (see the module docstring)."""
    figures = out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out / "data_report.md", records.report_markdown().encode())
    records.report_frame().to_csv(out / "data_report.csv", index=False, encoding="utf-8-sig")
    if cal.direct is not None:
        atomic_write_bytes(out / "direct.md", cal.direct.markdown().encode())
        for name, df in cal.direct.tables().items():
            write_parquet(df.reset_index(), out / f"direct_{name}.parquet")
    write_parquet(result.runs, out / "runs.parquet")
    write_parquet(result.posterior.reset_index(), out / "posterior.parquet")
    table = result.table(truth)
    write_parquet(table, out / "prior_posterior.parquet")
    predictive = checks.predictive_table(result.observed, result.checks)
    write_parquet(predictive, out / "predictive.parquet")
    atomic_write_bytes(out / "calibrated.yaml", calibrated_yaml(cal, result, source).encode())
    seen = records.observed
    made = {"prior_posterior": checks.shrinkage_figure(table)}
    if result.checks:
        made |= {
            "predictive_villages": checks.villages_figure(seen, result.checks),
            "predictive_hourly": checks.hourly_figure(seen, result.checks),
            "predictive_response": checks.response_figure(seen, result.checks),
            "predictive_monthly": checks.monthly_figure(seen, result.checks),
        }
    for name, fig in made.items():
        fig.savefig(figures / f"{name}.png", dpi=130)
        plt.close(fig)
    atomic_write_bytes(
        out / "calibration.md", markdown(cal, records, result, predictive, truth).encode()
    )
    manifest = {
        "kind": "calibration",
        "name": cal.spec.name,
        "source": source,
        "wall_s": result.wall_s,
        "environment": environment(),
        "spec": cal.spec.model_dump(mode="json"),
    }
    atomic_write_bytes(out / "manifest.json", json.dumps(manifest, indent=1, default=str).encode())


def read_truth(folder: Path, spec: CalibrationSpec) -> dict[str, float] | None:
    """The stated values of synthetic records (truth.yaml beside the call log), if any."""
    path = (folder / spec.records.calls).parent / "truth.yaml"
    return read_truth_file(path) if path.is_file() else None


def run_calibration(
    path: str | Path,
    out: str | Path | None = None,
    *,
    resume: bool = False,
    workers: int = 1,
    scheduler: str | None = None,
    cluster: str | None = None,
    say: Say = print,
    overrides: dict[str, Any] | None = None,
) -> tuple[Path, Result]:
    """Calibrate to the records a calibration file names; write everything into `out`
    (default results/calibrate-<name>). `overrides` replace settings of the file (tests,
    notebooks: fewer runs)."""
    t0 = time.perf_counter()
    spec, scenario, folder = load_calibration(path)
    if overrides:
        spec = CalibrationSpec.model_validate({**spec.model_dump(), **overrides})
    folder_out = Path(out) if out else Path("results") / f"calibrate-{spec.name}"
    busy = folder_out.exists() and any(folder_out.iterdir())
    if busy and not resume and not (folder_out / "calibration.json").exists():
        raise FileExistsError(
            f"{folder_out} exists and is not a calibration folder; choose another --out"
        )
    folder_out.mkdir(parents=True, exist_ok=True)
    county = county_of(scenario)
    records = read_records(spec, county, folder)
    for r in records.reports:
        say(
            f"{r.file}: {r.rows_read:,} rows read, {r.rows_kept:,} kept, "
            f"{r.rejected():,} rejected, {r.repaired():,} repaired (data_report.md)"
        )
    with folder_lock(folder_out):
        cal = Calibration(
            spec,
            scenario,
            records,
            folder_out,
            workers=workers,
            scheduler=scheduler,
            cluster=cluster,
            say=say,
        )
        if cal.unmatched:
            say(f"not in these records, so not matched: {', '.join(cal.unmatched)}")
        cal.estimate_directly(county)
        result = cal.calibrate(county, resume=resume)
        result.wall_s = time.perf_counter() - t0
        write_outputs(cal, records, result, folder_out, str(path), read_truth(folder, spec))
    return folder_out, result
