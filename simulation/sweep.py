"""Batch parameter sweeps: grids and SALib designs, on a local process pool or a Dask
cluster, written as they finish and resumable.

A sweep file:

    name: mouding_budget
    base: ../mouding.yaml          # scenario file, relative to this file
    replicates: 3
    seed: 7                        # base seed: replicate seeds are spawned from it
    days: 365                      # optional
    set: [addons.cctv=false]       # optional overrides for every run
    vary:                          # a grid: a list is swept, a scalar is held
      policing.officers: [120, 166, 200]
      policing.auxiliaries: [0, 89]
    # or a SALib design:
    sample:
      method: sobol                # sobol | morris | lhs
      n: 64                        # base sample size
      bounds:
        crime.guardian_effect: [0.3, 1.2]

Every design point runs with the same replicate seeds (common random numbers). Output
folder: `status.jsonl` (one line per finished run, flushed at once, with its metrics or
error), `parts/part-NNNNN.parquet` (chunks of rows), and at the end `results.parquet`
(tidy: point, replicate, seed, parameters, metrics), `design.parquet`, `errors.parquet`,
`sensitivity.parquet` (Sobol / Morris indices per metric with confidence intervals) and
`manifest.json`. `--resume` reruns only what is missing; the final tables are identical.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import shutil
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .config_files import (
    PATH_KEYS,
    apply_overrides,
    check_buildable,
    fields_at,
    load_raw,
    parse_override,
    read_spec,
    resolve_path,
    validate_dict,
)
from .errors import Problem, ScenarioError
from .executor import Finished, run_jobs
from .runner import replicate_seeds, run_once
from .scenario import is_int_key
from .store import (
    FolderBusyError,
    atomic_write_bytes,
    code_fingerprint,
    folder_lock,
    read_jsonl,
    resumable_note,
    write_parquet,
)

RESULT_IDS = ("run", "point", "replicate", "seed")
BUILD_POINTS = 16  # design points whose county `rpsim validate` builds (all, in a small design)


class SampleSpec(BaseModel):
    """A SALib design over parameter bounds."""

    model_config = ConfigDict(extra="forbid")
    method: Literal["sobol", "morris", "lhs"]
    n: int = Field(ge=2, description="base sample size (Sobol: a power of 2)")
    bounds: dict[str, tuple[float, float]]
    levels: int = Field(4, ge=2, description="Morris grid levels")

    @field_validator("bounds")
    @classmethod
    def _ordered(cls, b: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        for key, (lo, hi) in b.items():
            if not lo < hi:
                raise ValueError(f"bounds of {key}: lower {lo} must be below upper {hi}")
        if not b:
            raise ValueError("give at least one parameter")
        return b


class SweepSpec(BaseModel):
    """A sweep file."""

    model_config = ConfigDict(extra="forbid")
    name: str = "sweep"
    description: str = ""
    base: str
    replicates: int = Field(1, ge=1)
    seed: int = Field(0, ge=0)
    days: float | None = Field(None, gt=0)
    set: list[str] = []
    vary: dict[str, Any] | None = None
    sample: SampleSpec | None = None


@dataclass
class Sweep:
    """A resolved sweep: the base scenario as a dict, the design and the seeds."""

    spec: SweepSpec
    base: dict
    design: pd.DataFrame  # one row per point, one column per parameter (dotted key)
    seeds: list[int]
    path: Path

    @property
    def runs(self) -> list[tuple[int, int, int]]:
        """(point, replicate, seed) of every run, in order."""
        return [(p, r, s) for p in range(len(self.design)) for r, s in enumerate(self.seeds)]

    def scenario(self, point: int) -> dict:
        """The scenario dict of a design point (validated when it runs)."""
        overrides = [f"{k}={_yaml_value(v)}" for k, v in self.design.iloc[point].items()]
        return apply_overrides(self.base, overrides, {})


def _yaml_value(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (np.integer, int)):
        return str(int(v))
    if isinstance(v, (np.floating, float)):
        return repr(float(v))
    return json.dumps(v) if not isinstance(v, str) else v


def _check_keys(keys: list[str], where: str, lines: dict, file: str) -> list[Problem]:
    problems = []
    for key in keys:
        parts = key.split(".")
        if parts[-1] not in fields_at(tuple(parts[:-1])):
            line = lines.get((*tuple(where.split(".")), key), (file, None))[1]
            problems.append(
                Problem(
                    key=f"{where}.{key}", file=file, line=line, reason="not a scenario parameter"
                )
            )
    return problems


def build_design(spec: SweepSpec) -> pd.DataFrame:
    """The design points: a grid (lists swept, scalars held) or a SALib sample."""
    if spec.sample is not None:
        s = spec.sample
        names = list(s.bounds)
        problem = {
            "num_vars": len(names),
            "names": names,
            "bounds": [list(s.bounds[k]) for k in names],
        }
        match s.method:
            case "sobol":
                from SALib.sample import sobol

                x = sobol.sample(problem, s.n, calc_second_order=False, seed=spec.seed)
            case "morris":
                from SALib.sample import morris

                x = morris.sample(problem, s.n, num_levels=s.levels, seed=spec.seed)
            case "lhs":
                from SALib.sample import latin

                x = latin.sample(problem, s.n, seed=spec.seed)
        design = pd.DataFrame(x, columns=names)
        for k in names:
            if is_int_key(k):
                design[k] = design[k].round().astype(int)
        return design
    vary = spec.vary or {}
    keys = list(vary)
    values = [v if isinstance(v, list) else [v] for v in vary.values()]
    return pd.DataFrame(list(itertools.product(*values)) or [()], columns=keys)


def load_sweep(
    path: str | Path,
    replicates: int | None = None,
    days: float | None = None,
    build: bool = False,
) -> Sweep:
    """Read and check a sweep file: every design point must be a valid scenario and the base
    scenario's county must build; with `build` (`rpsim validate`) the county and officers of
    up to BUILD_POINTS design points build too. Without it a point that cannot build fails
    when it runs, is recorded in errors.parquet, and the sweep goes on."""
    path = Path(path)
    spec, lines = read_spec(SweepSpec, path)
    if (spec.vary is None) == (spec.sample is None):
        raise ScenarioError(
            Problem(
                key="vary/sample",
                file=str(path),
                reason="give exactly one of 'vary' (a grid) or 'sample'",
            )
        )
    problems = _check_keys(list(spec.vary or {}), "vary", lines, str(path))
    problems += _check_keys(
        list(spec.sample.bounds) if spec.sample else [], "sample.bounds", lines, str(path)
    )
    if problems:
        raise ScenarioError(problems)
    _resolve_paths(spec, path.parent)
    if replicates is not None:
        spec.replicates = replicates
    if days is not None:
        spec.days = days
    base_path = path.parent / spec.base
    if not base_path.is_file():
        raise ScenarioError(
            Problem(
                key="base",
                file=str(path),
                line=lines.get(("base",), (None, None))[1],
                reason=f"file not found: {base_path}",
            )
        )
    base, base_lines = load_raw(base_path)
    base.setdefault("name", spec.name)
    overrides = list(spec.set) + ([f"days={spec.days}"] if spec.days else [])
    base = apply_overrides(base, overrides, base_lines)
    validate_dict(base, base_lines, str(base_path))
    design = build_design(spec)
    sweep = Sweep(
        spec=spec,
        base=base,
        design=design,
        seeds=replicate_seeds(spec.seed, spec.replicates),
        path=path,
    )
    # Every point must validate before anything runs (bounds outside a parameter's range).
    check_buildable(validate_dict(base, base_lines, str(base_path)), base_lines, str(base_path))
    step = max(1, math.ceil(len(design) / BUILD_POINTS)) if build else len(design) + 1
    bad = []
    for p in range(len(design)):
        try:
            scenario = validate_dict(sweep.scenario(p))
            if p % step == 0:
                check_buildable(scenario)
        except ScenarioError as exc:
            bad += [
                Problem(
                    key=pr.key,
                    file=str(path),
                    line=lines.get(("vary", pr.key), (None, None))[1],
                    reason=f"design point {p}: {pr.reason}",
                )
                for pr in exc.problems
            ]
            break
    if bad:
        raise ScenarioError(bad)
    return sweep


def _resolve_paths(spec: SweepSpec, folder: Path) -> None:
    """Data-file paths the sweep file sets (`set`, `vary`) are relative to its folder."""
    for i, item in enumerate(spec.set):
        keys, value = parse_override(item)
        if ".".join(keys) in PATH_KEYS:
            spec.set[i] = f"{'.'.join(keys)}={resolve_path(value, folder)}"
    vary = spec.vary or {}
    for key in set(PATH_KEYS) & set(vary):
        v = vary[key]
        vary[key] = (
            [resolve_path(x, folder) for x in v] if isinstance(v, list) else resolve_path(v, folder)
        )


def run_point(scenario: dict, seed: int) -> dict[str, Any]:
    """One run in a worker: its summary metrics (plain Python values)."""
    s = run_once(validate_dict(scenario), seed)["summary"]
    return {k: (v.item() if isinstance(v, np.generic) else v) for k, v in s.items()}


class SweepStore:
    """The sweep's folder: an append-only status log and Parquet parts."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.parts = out / "parts"
        self.parts.mkdir(parents=True, exist_ok=True)
        self.status_path = out / "status.jsonl"
        self.pending: list[dict] = []

    def finished(self) -> dict[str, dict]:
        """Every run recorded in the status log (the last record of each run wins); a
        half-written last line from a kill is cut off (store.read_jsonl): that run runs
        again, and the next record starts on a line of its own."""
        records, _ = read_jsonl(self.status_path)
        return {rec["run"]: rec for rec in records if isinstance(rec, dict) and "run" in rec}

    def in_parts(self) -> set[str]:
        runs: set[str] = set()
        for p in sorted(self.parts.glob("part-*.parquet")):
            runs |= set(pd.read_parquet(p, columns=["run"])["run"])
        return runs

    def record(self, rec: dict) -> None:
        """Append one finished run to the status log, durably."""
        with open(self.status_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec, default=float) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        if rec["status"] == "ok":
            self.pending.append(rec)

    def record_finished(
        self, done: Finished, ids: dict[str, Any], params: dict[Any, Any], chunk: int
    ) -> None:
        """Record one finished job (`ids`: run, point, replicate, seed) with its metrics or
        its error; a Parquet part is written every `chunk` successful runs."""
        self.record(
            {
                **ids,
                "status": "ok" if done.error is None else "error",
                "error": None if done.error is None else _describe(done.error),
                "wall_s": round(done.wall_s, 3),
                "params": params,
                "metrics": done.result or {},
            }
        )
        if len(self.pending) >= chunk:
            self.flush()

    def rows(self) -> pd.DataFrame:
        """Every successful run in the parts, the last of each run (unsorted)."""
        parts = sorted(self.parts.glob("part-*.parquet"))
        if not parts:
            return pd.DataFrame(columns=list(RESULT_IDS))
        rows = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
        return rows.drop_duplicates("run", keep="last")

    def flush(self) -> None:
        """Write the pending rows as one Parquet part."""
        if not self.pending:
            return
        rows = [
            {**{k: r[k] for k in RESULT_IDS}, **r["params"], **r["metrics"]} for r in self.pending
        ]
        n = len(list(self.parts.glob("part-*.parquet"))) + 1
        write_parquet(pd.DataFrame(rows), self.parts / f"part-{n:05d}.parquet")
        self.pending = []

    def recover(self) -> None:
        """Rows in the status log whose part was never written (a kill) become a part."""
        have = self.in_parts()
        self.pending = [
            r for r in self.finished().values() if r["status"] == "ok" and r["run"] not in have
        ]
        self.flush()


