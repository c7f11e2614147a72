"""County-year benchmark: 200,000 villagers in 150 villages, 170 officers, 150 auxiliaries,
365 days, hybrid preset, on one core (target and figures: benchmarks/README.md).

    python benchmarks/county_year.py [--days D] [--residents N] [--profile]

--residents scales the county: villages, townships, officers and auxiliaries in proportion
to the reference 200,000 residents (benchmarks/scaling.py uses it).

The last line reads
county-year: wall_s=<float> peak_mb=<float> events=<int> events_per_s=<float> heapq_ratio=<float>
where heapq_ratio is the run's cost per event over a bare heapq push/pop loop's cost per
event, measured in this process. The clock starts after the imports: `results()` needs
scipy.stats, whose first import (~0.5 s) a process pays once, whatever number of runs it makes.
"""

from __future__ import annotations

import argparse
import heapq
import resource
import time

import simulation.metrics  # noqa: F401  (imports scipy.stats, ~0.5 s once per process: not a run's cost)
from simulation import RuralPolicingModel, Scenario

SCENARIO = {
    "name": "county_year",
    "warmup_days": 0,  # one simulated year, as the figures below were measured (default: +365)
    "region": {"type": "mountain", "villages": 150, "population": 200_000, "townships": 7},
    "policing": {"preset": "hybrid", "officers": 170, "auxiliaries": 150},
}


def scaled(residents: int) -> dict:
    """The reference county with `residents` residents and villages, townships, officers and
    auxiliaries in proportion."""
    f = residents / SCENARIO["region"]["population"]
    region, policing = SCENARIO["region"], SCENARIO["policing"]
    villages = max(2, round(region["villages"] * f))
    return {
        **SCENARIO,
        "region": {
            **region,
            "population": residents,
            "villages": villages,
            "townships": max(1, round(region["townships"] * f)),
        },
        "policing": {
            **policing,
            "officers": max(3, round(policing["officers"] * f)),
            "auxiliaries": min(villages, round(policing["auxiliaries"] * f)),
        },
    }


def heapq_cost_per_event(n: int = 200_000) -> float:
    """Seconds per event of a bare heapq loop: push a (time, seq, callback) and pop it."""
    heap: list = []
    noop = int
    t0 = time.perf_counter()
    for i in range(n):
        heapq.heappush(heap, (i * 0.5, i, noop))
    while heap:
        _, _, fn = heapq.heappop(heap)
        fn()
    return (time.perf_counter() - t0) / n


class CountingModel(RuralPolicingModel):
    """Counts every event the model executes (scheduled and recurring)."""

    def _advance_time(self, until: float) -> None:
        events = self._event_list
        pop = events.pop_event
        counter = self

        def counted_pop():
            counter.events_run += 1
            return pop()

        events.pop_event = counted_pop
        super()._advance_time(until)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=365)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--residents", type=int, default=200_000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    scenario = Scenario.model_validate({**scaled(args.residents), "days": args.days})
    t0, c0 = time.perf_counter(), time.process_time()
    model = CountingModel(scenario, seed=args.seed)
    model.events_run = 0
    build_s = time.perf_counter() - t0
    if args.profile:
        import cProfile
        import pstats

        cProfile.runctx("model.run()", globals(), locals(), "/tmp/county_year.prof")
        pstats.Stats("/tmp/county_year.prof").sort_stats("cumulative").print_stats(25)
    else:
        model.run()
    tables = model.results()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    events = model.events_run
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    per_event = wall / max(events, 1)
    ratio = per_event / heapq_cost_per_event()
    s = tables["summary"]
    print(
        f"build_s={build_s:.2f} villagers={model.villagers.n} villages={model.region.n} "
        f"officers={len(model.officers)} auxiliaries={len(model.auxiliaries)} "
        f"incidents={len(model.incidents)} recorded={s['recorded_incidents']} "
        f"response_mean_min={s['response_mean_min']:.1f}"
    )
    print(
        f"county-year: wall_s={wall:.3f} peak_mb={peak_mb:.1f} events={events} "
        f"events_per_s={events / wall:.1f} heapq_ratio={ratio:.1f} cpu_s={cpu:.3f}"
    )


if __name__ == "__main__":
    main()
