"""The fast screen: placement on the travel-time matrix and a queueing estimate of response,
with no simulation.

- p-median (Hakimi 1964): p sites minimising demand-weighted travel time to the nearest site,
  optionally keeping each village with a site of its own township (police rooms, resident
  officers);
- maximal covering (Church & ReVelle 1974): p sites maximising the demand within S minutes of a
  site, where sites already open (the stations) cover what they reach;
  both as mixed-integer programmes solved by HiGHS (`scipy.optimize.milp`);
- Larson's (1975) approximation of the hypercube queueing model (Larson 1974) with infinite
  line capacity (Larson & Odoni 1981, sec. 5.5): each unit's workload and the share of each
  village's calls answered by its 1st, 2nd, ... nearest unit, hence a response-time estimate
  per village.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, hstack
from scipy.special import gammaln

from ..region import Region
from ..scenario import Scenario
from ..units import MINUTES_PER_DAY
from ..vocab import IncidentType


def p_median(
    travel: np.ndarray,
    weight: np.ndarray,
    p: int,
    same_group: np.ndarray | None = None,
    candidates: np.ndarray | None = None,
) -> list[int]:
    """p sites minimising sum_i weight_i * travel[i, site(i)] (Hakimi 1964; ReVelle & Swain's
    MILP). `same_group[i]` (e.g. township): village i may only use a site of its group.
    `candidates`: allowed sites (default all). Raises ValueError when infeasible."""
    n = len(weight)
    cand = np.arange(n) if candidates is None else np.asarray(candidates)
    m = len(cand)
    allowed = np.ones((n, m), dtype=bool)
    if same_group is not None:
        allowed = same_group[:, None] == same_group[cand][None, :]
    ii, jj = np.nonzero(allowed)
    k = len(ii)  # assignment variables x_ij, then site variables y_j
    cost = np.concatenate([weight[ii] * travel[ii, cand[jj]], np.zeros(m)])
    cost = cost / max(cost.max(), 1e-9)
    rows = []
    # each village assigned once
    a1 = csr_matrix((np.ones(k), (ii, np.arange(k))), shape=(n, k + m))
    rows.append(LinearConstraint(a1, 1, 1))
    # x_ij <= y_j
    a2 = hstack(
        [
            csr_matrix((np.ones(k), (np.arange(k), np.arange(k))), shape=(k, k)),
            csr_matrix((-np.ones(k), (np.arange(k), jj)), shape=(k, m)),
        ]
    )
    rows.append(LinearConstraint(a2, -np.inf, 0))
    # exactly p sites
    a3 = csr_matrix(np.concatenate([np.zeros(k), np.ones(m)])[None, :])
    rows.append(LinearConstraint(a3, p, p))
    integrality = np.concatenate([np.zeros(k), np.ones(m)])
    res = milp(cost, constraints=rows, integrality=integrality, bounds=Bounds(0, 1))
    if res.x is None:
        raise ValueError(f"no placement of {p} sites: {res.message}")
    y = res.x[k:]
    return sorted(int(cand[j]) for j in np.flatnonzero(y > 0.5))


def max_cover(
    travel: np.ndarray,
    weight: np.ndarray,
    p: int,
    within_min: float,
    open_sites: np.ndarray | None = None,
    reach: np.ndarray | None = None,
) -> list[int]:
    """p new sites maximising the demand within `within_min` minutes of an open or new site
    (Church & ReVelle 1974). `reach[i, j]` (default travel <= within_min) says whether site j
    covers village i; `open_sites` cover already."""
    n = len(weight)
    cover = travel <= within_min if reach is None else reach
    covered_already = (
        cover[:, open_sites].any(axis=1)
        if open_sites is not None and len(open_sites)
        else np.zeros(n, dtype=bool)
    )
    # variables: y_j (n), z_i (n); maximise sum w_i z_i over villages not covered already
    c = np.concatenate([np.zeros(n), -weight * ~covered_already])
    a_cov = hstack([-csr_matrix(cover.astype(float)), csr_matrix(np.eye(n))])  # z_i <= sum y_j
    a_p = csr_matrix(np.concatenate([np.ones(n), np.zeros(n)])[None, :])
    cons = [LinearConstraint(a_cov, -np.inf, 0), LinearConstraint(a_p, p, p)]
    ub = np.ones(2 * n)
    if open_sites is not None:
        ub[np.asarray(open_sites, dtype=int)] = 0  # no second site where one is open
    res = milp(
        c, constraints=cons, integrality=np.r_[np.ones(n), np.zeros(n)], bounds=Bounds(0, ub)
    )
    if res.x is None:
        raise ValueError(f"no cover of {p} sites: {res.message}")
    return sorted(int(j) for j in np.flatnonzero(res.x[:n] > 0.5))


# --- Larson's hypercube approximation ---------------------------------------------------
def _erlang_b(servers: int, load: float) -> float:
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def _correction(n_units: int, load: float) -> np.ndarray:
    """Larson's (1975) correction factors Q(N, rho, j), j = 0..N-1, of N units with offered load
    a = lambda / mu < N (rho = a / N) and infinite line capacity (calls that find every unit busy
    wait): P{B_1 ... B_j F_j+1}, the probability that j units drawn at random are busy and the
    next one is free, over the independence guess rho^j (1 - rho). Larson & Odoni (1981), Urban
    Operations Research, sec. 5.5.1, eq. (5.48):
        Q(N, rho, j) = sum_{k=j}^{N-1} (N-j-1)! (N-k) N^k rho^(k-j) / ((k-j)! N! (1-rho)) P_0,
    with P_0 the M/M/N probability of an empty system. Q(N, rho, 0) = 1. Computed in logs."""
    N = n_units
    a = max(load, 1e-12)
    rho = a / N
    if not rho < 1:
        raise ValueError(f"offered load {load:g} needs more than {N} units (rho >= 1)")
    ks = np.arange(N)
    log_idle = ks * math.log(a) - gammaln(ks + 1)  # log a^k / k!, k < N
    log_queue = N * math.log(a) - gammaln(N + 1) - math.log(1 - rho)  # k >= N, summed
    top = max(log_idle.max(), log_queue)
    log_p0 = -(top + math.log(np.exp(log_idle - top).sum() + math.exp(log_queue - top)))
    j = np.arange(N)[:, None]
    k = ks[None, :]
    valid = k >= j
    kj = np.where(valid, k - j, 0)
    log = (
        gammaln(N - j)
        + np.log(N - k)
        + k * math.log(N)
        + kj * math.log(rho)
        - gammaln(kj + 1)
        - gammaln(N + 1)
        - math.log(1 - rho)
        + log_p0
    )
    return np.where(valid, np.exp(np.minimum(log, 700)), 0.0).sum(axis=1)


@dataclass(frozen=True)
class Hypercube:
    """Larson's approximation for units at `bases` answering calls from villages."""

    workload: np.ndarray  # busy share of each unit
    all_busy: float  # probability a call finds every unit busy and waits (Erlang C)
    response_by_village: np.ndarray  # expected minutes, travel plus waiting


