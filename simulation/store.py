"""Results on disk: one folder per run or comparison, written atomically.

Everything is written into a hidden temporary folder beside the target and renamed
into place only when complete, so a killed run never leaves a half-written table
that looks complete.

    results/<name>-<id>/
        manifest.json        versions, seeds, wall time, git commit
        scenarios/<label>.yaml  the resolved scenarios
        incidents.parquet daily.parquet villages.parquet officers.parquet summary.parquet
        aggregate.parquet    estimate (mean or ratio of means), 95% interval per scenario, metric
        differences.parquet  paired differences against the baseline (comparisons)
        summary.md           a short human-readable summary
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from .config_files import scenario_yaml
from .runner import Results

TABLE_FILES = (
    "incidents",
    "daily",
    "villages",
    "officers",
    "roads",
    "summary",
    "aggregate",
    "differences",
)


def git_commit() -> str | None:
    """The commit of the rpsim checkout, if it is one."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def manifest(results: Results, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Provenance of a set of runs."""
    import mesa
    import numpy

    from . import __version__

    return {
        "rpsim_version": __version__,
        "mesa_version": mesa.__version__,
        "numpy_version": numpy.__version__,
        "pandas_version": pd.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git_commit": git_commit(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "wall_s": round(results.wall_s, 3),
        "replicate_seeds": results.seeds,
        "scenarios": sorted(results.scenarios),
        **(extra or {}),
    }


def default_out(name: str, root: str | Path = "results") -> Path:
    """results/<name>-<YYYYmmdd-HHMMSS>[-n], never an existing folder."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = Path(root) / f"{name}-{stamp}"
    n = 1
    while out.exists():
        n += 1
        out = Path(root) / f"{name}-{stamp}-{n}"
    return out


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file through a temporary name and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """A Parquet table written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(fd)
    try:
        df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_results(
    out: str | Path,
    results: Results,
    tables: dict[str, pd.DataFrame],
    summary_md: str,
    extra_manifest: dict[str, Any] | None = None,
    csv: bool = False,
) -> Path:
    """Write a results folder atomically; returns its path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.partial-"))
    try:
        for label, scenario in results.scenarios.items():
            atomic_write_bytes(
                tmp / "scenarios" / f"{label}.yaml", scenario_yaml(scenario).encode()
            )
        for name in TABLE_FILES:
            if name in tables:
                write_parquet(tables[name], tmp / f"{name}.parquet")
                if csv:
                    atomic_write_bytes(
                        tmp / f"{name}.csv", tables[name].to_csv(index=False).encode()
                    )
        atomic_write_bytes(tmp / "summary.md", summary_md.encode())
        atomic_write_bytes(
            tmp / "manifest.json",
            json.dumps(manifest(results, extra_manifest), indent=2, default=str).encode(),
        )
        if out.exists():
            trash = out.with_name(f".{out.name}.old-{os.getpid()}")
            os.replace(out, trash)
            os.replace(tmp, out)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def read_results(path: str | Path) -> dict[str, pd.DataFrame]:
    """The tables of a results folder."""
    path = Path(path)
    if not (path / "manifest.json").is_file():
        raise FileNotFoundError(f"{path} is not an rpsim results folder (no manifest.json)")
    return {p.stem: pd.read_parquet(p) for p in sorted(path.glob("*.parquet"))}
