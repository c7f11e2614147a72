"""`rpsim plan`: the planner finds enumerated optima, returns only non-dominated feasible
designs, resumes after a kill, gives the same plan on every executor, and rejects impossible
plans with one line each. Tiny counties and short runs keep it quick."""

from __future__ import annotations

import itertools
import json
import math
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from simulation.cli import main
from simulation.config_files import load_scenario
from simulation.metric_registry import natural_range
from simulation.model import RuralPolicingModel
from simulation.plan import run as plan_run
from simulation.plan.run import Log, evaluate, nondominated, run_plan
from simulation.plan.screen import _correction, _erlang_c, hypercube
from simulation.runner import replicate_seeds

ROOT = Path(__file__).resolve().parents[1]

# Calls-for-service county of 6 villages: where to post 2 officers (21 placements).
QUEUE_COUNTY = {
    "name": "six",
    "mode": "calls_for_service",
    "days": 30,
    "warmup_days": 0,  # the planner's mechanics, not the model's dynamics, are tested here
    "seed": 4,
    "region": {"type": "hill", "villages": 6, "population": 6000, "townships": 1, "seed": 2},
    "policing": {
        "preset": "clinic",
        "officers": 2,
        "posts": {"V000": 2},
        "shifts": [{"start_hour": 0, "hours": 24, "share": 1.0}],
    },
    "calls": {"rate_per_1000": 150},
}
# A full-model county of 12 villages: officers and auxiliaries under a budget.
SPLIT_COUNTY = {
    "name": "twelve",
    "days": 20,
    "warmup_days": 0,
    "seed": 4,
    "region": {"type": "hill", "villages": 10, "population": 8000, "townships": 1, "seed": 3},
    "policing": {"preset": "auxiliary_network", "officers": 4, "auxiliaries": 6},
}


def write_plan(folder: Path, county: dict, plan: dict) -> Path:
    (folder / "county.yaml").write_text(yaml.safe_dump(county))
    path = folder / "plan.yaml"
    path.write_text(yaml.safe_dump({"base": "county.yaml", **plan}))
    return path


POSTS_PLAN = {
    "name": "posts",
    "seed": 1,
    "budget_cny": 1_000_000,
    "decisions": {"posts": "search"},
    "objectives": ["response_mean_min", "response_worst5_villages_min"],
    "search": {"evaluations": 12, "population": 6, "final_replicates": 2, "final_max": 3},
}


def test_placement_of_officers_finds_the_enumerated_optimum(tmp_path):
    """21 placements of 2 officers on 6 villages, enumerated with the planner's seed: the
    planner, simulating only 12 of them, returns the placement with the shortest mean response
    (an optimum of one objective is always Pareto-optimal)."""
    path = write_plan(tmp_path, QUEUE_COUNTY, POSTS_PLAN)
    result = run_plan(path, tmp_path / "out")
    base = load_scenario(tmp_path / "county.yaml")
    seed = replicate_seeds(1, 1)[0]
    names = [f"V{i:03d}" for i in range(6)]
    scores = {}
    for a, b in itertools.combinations_with_replacement(names, 2):
        posts = {a: 2} if a == b else {a: 1, b: 1}
        s = base.model_copy(update={"policing": base.policing.model_copy(update={"posts": posts})})
        scores[" ".join(f"{k}:{v}" for k, v in sorted(posts.items()))] = evaluate(s, seed)[
            "response_mean_min"
        ]
    best = min(scores, key=scores.get)
    table = result.table
    assert table["simulated"].sum() <= 12 + 1  # the search's designs and today's
    pareto = table[table["pareto"]]
    assert best in set(pareto["posts"]), (
        best,
        scores[best],
        pareto[["posts", "response_mean_min"]],
    )


SPLIT_PLAN = {
    "name": "split",
    "seed": 2,
    "budget_cny": 1_250_000,
    "decisions": {"officers": [3, 6], "auxiliaries": [0, 8], "auxiliary_placement": "population"},
    # one station: the enumeration below covers 3-6 officers (the floor is tested on its own)
    "constraints": {"min_officers_per_station": None},
    "objectives": ["first_presence_mean_min", "visibility"],
    # As many evaluations as designs: the search must still find the feasible ones.
    "search": {"evaluations": 36, "population": 10, "final_replicates": 2, "final_max": 3},
}


