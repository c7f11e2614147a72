"""`rpsim plan`: screen, multi-objective search with the simulation, final re-run.

1. The screen (no simulation): placements by p-median / maximal covering MILPs (HiGHS) and
   response estimates by Larson's hypercube approximation (simulation.plan.screen), used to
   place auxiliaries, resident officers, police rooms and station officers for any count, and
   to seed the search.
2. The search: NSGA-II (Deb et al. 2002; Optuna's sampler, ask/tell) over the decision
   variables, one generation at a time; every design runs with the same seeds (common random
   numbers); designs that break a constraint before running (budget on fixed costs, station
   share, Hubei district rule, staffing) are not simulated and are told as infeasible.
3. The final re-run: the non-dominated feasible designs (and today's deployment) with more
   seeds, with 95% intervals, and which designs no other design beats with confidence.

Every finished run is appended to `evaluations.jsonl` at once, keyed by the fingerprint of the
code that ran it (`code_fingerprint`); `--resume` replays the search from the same seed and
reruns only what is missing, so a resumed plan equals an uninterrupted one, on any executor. A
folder whose evaluations were made by other code (another rpsim source, Python, Mesa, NumPy,
SciPy or NetworkX version) or from another base scenario is refused, never mixed.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd

from ..errors import Problem, ScenarioError
from ..executor import ExecutorError, describe, make_executor, timed
from ..intervals import mean_ci
from ..metric_registry import natural_range
from ..model import RuralPolicingModel
from ..region import build_region
from ..runner import replicate_seeds
from ..scenario import Scenario
from ..store import (
    OutputError,
    code_fingerprint,
    folder_lock,
    read_jsonl,
    safe_name,
    write_parquet,
)
from ..streams import region_rng
from .design import DECISION_COLUMNS, Design, DesignSpace
from .outputs import PlanResult
from .spec import PlanSpec, line_of, load_plan

PENALTY = 1e9  # objective value told for designs not simulated (constraint broken)
SEARCHED_PLACEMENTS = 1000
"""The most people whose places a search may choose one by one (one decision variable each;
assumption: beyond this the screen places them far better than any affordable search)."""
CONSTRAINTS = (
    "budget",
    "min_station_share",
    "district_villages",
    "district_officers",
    "resident_officers",
    "police_rooms",
    "station_officers",
    "min_officers_per_station",
    "invalid",
    "not_run",
)


def evaluate(scenario: Scenario, seed: int) -> dict[str, float]:
    """One run's numeric summary."""
    summary = RuralPolicingModel(scenario, seed=seed).run().results()["summary"]
    return {k: float(v) for k, v in summary.items() if isinstance(v, int | float | np.number)}


def _job(scenario: Scenario, seed: int) -> tuple[dict[str, float], str]:
    """The job the executor runs: one run's summary and the fingerprint of the code that ran
    it, taken where it ran (a Dask worker may hold another install)."""
    return evaluate(scenario, seed), code_fingerprint()


