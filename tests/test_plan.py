"""`rpsim plan`: the planner finds enumerated optima, returns only non-dominated feasible
designs, resumes after a kill, gives the same plan on every executor, and rejects impossible
plans with one line each. Tiny counties and short runs keep it quick."""

from __future__ import annotations

import itertools
import json
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
from simulation.model import RuralPolicingModel
from simulation.plan.run import evaluate, nondominated, run_plan
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


TINY_PLAN = {
    "name": "tiny",
    "seed": 5,
    "budget_cny": 1_300_000,
    "decisions": {"officers": [3, 6], "auxiliaries": [0, 12]},
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
