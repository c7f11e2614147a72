"""`rpsim calibrate` end to end on a tiny synthetic county: the command, what it writes, the
calibrated scenario and posterior as the rest of rpsim uses them, resume after a kill, the
same posterior serially, on a pool and on Dask, and clear errors for bad calibration files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from simulation.calibrate.outputs import run_calibration
from simulation.calibrate.spec import load_calibration
from simulation.calibrate.synthetic import write_example
from simulation.cli import main
from simulation.config_files import load_comparison, load_scenario
from simulation.errors import ScenarioError
from simulation.ranges import uncertain_parameters
from simulation.uncertainty.worlds import make_worlds

TINY = {
    "name": "tiny",
    "region": {"type": "plain", "villages": 8, "population": 8000, "townships": 2},
    "warmup_days": 0,
    "policing": {"preset": "clinic", "officers": 4},
}
PARAMETERS = ["calls.rate_per_1000", "calls.scene_share", "disputes.rate_per_1000"]
TRUTH = {"calls.rate_per_1000": 30.0, "calls.scene_share": 0.3, "disputes.rate_per_1000": 20.0}


def calibration_file(folder: Path, **extra) -> Path:
    spec = {
        "name": "tiny",
        "base": "tiny.yaml",
        "seed": 5,
        "records": {
            "calls": "records/calls.csv",
            "panel": "records/panel.csv",
            "start": "2025-01-01",
            "end": "2025-03-01",
        },
        "parameters": PARAMETERS,
        "discrepancy": 0.0,
        "waves": 2,
        "runs_per_wave": 16,
        "samples": 50,
        "checks": 3,
        **extra,
    }
    path = folder / "calibrate.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    """A tiny county's synthetic records (two months), made once for the module."""
    folder = tmp_path_factory.mktemp("county")
    (folder / "tiny.yaml").write_text(yaml.safe_dump(TINY), encoding="utf-8")
    write_example(
        folder / "tiny.yaml",
        folder / "records",
        pd.Timestamp("2025-01-01").date(),
        pd.Timestamp("2025-03-01").date(),
        seed=11,
        truth=TRUTH,
    )
    return folder


@pytest.fixture(scope="module")
def calibrated(county) -> tuple[Path, dict]:
    """The tiny county calibrated once through the command line (two waves); with the
    priors it used."""
    out = county / "out"
    assert main(["calibrate", str(calibration_file(county)), "--out", str(out), "-q"]) == 0
    spec, scenario, _ = load_calibration(calibration_file(county))
    return out, {k: uncertain_parameters(scenario)[k] for k in spec.parameters}


def test_synthetic_records_are_labelled_and_hold_the_defects(county):
    calls = pd.read_csv(county / "records" / "calls.csv", encoding="utf-8-sig", dtype=str)
    assert calls["警情编号"].str.startswith("SYN-").all()
    assert "SYNTHETIC" in (county / "records" / "README.md").read_text(encoding="utf-8")
    truth = yaml.safe_load((county / "records" / "truth.yaml").read_text(encoding="utf-8"))
    assert truth["synthetic"] is True and truth["values"]["calls.rate_per_1000"] == 30.0
    assert (calls["村名"] == "新华村").sum() == 2  # the unknown village added on purpose


def test_calibrate_writes_everything(calibrated, county):
    out, priors = calibrated
    for name in (
        "calibration.md",
        "data_report.md",
        "data_report.csv",
        "direct.md",
        "runs.parquet",
        "posterior.parquet",
        "prior_posterior.parquet",
        "predictive.parquet",
        "calibrated.yaml",
        "manifest.json",
        "figures/prior_posterior.png",
        "figures/predictive_villages.png",
        "figures/predictive_hourly.png",
        "figures/predictive_response.png",
        "figures/predictive_monthly.png",
    ):
        assert (out / name).is_file(), name
    report = pd.read_csv(out / "data_report.csv", encoding="utf-8-sig")
    reasons = " ".join(report["reason"])
    for reason in ("duplicate of row", "unknown village", "bad received time", "arrival before"):
        assert reason in reasons
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 32 and set(runs["wave"]) == {1, 2}
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert list(posterior.columns) == ["draw", *PARAMETERS] and len(posterior) == 50
    table = pd.read_parquet(out / "prior_posterior.parquet")
    # Every posterior draw lies within its prior's support.
    for key, p in priors.items():
        assert posterior[key].between(p.low, p.high).all()
    assert (table["shrinkage"] <= 1).all()
    text = (out / "calibration.md").read_text(encoding="utf-8")
    assert "Posterior predictive check" in text
    assert "| parameter | true |" in text  # the synthetic records' truth.yaml is read


