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

import contextlib
import functools
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
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


LOCK = Path(__file__).resolve().parents[1] / "requirements.lock"
"""The lock `make` installs from (in a checkout; absent when rpsim is installed otherwise)."""
NUMBER_PACKAGES = (
    "mesa",
    "numpy",
    "scipy",
    "networkx",
    "pandas",
    "pyarrow",
    "pydantic",
    "pyyaml",
    "optuna",
    "salib",
)
"""The packages a run's numbers, intervals, plans and sweeps are computed with."""


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(path: Path = LOCK) -> dict[str, str]:
    """Package -> version pinned by a lock file for this interpreter and platform (lines
    `name==version ; marker`, markers evaluated here; hash lines skipped)."""
    from packaging.markers import Marker

    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+))?", line)
        if m is None:
            continue
        if m[3] and not Marker(m[3].strip()).evaluate():
            continue
        pins[_normalised(m[1])] = m[2]
    return pins


@functools.cache
def environment() -> dict[str, Any]:
    """What besides the seed makes a run's numbers: Python, the machine, the versions of
    NUMBER_PACKAGES, and the lock: its SHA-256 and every locked package installed at another
    version or missing (None when rpsim was not installed from a checkout with its lock)."""
    from importlib.metadata import PackageNotFoundError, distributions, version

    packages: dict[str, str | None] = {}
    for name in NUMBER_PACKAGES:
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = None
    lock: dict[str, Any] | None = None
    if LOCK.is_file():
        installed = {_normalised(d.metadata["Name"]): d.version for d in distributions()}
        differences = {
            name: {"installed": installed.get(name), "locked": pinned}
            for name, pinned in sorted(locked_versions(LOCK).items())
            if installed.get(name) != pinned
        }
        lock = {
            "file": LOCK.name,
            "sha256": hashlib.sha256(LOCK.read_bytes()).hexdigest(),
            "matches": not differences,
            "differences": differences,
        }
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "system": platform.system(),
        "machine": platform.machine(),
        "packages": packages,
        "lock": lock,
    }


def describe_environment(env: dict[str, Any] | None) -> str:
    """One line for people: the lock and whether the installed packages are its own, the
    versions that shape the numbers, Python and the machine."""
    if not env:
        return "environment not recorded (results written before rpsim recorded it)"
    lock = env.get("lock")
    if lock is None:
        head = "installed without the lock"
    elif lock.get("matches"):
        head = f"lock {lock['sha256'][:12]} (installed packages as locked)"
    else:
        diffs = lock.get("differences", {})
        shown = ", ".join(
            f"{n} {d['installed'] or 'missing'} (locked {d['locked']})"
            for n, d in list(diffs.items())[:4]
        )
        more = f" and {len(diffs) - 4} more" if len(diffs) > 4 else ""
        head = f"lock {lock['sha256'][:12]}, but installed {shown}{more}"
    versions = ", ".join(f"{n} {v}" for n, v in env.get("packages", {}).items() if v)
    return (
        f"{head}; {versions}; Python {env.get('python', '?')} on {env.get('system', '?')} "
        f"{env.get('machine', '?')}"
    )


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
        "environment": environment(),
        "git_commit": git_commit(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "wall_s": round(results.wall_s, 3),
        "replicate_seeds": results.seeds,
        "scenarios": sorted(results.scenarios),
        **(extra or {}),
    }


class OutputError(Exception):
    """An output location rpsim must not or cannot write (printed as one line, exit 2)."""


def safe_name(name: str) -> str:
    """A file name from a free-text name (scenario name, comparison label, sweep name): path
    separators, `..`, spaces and control characters become `_`, no leading dot, at most 80
    characters. Letters of any script are kept (`一村一警` stays)."""
    out = re.sub(r"[^\w.\-]", "_", name)
    out = re.sub(r"\.{2,}", "_", out).strip("._-")
    return out[:80] or "unnamed"


def is_results_folder(path: Path) -> bool:
    """A folder rpsim wrote: it holds a manifest.json with rpsim's version, or a sweep's
    sweep.json."""
    for mark, key in (("manifest.json", "rpsim_version"), ("sweep.json", "spec")):
        try:
            if key in json.loads((path / mark).read_text(encoding="utf-8")):
                return True
        except (OSError, ValueError, TypeError):
            continue
    return False


def check_out(out: Path, replace: bool = True) -> None:
    """OutputError unless `out` can become a results folder: it does not exist yet (and its
    nearest existing parent is a writable folder), or it is an empty folder or an rpsim
    results folder that may be replaced. Called before simulating, so no work is lost on a bad
    --out."""
    if out.exists() or out.is_symlink():
        if not out.is_dir():
            raise OutputError(
                f"--out {out}: a file is there; rpsim writes a folder (choose another --out)"
            )
        if any(out.iterdir()) and not is_results_folder(out):  # an empty folder holds nothing
            raise OutputError(
                f"--out {out}: the folder exists and is not an rpsim results folder (no "
                "manifest.json); refusing to replace it (choose another --out)"
            )
        if not replace:
            raise OutputError(f"--out {out}: the folder exists (choose another --out)")
    parent = out.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"--out {out}: {parent} is a file, not a folder")
    try:
        Path(tempfile.mkdtemp(dir=parent, prefix=".rpsim-probe-")).rmdir()
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot write in {parent} ({exc.strerror})") from None


