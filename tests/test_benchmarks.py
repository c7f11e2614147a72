"""The benchmark scripts run end to end (tiny sizes; their timings are not checked here)."""

from __future__ import annotations

import itertools
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from simulation import Scenario

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"


def script(name: str, *args: str, monkeypatch, capsys) -> tuple[int, str]:
    """Run benchmarks/<name> as `python benchmarks/<name> args` in this process: its exit
    code and what it printed."""
    monkeypatch.setattr(sys, "argv", [str(BENCH / name), *args])
    capsys.readouterr()
    code = 0
    try:
        runpy.run_path(str(BENCH / name), run_name="__main__")
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().out


def test_county_year_and_scaling_print_their_figures(monkeypatch, capsys):
    _, out = script("county_year.py", "--days", "2", "--residents", "20000",
                    monkeypatch=monkeypatch, capsys=capsys)  # fmt: skip
    assert "villagers=20000 villages=15 " in out
    assert "county-year: wall_s=" in out and "cpu_s=" in out
    _, out = script("scaling.py", "--sizes", "5000", "--days", "2",
                    monkeypatch=monkeypatch, capsys=capsys)  # fmt: skip
    assert out.splitlines()[1].split()[0] == "5000"


@pytest.mark.slow  # two more county-year processes; a thin wrapper of county_year.py
def test_before_after_prints_both_sides(monkeypatch, capsys):
    _, out = script("before_after.py", str(ROOT), "--pairs", "1", "--days", "1",
                    monkeypatch=monkeypatch, capsys=capsys)  # fmt: skip
    assert "before cpu_s   min" in out and "after  cpu_s   min" in out


def test_throughput_reports_every_workload(monkeypatch, capsys):
    _, out = script("throughput.py", "--runs", "1", "--days", "1", "--warmup-days", "0",
                    monkeypatch=monkeypatch, capsys=capsys)  # fmt: skip
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["planner", "sweep_budget", "sweep_sobol"]
    assert all("county_years_per_core_minute=" in line for line in lines)


def test_subsystems_prints_every_variant(monkeypatch, capsys):
    _, out = script("subsystems.py", "--rounds", "1", "--days", "2", "--residents", "20000",
                    monkeypatch=monkeypatch, capsys=capsys)  # fmt: skip
    rows = [line.split() for line in out.splitlines()[1:6]]
    assert [r[0] for r in rows] == [
        "full", "no_routine", "no_shifts", "no_daily_pass", "no_incidents"
    ]  # fmt: skip
    assert out.splitlines()[-1].startswith("left with every switch off: ")
    _, out = script("subsystems.py", "--rounds", "1", "--days", "1", "--residents", "20000",
                    "--alone", monkeypatch=monkeypatch, capsys=capsys)  # fmt: skip
    assert len(out.splitlines()) == 6 and "left with" not in out


def test_switched_off_alone_or_in_turn():
    bench = runpy.run_path(str(BENCH / "subsystems.py"))
    switched = bench["switched_off"]
    assert switched("full") == switched("full", alone=True) == frozenset()
    assert switched("no_daily_pass") == {"routine", "shifts", "daily_pass"}
    assert switched("no_daily_pass", alone=True) == {"daily_pass"}


def test_switched_off_parts_really_are_off():
    """Each switch stops what it names (a 2-day run of a small county): routine trips, anyone
    going off duty, the daily drift of trust, incidents."""
    bench = runpy.run_path(str(BENCH / "subsystems.py"))
    scaled, switched, made = bench["scaled"], bench["switched_off"], bench["Switched"]
    scenario = Scenario.model_validate({**scaled(20_000), "days": 2})
    initial_trust = made(scenario, 1, frozenset()).villagers.trust.copy()
    models = {v: made(scenario, 1, switched(v)).run() for v in bench["VARIANTS"]}

    def km(model):
        return sum(o.km_by(model.now) for o in model.officers)

    def on_duty(model):
        return [on for _t, _busy, on in model.hourly_busy]

    def trust_moved(model):
        return float(np.mean(model.villagers.trust != initial_trust))

    assert km(models["no_routine"]) < 0.5 * km(models["full"])  # only jobs' trips are left
    shifts, no_shifts = on_duty(models["no_routine"]), on_duty(models["no_shifts"])
    assert any(b < a for a, b in itertools.pairwise(shifts))  # shifts end
    assert all(b >= a for a, b in itertools.pairwise(no_shifts))  # nobody goes off duty
    assert no_shifts[-1] == len(models["no_shifts"].officers)
    # In two days the daily pass moves the trust of those who met police (5.5 % of residents
    # at seed 1); without it only a victim's or caller's household could move (none did).
    assert trust_moved(models["no_shifts"]) > 0.02
    assert trust_moved(models["no_daily_pass"]) < 0.005
    assert len(models["no_daily_pass"].incidents) > 0 and not models["no_incidents"].incidents


