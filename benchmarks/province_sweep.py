"""Province sweep on Dask: throughput, memory per worker over the run, and identity with a
serial run of the same file.

    python benchmarks/province_sweep.py [--file scenarios/sweeps/province.yaml] [--days D]
        [--cluster local:N | --scheduler tcp://host:port] [--serial] [--out DIR]

Runs `rpsim sweep FILE --cluster local:N` (or `--scheduler`) as a subprocess, sampling the
resident memory (RSS) of every worker process once a second (workers of a LocalCluster are
the sweep's child processes; with --scheduler, pass --worker-pids or only the throughput is
reported). With --serial it then runs the same file serially and checks that results.parquet
is identical. Prints runs, wall time, county-years per core-minute, and per worker the RSS
after the first tenth of the run, at the end and at its peak.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]
RPSIM = [sys.executable, "-m", "simulation.cli"]


def sweep(file: str, out: Path, days: float | None, executor: list[str]) -> tuple[float, dict]:
    """Run the sweep; wall seconds and {worker pid: [(t, rss_mb), ...]}."""
    cmd = [*RPSIM, "sweep", file, "--out", str(out), "--quiet", *executor]
    if days is not None:
        cmd += ["--days", str(days)]
    samples: dict[int, list[tuple[float, float]]] = {}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT)
    stop = threading.Event()

    def sample() -> None:
        parent = psutil.Process(proc.pid)
        while not stop.is_set():
            try:
                children = parent.children(recursive=True)
            except psutil.NoSuchProcess:
                return
            for child in children:
                try:
                    if "spawn_main" not in " ".join(child.cmdline()):
                        continue  # not a worker (e.g. multiprocessing's resource tracker)
                    rss = child.memory_info().rss / 2**20
                except psutil.Error:
                    continue
                samples.setdefault(child.pid, []).append((time.perf_counter() - t0, rss))
            stop.wait(1.0)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    code = proc.wait()
    stop.set()
    thread.join()
    if code != 0:
        raise SystemExit(f"sweep failed with exit code {code}: {' '.join(cmd)}")
    return time.perf_counter() - t0, samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", default="scenarios/sweeps/province.yaml")
    parser.add_argument("--days", type=float, default=None, help="override the file's days")
    parser.add_argument("--cluster", default="local:2")
    parser.add_argument("--scheduler", default=None)
    parser.add_argument("--serial", action="store_true", help="also run serially and compare")
    parser.add_argument("--out", type=Path, default=None, help="folder (default: a temporary one)")
    args = parser.parse_args()
    base = args.out or Path(tempfile.mkdtemp(prefix="province-"))
    executor = ["--scheduler", args.scheduler] if args.scheduler else ["--cluster", args.cluster]
    wall, samples = sweep(args.file, base / "dask", args.days, executor)
    results = pd.read_parquet(base / "dask" / "results.parquet")
    n, days = len(results), float(results["days"].iloc[0])
    cores = int(args.cluster.partition(":")[2]) if not args.scheduler else None
    county_years = n * days / 365.0
    print(f"sweep {args.file}: {n} runs of {days:g} days on {' '.join(executor)} in {wall:.1f} s")
    if cores:
        print(
            f"throughput: {county_years / (wall / 60) / cores:.2f} county-years per core-minute "
            f"({county_years:.1f} county-years, {cores} workers, wall including cluster start)"
        )
    for pid, rows in sorted(samples.items()):
        quarters = " ".join(
            f"{rows[min(len(rows) - 1, len(rows) * q // 4)][1]:.0f}" for q in (0, 1, 2, 3, 4)
        )
        print(
            f"worker {pid}: rss_mb at start, 1/4, 1/2, 3/4, end of the run {quarters}; "
            f"peak {max(r for _, r in rows):.0f} ({len(rows)} samples)"
        )
    if args.serial:
        t0 = time.perf_counter()
        subprocess.run(
            [*RPSIM, "sweep", args.file, "--out", str(base / "serial"), "--quiet"]
            + (["--days", str(args.days)] if args.days is not None else []),
            cwd=ROOT,
            check=True,
        )
        serial = pd.read_parquet(base / "serial" / "results.parquet")
        same = serial.equals(results)
        print(f"serial: {len(serial)} runs in {time.perf_counter() - t0:.1f} s; identical: {same}")
        if not same:
            raise SystemExit(1)
    print(f"outputs in {base}")


if __name__ == "__main__":
    main()
