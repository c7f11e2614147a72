"""Hostile-input harness (issue 14): every case of tests/hostile_cases.py through the real
`rpsim` command in a subprocess, classified as

    clear      the expected outcome: exit 2 with a short message and nothing written (bad
               input), or exit 0 (valid input), and nothing written outside the case's folder
    traceback  a Python traceback on stderr
    hang       still running at the timeout (killed with its process group)
    wrote      a bad input that wrote or removed files, or anything written outside `--out`
    accepted   a bad input that exited 0
    failed     any other exit (e.g. exit 1 on valid input)

    .venv/bin/python benchmarks/hostile_inputs.py                     # this checkout
    .venv/bin/python benchmarks/hostile_inputs.py --src /tmp/base     # another checkout's code

Each command runs with a 3 GB address-space limit (an alias bomb must not take the machine)
and a timeout (default 60 s). Prints one line per case and the counts.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile_cases import CASES, Case  # noqa: E402

MEMORY_LIMIT = 3 * 2**30


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _snapshot(root: Path) -> dict[str, tuple[int, float]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:  # folders: made or removed (a probe that leaves none is no write)
            out[str((Path(dirpath) / name).relative_to(root))] = (0, 0.0)
        for name in filenames:
            p = Path(dirpath) / name
            try:
                st = p.lstat()
            except OSError:
                continue
            out[str(p.relative_to(root))] = (st.st_size, st.st_mtime)
    return out


def _rpsim(args: list[str], cwd: Path, env: dict, timeout: float) -> tuple[int | None, str, float]:
    t = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulation.cli", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
        preexec_fn=_limit,
    )
    try:
        _, err = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        code = None
    return code, err, time.perf_counter() - t


def run_case(case: Case, src: Path, timeout: float) -> tuple[str, str, float]:
    """(class, first stderr line, seconds) of one case."""
    env = dict(os.environ, PYTHONPATH=str(src), PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory(prefix=f"hostile-{case.name}-") as tmp:
        root = Path(tmp)
        work = root / "a" / "b" / "work"  # ../../ from results/<name> lands in root
        work.mkdir(parents=True)
        for folder in case.folders:
            (work / folder).mkdir(parents=True, exist_ok=True)
        warmup = "warmup_days" in (src / "simulation" / "scenario.py").read_text()
        for rel, content in case.files.items():
            p = work / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str) and not warmup:  # a checkout from before the warm-up
                content = content.replace("warmup_days: 0\n", "")
            p.write_bytes(content if isinstance(content, bytes) else content.encode())
        for pre in case.pre:
            _rpsim(list(pre), work, env, timeout)
        before = _snapshot(root)
        code, err, wall = _rpsim(list(case.argv), work, env, timeout)
        after = _snapshot(root)
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        outside = {k for k in changed if not k.startswith("a/b/work")}
        lost = [k for k in case.keep if not (work / k).exists()]
        lines = [ln for ln in err.splitlines() if ln.strip() and "it/s]" not in ln]
        first = lines[-1] if "Traceback" in err else (lines[0] if lines else "")
        if code is None:
            kind = "hang"
        elif "Traceback (most recent call last)" in err:
            kind = "traceback"
        elif outside or lost:
            kind = "wrote"
        elif case.expect == "error":
            kind = (
                "clear"
                if code == 2 and not changed and 0 < len(lines) <= 5
                else "accepted"
                if code == 0
                else "wrote"
                if changed
                else "failed"
            )
        elif case.expect == "ok":
            kind = "clear" if code == 0 else "failed"
        else:  # contained
            kind = "clear" if code in (0, 2) else "failed"
        return kind, first[:160], wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", default=str(ROOT), help="checkout whose `simulation` package runs")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument("--only", help="run the cases whose name contains this")
    args = ap.parse_args()
    cases = [c for c in CASES if not args.only or args.only in c.name]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda c: run_case(c, Path(args.src), args.timeout), cases))
    counts: Counter[str] = Counter()
    by_item: dict[int, Counter[str]] = {}
    for case, (kind, line, wall) in zip(cases, results, strict=True):
        counts[kind] += 1
        by_item.setdefault(case.item, Counter())[kind] += 1
        print(f"{kind:9s} {wall:5.1f}s item {case.item:2d} {case.name:40s} {line}")
    print(f"\n{len(cases)} cases in {time.perf_counter() - t0:.0f} s (src {args.src}):")
    kinds = ("clear", "traceback", "hang", "wrote", "accepted", "failed")
    print("  " + ", ".join(f"{k} {counts[k]}" for k in kinds))
    for item in sorted(by_item):
        print(
            f"  item {item:2d}: " + ", ".join(f"{k} {v}" for k, v in sorted(by_item[item].items()))
        )


if __name__ == "__main__":
    main()
