"""Sweeps: same numbers serially, on a process pool and on Dask; nothing lost; resumable."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from simulation.cli import main
from simulation.errors import ScenarioError
from simulation.sweep import load_sweep, run_sweep

ROOT = Path(__file__).resolve().parents[1]
HILL = ROOT / "scenarios" / "hill" / "hybrid.yaml"


def sweep_file(tmp_path: Path, body: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"name: t\nbase: {HILL}\nseed: 5\n{body}")
    return path


GRID = (
    "replicates: 2\ndays: 8\nvary:\n  policing.officers: [6, 12]\n  policing.auxiliaries: [0, 20]\n"
)


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serial")
    out = run_sweep(load_sweep(sweep_file(tmp, GRID)), tmp / "out", workers=1)
    return pd.read_parquet(out / "results.parquet")


def test_grid_is_tidy(serial):
    assert len(serial) == 8
    assert list(serial.columns[:4]) == ["run", "point", "replicate", "seed"]
    assert set(serial["policing.officers"]) == {6, 12}
    assert set(serial["policing.auxiliaries"]) == {0, 20}
    assert (serial["auxiliaries"] == serial["policing.auxiliaries"]).all()
    seeds = serial.groupby("point")["seed"].apply(tuple)
    assert seeds.nunique() == 1, "every point uses the same replicate seeds"


def test_pool_and_dask_give_identical_numbers(serial, tmp_path):
    pool = run_sweep(load_sweep(sweep_file(tmp_path, GRID)), tmp_path / "pool", workers=2)
    pd.testing.assert_frame_equal(serial, pd.read_parquet(pool / "results.parquet"))
    dask = run_sweep(load_sweep(sweep_file(tmp_path, GRID)), tmp_path / "dask", cluster="local:2")
    pd.testing.assert_frame_equal(serial, pd.read_parquet(dask / "results.parquet"))


def test_failed_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    path = sweep_file(
        tmp_path,
        "replicates: 1\ndays: 3\nvary:\n  calls.village_rates_per_day: [null, {NOWHERE: 1}]\n",
    )
    code = main(["sweep", str(path), "--workers", "1", "--out", str(tmp_path / "o"), "-q"])
    assert code == 1
    errors = pd.read_parquet(tmp_path / "o" / "errors.parquet")
    results = pd.read_parquet(tmp_path / "o" / "results.parquet")
    assert len(results) == 1 and len(errors) == 1
    assert "NOWHERE" in errors["error"].iloc[0]


def test_kill_and_resume_equals_uninterrupted(serial, tmp_path):
    path = sweep_file(tmp_path, GRID.replace("days: 8", "days: 30"))
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulation.cli",
            "sweep",
            str(path),
            "--workers",
            "1",
            "--out",
            str(out),
            "-q",
        ],
        cwd=ROOT,
    )
    status = out / "status.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline:
        if status.exists() and len(status.read_text().splitlines()) >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kept = len(status.read_text().splitlines())
    assert 3 <= kept < 8, f"the kill should land mid-sweep ({kept} runs done)"
    assert not (out / "results.parquet").exists()
    code = main(["sweep", str(path), "--workers", "1", "--out", str(out), "--resume", "-q"])
    assert code == 0
    log = [json.loads(x) for x in status.read_text().splitlines()]
    assert len(log) == 8, "resume ran only the missing runs"
    full = run_sweep(load_sweep(path), tmp_path / "full", workers=1)
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "results.parquet"), pd.read_parquet(full / "results.parquet")
    )


def test_sobol_design_gives_indices_with_intervals(tmp_path):
    path = sweep_file(
        tmp_path,
        "replicates: 1\ndays: 6\nsample:\n  method: sobol\n  n: 8\n"
        "  bounds:\n    policing.officers: [4, 16]\n"
        "    crime.guardian_effect: [0.2, 1.2]\n",
    )
    sweep = load_sweep(path)
    assert len(sweep.design) == 8 * (2 + 2)
    assert sweep.design["policing.officers"].dtype.kind == "i"
    out = run_sweep(sweep, tmp_path / "o", workers=2)
    sens = pd.read_parquet(out / "sensitivity.parquet")
    rt = sens[(sens["metric"] == "response_mean_min") & (sens["index"] == "ST")]
    assert set(rt["parameter"]) == {"policing.officers", "crime.guardian_effect"}
    assert rt["conf"].notna().all()
    st = rt.set_index("parameter")["value"]
    assert st["policing.officers"] > st["crime.guardian_effect"], (
        "officers should matter more than deterrence for response time"
    )


def test_bad_sweep_files(tmp_path):
    with pytest.raises(ScenarioError, match=r"vary\.policing\.offcers"):
        load_sweep(sweep_file(tmp_path, "vary:\n  policing.offcers: [1, 2]\n"))
    with pytest.raises(ScenarioError, match="exactly one"):
        load_sweep(sweep_file(tmp_path, "replicates: 1\n"))
    with pytest.raises(ScenarioError, match=r"policing\.officers"):
        load_sweep(sweep_file(tmp_path, "vary:\n  policing.officers: [5, -1]\n"))
    with pytest.raises(ScenarioError, match="lower"):
        load_sweep(
            sweep_file(
                tmp_path,
                "sample:\n  method: lhs\n  n: 4\n  bounds:\n    crime.guardian_effect: [1, 0.5]\n",
            )
        )


def test_existing_folder_needs_resume(tmp_path):
    path = sweep_file(tmp_path, "replicates: 1\ndays: 2\nvary:\n  policing.officers: [5]\n")
    assert main(["sweep", str(path), "-w", "1", "--out", str(tmp_path / "o"), "-q"]) == 0
    assert main(["sweep", str(path), "-w", "1", "--out", str(tmp_path / "o"), "-q"]) == 2


def test_a_torn_status_line_is_cut_off_before_the_next_record(tmp_path):
    from simulation.sweep import SweepStore

    store = SweepStore(tmp_path)
    whole = '{"run": "p0-r0", "status": "error", "error": "x"}\n'
    store.status_path.write_text(whole + '{"run": "p1-r0", "sta')  # killed mid-write
    assert list(store.finished()) == ["p0-r0"]
    store.record({"run": "p1-r0", "status": "error", "error": "y"})
    assert list(SweepStore(tmp_path).finished()) == ["p0-r0", "p1-r0"]
    assert store.status_path.read_text().count("\n") == 2