def test_calibrated_scenario_runs_and_holds_the_estimates(calibrated):
    out, _ = calibrated
    posterior = pd.read_parquet(out / "posterior.parquet")
    scenario = load_scenario(out / "calibrated.yaml")
    assert scenario.days == 59  # 2025-01-01 to 2025-03-01
    assert scenario.season.spring_festival_day == 29  # 2025-01-29, day 29
    for key in PARAMETERS:
        section, _, name = key.partition(".")
        value = getattr(getattr(scenario, section), name)
        assert value == pytest.approx(float(np.median(posterior[key])), rel=1e-4)
    assert scenario.calls.hour_profile is None or len(scenario.calls.hour_profile) == 24


def test_posterior_feeds_a_comparison_across_worlds(calibrated, county):
    out, _ = calibrated
    (county / "clinic.yaml").write_text(yaml.safe_dump({**TINY, "days": 30}), encoding="utf-8")
    compare = county / "compare.yaml"
    compare.write_text(
        yaml.safe_dump(
            {
                "baseline": "clinic",
                "scenarios": {"clinic": "clinic.yaml"},
                "uncertainty": {
                    "worlds": 8,
                    "parameters": ["crime.guardian_effect"],
                    "posterior": str(Path("out") / "posterior.parquet"),
                },
            }
        ),
        encoding="utf-8",
    )
    spec, scenarios = load_comparison(compare)
    assert spec.uncertainty is not None
    worlds = make_worlds("c", scenarios, "clinic", spec.uncertainty, 1, 0)
    posterior = pd.read_parquet(out / "posterior.parquet")
    for key in PARAMETERS:  # world w takes draw w-1, in order
        assert np.allclose(worlds.design[key].to_numpy(), posterior[key].to_numpy()[:8])
    assert "crime.guardian_effect" in worlds.design  # the rest still vary over their ranges
    world_3 = worlds.scenario(3, "clinic")
    assert world_3["calls"]["rate_per_1000"] == pytest.approx(posterior[PARAMETERS[0]][2])


def test_a_bad_posterior_is_a_clear_error(calibrated, county, tmp_path):
    out, _ = calibrated
    (county / "clinic.yaml").write_text(yaml.safe_dump({**TINY, "days": 30}), encoding="utf-8")
    bad = pd.DataFrame({"draw": [0, 1], "calls.rate_pr_1000": [30.0, 31.0]})
    bad.to_parquet(tmp_path / "bad.parquet")
    cases = {
        "missing.parquet": "file not found",
        str(tmp_path / "bad.parquet"): "did you mean 'calls.rate_per_1000'",
        str(out / "posterior.parquet"): "the posterior has 50 draws",
    }
    for path, reason in cases.items():
        compare = county / "bad_compare.yaml"
        compare.write_text(
            yaml.safe_dump(
                {
                    "baseline": "clinic",
                    "scenarios": {"clinic": "clinic.yaml"},
                    "uncertainty": {"worlds": 64, "posterior": path},
                }
            ),
            encoding="utf-8",
        )
        with pytest.raises(ScenarioError, match=reason):
            load_comparison(compare)


def test_killed_on_a_pool_and_resumed_on_dask_ends_as_the_serial_run(calibrated, county, tmp_path):
    """A calibration killed mid-wave on a process pool and resumed on a Dask cluster reruns
    nothing finished and ends exactly where the module's serial, uninterrupted one ends: the
    runs are assembled in (wave, point) order and the emulators fitted in the main process,
    so where a run ran does not matter."""
    serial, _ = calibrated
    path = calibration_file(county)

    class KillError(Exception):
        pass

    def killer(line: str) -> None:
        if "8/16 runs" in line and "wave 2" in state["wave"]:
            raise KillError
        if line.startswith("wave"):
            state["wave"] = line

    state = {"wave": ""}
    with pytest.raises(KillError):
        run_calibration(path, tmp_path / "cut", workers=2, say=killer)
    finished = (tmp_path / "cut" / "runs.jsonl").read_text().splitlines()
    assert 16 < len(finished) < 32  # wave 1 whole, wave 2 in part
    lines: list[str] = []
    run_calibration(path, tmp_path / "cut", resume=True, cluster="local:2", say=lines.append)
    assert len((tmp_path / "cut" / "runs.jsonl").read_text().splitlines()) == 32 + 3
    assert any(f"{32 - len(finished)}/{32 - len(finished)} runs" in x for x in lines)
    for table in ("posterior", "runs", "predictive"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(serial / f"{table}.parquet"),
            pd.read_parquet(tmp_path / "cut" / f"{table}.parquet"),
        )