def run_sweep(
    sweep: Sweep,
    out: str | Path,
    workers: int = 1,
    scheduler: str | None = None,
    cluster: str | None = None,
    resume: bool = False,
    chunk: int = 16,
    progress: Callable[..., Any] | None = None,
) -> Path:
    """Run every missing (point, replicate) and assemble the final tables. `resume` finishes
    the sweep in `out` only if it was started with the same settings (FileExistsError
    otherwise); a folder this call made is removed again if no run finished."""
    out = Path(out)
    fresh = not out.exists() or not any(out.iterdir())
    if not fresh and not resume:
        raise FileExistsError(f"{out} exists: use --resume to finish it, or another --out")
    if not fresh:
        _check_resume(sweep, out)
    try:
        with folder_lock(out):  # a second writer is refused, not run alongside
            return _run_sweep(sweep, out, workers, scheduler, cluster, chunk, progress)
    except FolderBusyError:
        raise
    except BaseException:
        if fresh and not SweepStore(out).finished():
            shutil.rmtree(out, ignore_errors=True)
        raise


def _note(sweep: Sweep) -> dict[str, Any]:
    """What a sweep folder records of its settings (sweep.json), as JSON values."""
    note = {
        "spec": sweep.spec.model_dump(),
        "base": sweep.base,
        "seeds": sweep.seeds,
        "code": code_fingerprint(),  # the runs' numbers depend on the code that ran them
    }
    return json.loads(json.dumps(note, default=str))


