"""The rpsim command as a user meets it: files, errors, results on disk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from simulation.cli import main
from simulation.config_files import load_scenario
from simulation.policing import PRESETS

ROOT = Path(__file__).resolve().parents[1]
BUILT_IN = {
    "clinic",
    "patrol",
    "village_officer",
    "district_officer",
    "auxiliary_network",
    "hybrid",
}
SCENARIOS = ROOT / "scenarios"


def rpsim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulation.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=300,
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_every_shipped_file_validates():
    result = rpsim("validate", str(SCENARIOS))
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


def test_region_templates_name_their_region_and_preset():
    """Every shipped template runs a registered preset on its folder's region type, and the
    six built-in presets ship on every region type (a new preset may ship templates too)."""
    for region in ("plain", "hill", "mountain", "periurban"):
        files = sorted((SCENARIOS / region).glob("*.yaml"))
        names = {f.stem for f in files}
        assert names >= BUILT_IN, f"{region}: missing templates {BUILT_IN - names}"
        for f in files:
            s = load_scenario(f)
            assert s.policing.preset == f.stem and f.stem in PRESETS
            assert s.region.type == region


def test_extends_deep_merges(tmp_path):
    write(
        tmp_path / "base.yaml",
        "region:\n  villages: 20\n  population: 9000\npolicing:\n  officers: 7\n  preset: patrol\n",
    )
    write(tmp_path / "child.yaml", "extends: base.yaml\npolicing:\n  officers: 9\n")
    s = load_scenario(tmp_path / "child.yaml", ["region.villages=25"])
    assert s.policing.officers == 9 and s.policing.preset == "patrol"
    assert s.region.population == 9000 and s.region.villages == 25


@pytest.mark.parametrize(
    "text,line,needles",
    [
        ("policing:\n  offcers: 4\n", 2, ["policing.offcers", "did you mean 'officers'"]),
        ("policing:\n  officers: many\n", 2, ["policing.officers", "integer", "many"]),
        ("days: 30\nreporting:\n  delay_sigma: -1\n", 3, ["reporting.delay_sigma", "-1"]),
        ("policing:\n  preset: robocop\n", 2, ["policing.preset", "robocop", "clinic"]),
        ("days: 30\npolicing:\n  officers: 4\n   preset: clinic\n", 4, ["YAML syntax error"]),
        ("policing:\n  officers: [1,\n", 3, ["YAML syntax error"]),
    ],
)
def test_bad_file_one_clear_line_per_problem(tmp_path, text, line, needles):
    bad = write(tmp_path / "bad.yaml", text)
    out = tmp_path / "out"
    result = rpsim("run", str(bad), "--out", str(out), "--quiet")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, result.stderr
    assert f"{bad}:{line}:" in lines[0], lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert not out.exists(), "a bad file must leave no results"


def test_missing_file(tmp_path):
    result = rpsim("run", str(tmp_path / "nope.yaml"), "--quiet")
    assert result.returncode == 2 and "file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_several_problems_are_all_listed(tmp_path):
    bad = write(tmp_path / "bad.yaml", "policing:\n  officers: -2\n  offcers: 3\ndays: 0\n")
    result = rpsim("validate", str(bad))
    assert result.returncode == 2
    assert result.stderr.count("FAIL") == 3


def test_run_writes_complete_results(tmp_path):
    out = tmp_path / "r"
    code = main(
        [
            "run",
            str(SCENARIOS / "hill" / "hybrid.yaml"),
            "--days",
            "20",
            "--replicates",
            "2",
            "--seed",
            "4",
            "--out",
            str(out),
            "--quiet",
            "--set",
            "policing.officers=8",
        ]
    )
    assert code == 0
    for name in ("incidents", "daily", "villages", "officers", "summary", "aggregate"):
        assert (out / f"{name}.parquet").is_file(), name
    summary = pd.read_parquet(out / "summary.parquet")
    assert len(summary) == 2 and set(summary["replicate"]) == {0, 1}
    assert (summary["officers"] == 8).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["mesa_version"].startswith("3.")
    assert len(manifest["replicate_seeds"]) == 2
    resolved = load_scenario(out / "scenarios" / "hill_hybrid.yaml")
    assert resolved.days == 20 and resolved.policing.officers == 8
    assert "mean trust" in (out / "summary.md").read_text()
    assert not list(tmp_path.glob(".*partial*")), "no temporary folders left behind"


def test_compare_uses_common_seeds_and_reports_differences(tmp_path):
    cmp = write(
        tmp_path / "cmp.yaml",
        f"baseline: a\nreplicates: 2\nseed: 3\ndays: 15\nscenarios:\n"
        f"  a: {SCENARIOS / 'hill' / 'clinic.yaml'}\n"
        f"  b: {SCENARIOS / 'hill' / 'auxiliary_network.yaml'}\n",
    )
    out = tmp_path / "c"
    result = rpsim("compare", str(cmp), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Difference against baseline 'a'" in result.stdout
    summary = pd.read_parquet(out / "summary.parquet")
    seeds = summary.groupby("scenario")["seed"].apply(list)
    assert seeds["a"] == seeds["b"], "common random numbers: same replicate seeds"
    diffs = pd.read_parquet(out / "differences.parquet")
    assert "cost_per_incident_prevented_cny" in set(diffs["metric"])


def test_compare_unknown_baseline(tmp_path):
    cmp = write(tmp_path / "cmp.yaml", "baseline: zz\nscenarios:\n  a: x.yaml\n")
    result = rpsim("compare", str(cmp))
    assert result.returncode == 2 and "baseline" in result.stderr


def test_info_prints_resolved_scenario_and_size():
    result = rpsim("info", str(SCENARIOS / "mouding.yaml"))
    assert result.returncode == 0, result.stderr
    assert "officers: 166" in result.stdout
    assert "89 villages" in result.stdout and "211,000" in result.stdout


def test_killed_run_leaves_no_complete_looking_results(tmp_path):
    """SIGKILL mid-run: the target folder must not exist (only a hidden partial one)."""
    import signal
    import time

    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulation.cli",
            "run",
            str(SCENARIOS / "mouding.yaml"),
            "--out",
            str(out),
            "--quiet",
        ],
        cwd=ROOT,
    )
    time.sleep(3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not out.exists()


def test_info_describes_the_county_a_run_builds(tmp_path, capsys):
    """With region.seed null the county comes from the run seed's region stream."""
    import numpy as np

    from simulation import RuralPolicingModel
    from simulation.region import build_region
    from simulation.streams import region_rng

    path = write(
        tmp_path / "s.yaml",
        "seed: 9\nregion: {type: hill, villages: 12, population: 4000, townships: 2, seed: null}\n",
    )
    scenario = load_scenario(path)
    assert main(["info", str(path)]) == 0
    printed = capsys.readouterr().out
    run = RuralPolicingModel(scenario).region
    info = build_region(scenario.region, region_rng(scenario.region, scenario.seed))
    np.testing.assert_array_equal(info.population, run.population)
    np.testing.assert_allclose(info.remoteness, run.remoteness)
    r = run.remoteness
    assert f"remoteness {r.min():.0f}-{r.max():.0f} min (mean {r.mean():.0f})" in printed
    assert "region.seed is null" in printed


def test_preset_column_is_the_preset_that_ran(tmp_path):
    """Calls-for-service mode runs every preset as clinic: run, compare and sweep say so."""
    from simulation.runner import run_many
    from simulation.scenario import Scenario
    from simulation.sweep import run_point

    county = {"type": "plain", "villages": 8, "population": 5000, "townships": 1}
    queue = {"mode": "calls_for_service", "days": 10, "region": county}
    results = run_many(
        {
            "queue": Scenario(policing={"preset": "patrol"}, **queue),
            "full": Scenario(policing={"preset": "patrol"}, days=10, region=county),
        },
        1,
        0,
    )
    presets = results.summary.set_index("scenario")["preset"]
    assert presets["queue"] == "clinic" and presets["full"] == "patrol"
    for name, table in results.tables.items():
        expected = table["scenario"].map({"queue": "clinic", "full": "patrol"})
        assert (table["preset"] == expected).all(), name
    seed = results.seeds[0]
    assert run_point({"policing": {"preset": "patrol"}, **queue}, seed)["preset"] == "clinic"
