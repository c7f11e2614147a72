"""`rpsim calibrate`: read a county's records, estimate what they show directly, infer the rest
by history matching with emulators, and write the calibrated scenario and the posterior.

Every simulation is recorded the moment it finishes (`runs.jsonl`) and every wave's design
when it is drawn (`waves.json`), so `--resume` after a kill reruns nothing finished. Runs are
assembled in (wave, point) order, and the emulators are fitted in the main process, so
serial, a process pool and Dask give the same posterior.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..executor import SharedExecutor, run_jobs
from ..ranges import Plausible, uncertain_parameters
from ..scenario import Scenario, is_int_key, validate_dict
from ..store import atomic_write_bytes, code_fingerprint, read_jsonl, resumable_note
from ..uncertainty.worlds import set_values
from . import direct as direct_mod
from .emulate import (
    Emulator,
    Posterior,
    central_interval,
    discrepancy_var,
    next_wave,
    posterior_sample,
    unit_design,
)
from .observe import (
    SUMMARIES,
    Observed,
    Transform,
    calls_from_run,
    observe,
    panel_from_run,
    transform,
    window_days,
)
from .records import DataReport, read_call_log, read_panel
from .spec import CalibrationSpec

Say = Callable[[str], None]
NOTE = "calibration.json"
RUNS = "runs.jsonl"
WAVES = "waves.json"


class CalibrationError(RuntimeError):
    """Simulations of a wave failed (their errors in the message); finished runs are kept."""


@dataclass
class County:
    """What the calibration needs of the county's geography."""

    names: list[str]
    x: np.ndarray
    y: np.ndarray
    township: np.ndarray
    present: np.ndarray  # residents at home most of the year, per village
    station_names: list[str]
    station_minutes: np.ndarray  # response driving minutes from the township's station


def county_of(scenario: Scenario) -> County:
    """The county's geography, built as a run builds it (its own region seed)."""
    from ..region import build_region
    from ..streams import region_rng

    region = build_region(scenario.region, region_rng(scenario.region, 0))
    own_station = region.stations[region.township]
    factor = scenario.dispatch.vehicle_kmh_factor
    return County(
        names=list(region.names),
        x=np.asarray(region.x),
        y=np.asarray(region.y),
        township=np.asarray(region.township, dtype=int),
        present=np.asarray(region.population) * (1 - region.away_share),
        station_names=[region.names[s] for s in region.stations],
        station_minutes=region.travel[own_station, np.arange(region.n)] / factor,
    )


@dataclass
class CountyRecords:
    """The county's records, read and checked."""

    log: pd.DataFrame
    panel: pd.DataFrame | None
    reports: list[DataReport]
    observed: Observed

    def report_markdown(self) -> str:
        return "\n\n".join(r.markdown() for r in self.reports)

    def report_frame(self) -> pd.DataFrame:
        return pd.concat([r.to_frame() for r in self.reports], ignore_index=True)


def read_records(spec: CalibrationSpec, county: County, folder: Path) -> CountyRecords:
    """Read the call log (and the panel), with a data report of every row rejected or
    repaired; RecordsError, one line per problem, for a file that cannot be used."""
    r = spec.records
    codes = None
    if r.village_codes is not None:
        table = pd.read_csv(folder / r.village_codes, dtype=str)
        codes = dict(zip(table.iloc[:, 0].str.strip(), table.iloc[:, 1].str.strip(), strict=True))
    log, report = read_call_log(
        folder / r.calls,
        county.names,
        codes=codes,
        xy=(county.x, county.y),
        columns=r.columns or None,
        categories=r.categories or None,
        start=r.start_time,
        end=r.end_time - timedelta(microseconds=1),  # the reader's end is inclusive
    )
    reports = [report]
    panel = None
    if r.panel is not None:
        panel, panel_report = read_panel(
            folder / r.panel,
            county.station_names,
            columns=r.panel_columns or None,
            start=r.start_time,
            end=r.end_time - timedelta(microseconds=1),
        )
        reports.append(panel_report)
    observed = observe(log, panel, len(county.names), county.township)
    return CountyRecords(log, panel, reports, observed)