# --- checks before anything runs ---------------------------------------------------------
def check_plan(spec: PlanSpec, base: Scenario, space: DesignSpace, path: str) -> None:
    """One clear problem per impossible request: district rule, constraints, budget."""
    problems: list[Problem] = []
    r, d, c = space.region, spec.decisions, spec.constraints

    def bad(reason: str, *key: str) -> None:
        problems.append(Problem(".".join(key), reason, path, line_of(path, *key)))

    if base.region.seed is None:
        bad("a plan needs a fixed county: set region.seed in the base scenario", "base")
    lo_o = d.officers[0] if d.officers else base.policing.officers
    hi_o = d.officers[1] if d.officers else base.policing.officers
    if d.police_rooms is not None:
        lo_v, hi_v = c.district_villages
        for t, station in enumerate(r.stations):
            n = int((r.township == t).sum())
            if math.ceil(n / hi_v) > n // lo_v:
                bad(
                    f"township {r.names[station]} has {n} villages: no districts of "
                    f"{lo_v}-{hi_v} villages can cover it (Hubei rule)",
                    "constraints",
                    "district_villages",
                )
    if d.auxiliary_placement == "search" and d.auxiliaries is not None:
        most = min(len(r.names), SEARCHED_PLACEMENTS)
        if d.auxiliaries[1] > most:
            bad(
                f"auxiliary_placement: search places each auxiliary in a village of its own: at "
                f"most {most} here ({len(r.names)} villages; at most {SEARCHED_PLACEMENTS} "
                f"searched placements), got {d.auxiliaries[1]}; use screen or population",
                "decisions",
                "auxiliaries",
            )
    if d.posts == "search" and hi_o > SEARCHED_PLACEMENTS:
        bad(
            f"posts: search searches a post for every officer: at most {SEARCHED_PLACEMENTS} "
            f"officers, got {hi_o}; use posts: screen",
            "decisions",
            "officers",
        )
    n_shifts = sum(1 for s in base.policing.shifts if s.share > 0)
    night = c.min_night_officers_per_station
    if night is not None and len(r.stations) * n_shifts * night > hi_o:
        bad(
            f"{len(r.stations)} stations x {n_shifts} shifts x {night} officers needs "
            f"{len(r.stations) * n_shifts * night} officers, more than the most allowed "
            f"({hi_o})",
            "constraints",
            "min_night_officers_per_station",
        )
    floor = c.min_officers_per_station or 0
    if floor and base.proactive and floor * len(r.stations) > hi_o:
        bad(
            f"{len(r.stations)} stations x {floor} officers needs {floor * len(r.stations)} "
            f"officers, more than the most allowed ({hi_o}); the minimum is the Hubei rule's "
            "(a rural station holds at least 5 officers): set another or null",
            "constraints",
            "min_officers_per_station",
        )
    if c.min_station_share is not None:
        fewest = 0
        if d.resident_officers is not None:
            fewest = max(d.resident_officers[0], 0)
        if d.police_rooms is not None:
            fewest = max(fewest, d.police_rooms[0] * (d.district_officers or (1, 1))[0])
        if fewest > (1 - c.min_station_share) * hi_o:
            bad(
                f"at least {fewest} resident officers leave fewer than "
                f"{c.min_station_share:.0%} of {hi_o} officers at the stations",
                "constraints",
                "min_station_share",
            )
    if spec.uncertainty is not None:
        from ..uncertainty.worlds import problems as uncertainty_problems

        for where, reason in uncertainty_problems(spec.uncertainty, base):
            bad(reason, *where)
    if not problems:
        cheapest = space.cheapest_cost(lo_o)
        if spec.budget_cny < cheapest:
            bad(
                f"{spec.budget_cny:,.0f} CNY is below the cheapest feasible design "
                f"({cheapest:,.0f} CNY a year: {lo_o} officers, the fewest auxiliaries and "
                "rooms, before driving)",
                "budget_cny",
            )
    if problems:
        raise ScenarioError(problems)


# --- the evaluation log -----------------------------------------------------------------
def scenario_fingerprint(scenario: Scenario) -> str:
    """A SHA-256 of a scenario's settings: a design's key names only its decisions, so the
    base scenario they were applied to is recorded beside each evaluation."""
    return hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()[:16]


@dataclass
class Log:
    """evaluations.jsonl: one line per finished run, flushed at once, each with the
    fingerprints of the code that ran it and of the base scenario."""

    path: Path
    base: str = ""  # scenario_fingerprint of the base scenario
    code: str = field(default_factory=code_fingerprint)
    done: dict[tuple[str, int], dict[str, float]] = field(default_factory=dict)

    def load(self) -> bool:
        """The finished runs; FileExistsError if any was made by other code or from another
        base scenario. True when a torn last line (a kill mid-write) was cut off: its run is
        run again."""
        rows, torn = read_jsonl(self.path)
        for row in rows:
            if row.get("code") != self.code:
                raise FileExistsError(
                    f"--resume: {self.path.parent} was made by other code (another rpsim "
                    "source or Python/Mesa/NumPy/SciPy/NetworkX version), so its evaluations "
                    "cannot be reused; start the plan again with a new --out"
                )
            if row.get("base") != self.base:
                raise FileExistsError(
                    f"--resume: {self.path.parent} was made from another base scenario (its "
                    "county or settings have changed since), so its evaluations cannot be "
                    "reused; start the plan again with a new --out"
                )
            self.done[(row["key"], int(row["seed"]))] = row["summary"]
        return torn

    def add(self, key: str, seed: int, summary: dict[str, float], wall_s: float) -> None:
        self.done[(key, seed)] = summary
        row = {
            "key": key,
            "seed": seed,
            "code": self.code,
            "base": self.base,
            "wall_s": wall_s,
            "summary": summary,
        }
        with self.path.open("a") as f:
            f.write(json.dumps(row) + "\n")
            f.flush()
            os.fsync(f.fileno())


