"""Same seed, same lock -> same numbers on any machine (README, Reproducibility).

A processor changes two things under the model: the BLAS kernel OpenBLAS picks for it (a
matrix or vector product is summed in another order) and the SIMD code numpy dispatches to
(exp, log and friends are other implementations). Either once gave other road lengths in the
last bit, and so other posts, other trajectories and a failing effect test on another
machine. Here the same runs are made in two processes, one as this machine runs them and one
as an older processor would (OpenBLAS's baseline x86-64 kernel, numpy without its AVX-512
code) and with another hash seed, and every output table must agree bit for bit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

RUNS = """
import hashlib, pickle, sys
from tests.helpers import small
from simulation import RuralPolicingModel
for preset in ("hybrid", "village_officer", "clinic"):
    # 60 days of the small mountain county: before the fix, seed 0 of hybrid already had
    # other road lengths and other village officers' posts under another BLAS kernel.
    model = RuralPolicingModel(small(preset, days=60), seed=0).run()
    tables = model.results()
    for name in sorted(tables):
        table = tables[name]
        data = table.to_csv(float_format="%.17g") if hasattr(table, "to_csv") else repr(table)
        print(preset, name, hashlib.sha256(data.encode()).hexdigest())
"""


def _older_cpu_env() -> dict[str, str]:
    """Environment that makes this process compute as an older x86-64 processor would:
    OpenBLAS's Prescott (SSE3) kernels, and numpy's dispatch targets above AVX2 switched off
    (only those this machine has: numpy refuses to disable what it does not know)."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    above_avx2 = [f for f in __cpu_dispatch__ if f != "X86_V3" and __cpu_features__.get(f)]
    env = {**os.environ, "OPENBLAS_CORETYPE": "Prescott", "PYTHONHASHSEED": "12345"}
    if above_avx2:
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(above_avx2)
    return env


def _hashes(env: dict[str, str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", RUNS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.splitlines()


def test_same_numbers_on_an_older_processor():
    here = _hashes({**os.environ, "PYTHONHASHSEED": "0"})
    older = _hashes(_older_cpu_env())
    assert len(here) >= 15  # 3 presets x (incidents, daily, villages, officers, roads, summary)
    differing = [a for a, b in zip(here, older, strict=True) if a != b]
    assert not differing, f"tables that differ on another processor: {differing}"


BLAS_PROBE = """
import numpy as np
xy = np.random.default_rng(1).uniform(0, 50, size=(2000, 2, 2))
print([float(np.linalg.norm(p[0] - p[1])).hex() for p in xy])
"""


def test_the_older_processor_is_really_another_one():
    """The emulation changes what BLAS computes (the norm of one vector is a BLAS dot), so the
    test above compares two different machines; on a machine whose own kernel rounds as the
    baseline one does, it cannot, and says so."""
    here = subprocess.run(
        [sys.executable, "-c", BLAS_PROBE], capture_output=True, text=True, check=True
    ).stdout
    older = subprocess.run(
        [sys.executable, "-c", BLAS_PROBE],
        env=_older_cpu_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if here == older:
        pytest.skip("this machine's BLAS rounds as the baseline kernel does: nothing to emulate")
    assert here != older


def test_results_record_their_environment_and_the_report_shows_it(tmp_path):
    """manifest.json says which lock and package versions made the numbers; `rpsim report`
    prints it under the title."""
    import hashlib
    import json

    out = tmp_path / "res"
    cli = [sys.executable, "-m", "simulation.cli"]
    run = subprocess.run(
        [*cli, "run", "--days", "3", "--set", "warmup_days=0", "--quiet", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    env = json.loads((out / "manifest.json").read_text())["environment"]
    import numpy

    assert env["packages"]["numpy"] == numpy.__version__
    assert set(env["packages"]) >= {"mesa", "numpy", "scipy", "networkx", "pandas"}
    assert env["python"] == ".".join(map(str, sys.version_info[:3]))
    lock = env["lock"]
    assert lock["sha256"] == hashlib.sha256((ROOT / "requirements.lock").read_bytes()).hexdigest()
    assert lock["matches"] == (lock["differences"] == {})
    report = subprocess.run(
        [*cli, "report", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert report.returncode == 0, report.stderr
    page = (out / "report.html").read_text()
    assert f"lock {lock['sha256'][:12]}" in page
    assert f"numpy {numpy.__version__}" in page


def test_a_package_off_the_lock_is_named(tmp_path, monkeypatch):
    """The lock check reads pins for this platform (markers evaluated) and names each
    installed package at another version or missing."""
    from simulation import store

    lock = tmp_path / "requirements.lock"
    lock.write_text(
        "# made by hand\n"
        "numpy==0.0.1 \\\n    --hash=sha256:00\n"
        "colorama==0.4.6 ; sys_platform == 'win32' \\\n    --hash=sha256:11\n"
        "not-a-real-package==1.0 \\\n    --hash=sha256:22\n"
    )
    pins = store.locked_versions(lock)
    assert "colorama" not in pins or sys.platform == "win32"
    assert pins["numpy"] == "0.0.1"
    monkeypatch.setattr(store, "LOCK", lock)
    store.environment.cache_clear()
    try:
        env = store.environment()
    finally:
        store.environment.cache_clear()
    import numpy

    assert not env["lock"]["matches"]
    assert env["lock"]["differences"]["numpy"] == {
        "installed": numpy.__version__,
        "locked": "0.0.1",
    }
    assert env["lock"]["differences"]["not-a-real-package"]["installed"] is None
    text = store.describe_environment(env)
    assert f"numpy {numpy.__version__} (locked 0.0.1)" in text
    assert "not-a-real-package missing (locked 1.0)" in text
