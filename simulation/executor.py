"""Where runs execute: serially, on a local process pool or on a Dask cluster.

`run_jobs` maps a top-level (picklable) function over argument tuples and yields each
result as it finishes, with at most a few jobs per worker in flight (bounded memory, a
clean Ctrl-C). Callers put results back in job order, so numbers never depend on where
or in which order the runs finished. `rpsim run`, `compare` and `sweep` all go through it.
"""

from __future__ import annotations

import copyreg
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from .errors import ScenarioError

IN_FLIGHT_PER_SLOT = 4


def _reduce_scenario_error(exc: ScenarioError) -> tuple:
    return ScenarioError, (exc.problems,)


# A ScenarioError raised in a worker crosses back with its problems (file, line, key) intact.
copyreg.pickle(ScenarioError, _reduce_scenario_error)


class ExecutorError(ValueError):
    """Options that cannot make an executor, or a cluster that cannot be reached."""


def _die_with_parent(parent: int) -> None:
    """Worker initializer: end this worker as soon as the process that started it is gone
    (a `kill -9` of `rpsim sweep` must not leave its workers running)."""

    if sys.platform == "linux":  # the kernel kills us with the parent (prctl PR_SET_PDEATHSIG)
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass

    def watch() -> None:  # elsewhere (and if the parent died before prctl): poll
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, name="rpsim-parent-watch", daemon=True).start()


@dataclass
class Finished:
    """One finished job: its position in the job list, and its result or its error."""

    index: int
    result: Any = None
    error: BaseException | None = None
    wall_s: float = 0.0


def check_options(workers: int = 1, scheduler: str | None = None, cluster: str | None = None):
    """ExecutorError (a ValueError) for options that cannot make an executor."""
    if workers < 1:
        raise ExecutorError(f"--workers must be at least 1, got {workers}")
    if scheduler and cluster:
        raise ExecutorError("give --scheduler or --cluster, not both")
    if cluster:
        kind, _, n = cluster.partition(":")
        if kind != "local" or not n.isdigit() or not 1 <= int(n) <= 1024:
            raise ExecutorError(
                f"--cluster must look like local:N (N from 1 to 1024), got {cluster!r}"
            )
    if scheduler is not None and "://" not in scheduler and ":" not in scheduler:
        raise ExecutorError(
            f"--scheduler must be an address like tcp://host:8786, got {scheduler!r}"
        )


def describe(workers: int = 1, scheduler: str | None = None, cluster: str | None = None) -> str:
    """Where the runs go, for messages and manifests."""
    if scheduler or cluster:
        return f"dask {scheduler or cluster}"
    return f"{workers} local workers" if workers > 1 else "serial"


def make_executor(
    workers: int = 1, scheduler: str | None = None, cluster: str | None = None
) -> tuple[Executor | None, Callable[[], None], int]:
    """A Dask executor (`scheduler` address or `cluster="local:N"`), a spawn process pool
    (`workers` > 1) or None (serial); with its close function and its number of slots."""
    check_options(workers, scheduler, cluster)
    if scheduler or cluster:
        from distributed import Client, LocalCluster

        if cluster:
            import dask

            n = int(cluster.partition(":")[2])
            # Dask's nannies export MALLOC_TRIM_THRESHOLD_=65536 to their workers, which turns
            # off glibc's adaptive mmap threshold: every temporary numpy array over 128 kB is
            # then mmap'd and zeroed afresh, and a county-year runs ~1.5x slower. Unset it.
            try:
                with dask.config.set(
                    {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
                ):
                    lc = LocalCluster(
                        n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
                    )
                client = Client(lc)
            except (OSError, TimeoutError, RuntimeError) as exc:
                raise ExecutorError(f"--cluster {cluster}: cannot start it ({exc})") from None

            def close() -> None:
                client.close()
                lc.close()
        else:
            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError, ValueError, RuntimeError) as exc:
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise ExecutorError(
                    f"--scheduler {scheduler}: cannot reach the Dask scheduler ({reason})"
                ) from None
            n = max(sum(client.nthreads().values()), workers)
            close = client.close
        return client.get_executor(), close, n
    if workers <= 1:
        return None, lambda: None, 1
    import multiprocessing

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )
    return pool, lambda: pool.shutdown(wait=False, cancel_futures=True), workers


def timed(fn: Callable[..., Any], args: tuple) -> tuple[Any, float]:
    """`fn(*args)` and its wall time, measured where it runs; then the heap memory the job
    freed goes back to the operating system, so that a worker's memory follows the job it
    runs, not the largest it has run (without it a Dask worker's RSS creeps up over a
    province sweep: benchmarks/README.md)."""
    t = time.perf_counter()
    result = fn(*args)
    wall = time.perf_counter() - t
    release_memory()
    return result, wall


def release_memory() -> None:
    """glibc's malloc_trim(0): hand freed heap pages back to the OS (no-op elsewhere)."""
    global _TRIM
    if _TRIM is None:
        try:
            _TRIM = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _TRIM = False
    if _TRIM:
        _TRIM(0)


_TRIM: Any = None


class SharedExecutor:
    """One executor for several `run_jobs` calls (a calibration's waves: a pool or cluster
    started once, not once a wave): made at the first call, shut down by `close()` or at the
    end of a `with` block."""

    def __init__(
        self, workers: int = 1, scheduler: str | None = None, cluster: str | None = None
    ) -> None:
        check_options(workers, scheduler, cluster)
        self.options = (workers, scheduler, cluster)
        self._made: tuple[Executor | None, Callable[[], None], int] | None = None

    def get(self) -> tuple[Executor | None, int]:
        if self._made is None:
            self._made = make_executor(*self.options)
        executor, _, slots = self._made
        return executor, slots

    def close(self) -> None:
        if self._made is not None:
            self._made[1]()
            self._made = None

    def __enter__(self) -> SharedExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_jobs(
    fn: Callable[..., Any],
    jobs: Iterable[tuple],
    workers: int = 1,
    scheduler: str | None = None,
    cluster: str | None = None,
    shared: SharedExecutor | None = None,
) -> Generator[Finished]:
    """`fn(*args)` for every argument tuple of `jobs`, yielded as they finish (serially:
    in order). A failing job yields its error and the others go on. `jobs` is consumed
    lazily. Close the generator (or exhaust it) to shut the executor down (a `shared` one
    stays up for the next call)."""
    if shared is not None:
        executor, slots = shared.get()

        def close() -> None:
            pass

    else:
        executor, close, slots = make_executor(workers, scheduler, cluster)
    try:
        if executor is None:
            for i, args in enumerate(jobs):
                t = time.perf_counter()
                try:
                    result, wall = timed(fn, args)
                    done = Finished(i, result=result, wall_s=wall)
                except Exception as exc:
                    done = Finished(i, error=exc, wall_s=time.perf_counter() - t)
                yield done
            return
        queue = enumerate(jobs)
        futures: dict[Any, tuple[int, float]] = {}
        limit = IN_FLIGHT_PER_SLOT * max(slots, 2)
        while True:
            for i, args in queue:
                futures[executor.submit(timed, fn, args)] = (i, time.perf_counter())
                if len(futures) >= limit:
                    break
            if not futures:
                return
            finished, _ = wait(list(futures), return_when=FIRST_COMPLETED)
            for fut in finished:
                i, t = futures.pop(fut)
                try:
                    result, wall = fut.result()
                    done = Finished(i, result=result, wall_s=wall)
                except Exception as exc:
                    done = Finished(i, error=exc, wall_s=time.perf_counter() - t)
                yield done
    finally:
        close()