class Evaluator:
    """Runs (design, seed) pairs not in the log on the executor; results land in the log."""

    def __init__(self, log: Log, executor_options: dict[str, Any]) -> None:
        self.log = log
        self.executor, self.close, self.slots = make_executor(**executor_options)
        self.runs = 0

    def run(self, designs: list[Design], seeds: list[int], tick: Callable[[], None]) -> None:
        jobs = [(d, s) for d in designs for s in seeds if (d.key, s) not in self.log.done]
        if self.executor is None:
            for d, s in jobs:
                assert d.scenario is not None
                result, wall = timed(_job, (d.scenario, s))
                self._add(d, s, result, wall)
                tick()
            return
        from concurrent.futures import FIRST_COMPLETED, wait

        pending = {self.executor.submit(timed, _job, (d.scenario, s)): (d, s) for d, s in jobs}
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in finished:
                d, s = pending.pop(fut)
                result, wall = fut.result()
                self._add(d, s, result, wall)
                tick()

    def _add(
        self, design: Design, seed: int, result: tuple[dict[str, float], str], wall: float
    ) -> None:
        summary, code = result
        if code != self.log.code:
            raise ExecutorError(
                f"a worker runs other code than this rpsim (fingerprint {code}, here "
                f"{self.log.code}): start the workers from the same install"
            )
        self.log.add(design.key, seed, summary, wall)
        self.runs += 1


# --- Pareto sets ------------------------------------------------------------------------
def nondominated(values: np.ndarray) -> np.ndarray:
    """Mask of rows not dominated by another row (all objectives minimised)."""
    n = len(values)
    keep = np.ones(n, dtype=bool)
    for i in range(n):
        others = np.delete(values, i, axis=0)
        if (
            len(others)
            and ((others <= values[i]).all(axis=1) & (others < values[i]).any(axis=1)).any()
        ):
            keep[i] = False
    return keep


def dominates_with_confidence(a: np.ndarray, b: np.ndarray) -> bool:
    """True when design a beats design b with confidence: per objective (minimised), the 95%
    interval of the paired differences a - b (same seeds) lies at or below 0 on every
    objective and below 0 on at least one."""
    highs = []
    for k in range(a.shape[1]):
        _, _, hi = mean_ci(a[:, k] - b[:, k])
        if not math.isfinite(hi):
            return False
        highs.append(hi)
    return all(h <= 0 for h in highs) and any(h < 0 for h in highs)


# --- the plan -----------------------------------------------------------------------------
PLAN_MARK = ".rpsim-plan.json"
"""Written first into a plan's folder: the plan file's SHA-256. `--resume` writes only into a
folder that holds it, for the same plan file."""


def prepare_plan(path: str | Path) -> tuple[PlanSpec, Scenario, DesignSpace]:
    """A plan file, its base scenario and its design space over the county, with every check
    `rpsim plan` makes before running (what `rpsim validate` applies to a plan file)."""
    spec, base = load_plan(path)
    region = build_region(base.region, region_rng(base.region, base.seed))
    space = DesignSpace(spec, base, region)
    check_plan(spec, base, space, str(path))
    return spec, base, space