def hypercube(
    travel: np.ndarray,
    bases: np.ndarray,
    calls_per_min: np.ndarray,
    service_min: float,
    extra_min: float = 0.0,
) -> Hypercube:
    """Units at `bases` (village index per unit), nearest free unit dispatched, calls that find
    every unit busy queued: Larson's (1975) approximation with infinite line capacity (Larson &
    Odoni 1981, sec. 5.5). Unit workloads rho_n solve, by iteration,
    rho_n = (1/mu) [sum_i lambda_i Q(N, rho, j-1) prod_{l<j} rho_(i,l) (1 - rho_n) + lambda P_Q / N]
    over the rank j of unit n in village i's preference list, scaled to sum to a = lambda / mu;
    a queued call (probability P_Q, Erlang C) waits 1 / (N mu - lambda) on average and then
    comes from any unit. `extra_min` is added to every response (call handling)."""
    N = len(bases)
    lam = float(calls_per_min.sum())
    if N == 0:
        return Hypercube(np.zeros(0), 1.0, np.full(len(calls_per_min), math.inf))
    t = travel[:, bases]  # villages x units
    order = np.argsort(t, axis=1, kind="stable")  # each village's preference list
    # Busy time of a call: on scene plus the drive there and back from the nearest unit.
    # (a product and np.sum, not `@`: BLAS rounds by CPU, see region.straight_km)
    service = service_min + 2 * float(np.sum(calls_per_min * t.min(axis=1)) / max(lam, 1e-12))
    load = lam * service
    if load >= N:  # the queue grows without bound: every unit busy, waits unbounded
        return Hypercube(np.ones(N), 1.0, np.full(len(calls_per_min), math.inf))
    rho_bar = load / N
    queued = _erlang_c(N, load)  # P_Q: a call finds every unit busy
    q = _correction(N, load)
    rho = np.full(N, rho_bar)
    for _ in range(60):
        shares = _shares(order, rho, q)
        new = service * (calls_per_min[:, None] * shares).sum(axis=0) + queued * rho_bar
        new = new / max(new.sum(), 1e-12) * load  # the M/M/N mean workload, sum rho_n = a
        if np.abs(new - rho).max() < 1e-5:
            rho = new
            break
        rho = 0.5 * rho + 0.5 * new
    shares = _shares(order, rho, q)  # villages x units, by unit
    answered = shares.sum(axis=1)  # ~ 1 - P_Q
    travel_mean = (shares * t).sum(axis=1) / np.maximum(answered, 1e-12)
    wait = 1.0 / (N / service - lam)  # mean wait of a call that waits (M/M/N)
    response = (1 - queued) * travel_mean + queued * (wait + t.mean(axis=1)) + extra_min
    return Hypercube(rho, queued, response)