def test_resume_refuses_other_settings(calibrated, county):
    out, _ = calibrated
    before = (out / "runs.jsonl").read_bytes()
    other = calibration_file(county, seed=6)
    with pytest.raises(FileExistsError, match="other settings"):
        run_calibration(other, out, resume=True, say=lambda _: None)
    assert (out / "runs.jsonl").read_bytes() == before  # nothing touched
    calibration_file(county)  # the module's file back as it was


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"parameters": ["calls.rate_per_100"]}, "did you mean 'calls.rate_per_1000'"),
        ({"parameters": ["region.villages"]}, "not an uncertain parameter"),
        ({"summaries": ["dispute_call"]}, "did you mean 'dispute_calls'"),
        (
            {"records": {"calls": "nope.csv", "start": "2025-01-01", "end": "2025-03-01"}},
            "file not found",
        ),
        (
            {"records": {"calls": "records/calls.csv", "start": "2025-01-01", "end": "2025-01-05"}},
            "under 4 weeks",
        ),
        ({"ranges": {"calls.scene_share": {"low": 0.5, "high": 2}}}, "outside the parameter"),
        ({"base": "missing.yaml"}, "file not found"),
        ({"waves": 0}, "greater than or equal to 1"),
    ],
)
def test_bad_calibration_files_are_clear_errors(county, change, reason, capsys):
    path = calibration_file(county, **change)
    with pytest.raises(ScenarioError, match=reason):
        load_calibration(path)
    assert main(["calibrate", str(path), "--out", str(county / "never")]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err and reason.split("'")[0] in err


def test_records_that_cannot_be_read_are_one_line(county, tmp_path, capsys):
    shutil.copy(county / "tiny.yaml", tmp_path / "tiny.yaml")
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "calls.csv").write_bytes(b"")
    path = calibration_file(tmp_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["records"].pop("panel")
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["calibrate", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "calls.csv" in err and "no rows" in err and "Traceback" not in err


def test_validate_knows_a_calibration_file(county, capsys):
    assert main(["validate", str(calibration_file(county))]) == 0
    assert "(calibration)" in capsys.readouterr().out
    bad = calibration_file(county, parameters=["calls.rate_per_100"])
    assert main(["validate", str(bad)]) == 2


def test_settings_note_is_json(calibrated):
    out, _ = calibrated
    note = json.loads((out / "calibration.json").read_text())
    assert note["spec"]["seed"] == 5 and set(note["observed"]) >= {"service_calls"}


def test_a_plan_reads_the_posterior_beside_its_file(calibrated, county):
    """A plan's `uncertainty: {posterior: ...}` is found relative to the plan file, and its
    checks are the comparison's (`rpsim plan` draws its worlds with the same code)."""
    from simulation.plan.run import prepare_plan
    from simulation.plan.spec import load_plan

    (county / "plan_base.yaml").write_text(yaml.safe_dump({**TINY, "days": 30}), encoding="utf-8")
    plan = {
        "name": "p",
        "base": "plan_base.yaml",
        "seed": 1,
        "budget_cny": 1_000_000,
        "decisions": {"officers": [3, 5]},
        "constraints": {"min_officers_per_station": 1},
        "objectives": ["response_mean_min", "true_crime_per_1000"],
        "uncertainty": {"worlds": 8, "posterior": "out/posterior.parquet"},
    }
    path = county / "plan.yaml"
    path.write_text(yaml.safe_dump(plan), encoding="utf-8")
    spec, _ = load_plan(path)
    assert spec.uncertainty is not None
    assert Path(spec.uncertainty.posterior or "") == county / "out" / "posterior.parquet"
    prepare_plan(path)  # every check `rpsim plan` makes, the posterior's included
    plan["uncertainty"]["worlds"] = 500
    path.write_text(yaml.safe_dump(plan), encoding="utf-8")
    with pytest.raises(ScenarioError, match="the posterior has 50 draws"):
        prepare_plan(path)


def test_a_failed_simulation_is_said_and_resume_finishes(county, tmp_path, monkeypatch, capsys):
    """A run that fails is one line (exit 1), the others are kept, and --resume reruns only
    the failed one."""
    import simulation.calibrate.run as run_module

    real = run_module.simulate
    calls = {"n": 0}

    def flaky(scenario, seed, start):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ValueError("a simulated crash")
        return real(scenario, seed, start)

    path = calibration_file(county, waves=1, runs_per_wave=8, checks=0)
    monkeypatch.setattr(run_module, "simulate", flaky)
    assert main(["calibrate", str(path), "--out", str(tmp_path / "c"), "-q"]) == 1
    err = capsys.readouterr().err
    assert "1 simulation(s) failed" in err and "a simulated crash" in err
    assert "Traceback" not in err
    assert len((tmp_path / "c" / "runs.jsonl").read_text().splitlines()) == 7
    monkeypatch.setattr(run_module, "simulate", real)
    assert main(["calibrate", str(path), "--out", str(tmp_path / "c"), "--resume", "-q"]) == 0
    assert len((tmp_path / "c" / "runs.jsonl").read_text().splitlines()) == 8
    calibration_file(county)  # the module's file back as it was