def _check_resume(sweep: Sweep, out: Path) -> None:
    """FileExistsError unless `out` is a sweep folder started with the same settings."""
    new = _note(sweep)
    old = resumable_note(out, "sweep.json", "sweep", new)
    changed = [
        f"{k} {old['spec'].get(k)!r} -> {new['spec'].get(k)!r}"
        for k in new["spec"]
        if k != "description" and old.get("spec", {}).get(k) != new["spec"][k]
    ]
    if old.get("base") != new["base"]:
        changed.append("the base scenario")
    if old.get("seeds") != new["seeds"] and not changed:
        changed.append("the replicate seeds")
    if changed:
        raise FileExistsError(
            f"--resume: {out} was started with other settings ({'; '.join(changed)}); finish "
            "it with the same settings, or start a new sweep with another --out"
        )


def _run_sweep(
    sweep: Sweep,
    out: Path,
    workers: int,
    scheduler: str | None,
    cluster: str | None,
    chunk: int,
    progress: Callable[..., Any] | None,
) -> Path:
    store = SweepStore(out)
    store.recover()
    design_note = out / "sweep.json"
    if not design_note.exists():
        atomic_write_bytes(design_note, json.dumps(_note(sweep), indent=2).encode())
    ok = {k for k, r in store.finished().items() if r["status"] == "ok"}
    todo = [(p, r, s) for p, r, s in sweep.runs if f"{p:05d}-{r:03d}" not in ok]
    bar = progress(total=len(sweep.runs), initial=len(sweep.runs) - len(todo)) if progress else None
    params = {
        p: {k: _py(v) for k, v in sweep.design.iloc[p].items()} for p in range(len(sweep.design))
    }
    t0 = time.perf_counter()
    finished = run_jobs(
        run_point,
        ((sweep.scenario(p), s) for p, _, s in todo),
        workers=workers,
        scheduler=scheduler,
        cluster=cluster,
    )
    try:
        for done in finished:  # a failed run is recorded, and the sweep goes on
            p, r, s = todo[done.index]
            ids = {"run": f"{p:05d}-{r:03d}", "point": p, "replicate": r, "seed": s}
            store.record_finished(done, ids, params[p], chunk)
            if bar is not None:
                bar.update(1)
    finally:
        finished.close()
        store.flush()
        if bar is not None:
            bar.close()
    return assemble(sweep, out, time.perf_counter() - t0)