def _shares(order: np.ndarray, rho: np.ndarray, q: np.ndarray) -> np.ndarray:
    """f[i, n]: share of village i's calls answered by unit n (Larson 1975)."""
    V, N = order.shape
    r = rho[order]  # villages x preference rank
    busy_before = np.cumprod(np.c_[np.ones(V), r[:, :-1]], axis=1)
    out = np.zeros((V, N))
    out[np.arange(V)[:, None], order] = q[None, :] * busy_before * (1 - r)
    return out


def _erlang_c(servers: int, load: float) -> float:
    b = _erlang_b(servers, load)
    return servers * b / (servers - load * (1 - b))


# --- what the screen reads from a scenario ----------------------------------------------
def demand_per_min(scenario: Scenario, region: Region) -> np.ndarray:
    """Expected calls needing an officer per minute, by village: calls for service plus
    reported offences and disputes, from the scenario's rates (present residents)."""
    present = region.population * (1 - region.away_share)
    c, cr, d, rep = scenario.calls, scenario.crime, scenario.disputes, scenario.reporting
    per_1000_year = (
        (c.rate_per_1000 if c.enabled else 0.0)
        + (
            cr.offenders_per_1000
            * cr.attempts_per_offender_per_year
            * cr.success_probability
            * rep.probability[IncidentType.PROPERTY]
            if cr.enabled and scenario.proactive
            else 0.0
        )
        + (
            d.rate_per_1000 * rep.probability[IncidentType.DISPUTE]
            if d.enabled and scenario.proactive
            else 0.0
        )
    )
    if c.village_rates_per_day:
        extra = np.zeros(region.n)
        for name, rate in c.village_rates_per_day.items():
            extra[region.village(name, "calls.village_rates_per_day")] += rate / MINUTES_PER_DAY
        if not scenario.proactive:
            return extra
        return present / 1000.0 * per_1000_year / 365.0 / MINUTES_PER_DAY + extra
    return present / 1000.0 * per_1000_year / 365.0 / MINUTES_PER_DAY


def service_min(scenario: Scenario) -> float:
    """Mean on-scene minutes over incident types (equal weights)."""
    return float(np.mean([d.mean for d in scenario.on_scene.values()]))


def on_duty_share(scenario: Scenario) -> float:
    """Share of officers on duty at an average hour (shift shares x hours / 24), less
    diversion to non-police work."""
    p = scenario.policing
    share = sum(s.share * s.hours for s in p.shifts) / 24.0
    return share * (1 - (p.diversion_share if scenario.proactive else 0.0))


def estimate_response(scenario: Scenario, region: Region, bases: np.ndarray) -> np.ndarray:
    """Expected response minutes per village with officers at `bases` (one entry per
    officer), from Larson's approximation with the average on-duty officers."""
    k = max(1, round(len(bases) * on_duty_share(scenario)))
    # A representative on-duty subset: every (len/k)-th officer, stations keep their shares.
    idx = np.linspace(0, len(bases) - 1, k).round().astype(int) if len(bases) else idx_empty()
    return hypercube(
        region.travel,
        np.asarray(bases)[idx],
        demand_per_min(scenario, region),
        service_min(scenario),
        scenario.dispatch.call_handling_min,
    ).response_by_village


def idx_empty() -> np.ndarray:
    return np.zeros(0, dtype=int)


def allocate_to_stations(
    scenario: Scenario, region: Region, officers: int, floor: int
) -> list[int]:
    """Officers per station by greedy marginal allocation on the hypercube estimate of the
    demand-weighted mean response (each station first gets `floor`)."""
    stations = np.asarray(region.stations)
    counts = np.full(len(stations), floor)
    if counts.sum() > officers:
        raise ValueError(f"{officers} officers cannot give {len(stations)} stations {floor} each")
    demand = demand_per_min(scenario, region)

    def score(c: np.ndarray) -> float:
        bases = np.repeat(stations, c)
        r = estimate_response(scenario, region, bases)
        return float((demand * np.minimum(r, 1e4)).sum() / demand.sum())

    # Allocate in steps of ~5% of the force so a county of 166 officers takes ~20 rounds.
    step = max(1, (officers - int(counts.sum())) // 20)
    while counts.sum() < officers:
        add = min(step, officers - int(counts.sum()))
        trials = []
        for s in range(len(stations)):
            c = counts.copy()
            c[s] += add
            trials.append(score(c))
        counts[int(np.argmin(trials))] += add
    return [int(c) for c in counts]


__all__ = [
    "Hypercube",
    "allocate_to_stations",
    "estimate_response",
    "hypercube",
    "max_cover",
    "p_median",
]
