"""Hardening (issue 14): results folders, names, write failures, kills, orphans, resume, the
API's checks. The bad-input cases themselves are in tests/test_hostile.py."""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulation import RuralPolicingModel, Scenario, ScenarioError
from simulation.cli import main
from simulation.runner import run_once
from tests.hostile_cases import SMALL, small

ROOT = Path(__file__).resolve().parents[1]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_an_earlier_results_folder_is_replaced_and_said(tmp_path, capsys):
    s = write(tmp_path / "s.yaml", SMALL)
    out = tmp_path / "res"
    assert main(["run", str(s), "-q", "--out", str(out)]) == 0
    first = json.loads((out / "manifest.json").read_text())["created"]
    (out / "stale.txt").write_text("from the first run")
    capsys.readouterr()
    assert main(["run", str(s), "-q", "--out", str(out), "--days", "1"]) == 0
    assert "replacing the earlier rpsim results" in capsys.readouterr().err
    assert not (out / "stale.txt").exists() and (out / "manifest.json").exists()
    assert json.loads((out / "manifest.json").read_text())["created"] >= first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no hidden leftovers"


def test_an_empty_folder_may_be_the_out(tmp_path):
    s = write(tmp_path / "s.yaml", SMALL)
    (tmp_path / "empty").mkdir()
    assert main(["run", str(s), "-q", "--out", str(tmp_path / "empty")]) == 0
    assert (tmp_path / "empty" / "manifest.json").exists()