@pytest.fixture(scope="module")
def split_plan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("split")
    path = write_plan(folder, SPLIT_COUNTY, SPLIT_PLAN)
    return path, run_plan(path, folder / "out")


def test_officers_auxiliaries_split_matches_enumeration(split_plan):
    """Every officers x auxiliaries split (4 x 9) run with the planner's seed: the feasible
    designs' Pareto set (realised cost within the budget) is the planner's."""
    path, result = split_plan
    base = load_scenario(path.parent / "county.yaml")
    seed = replicate_seeds(2, 1)[0]
    rows = []
    for officers, aux in itertools.product(range(3, 7), range(9)):
        p = base.policing.model_copy(update={"officers": officers, "auxiliaries": aux})
        s = evaluate(base.model_copy(update={"policing": p}), seed)
        if s["cost_total_cny"] <= SPLIT_PLAN["budget_cny"]:
            rows.append((officers, aux, s["first_presence_mean_min"], -s["visibility"]))
    enum = pd.DataFrame(rows, columns=["officers", "auxiliaries", "presence", "visibility"])
    front = enum[nondominated(enum[["presence", "visibility"]].to_numpy())]
    expected = {(int(r.officers), int(r.auxiliaries)) for r in front.itertuples()}
    table = result.table
    got = {(int(r.officers), int(r.auxiliaries)) for r in table[table["pareto"]].itertuples()}
    assert got == expected


def test_returned_designs_are_feasible_and_not_dominated(split_plan):
    _, result = split_plan
    t = result.table
    sim = t[t["feasible"] & (t["design"] != "today")]
    objs = ["first_presence_mean_min", "visibility"]
    sign = np.array([1.0, -1.0])  # visibility: higher is better
    for r in t[t["pareto"]].itertuples():
        assert r.feasible and r.cost_total_cny <= SPLIT_PLAN["budget_cny"]
        assert r.violations == ""
        v = np.array([getattr(r, o) for o in objs]) * sign
        others = sim[objs].to_numpy() * sign
        assert not ((others <= v).all(axis=1) & (others < v).any(axis=1)).any()
    # The re-run set: today and the Pareto designs, with intervals from 2 seeds.
    fin = t[t["final"]]
    assert fin["final_visibility_low"].notna().all()
    out = result.out
    for r in fin[fin["design"] != "today"].itertuples():
        scenario = load_scenario(out / "designs" / f"{r.design}.yaml")  # ready to run
        assert scenario.policing.officers == r.officers
        assert (out / "maps" / f"{r.design}.png").stat().st_size > 10_000
    assert (out / "frontier.png").stat().st_size > 10_000
    assert main(["report", str(out)]) == 0
    assert "Deployment plan" in (out / "report.html").read_text()


def test_intervals_stay_in_each_metrics_range(split_plan):
    """Two final seeds give t intervals 12.7 standard errors wide: the table's intervals are
    clipped to what each metric can take (visibility a share in 0-1, minutes and costs not
    negative)."""
    t = split_plan[1].table
    clipped = 0
    for col in [c for c in t.columns if c.endswith("_low")]:
        metric = col.removeprefix("final_").removesuffix("_low")
        lo, hi = natural_range(metric)
        low, high = t[col].dropna(), t[col.removesuffix("_low") + "_high"].dropna()
        assert (low >= lo).all() and (high <= hi).all(), (col, low.min(), high.max())
        clipped += int((low == lo).sum() + (high == hi).sum())
    # The clipping is exercised: some raw interval of this plan leaves its metric's range.
    assert clipped > 0