def _plan_folder(out: Path, text: str, resume: bool) -> bool:
    """Whether the plan starts afresh in `out` (else it resumes there); FileExistsError when
    rpsim must not write there: a folder with anything in it, unless --resume and it is a plan
    rpsim started from the same file."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: a file is there; rpsim writes a folder")
    if not out.exists() or not any(out.iterdir()):
        return True
    if not resume:
        raise FileExistsError(f"{out} exists: rerun with --resume to continue it, or --out")
    try:
        mark = json.loads((out / PLAN_MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise FileExistsError(
            f"--resume: {out} is not a plan folder rpsim started (no {PLAN_MARK}); rpsim "
            "writes nothing into it: choose another --out"
        ) from None
    if not isinstance(mark, dict) or mark.get("plan_sha256") != _sha(text):
        raise FileExistsError(
            f"{out} holds another plan (started from another plan file): use a new --out"
        )
    return False


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _move_into(assembled: Path, out: Path) -> None:
    """Move every file of the assembled outputs into `out`, each checked to land inside it,
    replacing only rpsim's own outputs of an earlier finish of the same plan."""
    root = out.resolve()
    for src in sorted(p for p in assembled.rglob("*") if p.is_file()):
        dst = out / src.relative_to(assembled)
        if not dst.resolve().is_relative_to(root):
            raise OutputError(f"refusing to write {dst}: outside the plan's folder {out}")
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)
    shutil.rmtree(assembled, ignore_errors=True)


def run_plan(
    path: str | Path,
    out: str | Path | None = None,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    cluster: str | None = None,
    resume: bool = False,
    progress: Callable[..., Any] | None = None,
) -> PlanResult:
    spec, base, space = prepare_plan(path)
    out = Path(out) if out else Path("results") / f"plan-{safe_name(spec.name)}"
    text = Path(path).read_text()
    fresh = _plan_folder(out, text, resume)
    with folder_lock(out):
        if fresh:
            (out / PLAN_MARK).write_text(json.dumps({"plan_sha256": _sha(text)}))
        return _run_plan(spec, base, space, out, text, workers, scheduler, cluster, progress)