def simulate(scenario: dict[str, Any], seed: int, start: str) -> dict[str, Any]:
    """One simulated records period: what its records would show (a job for any executor)."""
    from ..metrics import incident_table
    from ..model import RuralPolicingModel

    s = validate_dict(scenario)
    model = RuralPolicingModel(s, seed=seed).run()  # only the incident table is needed
    log = calls_from_run(
        incident_table(model), s.warmup_days, s.days, datetime.fromisoformat(start)
    )
    township = np.asarray(model.region.township, dtype=int)
    panel = panel_from_run(log, township)
    return observe(log, panel, len(township), township).to_record()


def period_settings(scenario: Scenario, start: datetime, end: datetime) -> dict[str, Any]:
    """The records period as scenario settings: its length, and the calendar day the run
    starts (the warm-up before it), so the festival and markets fall where they fell."""
    first = start - timedelta(days=scenario.warmup_days)
    return {"days": window_days(start, end), "season.start_day_of_year": first.timetuple().tm_yday}


def direct_settings(est: direct_mod.DirectEstimates, scenario: Scenario) -> dict[str, Any]:
    """What the direct estimates set in the scenario: the hour profile of other calls, the
    day of Spring Festival and the response driving speed."""
    out: dict[str, Any] = {}
    profile = est.hour_profile
    if profile is not None and float(profile["calls"].sum()) >= 100:
        out["calls.hour_profile"] = [round(float(v), 4) for v in profile["relative"]]
    day = est.spring_festival.get("festival_day_of_year")
    if day is not None and not (isinstance(day, float) and math.isnan(day)):
        out["season.spring_festival_day"] = int(day)
    speed = est.road_speed
    if speed is not None and math.isfinite(speed.factor) and speed.factor > 0:
        factor = scenario.dispatch.vehicle_kmh_factor * speed.speed_multiplier
        out["dispatch.vehicle_kmh_factor"] = round(float(np.clip(factor, 0.2, 5.0)), 4)
    return out


@dataclass
class Result:
    """What a calibration found."""

    spec: CalibrationSpec
    priors: dict[str, Plausible]
    summaries: list[str]
    observed: dict[str, float]
    runs: pd.DataFrame  # wave, point, seed, u_*, parameters, summaries
    posterior: pd.DataFrame  # one column per parameter, equally weighted draws
    posterior_u: np.ndarray
    ess: float
    waves: list[dict[str, Any]]
    held_out: pd.DataFrame  # emulator check on the last wave, before it was fitted
    settings: dict[str, Any]  # the calibrated scenario's changes (direct + posterior medians)
    checks: list[dict[str, Any]] = field(default_factory=list)  # predictive runs' records
    wall_s: float = 0.0

    def table(self, truth: dict[str, float] | None = None) -> pd.DataFrame:
        """Prior and posterior side by side: mean and 90% interval, and the shrinkage; with
        the true values where they are known (synthetic records) and whether the posterior
        interval holds each."""
        rows = []
        for key, p in self.priors.items():
            prior = p.ppf(np.linspace(0.0005, 0.9995, 2000))
            post = self.posterior[key].to_numpy(dtype=float)
            lo, hi = central_interval(post[:, None])
            rows.append(
                {
                    "parameter": key,
                    "prior": p.describe(),
                    "prior_mean": float(prior.mean()),
                    "prior_low": float(p.ppf(0.05)),
                    "prior_high": float(p.ppf(0.95)),
                    "posterior_mean": float(post.mean()),
                    "posterior_low": float(lo[0]),
                    "posterior_high": float(hi[0]),
                    "shrinkage": 1.0 - float(np.var(post) / np.var(prior)),
                }
            )
        table = pd.DataFrame(rows)
        if truth:
            true = table["parameter"].map(truth).astype(float)
            table.insert(1, "true", true)
            table["inside_90"] = (true >= table["posterior_low"]) & (
                true <= table["posterior_high"]
            )
        return table