def default_out(name: str, root: str | Path = "results") -> Path:
    """results/<name>-<YYYYmmdd-HHMMSS>[-n], never an existing folder; `name` made safe."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = Path(root) / f"{safe_name(name)}-{stamp}"
    n = 1
    while out.exists():
        n += 1
        out = Path(root) / f"{safe_name(name)}-{stamp}-{n}"
    return out


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file through a temporary name and rename it into place (permissions as the
    umask says, like any file the user creates)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_jsonl(path: Path) -> tuple[list[dict[str, Any]], bool]:
    """The records of an append-only JSON-lines log, and whether its last line was torn (cut
    by a kill mid-write: no final newline, or not JSON). A torn last line is cut off the file,
    so the next record starts on a line of its own; its run is simply run again."""
    if not path.exists():
        return [], False
    data = path.read_bytes()
    keep = data.rfind(b"\n") + 1  # everything up to the last complete line
    torn = keep < len(data)
    records = []
    for line in data[:keep].decode("utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            torn = True  # a damaged line inside: skipped, its run is run again
    if keep < len(data):
        with path.open("r+b") as fh:
            fh.truncate(keep)
    return records, torn


class FolderBusyError(OutputError):
    """Another rpsim process is writing into the folder."""


@contextlib.contextmanager
def folder_lock(out: Path) -> Iterator[None]:
    """Hold `out/.rpsim.lock` for the life of a run, sweep or plan writing into `out`: a
    second writer is refused at once (FolderBusyError) instead of both running everything. The
    lock is the kernel's (flock): a killed process leaves no stale lock."""
    out.mkdir(parents=True, exist_ok=True)
    fh = open(out / ".rpsim.lock", "a+")  # noqa: SIM115 - held open for the whole block
    try:
        try:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # not on Windows: no lock, as before
            pass
        except OSError:
            raise FolderBusyError(
                f"--out {out}: another rpsim is writing into this folder; wait for it to "
                "finish (or stop it), then run again with --resume"
            ) from None
        yield
    finally:
        fh.close()


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """A Parquet table written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(fd)
    try:
        df.to_parquet(tmp, index=False)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_LEFTOVER = re.compile(r"^\..+\.(partial|old)-(\d+)-")


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove hidden `.<name>.partial-<pid>-*` and `.<name>.old-<pid>-*` folders that a killed
    rpsim (its process gone) left in `folder`; returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for p in entries:
        m = _LEFTOVER.match(p.name)
        if not m or not p.is_dir() or _alive(int(m.group(2))):
            continue
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def write_results(
    out: str | Path,
    results: Results,
    tables: dict[str, pd.DataFrame],
    summary_md: str,
    extra_manifest: dict[str, Any] | None = None,
    csv: bool = False,
) -> Path:
    """Write a results folder atomically; returns its path. An existing `out` is replaced
    only if it is an rpsim results folder (OutputError otherwise); hidden leftovers of killed
    runs beside it are removed first."""
    out = Path(out)
    check_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out.parent)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.partial-{os.getpid()}-"))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        files: dict[str, str] = {}
        for label, scenario in results.scenarios.items():
            stem = safe_name(label)
            if stem in files.values():
                stem = f"{stem}-{len(files) + 1}"
            files[label] = stem
            head = f"# scenario: {label}\n" if stem != label else ""
            atomic_write_bytes(
                tmp / "scenarios" / f"{stem}.yaml", (head + scenario_yaml(scenario)).encode()
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
            trash = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old-{os.getpid()}-"))
            trash.rmdir()
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


def resumable_note(out: Path, name: str, kind: str, new: dict[str, Any]) -> dict[str, Any]:
    """The settings note (`name`, JSON) of an interrupted `kind` ("sweep", "run across
    worlds") in `out`, checked to come from the same code as `new` (its "code" key); what
    else must match is the caller's. FileExistsError, one line, otherwise."""
    try:
        old = json.loads((out / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise FileExistsError(
            f"{out} is not the folder of an rpsim {kind} (no readable {name}); --resume needs "
            f"the folder of an interrupted {kind}"
        ) from None
    if old.get("code") != new["code"]:
        raise FileExistsError(
            f"--resume: {out} was made by other code (another rpsim source or Python/Mesa/"
            "NumPy/SciPy/NetworkX version), so its finished runs cannot be mixed with new ones; "
            f"start the {kind} again with another --out"
        )
    return old


@functools.cache
def code_fingerprint() -> str:
    """What makes a run's numbers: a SHA-256 of the installed `simulation` package's sources
    (.py and .yaml, with their paths) and the Python minor, Mesa, NumPy, SciPy and NetworkX
    versions. Two runs with the same design, seed and fingerprint give the same summary."""
    import mesa
    import networkx
    import scipy

    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(p for ext in ("*.py", "*.yaml") for p in root.rglob(ext)):
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    python = ".".join(platform.python_version_tuple()[:2])
    for name, version in (
        ("python", python),
        ("mesa", mesa.__version__),
        ("numpy", np.__version__),
        ("scipy", scipy.__version__),
        ("networkx", networkx.__version__),
    ):
        h.update(f"{name}={version}\0".encode())
    return h.hexdigest()[:16]