def test_resume_refuses_evaluations_made_by_other_code(split_plan, tmp_path, capsys):
    """A plan folder records the fingerprints of the code and of the base scenario behind each
    evaluation; --resume with other code (here: a tampered fingerprint) or an edited base
    county stops with one line and touches nothing."""
    path, result = split_plan
    shutil.copy(path, tmp_path / "plan.yaml")
    shutil.copy(path.parent / "county.yaml", tmp_path / "county.yaml")
    path, out = tmp_path / "plan.yaml", tmp_path / "out"
    shutil.copytree(result.out, out)
    log = out / "evaluations.jsonl"
    text = log.read_text()
    same = Log(log, base=plan_run.scenario_fingerprint(load_scenario(tmp_path / "county.yaml")))
    same.load()  # this code made it from this county: every evaluation is reusable
    assert len(same.done) == len(text.splitlines())
    rows = [json.loads(line) for line in text.splitlines()]
    rows[3]["code"] = "0" * 16  # one evaluation made by other code
    log.write_text("".join(json.dumps(r) + "\n" for r in rows))

    def resume(needle: str) -> None:
        before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
        code = main(["plan", str(path), "--out", str(out), "-q", "--resume"])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2
        assert len(err) == 1 and needle in err[0] and "new --out" in err[0], err
        assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before

    resume("made by other code")
    log.write_text(text)  # this code again, but the county has changed since
    county = dict(SPLIT_COUNTY, days=SPLIT_COUNTY["days"] + 1)
    (tmp_path / "county.yaml").write_text(yaml.safe_dump(county))
    resume("made from another base scenario")