class Calibration:
    """One calibration: its spec, the base scenario, the records and where it writes."""

    def __init__(
        self,
        spec: CalibrationSpec,
        scenario: Scenario,
        records: CountyRecords,
        out: Path,
        *,
        workers: int = 1,
        scheduler: str | None = None,
        cluster: str | None = None,
        say: Say = print,
    ) -> None:
        self.spec = spec
        self.records = records
        self.out = out
        self.executor = SharedExecutor(workers, scheduler, cluster)  # one pool for every wave
        self.say = say
        ranges = uncertain_parameters(scenario)
        for key, o in spec.ranges.items():
            ranges[key] = o.plausible("the calibration's own prior")
        self.priors = {k: ranges[k] for k in spec.parameters}
        start, end = spec.records.start_time, spec.records.end_time
        self.start = start
        self.settings = {**period_settings(scenario, start, end)}
        self.direct: direct_mod.DirectEstimates | None = None
        self.scenario = scenario
        wanted = list(SUMMARIES) if spec.summaries == "all" else list(spec.summaries)
        seen = records.observed.summaries
        self.summaries = [s for s in wanted if s in seen and math.isfinite(seen[s])]
        self.unmatched = [s for s in wanted if s not in self.summaries]  # not in the records

    # ---- the pieces -----------------------------------------------------------------
    def estimate_directly(self, county: County) -> direct_mod.DirectEstimates:
        r = self.spec.records
        self.direct = direct_mod.direct_estimates(
            self.records.log,
            population=county.present,
            township=county.township,
            station_minutes=county.station_minutes,
            start=r.start_time,
            end=r.end_time,
            panel=self.records.panel,
        )
        self.settings.update(direct_settings(self.direct, self.scenario))
        return self.direct

    def base_data(self) -> dict[str, Any]:
        """The base scenario with the period and the direct estimates set."""
        return set_values(self.scenario.model_dump(mode="json"), dict(self.settings))

    def theta(self, u: np.ndarray) -> dict[str, Any]:
        """Parameter values at a point of the unit cube (the priors' quantiles)."""
        out: dict[str, Any] = {}
        for j, (key, p) in enumerate(self.priors.items()):
            v = float(p.ppf(u[j]))
            out[key] = int(round(v)) if is_int_key(key) else v
        return out

    def seed_of(self, wave: int, point: int) -> int:
        ss = np.random.SeedSequence([self.spec.seed, wave, point])
        return int(ss.generate_state(1, dtype=np.uint32)[0])

    def z(self) -> tuple[np.ndarray, np.ndarray]:
        """The observed summaries on the emulation scale, and the discrepancy variance."""
        seen = self.records.observed.summaries
        raw = np.array([seen[s] for s in self.summaries])
        z = np.array([transform(s, seen[s]) for s in self.summaries])
        logs = np.array([SUMMARIES[s].transform is Transform.LOG for s in self.summaries])
        return z, discrepancy_var(raw, z, self.spec.discrepancy, logs)

    def y_of(self, records: list[dict[str, Any]]) -> np.ndarray:
        return np.array(
            [
                [transform(s, r["observed"]["summaries"].get(s, math.nan)) for s in self.summaries]
                for r in records
            ]
        )

    # ---- resumable store ------------------------------------------------------------
    def note(self) -> dict[str, Any]:
        return {
            "code": code_fingerprint(),
            "spec": self.spec.model_dump(mode="json"),
            "observed": {s: self.records.observed.summaries[s] for s in self.summaries},
            "settings": self.settings,
        }

    def open_store(self, resume: bool) -> tuple[dict[tuple[int, int], dict], list[Any]]:
        self.out.mkdir(parents=True, exist_ok=True)
        note = self.note()
        if resume:
            old = resumable_note(self.out, NOTE, "calibration", note)
            if old != json.loads(json.dumps(note)):
                raise FileExistsError(
                    f"--resume: {self.out} holds a calibration of other settings or records; "
                    "start again with another --out"
                )
            done, _ = read_jsonl(self.out / RUNS)
            waves = (
                json.loads((self.out / WAVES).read_text()) if (self.out / WAVES).exists() else []
            )
        else:
            (self.out / RUNS).unlink(missing_ok=True)
            (self.out / WAVES).unlink(missing_ok=True)
            done, waves = [], []
        atomic_write_bytes(self.out / NOTE, json.dumps(note, indent=1).encode())
        return {(r["wave"], r["point"]): r for r in done}, waves

    def save_waves(self, waves: list[Any]) -> None:
        atomic_write_bytes(self.out / WAVES, json.dumps(waves).encode())

    # ---- running ------------------------------------------------------------------
    def run_points(
        self,
        wave: int,
        u: np.ndarray,
        done: dict[tuple[int, int], dict],
        log: Any = None,
    ) -> list[dict[str, Any]]:
        """Every point of a wave, those not yet finished run now; records in point order."""
        todo = [i for i in range(len(u)) if (wave, i) not in done]
        base = self.base_data()
        jobs = []
        for i in todo:
            data = set_values(json.loads(json.dumps(base)), self.theta(u[i]))
            jobs.append((data, self.seed_of(wave, i), self.start.isoformat()))
        errors: list[str] = []
        if todo:
            with (self.out / RUNS).open("a", encoding="utf-8") as fh:
                finished = run_jobs(simulate, iter(jobs), shared=self.executor)
                count = 0
                try:
                    for f in finished:
                        i = todo[f.index]
                        if f.error is not None:
                            errors.append(f"point {i}: {f.error}")
                            continue
                        rec = {
                            "wave": wave,
                            "point": i,
                            "seed": self.seed_of(wave, i),
                            "u": [float(x) for x in u[i]],
                            "observed": f.result,
                        }
                        fh.write(json.dumps(rec) + "\n")
                        fh.flush()
                        done[(wave, i)] = rec
                        count += 1
                        if count % max(1, len(todo) // 4) == 0 or count == len(todo):
                            self.say(f"  {count}/{len(todo)} runs of this wave finished")
                finally:
                    finished.close()
        if errors:
            raise CalibrationError(
                f"{len(errors)} simulation(s) failed, e.g. {errors[0]}; the finished ones are "
                f"kept in {self.out / RUNS} (--resume)"
            )
        return [done[(wave, i)] for i in range(len(u))]

    def fit(self, records: list[dict[str, Any]]) -> Emulator:
        u = np.array([r["u"] for r in records])
        floors = np.array([SUMMARIES[s].noise_floor for s in self.summaries])
        return Emulator(u, self.y_of(records), seed=self.spec.seed, floors=floors)

    def history_match(
        self, resume: bool = False
    ) -> tuple[Emulator, list[dict[str, Any]], list[dict[str, Any]], pd.DataFrame]:
        """The waves: each emulates what the runs so far show and runs where the records
        are not yet ruled out. Returns the final emulator, every run, the waves' log and the
        emulator's check on the last wave (fitted before it ran)."""
        spec = self.spec
        done, waves = self.open_store(resume)
        rng = np.random.default_rng([spec.seed, 7])
        z, disc = self.z()
        d = len(self.priors)
        records: list[dict[str, Any]] = []
        emulator: Emulator | None = None
        held = pd.DataFrame()
        for w in range(spec.waves):
            if w < len(waves):
                u = np.array(waves[w]["u"])
                share = waves[w]["share"]
            elif w == 0:
                u, share = unit_design(d, spec.runs_per_wave, rng), 1.0
            else:
                assert emulator is not None
                u, share = next_wave(emulator, z, disc, spec.cutoff, spec.runs_per_wave, rng)
                if len(u) == 0:
                    self.say(
                        f"wave {w + 1}/{spec.waves}: every parameter value is ruled out "
                        f"(cut-off {spec.cutoff:g}); stopping the waves: see the emulator "
                        "check and the summaries the model cannot match"
                    )
                    break
            if w >= len(waves):
                waves.append({"u": u.tolist(), "share": share})
                self.save_waves(waves)
            where = "the whole prior" if w == 0 else f"{share:.1%} of the prior not ruled out"
            self.say(f"wave {w + 1}/{spec.waves}: {len(u)} runs in {where}")
            new = self.run_points(w, u, done)
            if emulator is not None:
                err = emulator.held_out(np.array([r["u"] for r in new]), self.y_of(new))
                held = pd.DataFrame(err, columns=self.summaries)
            records += new
            emulator = self.fit(records)
            left = float(
                (
                    emulator.implausibility(
                        unit_design(d, 4096, np.random.default_rng(w)), z, disc
                    ).max(axis=1)
                    <= spec.cutoff
                ).mean()
            )
            self.say(
                f"  emulators refitted on {len(records)} runs: {left:.1%} of the prior "
                f"within the cut-off {spec.cutoff:g}"
            )
        assert emulator is not None
        return emulator, records, waves, held

    def calibrate(self, county: County, resume: bool = False) -> Result:
        """History matching, the posterior and its predictive check (the runs on one
        executor, shut down at the end)."""
        try:
            return self._calibrate(county, resume)
        finally:
            self.executor.close()

    def _calibrate(self, county: County, resume: bool) -> Result:
        t0 = time.perf_counter()
        spec = self.spec
        if self.direct is None:
            self.estimate_directly(county)
        emulator, records, waves, held = self.history_match(resume)
        z, disc = self.z()
        rng = np.random.default_rng([spec.seed, 11])
        post: Posterior = posterior_sample(emulator, z, disc, spec.samples, rng)
        self.say(
            f"posterior: {spec.samples} draws, effective sample size {post.ess:,.0f} after "
            f"{post.rounds} proposal round(s)"
        )
        posterior = pd.DataFrame([self.theta(u) for u in post.draws])
        posterior.index.name = "draw"
        medians = {k: float(np.median(posterior[k])) for k in self.priors}
        medians = {k: (int(round(v)) if is_int_key(k) else round(v, 6)) for k, v in medians.items()}
        result = Result(
            spec=spec,
            priors=self.priors,
            summaries=self.summaries,
            observed={s: self.records.observed.summaries[s] for s in self.summaries},
            runs=runs_frame(records, self),
            posterior=posterior,
            posterior_u=post.draws,
            ess=post.ess,
            waves=[{"runs": len(w["u"]), "share": w["share"]} for w in waves],
            held_out=held,
            settings={**self.settings, **medians},
        )
        if spec.checks:
            self.say(f"posterior predictive check: {spec.checks} runs at posterior draws")
            wave = len(waves)  # seeds of their own, after the waves'
            result.checks = [
                r["observed"] for r in self.run_points(wave, post.draws[: spec.checks], self._done)
            ]
        result.wall_s = time.perf_counter() - t0
        return result

    @property
    def _done(self) -> dict[tuple[int, int], dict]:
        done, _ = read_jsonl(self.out / RUNS)
        return {(r["wave"], r["point"]): r for r in done}


def runs_frame(records: list[dict[str, Any]], cal: Calibration) -> pd.DataFrame:
    """Every wave's runs: wave, point, seed, the parameters and the summaries."""
    rows = []
    for r in records:
        row: dict[str, Any] = {"wave": r["wave"] + 1, "point": r["point"], "seed": r["seed"]}
        row.update(cal.theta(np.array(r["u"])))
        row.update({s: r["observed"]["summaries"].get(s, math.nan) for s in cal.summaries})
        rows.append(row)
    return pd.DataFrame(rows)