def test_snapshot_finds_identical_and_different_runs(tmp_path, monkeypatch, capsys):
    kw = {"monkeypatch": monkeypatch, "capsys": capsys}
    for folder, days in (("a", "2"), ("b", "2"), ("c", "3")):
        script("snapshot.py", "save", str(tmp_path / folder), "--days", days,
               "--only", "hill_clinic_s7", **kw)  # fmt: skip
    code, out = script("snapshot.py", "compare", str(tmp_path / "a"), str(tmp_path / "b"), **kw)
    assert code == 0 and "1 of 1 runs identical" in out
    code, out = script("snapshot.py", "compare", str(tmp_path / "a"), str(tmp_path / "c"), **kw)
    assert code == 1 and "DIFFERS" in out  # a longer run of the same case is not the same


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_province_sweep_runs_on_a_local_cluster(tmp_path):
    """The sweep runs through `rpsim sweep --cluster` and the workers' memory is sampled
    (identity with a serial run: tests/test_sweep.py)."""
    sweep = {
        "name": "tiny_province",
        "base": str(ROOT / "scenarios" / "regions" / "hill.yaml"),
        "seed": 1,
        "days": 1,
        "set": ["region.villages=10", "region.population=5000", "policing.officers=6"],
        "vary": {"region.type": ["plain", "mountain"], "policing.preset": ["clinic", "hybrid"]},
    }
    file = tmp_path / "tiny.yaml"
    file.write_text(yaml.safe_dump(sweep))
    out = subprocess.run(
        [sys.executable, str(BENCH / "province_sweep.py"), "--file", str(file), "--cluster",
         "local:1", "--out", str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert "4 runs of 1 days" in out.stdout
    assert "worker " in out.stdout  # the worker's memory was sampled


def test_calibrate_prints_stages_and_the_truth(tmp_path, monkeypatch, capsys):
    from datetime import date

    from simulation.calibrate.synthetic import write_example

    (tmp_path / "tiny.yaml").write_text(
        "region: {type: plain, villages: 6, population: 6000, townships: 1}\n"
        "warmup_days: 0\npolicing: {preset: clinic, officers: 3}\n"
    )
    truth = {"calls.rate_per_1000": 30.0, "disputes.rate_per_1000": 20.0}
    write_example(tmp_path / "tiny.yaml", tmp_path / "records", date(2025, 3, 1),
                  date(2025, 4, 1), seed=3, truth=truth)  # fmt: skip
    (tmp_path / "calibrate.yaml").write_text(
        "base: tiny.yaml\nrecords: {calls: records/calls.csv, start: 2025-03-01, "
        "end: 2025-04-01}\nparameters: [calls.rate_per_1000, disputes.rate_per_1000]\n"
        "discrepancy: 0\nsamples: 50\n"
    )
    code, out = script("calibrate.py", "--file", str(tmp_path / "calibrate.yaml"),
                       "--waves", "1", "--runs-per-wave", "8", "--checks", "0",
                       "--workers", "1", "--out", str(tmp_path / "out"),
                       monkeypatch=monkeypatch, capsys=capsys)  # fmt: skip
    assert code == 0
    assert "wave 1/1: 8 runs" in out and "wall_s=" in out and "runs=8 " in out
    assert "true values inside their 90% posterior interval:" in out
    assert (tmp_path / "out" / "posterior.parquet").is_file()
