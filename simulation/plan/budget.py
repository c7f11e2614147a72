"""Equal-cost sizing: a scenario resized so that its annual cost fills a budget.

The rule: one count (officers, or auxiliaries) is the largest whose annual cost stays within
the budget; every other setting is kept. The cost is `simulation.costs.annual_costs` of the
deployment the model builds at that count (police rooms included), with driving estimated from a
pilot run: vehicle-km per officer-year of a short run at the scenario's own size, re-measured
once at the sized count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..costs import annual_costs
from ..errors import ScenarioError
from ..model import RuralPolicingModel
from ..region import Region, build_region
from ..roster import HUBEI_MIN_PER_STATION
from ..scenario import Scenario
from ..streams import region_rng
from ..units import MINUTES_PER_DAY

SizeBy = Literal["officers", "auxiliaries"]
PILOT_DAYS = 60.0
_FLOOR_RULE = (
    "Hubei rule: a rural station holds at least 5 officers; policing.min_officers_per_station "
    "sets another minimum"
)


@dataclass(frozen=True)
class Sizing:
    """A scenario sized to a budget: the count the rule set and the expected cost."""

    label: str
    size_by: SizeBy
    officers: int
    auxiliaries: int
    km_per_officer_year: float
    expected_cost_cny: float
    budget_cny: float
    filled: bool  # False when the count hit its upper bound below the budget


def _with(scenario: Scenario, size_by: SizeBy, n: int) -> Scenario:
    policing = scenario.policing.model_copy(update={size_by: n})
    return scenario.model_copy(update={"policing": policing})


def _deployment(scenario: Scenario) -> tuple[int, int, int, int]:
    """Officers, auxiliaries, police rooms and CCTV villages as the model builds them."""
    m = RuralPolicingModel(scenario)
    cctv = m.region.n if scenario.addons.cctv else 0
    return len(m.officers), len(m.auxiliaries), len(m.deployment.rooms), cctv


def pilot_km_per_officer(scenario: Scenario, seed: int, days: float = PILOT_DAYS) -> float:
    """Vehicle-km per officer-year of a short run (no warm-up: driving settles at once)."""
    pilot = scenario.model_copy(update={"warmup_days": 0})
    m = RuralPolicingModel(pilot, seed=seed).run(days=min(days, scenario.days))
    years = m.end_time / MINUTES_PER_DAY / 365.0
    return sum(o.km_by(m.end_time) for o in m.officers) / years / max(len(m.officers), 1)


def expected_cost(scenario: Scenario, km_per_officer_year: float) -> float:
    officers, aux, rooms, cctv = _deployment(scenario)
    return annual_costs(scenario.costs, officers, aux, rooms, cctv, km_per_officer_year * officers)[
        "cost_total_cny"
    ]


def station_floor(scenario: Scenario, region: Region) -> tuple[int, int]:
    """(officers each station must hold, stations): `policing.min_officers_per_station`, or
    the Hubei rule's 5 when the scenario leaves it null. Equal-cost sizing never leaves a
    station below it; calls-for-service posts have no stations to staff (0)."""
    if scenario.policing.posts:
        return 0, 0
    held = scenario.policing.min_officers_per_station
    return (HUBEI_MIN_PER_STATION if held is None else held), len(region.stations)


def _largest_within(
    scenario: Scenario, size_by: SizeBy, budget: float, km: float, lo: int, most: int
) -> int | None:
    """The largest count from `lo` (up to `most` auxiliaries) whose expected cost is within
    the budget (None: not even `lo`, or not the stations' minimum staffing). Costs rise with
    the count, so a bisection finds it."""
    if size_by == "officers":
        per = scenario.costs.officer_per_year + km * scenario.costs.vehicle_per_km
        hi = max(lo, int(budget // max(per, 1.0)) + 1)
    else:
        hi = most

    def fits(n: int) -> bool:
        try:
            return expected_cost(_with(scenario, size_by, n), km) <= budget
        except ScenarioError:  # e.g. too few officers for the stations' minimum staffing
            return False

    if not fits(lo):
        # The smallest count may be infeasible for staffing rather than cost: try upwards.
        lo = next((n for n in range(lo + 1, min(hi, lo + 64) + 1) if fits(n)), None)  # type: ignore[assignment]
        if lo is None:
            return None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def size_to_budget(
    label: str, scenario: Scenario, budget: float, size_by: SizeBy, seed: int
) -> tuple[Scenario, Sizing]:
    """The scenario with `size_by` set so that its expected annual cost fills `budget`,
    never leaving a station below its minimum staffing (`station_floor`)."""
    region = build_region(scenario.region, region_rng(scenario.region, scenario.seed))
    floor, stations = station_floor(scenario, region)
    fewest = max(1, floor * stations) if size_by == "officers" else 0
    if size_by == "auxiliaries" and scenario.policing.officers < floor * stations:
        raise ScenarioError(
            f"{label}: {scenario.policing.officers} officers cannot keep {floor} at each of "
            f"{stations} stations ({floor * stations} needed; {_FLOOR_RULE})",
            key="policing.officers",
        )
    km = pilot_km_per_officer(scenario, seed)
    n = None
    for _ in range(2):  # size, re-measure driving at the new size, size again
        n = _largest_within(scenario, size_by, budget, km, fewest, region.n)
        if n is None:
            cheapest = expected_cost(_with(scenario, size_by, fewest), km)
            staffed = (
                f"{floor} officers at each of {stations} stations ({fewest} officers) cost "
                f"{cheapest:,.0f} CNY a year; {_FLOOR_RULE}"
                if size_by == "officers" and floor
                else f"the cheapest design costs {cheapest:,.0f} CNY a year with the fewest "
                f"{size_by}"
            )
            raise ScenarioError(
                f"{label}: infeasible: budget {budget:,.0f} CNY is below the minimum "
                f"staffing ({staffed})",
                key="budget_cny",
            )
        km = pilot_km_per_officer(_with(scenario, size_by, n), seed)
    assert n is not None
    sized = _with(scenario, size_by, n)
    officers, aux, _, _ = _deployment(sized)
    cost = expected_cost(sized, km)
    filled = _fills(scenario, size_by, n + 1, km, budget)
    return sized, Sizing(label, size_by, officers, aux, km, cost, budget, filled)


def _fills(scenario: Scenario, size_by: SizeBy, top: int, km: float, budget: float) -> bool:
    """True when one more of `size_by` would break the budget (not a count's upper bound)."""
    try:
        return expected_cost(_with(scenario, size_by, top), km) > budget
    except ScenarioError:
        return False


def size_comparison(
    scenarios: dict[str, Scenario],
    budget: float,
    rule: dict[str, SizeBy],
    seed: int,
) -> tuple[dict[str, Scenario], list[Sizing]]:
    """Every scenario of a comparison sized to the budget by its rule."""
    out, sizings, problems = {}, [], []
    for label, scenario in scenarios.items():
        try:
            out[label], sizing = size_to_budget(label, scenario, budget, rule[label], seed)
            sizings.append(sizing)
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    return out, sizings


def staffing_table(sizings: list[Sizing], summary=None):
    """One row per scenario: the sizing rule, staffing, expected and (after the runs)
    realised mean annual cost."""
    import pandas as pd

    rows = []
    for s in sizings:
        row = {
            "scenario": s.label,
            "sized by": s.size_by,
            "officers": s.officers,
            "auxiliaries": s.auxiliaries,
            "vehicle-km per officer-year (pilot)": round(s.km_per_officer_year),
            "expected cost (CNY)": round(s.expected_cost_cny),
        }
        if summary is not None:
            realised = summary.loc[summary["scenario"] == s.label, "cost_total_cny"].mean()
            row["realised cost (CNY)"] = round(float(realised))
        row["budget filled"] = "yes" if s.filled else "no (count at its maximum)"
        rows.append(row)
    return pd.DataFrame(rows)


def staffing_markdown(budget: float, table) -> str:
    """The equal-cost section of summary.md."""
    head = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "---|" * len(table.columns)
    body = [
        "| " + " | ".join(f"{v:,}" if isinstance(v, int) else str(v) for v in r) + " |"
        for r in table.itertuples(index=False)
    ]
    return "\n".join(
        [
            f"## Staffing at equal cost: {budget:,.0f} CNY a year",
            "",
            "Each scenario's sizing count is the largest whose annual cost (officers, "
            "auxiliaries, vehicles, police rooms, CCTV and driving at `costs.vehicle_per_km`, "
            "driving estimated by a pilot run) stays within the budget; realised cost is the "
            "mean over the replicates.",
            "",
            head,
            rule,
            *body,
            "",
        ]
    )
