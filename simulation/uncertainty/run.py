"""Every option in every world: each run recorded the moment it finishes (a status line and
Parquet parts, as sweeps do), `--resume` reruns nothing that finished (a failed run is tried
again), and the tables are the
same serially, on a process pool or on Dask (they are assembled in (world, option, replicate)
order, never in the order runs finished).

Adaptive runs add worlds a batch at a time and stop once every option's probability of being
best on every headline metric is known to +- `tolerance` (95%), or at `worlds`."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..executor import run_jobs
from ..store import (
    FolderBusyError,
    atomic_write_bytes,
    code_fingerprint,
    folder_lock,
    resumable_note,
)
from ..sweep import SweepStore, run_point
from .worlds import Job, Worlds


def run_id(world: int, option: str, replicate: int) -> str:
    return f"{world:05d}-{option}-{replicate:03d}"


def _note(worlds: Worlds) -> dict[str, Any]:
    """What a worlds folder records of its settings (worlds.json), as JSON values."""
    note = {
        "name": worlds.name,
        "baseline": worlds.baseline,
        "spec": worlds.spec.model_dump(mode="json"),
        "options": {k: s.model_dump(mode="json") for k, s in worlds.options.items()},
        "replicates": worlds.replicates,
        "seed": worlds.seed,
        "parameters": list(worlds.ranges),
        "code": code_fingerprint(),
    }
    return json.loads(json.dumps(note, default=str))


def _check_resume(worlds: Worlds, out: Path) -> None:
    new = _note(worlds)
    old = resumable_note(out, "worlds.json", "run across worlds", new)
    changed = [k for k in new if k != "code" and old.get(k) != new[k]]
    if changed:
        raise FileExistsError(
            f"--resume: {out} was started with other settings ({', '.join(changed)}); finish "
            "it with the same file and options, or start again with another --out"
        )


def run_worlds(
    worlds: Worlds,
    out: str | Path,
    workers: int = 1,
    scheduler: str | None = None,
    cluster: str | None = None,
    resume: bool = False,
    progress: Callable[..., Any] | None = None,
    chunk: int = 32,
) -> pd.DataFrame:
    """Run every missing (world, option, replicate) into `out` and return the tidy table of
    all finished runs (world, option, replicate, seed, metrics), sorted. Adaptive specs stop
    adding worlds once `converged`. A folder this call made is removed again if no run
    finished."""
    out = Path(out)
    fresh = not out.exists() or not any(out.iterdir())
    if not fresh and not resume:
        raise FileExistsError(f"{out} exists: use --resume to finish it, or another --out")
    if not fresh:
        _check_resume(worlds, out)
    try:
        with folder_lock(out):
            return _run(worlds, out, workers, scheduler, cluster, progress, chunk)
    except FolderBusyError:
        raise
    except BaseException:
        if fresh and not SweepStore(out).finished():
            shutil.rmtree(out, ignore_errors=True)
        raise


def _batches(worlds: Worlds) -> list[range]:
    n = worlds.spec.worlds
    if not worlds.spec.adaptive:
        return [range(0, n + 1)]
    b = worlds.spec.batch
    return [range(0, min(b, n) + 1)] + [range(s, min(s + b, n + 1)) for s in range(b + 1, n + 1, b)]


def _run(
    worlds: Worlds,
    out: Path,
    workers: int,
    scheduler: str | None,
    cluster: str | None,
    progress: Callable[..., Any] | None,
    chunk: int,
) -> pd.DataFrame:
    store = SweepStore(out)
    store.recover()
    note = out / "worlds.json"
    if not note.exists():
        atomic_write_bytes(note, json.dumps(_note(worlds), indent=2).encode())
    batches = _batches(worlds)
    total = len(worlds.runs(range(0, worlds.spec.worlds + 1)))
    ok = {k for k, r in store.finished().items() if r["status"] == "ok"}
    bar = progress(total=total) if progress else None
    done_worlds: list[int] = []
    try:
        for batch in batches:
            jobs = worlds.runs(batch)
            todo = [j for j in jobs if run_id(j[0], j[1], j[2]) not in ok]
            if bar is not None:
                bar.update(len(jobs) - len(todo))
            _run_jobs(worlds, store, todo, workers, scheduler, cluster, bar, chunk)
            done_worlds += list(batch)
            if worlds.spec.adaptive:
                # only the batches up to here: a resumed run stops where the first one did
                so_far = tidy(store)
                if converged(so_far[so_far["world"].isin(done_worlds)], worlds):
                    break
    finally:
        store.flush()
        if bar is not None:
            bar.close()
    runs = tidy(store)
    return runs[runs["world"].isin(done_worlds)].reset_index(drop=True)


def _run_jobs(
    worlds: Worlds,
    store: SweepStore,
    todo: list[Job],
    workers: int,
    scheduler: str | None,
    cluster: str | None,
    bar: Any,
    chunk: int,
) -> None:
    if not todo:
        return
    finished = run_jobs(
        run_point,
        ((worlds.scenario(w, label), s) for w, label, _, s in todo),
        workers=workers,
        scheduler=scheduler,
        cluster=cluster,
    )
    try:
        for done in finished:  # a failed run is recorded, and the others go on
            w, label, r, s = todo[done.index]
            ids = {"run": run_id(w, label, r), "point": w, "replicate": r, "seed": s}
            store.record_finished(done, ids, {"option": label}, chunk)
            if bar is not None:
                bar.update(1)
    finally:
        finished.close()
        store.flush()


def tidy(store: SweepStore) -> pd.DataFrame:
    """Every finished run in (world, option order as run, replicate) order: world, option,
    replicate, seed and the summary metrics."""
    runs = store.rows().rename(columns={"point": "world"})
    if "option" not in runs:
        runs["option"] = pd.Series(dtype=str)
    return runs.sort_values(["world", "run"]).reset_index(drop=True)


def errors(store: SweepStore) -> pd.DataFrame:
    """Runs that failed (and did not succeed on a later try): world, option, replicate, error."""
    status = store.finished()
    rows = [
        {
            "run": r["run"],
            "world": r["point"],
            "option": r["params"].get("option"),
            "replicate": r["replicate"],
            "error": r["error"],
        }
        for r in status.values()
        if r["status"] == "error"
    ]
    return pd.DataFrame(rows, columns=["run", "world", "option", "replicate", "error"])


def world_means(runs: pd.DataFrame, worlds: Worlds) -> pd.DataFrame:
    """One row per complete world (every option ran every replicate) and option: the metrics
    pooled over the world's replicates (ratio metrics as ratios of means), plus crimes and
    escalations a year for the net benefit. World 0 included."""
    from ..runner import pooled_means

    expected = {w: len(worlds.options) * len(worlds.seeds(w)) for w in set(runs["world"])}
    counts = runs.groupby("world")["run"].count()
    complete = [w for w, n in counts.items() if n == expected[w]]
    runs = runs[runs["world"].isin(complete)]
    if runs.empty:
        return pd.DataFrame(columns=["world", "option"])
    means = pooled_means(runs.drop(columns=["replicate", "seed"]), ["world", "option"])
    means = means.reset_index()
    order = {label: i for i, label in enumerate(worlds.options)}
    means = means.sort_values(
        ["world", "option"], key=lambda c: c.map(order) if c.name == "option" else c
    )
    per_year = means["residents"] / 1000.0
    means["true_crimes_per_year"] = means["true_crime_per_1000"] * per_year
    means["escalations_per_year"] = means["escalated_per_1000"] * per_year
    return means.reset_index(drop=True)


def converged(runs: pd.DataFrame, worlds: Worlds) -> bool:
    """True when every option's probability of being best on every headline metric, over the
    drawn worlds finished so far, has a 95% (Wilson) interval half-width within the tolerance
    (and at least two batches of worlds ran)."""
    from .analysis import probability_best
    from .answers import headline_directions

    means = world_means(runs, worlds)
    drawn = means[means["world"] > 0]
    if drawn["world"].nunique() < min(2 * worlds.spec.batch, worlds.spec.worlds):
        return False
    directions = headline_directions(drawn)
    # a metric on which the options tie in every world (none escalates, say) is known exactly
    grouped = drawn.groupby("world")[list(directions)]
    spread = grouped.max() - grouped.min()
    live = {m: b for m, b in directions.items() if (spread[m].fillna(0) > 0).any()}
    if not live:
        return True
    best = probability_best(drawn, live)
    best = best[best["worlds"] > 0]
    # Wilson's interval: the Wald half-width is 0 at p = 0 or 1, however few the worlds
    z2, p, n = 1.959963984540054**2, best["p_best"], best["worlds"]
    half = np.sqrt(z2 * (p * (1 - p) / n + z2 / (4 * n**2))) / (1 + z2 / n)
    return bool((half <= worlds.spec.tolerance).all())