def _run_plan(
    spec: PlanSpec,
    base: Scenario,
    space: DesignSpace,
    out: Path,
    text: str,
    workers: int,
    scheduler: str | None,
    cluster: str | None,
    progress: Callable[..., Any] | None,
) -> PlanResult:
    t0 = time.perf_counter()
    log = Log(out / "evaluations.jsonl", base=scenario_fingerprint(base))
    if log.load():
        print(
            f"note: {log.path} ended in a torn line (a kill mid-write); it was cut off and its "
            "run will run again",
            file=sys.stderr,
        )
    (out / "plan.yaml").write_text(text)
    # 1. The screen: placements for the seed designs and today's deployment.
    today = space.today()
    seeds_params = space.seeds()
    for p in seeds_params:  # the screen: placements and estimates of the seed designs
        space.realise(p)
    screen_s = time.perf_counter() - t0
    # 2. The search.
    search_seeds = replicate_seeds(spec.seed, spec.search.replicates)
    final_seeds = replicate_seeds(spec.seed + 1, spec.search.final_replicates)
    objectives = spec.objectives
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.NSGAIISampler(population_size=spec.search.population, seed=spec.seed)
    study = optuna.create_study(
        directions=["minimize" if o.sign > 0 else "maximize" for o in objectives],
        sampler=sampler,
    )
    for p in seeds_params:
        study.enqueue_trial(p)
    dists = space.distributions()
    evaluator = Evaluator(log, {"workers": workers, "scheduler": scheduler, "cluster": cluster})
    designs: dict[str, Design] = {"today": today}
    order: list[tuple[str, int, str]] = [("today", -1, "today")]  # key, generation, phase
    bar = progress(total=spec.search.evaluations) if progress else None
    best: dict[str, float] = {}

    def tick() -> None:
        if bar is not None:
            bar.update(1)

    def mean_of(design: Design, seeds: list[int]) -> dict[str, float]:
        rows = [log.done[(design.key, s)] for s in seeds]
        return {k: float(np.mean([r.get(k, math.nan) for r in rows])) for k in rows[0]}

    def feasible_after(design: Design, seeds: list[int]) -> bool:
        return design.feasible_before_running and (
            mean_of(design, seeds)["cost_total_cny"] <= spec.budget_cny
        )

    t_search = time.perf_counter()
    try:
        evaluator.run([today] if today.scenario is not None else [], search_seeds, lambda: None)
        simulated = 0
        generation = 0
        trials = 0
        # Never more candidates than the county has designs: a search asked for more
        # evaluations than there are designs stops when it has tried them.
        size = space.size()
        max_trials = 20 * min(spec.search.evaluations, size or spec.search.evaluations)
        while simulated < spec.search.evaluations and trials < max_trials:
            batch = [study.ask(dists) for _ in range(spec.search.population)]
            trials += len(batch)
            realised = []
            for trial in batch:
                params = dict(trial.params)
                d = space.realise(params)
                if d.key in designs:
                    d = designs[d.key]
                realised.append(d)
            new: list[Design] = []
            for d in realised:
                if (
                    d.key not in designs
                    and d.scenario is not None
                    and d.feasible_before_running
                    and all(d.key != n.key for n in new)
                    and simulated + len(new) < spec.search.evaluations
                ):
                    new.append(d)
            for d in realised:
                if d.key not in designs:
                    designs[d.key] = d
                    phase = "seeded" if d.params in seeds_params else "search"
                    order.append((d.key, generation, phase))
            evaluator.run(new, search_seeds, tick)
            simulated += len(new)
            for trial, d in zip(batch, realised, strict=True):
                ran = all((d.key, s) in log.done for s in search_seeds)
                violation = dict(d.violations)
                if ran and d.feasible_before_running:
                    m = mean_of(d, search_seeds)
                    values = [m.get(o.metric, math.nan) for o in objectives]
                    over = (m["cost_total_cny"] - spec.budget_cny) / spec.budget_cny
                    if over > 0:
                        violation["budget"] = over
                    values = [
                        v if math.isfinite(v) else PENALTY * o.sign
                        for v, o in zip(values, objectives, strict=True)
                    ]
                    if not violation:
                        for o, v in zip(objectives, values, strict=True):
                            if o.metric not in best or o.sign * v < o.sign * best[o.metric]:
                                best[o.metric] = v
                else:
                    values = [PENALTY * o.sign for o in objectives]
                    if not violation:
                        violation["not_run"] = 1.0  # over the evaluation budget
                for name in CONSTRAINTS:
                    trial.set_constraint(name, max(violation.get(name, 0.0), 0.0))
                study.tell(trial, values)
            if bar is not None and best:
                bar.set_postfix_str(
                    "best " + ", ".join(f"{k}={v:.3g}" for k, v in best.items()), refresh=True
                )
            generation += 1
        search_s = time.perf_counter() - t_search
        # 3. The final re-run of the non-dominated feasible designs (and today).
        t_final = time.perf_counter()
        evaluated = [
            designs[k]
            for k, _, _ in order
            if designs[k].scenario is not None and all((k, s) in log.done for s in search_seeds)
        ]
        feasible = [d for d in evaluated if feasible_after(d, search_seeds) and d.key != "today"]
        signed = np.array(
            [[o.sign * mean_of(d, search_seeds)[o.metric] for o in objectives] for d in feasible]
        ).reshape(len(feasible), len(objectives))
        signed = np.where(np.isfinite(signed), signed, PENALTY)
        front = [d for d, keep in zip(feasible, nondominated(signed), strict=True) if keep]
        pareto_keys = {d.key for d in front}  # every non-dominated design; a spread is re-run
        front.sort(
            key=lambda d: mean_of(d, search_seeds)[objectives[0].metric] * objectives[0].sign
        )
        if len(front) > spec.search.final_max:  # spread along the first objective
            idx = np.linspace(0, len(front) - 1, spec.search.final_max).round().astype(int)
            front = [front[i] for i in sorted(set(idx))]
        finals = front + ([today] if today.scenario is not None else [])
        if bar is not None:
            bar.set_description(f"{spec.name}: final re-run")
            bar.reset(total=len(finals) * len(final_seeds))
        evaluator.run(finals, final_seeds, tick)
        final_s = time.perf_counter() - t_final
    finally:
        evaluator.close()
        if bar is not None:
            bar.close()
    table = _table(
        spec, designs, order, search_seeds, final_seeds, pareto_keys, finals, log, feasible_after
    )
    robust = None
    if spec.uncertainty is not None and today.scenario is None:
        print(
            "note: today's deployment did not pass the plan's checks, so there is nothing to "
            "beat: the designs are not re-run across worlds",
            file=sys.stderr,
        )
    elif spec.uncertainty is not None:  # the finals and today across parameter worlds
        from .robust import robust_table

        labels = dict(zip(table["key"], table["design"], strict=True))
        scenarios = {labels[d.key]: d.scenario for d in finals if d.scenario is not None}
        robust = robust_table(
            spec,
            table,
            scenarios,
            out,
            {"workers": workers, "scheduler": scheduler, "cluster": cluster},
            progress,
        )
    assembled = Path(tempfile.mkdtemp(dir=out, prefix=".assembling-"))
    write_parquet(table, assembled / "pareto.parquet")
    if robust is not None:
        write_parquet(robust, assembled / "robust.parquet")
    result = PlanResult(assembled, table, screen_s, search_s, final_s, evaluator.runs)
    from .outputs import write_outputs

    write_outputs(
        result,
        spec,
        base,
        space,
        designs,
        {
            "executor": describe(workers, scheduler, cluster),
            "search_seeds": search_seeds,
            "final_seeds": final_seeds,
            "screen_s": round(screen_s, 2),
            "search_s": round(search_s, 2),
            "final_s": round(final_s, 2),
            "runs_this_session": evaluator.runs,
            "trials": trials,
            "code_fingerprint": log.code,
        },
        robust,
    )
    _move_into(assembled, out)
    return PlanResult(out, table, screen_s, search_s, final_s, evaluator.runs)


