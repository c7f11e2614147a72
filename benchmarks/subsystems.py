"""Cost by subsystem: the county-year of county_year.py with parts of the model switched off,
to show where a run's time goes and what compiling a part could save at most.

    python benchmarks/subsystems.py [--rounds K] [--days D] [--residents N] [--alone]

Variants, each switching off one more part (subclasses made here; the model is untouched):
- full: the county-year as county_year.py runs it;
- no_routine: officers make no routine moves (no patrols, no village stays, no return to
  base): between jobs they wait where they are. They still come on and go off duty, answer
  calls and do the work a job leaves;
- no_shifts: as no_routine, and every officer works a 24-hour shift (the model's own
  24-hour shifts): each comes on duty once, on the first day, and never goes off, so the
  daily round of shift ends and starts is gone (more officers on duty answer the jobs);
- no_daily_pass: as no_shifts, and the villagers' daily pass (household visits, contacts and
  trust) is skipped;
- no_incidents: as no_daily_pass, and no offences, calls or disputes arise (so none is
  answered). What is left: the hourly heartbeat's bookkeeping (deterrence, the busy record),
  the daily record and Mesa's clock.

The variants run interleaved (one of each per round, in turn), each on the same seed in this
one process, and the script prints CPU seconds (time.process_time) per variant and the
difference each switch made. A switched-off part also changes what the rest does (officers
waiting at base deter other villages; trust no longer moves), so a difference is the part's
cost to within that, not exactly. With --alone, each part is switched off by itself instead
(every variant against the full run): a part's cost in the county as it is, where no_shifts
alone costs more than the full run (every officer on duty all day makes routine moves).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import simulation.metrics  # noqa: F401  (scipy.stats: a one-off import, not a run's cost)
from simulation import RuralPolicingModel, Scenario

sys.path.insert(0, str(Path(__file__).resolve().parent))
from county_year import scaled  # the benchmark county, beside this script

if TYPE_CHECKING:
    from simulation.agents import Officer

VARIANTS = ("full", "no_routine", "no_shifts", "no_daily_pass", "no_incidents")
PARTS = tuple(v.removeprefix("no_") for v in VARIANTS[1:])  # what each variant switches off


class Switched(RuralPolicingModel):
    """The model with the parts in `off` switched off (names: see the module docstring)."""

    def __init__(self, scenario: Scenario, seed: int, off: frozenset[str]) -> None:
        super().__init__(scenario, seed=seed)
        self.off = off
        if "shifts" in off:
            roster = self.roster
            for o in self.officers:
                o.shift = o.shift.model_copy(update={"hours": 24})
            for by_hour in (roster.starts, roster.ends):
                for officers in by_hour:
                    officers.clear()
            roster.fix_shifts()
        if "daily_pass" in off:
            self.community.visits = _nothing  # type: ignore[method-assign,assignment]
            self.community.contacts_and_trust = _nothing  # type: ignore[method-assign,assignment]
        if "incidents" in off:
            self.crime.hour = _none  # type: ignore[method-assign,assignment]
            self.calls.hour = _none  # type: ignore[method-assign,assignment]
            self.disputes.day = _none  # type: ignore[method-assign,assignment]
        if "routine" in off:
            self.policing.idle = _wait  # type: ignore[method-assign]


def _wait(officer: Officer, t: float) -> None:
    """No routine: an idle officer waits where it is until the next job."""
    officer.next_decision = math.inf


def _nothing(*_args: object) -> None:
    return None


def _none(*_args: object) -> list:
    return []


def switched_off(variant: str, alone: bool = False) -> frozenset[str]:
    """The parts a variant switches off: each variant adds one to the previous one's, or
    (alone) only its own."""
    k = VARIANTS.index(variant)
    return frozenset(PARTS[k - 1 : k] if alone else PARTS[:k])


def run(scenario: Scenario, seed: int, variant: str, alone: bool = False) -> tuple[float, int]:
    """CPU seconds to build and run the variant, and its incidents."""
    c0 = time.process_time()
    model = Switched(scenario, seed, switched_off(variant, alone))
    model.run()
    return time.process_time() - c0, len(model.incidents)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each variant")
    parser.add_argument("--days", type=float, default=365)
    parser.add_argument("--residents", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--alone", action="store_true", help="switch each part off by itself")
    args = parser.parse_args()
    scenario = Scenario.model_validate({**scaled(args.residents), "days": args.days})
    cpu: dict[str, list[float]] = {v: [] for v in VARIANTS}
    incidents: dict[str, int] = {}
    for _ in range(args.rounds):
        for variant in VARIANTS:
            seconds, incidents[variant] = run(scenario, args.seed, variant, args.alone)
            cpu[variant].append(seconds)
    print(f"{'variant':<14} {'cpu_s median':>12} {'saved':>7} {'share':>6}  incidents  all cpu_s")
    full = statistics.median(cpu["full"])
    previous = full
    for variant in VARIANTS:
        median = statistics.median(cpu[variant])
        saved = (full if args.alone else previous) - median
        runs = " ".join(f"{c:.2f}" for c in cpu[variant])
        diff = f"{saved:>7.2f} {saved / full:>6.0%}" if variant != "full" else f"{'':>7} {'':>6}"
        print(f"{variant:<14} {median:>12.2f} {diff}  {incidents[variant]:>9}  {runs}")
        previous = median
    if not args.alone:
        print(f"left with every switch off: {previous:.2f} s ({previous / full:.0%} of full)")


if __name__ == "__main__":
    main()