def test_names_with_slashes_become_file_names_and_stay_in_the_report(tmp_path):
    write(tmp_path / "s.yaml", SMALL)
    cmp = write(
        tmp_path / "cmp.yaml",
        "baseline: a/b\nscenarios: {a/b: s.yaml, ../../../x: s.yaml}\nreplicates: 1\n",
    )
    out = tmp_path / "res"
    assert main(["compare", str(cmp), "-q", "--out", str(out)]) == 0
    files = sorted(p.name for p in (out / "scenarios").iterdir())
    assert files == ["a_b.yaml", "x.yaml"], files
    assert (out / "scenarios" / "x.yaml").read_text().startswith("# scenario: ../../../x")
    assert main(["report", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert "a_b" in html and "scenario: ../../../x" in html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cmp.yaml", "res", "s.yaml"]


def test_a_write_failure_is_one_line_and_leaves_nothing(tmp_path, capsys, monkeypatch):
    import simulation.store as store

    def full(df, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(store, "write_parquet", full)
    s = write(tmp_path / "s.yaml", SMALL)
    assert main(["run", str(s), "-q", "--out", str(tmp_path / "res")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left on device" in err[0], err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_results_follow_the_umask(tmp_path):
    s = write(tmp_path / "s.yaml", SMALL)
    old = os.umask(0o022)
    try:
        assert main(["run", str(s), "-q", "--out", str(tmp_path / "res")]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "res").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "res" / "summary.parquet").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "res" / "manifest.json").stat().st_mode & 0o777 == 0o644


KILLED_WRITER = """
import sys, time
import simulation.store as store
from simulation.cli import main
slow = store.write_parquet
def write_parquet(df, path):
    slow(df, path)
    print("writing", flush=True)
    time.sleep(60)
store.write_parquet = write_parquet
main(["run", sys.argv[1], "-q", "--out", sys.argv[2]])
"""


def test_a_run_killed_while_writing_leaves_nothing_visible_after_the_next(tmp_path):
    """SIGKILL in the middle of writing: no results folder appears, and the hidden partial
    folder it leaves is removed by the next run into the same place."""
    s = write(tmp_path / "s.yaml", SMALL)
    out = tmp_path / "res"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(s), str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "writing"
    proc.kill()
    proc.wait(timeout=30)
    assert not out.exists()
    partial = [p.name for p in tmp_path.iterdir() if ".partial-" in p.name]
    assert partial, "the kill happened while the hidden partial folder was being written"
    assert main(["run", str(s), "-q", "--out", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res", "s.yaml"]


def _children(pid: int) -> set[int]:
    kids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.add(int(stat.parent.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_killed_sweep_workers_do_not_outlive_the_sweep(tmp_path):
    base = write(tmp_path / "s.yaml", small(days=60))
    sweep = write(
        tmp_path / "sw.yaml",
        "base: s.yaml\nreplicates: 2\nvary:\n  policing.officers: [3, 4, 5, 6]\n",
    )
    assert base.exists()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulation.cli",
            "sweep",
            str(sweep),
            "-q",
            "--workers",
            "2",
            "--out",
            str(tmp_path / "o"),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:
        # the pool's spawn workers (children of the sweep)
        workers = {w for w in _children(proc.pid) if "spawn_main" in _cmdline(w)}
        time.sleep(0.2)
    if len(workers) < 2:
        proc.kill()
        pytest.fail("the sweep did not start its workers within 60 s")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 30  # the kernel kills them with their parent (seen: < 10 s)
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.2)
    alive = [w for w in workers if _alive(w)]
    for w in alive:  # do not leave them to the next test
        os.kill(w, signal.SIGKILL)
    assert not alive, "workers outlived a kill -9 of their sweep"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_resume_finishes_with_the_same_settings_and_refuses_others(tmp_path, capsys):
    write(tmp_path / "s.yaml", SMALL)
    sweep = write(
        tmp_path / "sw.yaml",
        "base: s.yaml\nreplicates: 1\ndays: 1\nvary:\n  policing.officers: [3, 4]\n",
    )
    out = tmp_path / "o"
    args = ["sweep", str(sweep), "-q", "--workers", "1", "--out", str(out)]
    assert main(args) == 0
    assert main([*args, "--resume"]) == 0, "the same settings resume (nothing left to run)"
    capsys.readouterr()
    assert main([*args, "--resume", "--days", "2"]) == 2
    assert "days 1.0 -> 2.0" in capsys.readouterr().err
    write(sweep, sweep.read_text().replace("[3, 4]", "[3, 5]"))
    assert main([*args, "--resume"]) == 2
    assert "vary" in capsys.readouterr().err


def test_resume_refuses_a_sweep_made_by_other_code(tmp_path, capsys):
    """A sweep folder records the fingerprint of the code that ran it; finished runs made by
    other code are not mixed with new ones (one line, exit 2, nothing touched)."""
    write(tmp_path / "s.yaml", SMALL)
    sweep = write(
        tmp_path / "sw.yaml",
        "base: s.yaml\nreplicates: 1\ndays: 1\nvary:\n  policing.officers: [3]\n",
    )
    out = tmp_path / "o"
    args = ["sweep", str(sweep), "-q", "--workers", "1", "--out", str(out)]
    assert main(args) == 0
    note = json.loads((out / "sweep.json").read_text())
    assert len(note["code"]) == 16
    note["code"] = "0" * 16
    (out / "sweep.json").write_text(json.dumps(note))
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    capsys.readouterr()
    assert main([*args, "--resume"]) == 2
    err = capsys.readouterr().err.strip()
    assert "was made by other code" in err and len(err.splitlines()) == 1
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_a_sweep_that_cannot_reach_its_cluster_leaves_no_folder(tmp_path, capsys):
    """A Dask cluster that cannot start: exit 2, and no folder that blocks the rerun."""
    write(tmp_path / "s.yaml", SMALL)
    sweep = write(tmp_path / "sw.yaml", "base: s.yaml\ndays: 1\nvary:\n  policing.officers: [3]\n")
    out = tmp_path / "o"
    code = main(["sweep", str(sweep), "-q", "--cluster", "remote:2", "--out", str(out)])
    assert code == 2 and not out.exists()
    import simulation.executor as executor

    def unreachable(*args, **kwargs):
        raise executor.ExecutorError("--scheduler tcp://x:1: cannot reach the Dask scheduler")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("simulation.sweep.run_jobs", unreachable)
        assert main(["sweep", str(sweep), "-q", "--out", str(out)]) == 2
    assert not out.exists(), "a failed start leaves no folder behind"
    assert main(["sweep", str(sweep), "-q", "--workers", "1", "--out", str(out)]) == 0


def test_the_page_refuses_a_taken_port(capsys):
    pytest.importorskip("solara")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["app", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and len(err.strip().splitlines()) == 1


def test_sigterm_stops_the_page_server(tmp_path):
    """`kill` of `rpsim app` stops its Solara server too (it used to keep listening)."""
    pytest.importorskip("solara")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulation.cli", "app", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not server:
            server = {c for c in _children(proc.pid) if "solara" in _cmdline(c)}
            time.sleep(0.2)
        assert server, "the app started its server"
        proc.terminate()
        assert proc.wait(timeout=30) == 0
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(c) for c in server):
            time.sleep(0.2)
        assert not any(_alive(c) for c in server), "the server outlived SIGTERM of rpsim app"
    finally:  # whatever happened, leave no server behind
        for c in server | _children(proc.pid):
            if _alive(c):
                os.kill(c, signal.SIGKILL)
        proc.kill()


def test_the_api_checks_what_files_check():
    """Nested assignment through the API, a negative seed, booleans and infinities."""
    s = Scenario(days=1)
    s.policing.shifts[0].share = 0.9  # validates the share alone, not the sum
    with pytest.raises(ScenarioError, match="sum to 1"):
        RuralPolicingModel(s)
    with pytest.raises(ScenarioError, match="seed"):
        RuralPolicingModel({"days": 1}, seed=-1)
    with pytest.raises(ScenarioError, match="not true"):
        RuralPolicingModel({"policing": {"officers": True}})
    with pytest.raises(ScenarioError, match="finite"):
        RuralPolicingModel({"costs": {"vehicle_per_year": float("inf")}})
    with pytest.raises(ScenarioError, match="at most 1e"):
        RuralPolicingModel({"trust": {"expected_response_min": 1e300}})


def test_progress_in_chunks_changes_nothing():
    """run_once's day callback (the day bar of long runs) runs the same simulation."""
    scenario = Scenario.model_validate(
        {
            "days": 25,
            "warmup_days": 0,
            "region": {"type": "plain", "villages": 8, "population": 8000},
        }
    )
    days: list[int] = []
    a = run_once(scenario, 5)["summary"]
    b = run_once(scenario, 5, on_day=days.append)["summary"]
    assert days == [10, 20]
    assert json.dumps(a, default=str) == json.dumps(b, default=str)


def test_circular_extends_names_the_line(tmp_path, capsys):
    write(tmp_path / "a.yaml", "# a comment\nextends: b.yaml\n")
    write(tmp_path / "b.yaml", "days: 3\nextends: a.yaml\n")
    assert main(["validate", str(tmp_path / "a.yaml")]) == 2
    err = capsys.readouterr().err
    assert "b.yaml:2: extends: circular extends: a.yaml -> b.yaml -> a.yaml" in err, err


def test_docs_state_the_bounds():
    """The bounds are in the schema, so the parameter reference states them."""
    text = (ROOT / "docs" / "parameters.md").read_text()
    assert "<= 36500" in text and "<= 2000" in text
    assert "at most 1e9" in text, "the general bound of numbers without their own"