def test_a_worker_running_other_code_is_refused(tmp_path, capsys, monkeypatch):
    """Each run reports the fingerprint of the code where it ran (a Dask worker may hold
    another install); one that differs from the plan's stops the plan with one line."""
    monkeypatch.setattr(plan_run, "code_fingerprint", lambda: "f" * 16)
    path = write_plan(tmp_path, QUEUE_COUNTY, POSTS_PLAN)
    code = main(["plan", str(path), "--out", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "a worker runs other code" in err[0], err
    assert not (tmp_path / "out" / "evaluations.jsonl").exists()  # nothing recorded


TINY_PLAN = {
    "name": "tiny",
    "seed": 5,
    "budget_cny": 1_300_000,
    "decisions": {"officers": [3, 6], "auxiliaries": [0, 12]},
    "constraints": {"min_officers_per_station": None},  # one station below the Hubei rule
    "objectives": ["true_crime_per_1000", "response_mean_remote_third_min"],
    "search": {"evaluations": 6, "population": 4, "final_replicates": 2, "final_max": 2},
}


def _stable(table: pd.DataFrame) -> pd.DataFrame:
    return table.reset_index(drop=True)


def test_same_seed_same_plan_on_every_executor(tmp_path):
    path = write_plan(tmp_path, SPLIT_COUNTY, TINY_PLAN)
    serial = run_plan(path, tmp_path / "serial").table
    pool = run_plan(path, tmp_path / "pool", workers=2).table
    pd.testing.assert_frame_equal(_stable(serial), _stable(pool))
    dask = run_plan(path, tmp_path / "dask", cluster="local:2").table
    pd.testing.assert_frame_equal(_stable(serial), _stable(dask))


def test_a_killed_plan_resumes_to_the_same_result(tmp_path):
    path = write_plan(tmp_path, SPLIT_COUNTY, TINY_PLAN)
    whole = run_plan(path, tmp_path / "whole").table
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulation.cli", "plan", str(path), "--out", str(out), "-q"],
        cwd=ROOT,
    )
    log = out / "evaluations.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and (not log.exists() or len(log.read_text().splitlines()) < 4):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = len(log.read_text().splitlines())
    assert 4 <= before < 6 + 1 + 6  # killed part-way: search and final runs not all done
    assert main(["plan", str(path), "--out", str(out), "-q"]) == 2  # exists: needs --resume
    assert main(["plan", str(path), "--out", str(out), "-q", "--resume"]) == 0
    rows = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    keys = [(r["key"], r["seed"]) for r in rows]
    assert len(keys) == len(set(keys))  # nothing that had finished ran again
    resumed = pd.read_parquet(out / "pareto.parquet")
    pd.testing.assert_frame_equal(_stable(whole), _stable(resumed))


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"budget_cny": 100_000}, "below the cheapest feasible design"),
        ({"objectives": ["true_crime_rate", "response_mean_min"]}, "unknown objective metric"),
        (
            {"constraints": {"min_night_officers_per_station": 3}},
            "min_night_officers_per_station",
        ),
        (
            {
                "constraints": {"min_station_share": 0.9},
                "decisions": {
                    "officers": [3, 6],
                    "presets": ["village_officer"],
                    "resident_officers": [2, 4],
                },
            },
            "at the stations",
        ),
        ({"decisions": {"presets": ["district_officer"], "police_rooms": [1, 2]}}, "Hubei rule"),
    ],
)
def test_impossible_plans_are_one_line(tmp_path, capsys, change, needle):
    county = dict(
        SPLIT_COUNTY,
        region={**SPLIT_COUNTY["region"], "villages": 4},
        policing={**SPLIT_COUNTY["policing"], "auxiliaries": 3},
    )
    plan = {**TINY_PLAN, **change}
    path = write_plan(tmp_path, county, plan)
    code = main(["plan", str(path), "--out", str(tmp_path / "o"), "-q"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and needle in err[0], err
    assert "plan.yaml" in err[0]


def test_deployment_fields_place_people_where_named():
    cfg = {
        "days": 5,
        "region": {"type": "hill", "villages": 20, "population": 15000, "townships": 2},
        "policing": {
            "preset": "hybrid",
            "officers": 10,
            "station_officers": {"V000": 6, "V001": 4},
            "auxiliary_villages": ["V005", "V007"],
            "resident": {"villages": ["V003", "V010"]},
        },
    }
    m = RuralPolicingModel(cfg)
    names = m.region.names
    assert sorted(names[v] for v in m.auxiliary_by_village) == ["V005", "V007"]
    per_station = pd.Series([names[o.station] for o in m.officers]).value_counts()
    assert per_station.to_dict() == {"V000": 6, "V001": 4}
    residents = [o for o in m.officers if o.villages]
    assert len(residents) == 2
    covered = sorted(v for o in residents for v in o.villages)
    township = m.region.township[m.region.index["V003"]]
    assert covered == sorted(np.flatnonzero(m.region.township == township).tolist())
    cfg["policing"] = {
        "preset": "district_officer",
        "officers": 10,
        "district": {"rooms": ["V003", "V010"], "officers": 1},
    }
    m = RuralPolicingModel(cfg)
    assert sorted(names[r] for r in m.deployment.rooms) == ["V003", "V010"]


# --- Larson's hypercube approximation -------------------------------------------------------
def _larson_q(n: int, rho: float, j: int) -> float:
    """Larson & Odoni (1981) eq. (5.48), term by term with factorials: Q(N, rho, j) =
    sum_{k=j}^{N-1} (N-j-1)! (N-k) N^k rho^(k-j) / ((k-j)! N! (1-rho)) P_0, with P_0 the
    M/M/N empty-system probability [sum_{k<N} (N rho)^k / k! + (N rho)^N / (N! (1-rho))]^-1."""
    f = math.factorial
    a = n * rho
    p0 = 1 / (sum(a**k / f(k) for k in range(n)) + a**n / (f(n) * (1 - rho)))
    return sum(
        f(n - j - 1) * (n - k) * n**k * rho ** (k - j) / (f(k - j) * f(n) * (1 - rho)) * p0
        for k in range(j, n)
    )


@pytest.mark.parametrize("n", [1, 2, 3, 5, 12])
@pytest.mark.parametrize("rho", [0.05, 0.4, 0.9])
def test_correction_factor_is_larsons(n, rho):
    q = _correction(n, n * rho)
    assert q == pytest.approx([_larson_q(n, rho, j) for j in range(n)], rel=1e-9)
    assert q[0] == pytest.approx(1.0)  # a free first choice: no correction
    # The dispatch probabilities Q(j) rho^j (1 - rho) of the 1st..Nth choice add up to the
    # chance that some unit is free, 1 - P_Q (Erlang C): an identity (5.48) must satisfy.
    chosen = (q * rho ** np.arange(n) * (1 - rho)).sum()
    assert chosen == pytest.approx(1 - _erlang_c(n, n * rho), rel=1e-9)


def test_correction_factor_limits():
    # One unit: M/M/1, P{F_1} = 1 - rho exactly, so Q = 1 at any load.
    assert _correction(1, 0.7) == pytest.approx([1.0])
    # Light load: Q(N, rho, 1) -> 1, but Q(N, rho, j) -> N^j (N-j)! / N! for j >= 2 (the j
    # busy units are the only calls in the system), not 1.
    q = _correction(6, 6 * 1e-6)
    assert q[1] == pytest.approx(1.0, rel=1e-4)
    assert q[2:] == pytest.approx(
        [6**j * math.factorial(6 - j) / math.factorial(6) for j in range(2, 6)], rel=1e-4
    )
    # Many units at moderate load: busy units are nearly independent, Q(N, rho, j) -> 1.
    assert _correction(400, 400 * 0.5)[:5] == pytest.approx(1.0, abs=0.02)


def test_hypercube_with_one_unit_is_mm1():
    """One unit and one village: the response is the drive plus the M/M/1 mean wait,
    rho / (mu - lambda), with a call's busy time the on-scene time plus the round trip."""
    travel = np.array([[0.0, 10.0], [10.0, 0.0]])
    calls = np.array([0.0, 0.01])  # per minute, all from village 1; the unit is at village 0
    h = hypercube(travel, np.array([0]), calls, service_min=30.0, extra_min=2.0)
    service = 30.0 + 2 * 10.0
    rho = 0.01 * service
    assert h.workload == pytest.approx([rho])
    assert h.all_busy == pytest.approx(rho)
    assert h.response_by_village[1] == pytest.approx(10.0 + rho / (1 / service - 0.01) + 2.0)


def test_screen_posts_auxiliaries_beyond_the_stations_reach():
    """Maximal covering: the stations already cover the villages within `cover_min`, so the
    screen's auxiliaries go first to villages no station reaches in time (not to the township
    seats), and only spare ones to covered villages."""
    from simulation.plan.design import DesignSpace
    from simulation.plan.spec import load_plan
    from simulation.region import build_region
    from simulation.streams import region_rng

    spec, base = load_plan(ROOT / "scenarios" / "plans" / "mouding.yaml")
    region = build_region(base.region, region_rng(base.region, base.seed))
    space = DesignSpace(spec, base, region)
    covered = (region.travel[:, region.stations] <= spec.search.cover_min).any(axis=1)
    uncovered = int((~covered).sum())
    assert 0 < uncovered < region.n
    for k in (5, uncovered):
        sites = list(space.auxiliary_sites(k))
        assert len(sites) == k and not covered[sites].any()
    sites = list(space.auxiliary_sites(uncovered + 3))
    assert int(covered[sites].sum()) == 3


def test_a_torn_last_line_is_cut_off_and_its_run_runs_again(tmp_path, capsys):
    """A kill mid-write leaves half a record; resuming cuts it off, says so, runs that run
    again, and every line of the log is whole JSON afterwards (the next record used to be
    appended onto the broken line)."""
    path = write_plan(tmp_path, SPLIT_COUNTY, TINY_PLAN)
    out = tmp_path / "o"
    whole = run_plan(path, out).table
    log = out / "evaluations.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    log.write_text("".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])
    capsys.readouterr()
    assert main(["plan", str(path), "--out", str(out), "-q", "--resume"]) == 0
    assert "torn line" in capsys.readouterr().err
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(rows) == len(lines)  # the torn run ran again, once
    pd.testing.assert_frame_equal(_stable(whole), _stable(pd.read_parquet(out / "pareto.parquet")))


def test_a_second_writer_is_refused(tmp_path, capsys):
    """Two `--resume` runs into one folder used to both run everything; the second is now
    refused at once (exit 2) while the first holds the folder's lock."""
    from simulation.store import folder_lock

    path = write_plan(tmp_path, SPLIT_COUNTY, TINY_PLAN)
    out = tmp_path / "o"
    run_plan(path, out)
    before = (out / "evaluations.jsonl").read_text()
    capsys.readouterr()
    with folder_lock(out):  # another rpsim writing into the folder
        code = main(["plan", str(path), "--out", str(out), "-q", "--resume"])
    err = capsys.readouterr().err
    assert code == 2 and "another rpsim is writing into this folder" in err, err
    assert (out / "evaluations.jsonl").read_text() == before
    assert main(["plan", str(path), "--out", str(out), "-q", "--resume"]) == 0  # lock released


# --- staffing floors ------------------------------------------------------------------------
TWO_STATIONS = dict(
    SPLIT_COUNTY,
    region={**SPLIT_COUNTY["region"], "villages": 12, "townships": 2},
    policing={"preset": "clinic", "officers": 10},
)


def test_the_planner_keeps_every_station_at_its_minimum(tmp_path):
    """Default constraint: the Hubei rule's 5 officers per rural station. A design of 8
    officers for 2 stations is infeasible (not simulated); 10 or more are staffed 5+ each."""
    from simulation.plan.run import prepare_plan

    plan = {**TINY_PLAN, "budget_cny": 5_000_000, "decisions": {"officers": [8, 14]}}
    plan.pop("constraints")
    path = write_plan(tmp_path, TWO_STATIONS, plan)
    _spec, _base, space = prepare_plan(path)
    assert space.realise({"officers": 8}).violations == {"min_officers_per_station": 2.0}
    for n in (10, 13):
        design = space.realise({"officers": n})
        assert not design.violations, design.violations
        model = RuralPolicingModel(design.scenario, seed=0)
        per_station = np.bincount([o.station for o in model.officers])
        assert per_station[model.region.stations].min() >= 5


def test_a_plan_that_cannot_meet_the_station_minimum_is_one_line(tmp_path, capsys):
    plan = {**TINY_PLAN, "decisions": {"officers": [3, 8]}}
    plan.pop("constraints")
    path = write_plan(tmp_path, TWO_STATIONS, plan)
    code = main(["plan", str(path), "--out", str(tmp_path / "o"), "-q"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "min_officers_per_station" in err[0] and "Hubei" in err[0], err


def test_a_robust_plan_recommends_only_what_beats_today_across_worlds(tmp_path):
    """With an `uncertainty:` block the final designs and today re-run in 4 parameter worlds:
    robust.parquet holds each design's mean and 10th-worst objectives and its probability of
    beating today; a design is recommended only at or above the threshold (here 1.0: only a
    design that beats today in every world), and plan.md says so either way."""
    plan = dict(
        TINY_PLAN,
        uncertainty={
            "worlds": 4,
            "parameters": ["crime.guardian_effect", "trust.contact_gain"],
            "threshold": 1.0,
        },
    )
    path = write_plan(tmp_path, SPLIT_COUNTY, plan)
    out = tmp_path / "out"
    assert main(["plan", str(path), "--out", str(out), "-q"]) == 0
    robust = pd.read_parquet(out / "robust.parquet")
    assert "today" in set(robust["design"]) and len(robust) >= 2
    assert (robust["worlds"] == 4).all()
    others = robust[robust["design"] != "today"]
    assert others["p_beats_today"].between(0, 1).all()
    assert (others.loc[others["recommended"], "p_beats_today"] >= 1.0).all()
    assert robust["recommended"].sum() <= 1
    for o in plan["objectives"]:
        name = o if isinstance(o, str) else o["metric"]
        assert robust[f"{name}_worst10"].notna().all()
    text = (out / "plan.md").read_text()
    assert "Across 4 parameter worlds" in text
    assert ("Recommended:" in text) == bool(robust["recommended"].any())
    # the worlds' runs are recorded where a resumed plan finds them
    assert (out / "worlds" / "status.jsonl").exists()