def _py(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def _describe(exc: BaseException) -> str:
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return last if len(last) < 2000 else last[:2000]


def assemble(sweep: Sweep, out: Path, wall_s: float = math.nan) -> Path:
    """Final tables from the parts and the status log."""
    results = SweepStore(out).rows().sort_values(["point", "replicate"]).reset_index(drop=True)
    write_parquet(results, out / "results.parquet")
    write_parquet(sweep.design.assign(point=range(len(sweep.design))), out / "design.parquet")
    status = SweepStore(out).finished()
    ok = set(results["run"]) if len(results) else set()
    errors = pd.DataFrame(
        [
            {k: r[k] for k in (*RESULT_IDS, "error")}
            for r in status.values()
            if r["status"] == "error" and r["run"] not in ok
        ],
        columns=[*RESULT_IDS, "error"],
    )
    write_parquet(errors, out / "errors.parquet")
    if (
        sweep.spec.sample is not None
        and sweep.spec.sample.method in ("sobol", "morris")
        and len(results)
        and errors.empty
    ):
        write_parquet(sensitivity(sweep, results), out / "sensitivity.parquet")
    from .runner import Results
    from .store import manifest as base_manifest

    meta = base_manifest(
        Results(scenarios={}, seeds=sweep.seeds, wall_s=wall_s),
        {
            "sweep": sweep.spec.name,
            "points": len(sweep.design),
            "runs": len(sweep.runs),
            "finished": len(results),
            "errors": len(errors),
        },
    )
    atomic_write_bytes(out / "manifest.json", json.dumps(meta, indent=2, default=str).encode())
    return out


def sensitivity(sweep: Sweep, results: pd.DataFrame) -> pd.DataFrame:
    """Sobol (S1, ST) or Morris (mu*, sigma) indices per metric, with 95% intervals.
    Y is the replicate mean at each design point (a ratio metric: the ratio of means)."""
    s = sweep.spec.sample
    assert s is not None, "sensitivity indices need a sampled design"
    names = list(s.bounds)
    problem = {"num_vars": len(names), "names": names, "bounds": [list(s.bounds[k]) for k in names]}
    skip = (
        set(RESULT_IDS) | set(names) | {"days", "residents", "villages", "officers", "auxiliaries"}
    )
    metrics = [
        c for c in results.columns if c not in skip and pd.api.types.is_numeric_dtype(results[c])
    ]
    from .runner import pooled_means

    # Y: per design point, the replicate mean, or for a ratio metric the ratio of means.
    means = pooled_means(results, "point")[metrics].reindex(range(len(sweep.design)))
    x = sweep.design[names].to_numpy(float)
    rows = []
    warnings.filterwarnings("ignore", message="Constant values encountered")  # SALib
    for metric in metrics:
        y = means[metric].to_numpy(float)
        if not np.isfinite(y).all() or np.ptp(y) == 0:
            continue
        if s.method == "sobol":
            from SALib.analyze import sobol

            res = sobol.analyze(problem, y, calc_second_order=False, seed=sweep.spec.seed)
            reported: tuple[tuple[str, str | None], ...] = (("S1", "S1_conf"), ("ST", "ST_conf"))
        else:
            from SALib.analyze import morris

            res = morris.analyze(problem, x, y, num_levels=s.levels, seed=sweep.spec.seed)
            reported = (("mu_star", "mu_star_conf"), ("sigma", None))
        for i, name in enumerate(names):
            for index, conf in reported:
                rows.append(
                    {
                        "metric": metric,
                        "parameter": name,
                        "index": index,
                        "value": res[index][i],
                        "conf": res[conf][i] if conf else math.nan,
                    }
                )
    return pd.DataFrame(rows, columns=["metric", "parameter", "index", "value", "conf"])