def _table(
    spec: PlanSpec,
    designs: dict[str, Design],
    order: list[tuple[str, int, str]],
    search_seeds: list[int],
    final_seeds: list[int],
    pareto_keys: set[str],
    finals: list[Design],
    log: Log,
    feasible_after: Callable[[Design, list[int]], bool],
) -> pd.DataFrame:
    """pareto.parquet: every design the search realised, with its decisions, feasibility,
    objectives (search seeds; final seeds for the re-run designs) and intervals."""
    objectives = spec.objectives
    final_keys = {d.key for d in finals}
    final_values = {
        d.key: np.array(
            [
                [o.sign * log.done[(d.key, s)].get(o.metric, math.nan) for o in objectives]
                for s in final_seeds
            ]
        )
        for d in finals
    }
    confident = {
        k: not any(dominates_with_confidence(final_values[j], v) for j in final_values if j != k)
        for k, v in final_values.items()
    }
    rows = []
    for i, (key, generation, phase) in enumerate(order):
        d = designs[key]
        ran = d.scenario is not None and all((key, s) in log.done for s in search_seeds)
        row: dict[str, Any] = {
            "design": "today" if key == "today" else f"D{i:03d}",
            "phase": phase,
            "generation": generation,
            **{c: d.decisions.get(c) for c in DECISION_COLUMNS},
            "simulated": ran,
            "feasible": bool(ran and feasible_after(d, search_seeds)),
            "violations": " ".join(f"{k}={v:.3g}" for k, v in d.violations.items()),
            "fixed_cost_cny": d.fixed_cost_cny,
            "screen_response_min": d.screen_response_min,
            "screen_remote_third_min": d.screen_remote_third_min,
            "pareto": key in pareto_keys,
            "final": key in final_keys,
            "confident": bool(confident.get(key, False)),
            "key": key,
        }
        for metric in [o.metric for o in objectives] + [
            "cost_total_cny",
            "officers",
            "auxiliaries",
        ]:
            for label, seeds in (("", search_seeds), ("final_", final_seeds)):
                if not all((key, s) in log.done for s in seeds) or d.scenario is None:
                    m = lo = hi = math.nan
                else:
                    m, lo, hi = mean_ci(
                        np.array([log.done[(key, s)].get(metric, math.nan) for s in seeds]),
                        bounds=natural_range(metric),
                    )
                row[f"{label}{metric}"] = m
                if metric not in ("officers", "auxiliaries"):
                    row[f"{label}{metric}_low"] = lo
                    row[f"{label}{metric}_high"] = hi
        rows.append(row)
    df = pd.DataFrame(rows)
    if not df.empty:
        df.loc[df["design"] == "today", "feasible"] = bool(
            df.loc[df["design"] == "today", "simulated"].all()
        )
    return df
