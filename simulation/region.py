"""The county: villages on a road graph, township seats with police stations.

`build_region(config, rng)` returns a `Region` from a generator (plain, hill,
mountain, periurban) or a loader (GraphML as osmnx writes it; villages CSV +
roads CSV). All-pairs travel times are computed once with scipy.sparse.csgraph.
"""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from pydantic import Field, model_validator
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, shortest_path
from scipy.spatial import Delaunay

from .errors import ScenarioError
from .limits import MAX_SEED, MAX_VILLAGES
from .section import Probability, Section, plausible
from .units import MINUTES_PER_DAY
from .vocab import RegionType

# Region-type defaults. Extents for `mountain` follow Mouding county (Chuxiong prefecture
# profile, 2023: 57.6 km N-S x 53.6 km E-W); away shares follow the seeds (Mouding: ~70,000
# of 211,000 away; end-2023 registered 200,500 vs resident 144,800, i.e. ~28-33% away).
# Speeds, winding factors and road densities are assumptions describing the terrain classes
# (mountain: dispersed villages, sparse winding roads).
TERRAIN = {
    RegionType.PLAIN: {
        "width": 40.0,
        "height": 40.0,
        "speed": 45.0,
        "winding": 1.15,
        "extra": 0.6,
        "spread": 0.35,
        "away": 0.25,
        "urban": 0.0,
    },
    RegionType.HILL: {
        "width": 50.0,
        "height": 50.0,
        "speed": 35.0,
        "winding": 1.3,
        "extra": 0.35,
        "spread": 0.3,
        "away": 0.3,
        "urban": 0.0,
    },
    RegionType.MOUNTAIN: {
        "width": 53.6,
        "height": 57.6,
        "speed": 25.0,
        "winding": 1.6,
        "extra": 0.1,
        "spread": 0.3,
        "away": 0.33,
        "urban": 0.0,
    },
    # Peri-urban villages (城中村/城郊结合部) on a city's edge: the 30% of villages nearest the
    # city (`urban`, the default of region.urban_edge_share; assumption) are urban-edge villages
    # with rentals and floating population, more attractive to offenders
    # (region.urban_edge_crime_weight).
    RegionType.PERIURBAN: {
        "width": 15.0,
        "height": 15.0,
        "speed": 30.0,
        "winding": 1.2,
        "extra": 0.8,
        "spread": 0.5,
        "away": 0.1,
        "urban": 0.3,
    },
}
TOWNSHIP_ROAD_SPEEDUP = 1.4  # assumption: roads to township seats are paved county roads
# Prim-Dijkstra trade-off of the road tree (0: minimum spanning tree, 1: straight roads to the
# seat). Assumption: roads lead towards the township seat without the minimum spanning tree's
# zigzags.
ROAD_DIRECTNESS = 0.5
# Documented bound on the remotest village's drive to its nearest station (minutes), which the
# generated counties keep (tests/test_region.py, 5 seeds per type). Assumption, after China's
# rural road programme (四好农村路): by the end of 2018, 99.6% of townships and 99.5% of
# administrative villages had paved roads (Ministry of Transport, Xinhua 2019-03-02); the
# bounds themselves are an assumption (every village within one to two hours of a station on
# those roads). Not enforced by the generator: they follow from spread, winding and speed.
REMOTEST_MINUTES = {"plain": 45, "hill": 75, "mountain": 120, "periurban": 30}


class RegionConfig(Section):
    """The county: villages joined by roads, township seats with police stations."""

    type: RegionType = Field(
        RegionType.HILL,
        description="generator (plain/hill/mountain/periurban) or loader (graphml/csv)",
        json_schema_extra={"unit": "", "source": "setting"},
    )
    seed: int | None = Field(
        0,
        ge=0,
        le=MAX_SEED,
        description="seed of the county layout; null draws it from the run seed "
        "(a new county per replicate)",
        json_schema_extra={"unit": "", "source": "setting"},
    )
    villages: int = Field(
        40,
        ge=2,
        le=MAX_VILLAGES,
        description="number of administrative villages",
        json_schema_extra={
            "unit": "villages",
            "source": "setting; Mouding: 89 administrative villages (county profile 2023)",
        },
    )
    population: int = Field(
        40_000,
        ge=10,
        le=5_000_000,
        description="registered residents, persons",
        json_schema_extra={
            "unit": "persons",
            "source": "setting; Mouding: 211,000 (seed document)",
        },
    )
    townships: int = Field(
        3,
        ge=1,
        le=500,
        description="township seats, each with a police station",
        json_schema_extra={
            "unit": "townships",
            "source": "setting; Mouding: 7 townships (county profile 2023)",
        },
    )
    width_km: float | None = Field(
        None,
        gt=0,
        le=1000,
        description="county extent east-west, km (null: region-type default)",
        json_schema_extra={
            "unit": "km",
            "source": "setting (the county): type defaults: mountain 53.6 km after Mouding (county profile 2023); others assumption",
        },
    )
    height_km: float | None = Field(
        None,
        gt=0,
        le=1000,
        description="county extent north-south, km (null: region-type default)",
        json_schema_extra={
            "unit": "km",
            "source": "setting (the county): type defaults: mountain 57.6 km after Mouding (county profile 2023); others assumption",
        },
    )
    away_share: Probability | None = Field(
        None,
        description="share of registered residents away as migrant workers "
        "(null: region-type default)",
        json_schema_extra={
            "unit": "share 0-1",
            "source": "setting (the county): type defaults: mountain 0.33 after Mouding (seed: ~70,000 of 211,000 away); plain 0.25, hill 0.30, periurban 0.10 assumption",
        },
    )
    household_size: float = Field(
        2.6,
        ge=1,
        le=20,
        description="mean registered persons per household "
        "(China 2020 census: 2.62 persons per family household)",
        json_schema_extra={
            "unit": "persons",
            "source": "setting (the county): China 2020 census: 2.62 persons per family household",
        },
    )
    file_away_share: Probability = Field(
        0.3,
        description="away share of a loaded county (graphml/csv) when `away_share` is null",
        json_schema_extra={
            "unit": "share 0-1",
            "source": "setting (the county): assumption: rural China ~30% away (seeds, C5: Mouding ~70,000 of 211,000)",
        },
    )
    road_speed_kmh: float | None = Field(
        None,
        gt=0,
        le=200,
        description="mean driving speed on village roads, km/h (null: type default)",
        json_schema_extra={
            "unit": "km/h",
            "source": "setting (the county): type defaults plain 45, hill 35, mountain 25, periurban 30: assumption (terrain classes: dispersed mountain villages on sparse winding roads)",
        },
    )
    urban_edge_share: Probability | None = Field(
        None,
        description="share of a generated county's villages, those nearest the city (beyond "
        "the western edge), that are urban-edge villages (城中村/城郊结合部) with rentals and "
        "floating population (null: type default, periurban 0.3, others 0)",
        json_schema_extra={
            "unit": "share 0-1",
            "source": "setting (the county): assumption: a peri-urban county where about a third of the villages "
            "border the built-up city; 0 in rural counties",
        },
    )
    urban_edge_crime_weight: float = Field(
        1.8,
        gt=0,
        description="attractiveness to offenders of an urban-edge village's households "
        "relative to other villages' (1: no spatial difference)",
        json_schema_extra={
            "unit": "ratio per household",
            "source": "assumption for the size; the direction from studies of Chinese cities: "
            "burglary rises with the floating population from other provinces (Chen et al. "
            "2017, ZG city), arrests with home rentals (Cheng, Liu & Wang 2017)",
            "plausible": plausible(
                1.0,
                3.0,
                "Chen et al. 2017 and Cheng, Liu & Wang 2017 show the direction (floating population, rentals), not the size: from none to 3x per household",
                dist="triangular",
                mode=1.8,
            ),
        },
    )
    graphml: str | None = Field(
        None,
        description="path of a GraphML road graph (type: graphml)",
        json_schema_extra={"unit": "path", "source": "setting: input data"},
    )
    villages_csv: str | None = Field(
        None,
        description="path of a villages CSV (type: csv)",
        json_schema_extra={"unit": "path", "source": "setting: input data"},
    )
    roads_csv: str | None = Field(
        None,
        description="path of a roads CSV (type: csv)",
        json_schema_extra={"unit": "path", "source": "setting: input data"},
    )

    @model_validator(mode="after")
    def _loader_paths(self) -> RegionConfig:
        if self.type == "graphml" and not self.graphml:
            raise ValueError("region.type 'graphml' needs region.graphml (a file path)")
        if self.type == "csv" and not (self.villages_csv and self.roads_csv):
            raise ValueError("region.type 'csv' needs region.villages_csv and region.roads_csv")
        if self.type not in ("graphml", "csv") and self.townships > self.villages:
            raise ValueError(
                f"{self.townships} townships for {self.villages} villages: at most one township "
                "seat per village"
            )
        return self


@dataclass
class Region:
    """A county ready to simulate. Distances in km, travel times in minutes."""

    names: list[str]
    x: np.ndarray
    y: np.ndarray
    population: np.ndarray  # registered residents per village
    township: np.ndarray  # township index of each village
    stations: np.ndarray  # village index of each township's police station
    graph: nx.Graph  # edges carry length_km and minutes
    away_share: float
    crime_weight: np.ndarray  # relative attractiveness to offenders, per household
    urban_edge: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    travel: np.ndarray = field(init=False)  # all-pairs minutes
    predecessors: np.ndarray = field(init=False)
    remoteness: np.ndarray = field(init=False)  # minutes to the nearest station

    def __post_init__(self) -> None:
        n = len(self.names)
        if len(self.urban_edge) != n:
            self.urban_edge = np.zeros(n, dtype=bool)
        if self.graph.number_of_nodes() != n:
            raise ScenarioError(
                f"graph has {self.graph.number_of_nodes()} nodes for {n} villages", key="region"
            )
        rows, cols, w = [], [], []
        for u, v, d in self.graph.edges(data=True):
            if u == v:
                continue
            minutes = float(d["minutes"])
            if not math.isfinite(minutes) or minutes < 0:
                raise ScenarioError(
                    f"road {self.names[u]}-{self.names[v]} has travel time {minutes}", key="region"
                )
            rows += [u, v]
            cols += [v, u]
            w += [max(minutes, 1e-6)] * 2
        adj = csr_matrix((w, (rows, cols)), shape=(n, n))
        ncomp, labels = connected_components(adj, directed=False)
        if ncomp > 1:
            main = np.bincount(labels).argmax()
            cut = [self.names[i] for i in np.flatnonzero(labels != main)[:5]]
            raise ScenarioError(
                f"the road graph is disconnected ({ncomp} components); villages such as "
                f"{', '.join(cut)} cannot be reached from the rest",
                key="region",
            )
        self.travel, self.predecessors = shortest_path(
            adj, method="D", directed=False, return_predecessors=True
        )
        self.remoteness = self.travel[:, self.stations].min(axis=1)
        self.index = {name: i for i, name in enumerate(self.names)}
        self._routes: dict[tuple[int, int], tuple[list[int], np.ndarray]] = {}
        self._route_kms: dict[tuple[int, int], np.ndarray] = {}
        self._legs: dict[tuple[int, int], tuple[list[int], list[float], list[float]]] = {}
        # Road km per minute of driving, for roads a loaded county gives without a length.
        known = [
            (float(d["length_km"]), float(d["minutes"]))
            for _, _, d in self.graph.edges(data=True)
            if math.isfinite(float(d.get("length_km", math.nan))) and float(d["minutes"]) > 0
        ]
        self.km_per_minute = (
            sum(k for k, _ in known) / sum(m for _, m in known) if known else 0.5
        )  # 0.5 km/min (30 km/h) when no road has a length: assumption

    @property
    def n(self) -> int:
        """Number of villages."""
        return len(self.names)

    def path(self, i: int, j: int) -> list[int]:
        """Villages along the quickest road from i to j (both included)."""
        nodes = [j]
        while nodes[-1] != i:
            nodes.append(int(self.predecessors[i, nodes[-1]]))
        return nodes[::-1]

    def route(self, i: int, j: int) -> tuple[list[int], np.ndarray]:
        """Villages along the quickest road from i to j and the minutes to reach each
        (cached: officers repeat the same journeys all year)."""
        key = (i, j)
        hit = self._routes.get(key)
        if hit is None:
            nodes = self.path(i, j)
            legs = [self.graph[u][v]["minutes"] for u, v in itertools.pairwise(nodes)]
            hit = (nodes, np.concatenate([[0.0], np.cumsum(legs)]))
            self._routes[key] = hit
        return hit

    def road_km(self, u: int, v: int) -> float:
        """Length of the road u-v, km (from its minutes when the county gives no length)."""
        d = self.graph[u][v]
        km = float(d.get("length_km", math.nan))
        return km if math.isfinite(km) else float(d["minutes"]) * self.km_per_minute

    def route_km(self, i: int, j: int) -> np.ndarray:
        """Km driven to reach each village along `route(i, j)` (cached)."""
        key = (i, j)
        hit = self._route_kms.get(key)
        if hit is None:
            nodes, _ = self.route(i, j)
            legs = [self.road_km(u, v) for u, v in itertools.pairwise(nodes)]
            hit = np.concatenate([[0.0], np.cumsum(legs)])
            self._route_kms[key] = hit
        return hit

    def leg_table(self, i: int, j: int) -> tuple[list[int], list[float], list[float]]:
        """`route(i, j)` and `route_km(i, j)` as lists of floats (what a trip keeps)."""
        key = (i, j)
        hit = self._legs.get(key)
        if hit is None:
            nodes, cum = self.route(i, j)
            hit = self._legs[key] = (nodes, cum.tolist(), self.route_km(i, j).tolist())
        return hit

    def village(self, name: str, key: str) -> int:
        """Index of a named village; a clear error naming `key` if there is none."""
        if name not in self.index:
            raise ScenarioError(
                f"unknown village {name!r} (villages are e.g. {', '.join(self.names[:3])} ...)",
                key=key,
            )
        return self.index[name]


def straight_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Straight-line distance between points a and b (x, y on the last axis, km), by IEEE
    arithmetic alone (products, a sum, a square root: rounded the same on every machine).
    numpy's norm of a single vector calls BLAS, whose kernel is chosen by the CPU and
    rounds differently: the same seed gave other road lengths, and so other posts and
    numbers, on another processor."""
    d = np.subtract(a, b, dtype=float)
    return np.sqrt(d[..., 0] * d[..., 0] + d[..., 1] * d[..., 1])


def build_region(config: RegionConfig, rng: np.random.Generator) -> Region:
    """Build the county a scenario's `region` section describes."""
    match config.type:
        case "plain" | "hill" | "mountain" | "periurban":
            return generate_region(config, rng)
        case "graphml":
            return _loaded(load_graphml, config, rng, "region.graphml")
        case "csv":
            return _loaded(load_csv, config, rng, "region.villages_csv")
        case other:
            raise ValueError(f"unknown region type {other!r}")


def _loaded(loader, config: RegionConfig, rng: np.random.Generator, key: str) -> Region:
    """A loader's region; a file it cannot read (binary, empty, text where numbers belong)
    is a ScenarioError naming the file, not a traceback."""
    try:
        region = loader(config, rng)
    except ScenarioError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, UnicodeDecodeError) as exc:
        files = config.graphml if key == "region.graphml" else config.villages_csv
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ScenarioError(f"cannot read {files}: {reason}", key=key) from None
    return region


def _check_loaded(
    names: list[str], population: np.ndarray, config: RegionConfig, key: str, path: Path
) -> None:
    """Rules every loaded county follows: unique names, populations within the schema's
    bound, at least as many villages as townships."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ScenarioError(
                f"village name {name!r} appears twice; names must be unique", key=key
            )
        seen.add(name)
    limit = RegionConfig.model_fields["population"].metadata
    most = min((m.le for m in limit if hasattr(m, "le")), default=math.inf)
    if population.sum() > most:
        raise ScenarioError(
            f"{path}: {population.sum():,.0f} residents in total; at most {most:,} in a county",
            key=key,
        )


def _check_size(n: int, path: Path, key: str) -> None:
    """A loaded county holds at most MAX_VILLAGES villages: the travel matrix of n villages
    takes 8 n^2 bytes (twice that while it is computed)."""
    if n > MAX_VILLAGES:
        need = 8 * n * n / 2**30
        raise ScenarioError(
            f"{path} has {n:,} villages: at most {MAX_VILLAGES:,} in a county (its travel "
            f"matrix would need {need:,.1f} GiB; {MAX_VILLAGES:,} villages need "
            f"{8 * MAX_VILLAGES**2 / 2**30:.2f} GiB)",
            key=key,
        )


MAX_ROAD_KM = 1000.0
"""The longest road between two neighbouring villages a file may give (assumption: longer is
a unit mistake, metres for kilometres)."""
MAX_ROAD_MINUTES = MINUTES_PER_DAY


def _road_value(d: dict, column: str, most: float, row: int, path: Path) -> float:
    """A road's `length_km` or `minutes` from roads.csv: NaN when not given; a number above
    0 and at most `most` when given."""
    raw = d.get(column)
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return math.nan
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = math.nan
    if not (0 < value <= most):
        raise ScenarioError(
            f"{path} line {row + 2}: {column} is {raw!r}; a road's {column} is a number above "
            f"0 and at most {most:g} (leave it blank to derive it)",
            key="region.roads_csv",
        )
    return value


def _split_population(total: int, weights: np.ndarray) -> np.ndarray:
    """Integer split of `total` proportional to weights (largest remainder)."""
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(np.int64)
    out[np.argsort(raw - out)[::-1][: total - out.sum()]] += 1
    return out


def _township_seats(width: float, height: float, k: int, rng: np.random.Generator) -> np.ndarray:
    """k initial seats at the centres of k compact cells of about equal area (Lloyd's
    algorithm on uniform points: a centroidal Voronoi tessellation), so that no seat sits in a
    corner and every township has its share of the county."""
    m = max(1000, 50 * k)
    pts = rng.uniform([0.0, 0.0], [width, height], size=(m, 2))
    seats = pts[rng.choice(m, size=k, replace=False)]
    for _ in range(20):
        near = _nearest(pts, seats)
        for j in range(k):
            mine = pts[near == j]
            if len(mine):
                seats[j] = mine.mean(axis=0)
    return seats


def _nearest(xy: np.ndarray, seats: np.ndarray) -> np.ndarray:
    """Index of the nearest seat of every point (squared distances, chunked by seat)."""
    d = (xy[:, None, 0] - seats[None, :, 0]) ** 2 + (xy[:, None, 1] - seats[None, :, 1]) ** 2
    return d.argmin(axis=1)


def _villages_around_seats(
    seat_xy: np.ndarray,
    township: np.ndarray,
    sd: float,
    width: float,
    height: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Each village at its seat plus N(0, sd^2) noise per coordinate, redrawn (rejection
    sampling) until it lies inside the county and inside its own township's cell (nearer its
    own seat than any other): villages cluster around the seats, townships are contiguous,
    and nothing piles up on the boundary."""
    n = len(township)
    xy = np.empty((n, 2))
    todo = np.arange(n)
    for _ in range(200):
        if not len(todo):
            break
        prop = seat_xy[township[todo]] + rng.normal(0.0, sd, size=(len(todo), 2))
        ok = (
            (prop[:, 0] > 0)
            & (prop[:, 0] < width)
            & (prop[:, 1] > 0)
            & (prop[:, 1] < height)
            & (_nearest(prop, seat_xy) == township[todo])
        )
        xy[todo[ok]] = prop[ok]
        todo = todo[~ok]
    # A cell too small for the noise (practically never): uniform within a seat-sized disc.
    for i in todo:
        xy[i] = seat_xy[township[i]] + rng.uniform(-0.05, 0.05, size=2) * min(width, height)
    return xy


def generate_region(config: RegionConfig, rng: np.random.Generator) -> Region:
    """Generate a connected county of the given terrain type.

    Seats first (centres of equal-area cells), then villages drawn around them inside the
    county and inside their township, then populations, then each seat moved to its
    township's population-weighted centre (the township seat, 乡镇驻地, is the largest
    settlement and the station stands there), then roads."""
    t = TERRAIN[config.type]
    width = config.width_km or t["width"]
    height = config.height_km or t["height"]
    n, k = config.villages, min(config.townships, config.villages)
    seat_xy = _township_seats(width, height, k, rng)
    township = np.concatenate([np.arange(k), rng.integers(0, k, size=n - k)])
    # Spread relative to the side of a township's cell (sqrt of its area).
    sd = t["spread"] * math.sqrt(width * height / k)
    xy = np.empty((n, 2))
    xy[:k] = seat_xy
    xy[k:] = _villages_around_seats(seat_xy, township[k:], sd, width, height, rng)
    # Seat villages are the largest settlement of their township (market towns, at least
    # 1.5 x the next largest); others lognormal. Assumption.
    size = rng.lognormal(0.0, 0.5, size=n)
    size[:k] *= 3.0
    for j in range(k):
        others = size[k:][township[k:] == j]
        if len(others):
            size[j] = max(size[j], 1.5 * others.max())
            # The seat at the population-weighted centre of its township's villages.
            xy[j] = np.average(xy[k:][township[k:] == j], axis=0, weights=others)
    population = _split_population(config.population, size)
    xy += rng.normal(0, 1e-3, size=xy.shape)  # break exact ties for Delaunay
    xy[:, 0] = np.clip(xy[:, 0], 0.0, width)  # only the 1 m jitter can leave the county
    xy[:, 1] = np.clip(xy[:, 1], 0.0, height)
    graph = _road_graph(xy, t["extra"], np.arange(k), ROAD_DIRECTNESS)
    speed = config.road_speed_kmh or t["speed"]
    for u, v, d in graph.edges(data=True):
        d["length_km"] = float(straight_km(xy[u], xy[v]) * t["winding"])
        s = speed * (TOWNSHIP_ROAD_SPEEDUP if (u < k or v < k) else 1.0)
        d["minutes"] = d["length_km"] / s * 60.0
    names = [f"V{i:03d}" for i in range(n)]
    urban_share = config.urban_edge_share if config.urban_edge_share is not None else t["urban"]
    urban_edge = _urban_edge(xy[:, 0], urban_share)
    return Region(
        names=names,
        x=xy[:, 0],
        y=xy[:, 1],
        population=population,
        township=township,
        stations=np.arange(k),
        graph=graph,
        away_share=config.away_share if config.away_share is not None else t["away"],
        crime_weight=np.where(urban_edge, config.urban_edge_crime_weight, 1.0),
        urban_edge=urban_edge,
    )


def _urban_edge(x: np.ndarray, share: float) -> np.ndarray:
    """The urban-edge villages (城中村 / 城郊结合部): the `share` of villages nearest the city,
    which lies beyond the county's western edge (x = 0)."""
    m = int(round(share * len(x)))
    edge = np.zeros(len(x), dtype=bool)
    edge[np.argsort(x, kind="stable")[:m]] = True
    return edge


def _road_graph(
    xy: np.ndarray, extra_share: float, roots: np.ndarray, directness: float
) -> nx.Graph:
    """Roads: a tree grown from the township seats over the Delaunay triangulation, plus the
    shortest extra Delaunay edges.

    The tree is the Prim-Dijkstra trade-off (Alpert et al. 1995): from the seats outwards,
    the next village joined is the one minimising `directness` x (road length from the tree
    node to its seat) + (length of the new road). 0 is the minimum spanning forest (long
    zigzag chains); 1 is the shortest-path tree (every village on a straight road to the
    seat). Village roads branch off roads that lead towards the seat (乡道 radiating from
    the township seat). Seats' trees are then joined by the shortest connecting edges."""
    n = len(xy)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    if n == 2:
        graph.add_edge(0, 1)
        return graph
    if n == 3:
        graph.add_edges_from([(0, 1), (1, 2), (0, 2)])
        return graph
    tri = Delaunay(xy)
    pairs: set[tuple[int, int]] = set()
    for s in tri.simplices:
        for a, b in ((s[0], s[1]), (s[1], s[2]), (s[0], s[2])):
            pairs.add((min(int(a), int(b)), max(int(a), int(b))))
    edges = np.array(sorted(pairs))
    length = straight_km(xy[edges[:, 0]], xy[edges[:, 1]])
    nbrs: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for (a, b), ln in zip(edges.tolist(), length.tolist(), strict=True):
        nbrs[a].append((b, ln))
        nbrs[b].append((a, ln))
    joined = np.zeros(n, dtype=bool)
    path = np.zeros(n)
    heap: list[tuple[float, int, int]] = []
    for r in roots.tolist():
        joined[r] = True
    for r in roots.tolist():
        for w, ln in nbrs[r]:
            if not joined[w]:
                heapq.heappush(heap, (ln, w, r))
    tree: set[tuple[int, int]] = set()
    while heap:
        _, v, u = heapq.heappop(heap)
        if joined[v]:
            continue
        joined[v] = True
        ln_uv = float(straight_km(xy[u], xy[v]))
        path[v] = path[u] + ln_uv
        tree.add((min(u, v), max(u, v)))
        for w, ln in nbrs[v]:
            if not joined[w]:
                heapq.heappush(heap, (directness * path[v] + ln, w, v))
    # Join the seats' trees (Kruskal over the Delaunay edges between them).
    label = list(range(n))

    def find(i: int) -> int:
        while label[i] != i:
            label[i] = label[label[i]]
            i = label[i]
        return i

    for a, b in tree:
        label[find(a)] = find(b)
    for e in np.argsort(length, kind="stable").tolist():
        a, b = int(edges[e, 0]), int(edges[e, 1])
        if find(a) != find(b):
            label[find(a)] = find(b)
            tree.add((a, b))
    graph.add_edges_from(tree)
    rest = [
        (int(a), int(b), ln)
        for (a, b), ln in zip(edges.tolist(), length.tolist(), strict=True)
        if (a, b) not in tree
    ]
    rest.sort(key=lambda e: e[2])
    keep = int(round(extra_share * len(rest)))
    graph.add_edges_from((a, b) for a, b, _ in rest[:keep])
    return graph


def _truthy(value: object) -> bool:
    """A station flag in a file: 1, true, yes, y (any case); blanks and anything else: no."""
    return str(value).strip().lower() in ("1", "1.0", "true", "yes", "y")


def _file_population(pops: np.ndarray, total: int) -> np.ndarray:
    """Populations given in a file are used as they are; without them, `region.population`
    is split evenly over the nodes."""
    if pops.sum() > 0:
        return np.round(pops).astype(np.int64)
    return _split_population(total, np.ones(len(pops)))


def _pick_stations(xy: np.ndarray, population: np.ndarray, k: int) -> np.ndarray:
    """Township seats for loaded data without stations: the most populous, spread out."""
    order = np.argsort(-population, kind="stable")
    chosen = [int(order[0])]
    for _ in range(k - 1):
        d = np.min(straight_km(xy[:, None], xy[chosen][None]), axis=1)
        score = d * (1 + population / max(population.max(), 1))
        score[chosen] = -1
        chosen.append(int(score.argmax()))
    return np.array(chosen)


def _stations(xy: np.ndarray, population: np.ndarray, config: RegionConfig) -> np.ndarray:
    """Township seats of a loaded county without station flags: `region.townships` of them;
    more townships than villages is an error (it used to be clamped silently)."""
    if config.townships > len(population):
        raise ScenarioError(
            f"{config.townships} townships for {len(population)} villages: at most one "
            "township seat per village",
            key="region.townships",
        )
    return _pick_stations(xy, population, config.townships)


def _townships_from_stations(travel_xy: np.ndarray, stations: np.ndarray) -> np.ndarray:
    d = straight_km(travel_xy[:, None], travel_xy[stations][None])
    return d.argmin(axis=1)


def load_graphml(config: RegionConfig, rng: np.random.Generator) -> Region:
    """Load a road graph written by osmnx (`ox.save_graphml`) or any GraphML.

    Nodes need coordinates `x`, `y` (lon/lat degrees when the graph's crs is EPSG:4326,
    else metres). Optional node attributes: `name`, `population`, `station` (true at
    police stations). Edges use `travel_time` (s) if present, else `length` (m) at the
    region's road speed.
    """
    path = Path(config.graphml or "")
    if not path.is_file():
        raise ScenarioError(f"file not found: {path}", key="region.graphml")
    try:
        g = nx.read_graphml(path)
    except Exception as exc:  # networkx raises several parse errors
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ScenarioError(
            f"{path} is not valid GraphML ({reason})", key="region.graphml"
        ) from None
    nodes = list(g.nodes)
    if len(nodes) < 2:
        raise ScenarioError(f"{path} has fewer than 2 nodes", key="region.graphml")
    _check_size(len(nodes), path, "region.graphml")
    missing = [v for v in nodes if "x" not in g.nodes[v] or "y" not in g.nodes[v]]
    if missing:
        raise ScenarioError(
            f"{path}: node {missing[0]!r} (and {len(missing) - 1} more) has no "
            "coordinates 'x' and 'y'",
            key="region.graphml",
        )
    try:
        lon = np.array([float(g.nodes[v]["x"]) for v in nodes])
        lat = np.array([float(g.nodes[v]["y"]) for v in nodes])
    except (TypeError, ValueError):
        raise ScenarioError(
            f"{path}: node coordinates 'x' and 'y' must be numbers", key="region.graphml"
        ) from None
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        raise ScenarioError(f"{path}: node coordinates must be finite", key="region.graphml")
    geographic = "4326" in str(g.graph.get("crs", "")).lower() or (
        np.abs(lon).max() <= 180 and np.abs(lat).max() <= 90 and np.ptp(lon) < 5
    )
    if geographic:
        x = (lon - lon.min()) * 111.32 * np.cos(np.radians(lat.mean()))
        y = (lat - lat.min()) * 110.57
    else:
        x, y = (lon - lon.min()) / 1000.0, (lat - lat.min()) / 1000.0
    xy = np.column_stack([x, y])
    idx = {v: i for i, v in enumerate(nodes)}
    speed = config.road_speed_kmh or TERRAIN[RegionType.HILL]["speed"]
    graph = nx.Graph()
    graph.add_nodes_from(range(len(nodes)))
    for u, v, d in g.edges(data=True):
        a, b = idx[u], idx[v]
        if a == b:
            continue
        length_km = float(d["length"]) / 1000 if "length" in d else float(straight_km(xy[a], xy[b]))
        minutes = float(d["travel_time"]) / 60 if "travel_time" in d else length_km / speed * 60
        if graph.has_edge(a, b) and graph[a][b]["minutes"] <= minutes:
            continue
        graph.add_edge(a, b, length_km=length_km, minutes=minutes)
    try:
        pops = np.array([float(g.nodes[v].get("population", 0) or 0) for v in nodes])
    except (TypeError, ValueError):
        raise ScenarioError(
            f"{path}: node populations must be numbers", key="region.graphml"
        ) from None
    if not np.isfinite(pops).all() or (pops < 0).any():
        bad = nodes[int(np.flatnonzero(~np.isfinite(pops) | (pops < 0))[0])]
        raise ScenarioError(
            f"{path}: node {bad!r} has population {pops[nodes.index(bad)]:g}; populations are "
            "numbers of at least 0",
            key="region.graphml",
        )
    names = [str(g.nodes[v].get("name", v)) for v in nodes]
    _check_loaded(names, pops, config, "region.graphml", path)
    population = _file_population(pops, config.population)
    st_flag = [_truthy(g.nodes[v].get("station", "")) for v in nodes]
    stations = np.flatnonzero(st_flag) if any(st_flag) else _stations(xy, population, config)
    return Region(
        names=names,
        x=x,
        y=y,
        population=population,
        township=_townships_from_stations(xy, stations),
        stations=stations,
        graph=graph,
        away_share=config.away_share if config.away_share is not None else config.file_away_share,
        crime_weight=np.ones(len(nodes)),
    )


def load_csv(config: RegionConfig, rng: np.random.Generator) -> Region:
    """Load villages.csv (name, x_km, y_km, population[, station]) and roads.csv
    (from, to[, length_km][, minutes]); names in roads.csv refer to villages.csv."""
    vpath, rpath = Path(config.villages_csv or ""), Path(config.roads_csv or "")
    for p, key in ((vpath, "region.villages_csv"), (rpath, "region.roads_csv")):
        if not p.is_file():
            raise ScenarioError(f"file not found: {p}", key=key)
    frames = []
    for p, key in ((vpath, "region.villages_csv"), (rpath, "region.roads_csv")):
        try:
            frames.append(pd.read_csv(p))
        except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else "unreadable"
            raise ScenarioError(f"{p} is not a CSV table ({reason})", key=key) from None
    villages, roads = frames
    for need, df, key in (
        (("name", "x_km", "y_km", "population"), villages, "region.villages_csv"),
        (("from", "to"), roads, "region.roads_csv"),
    ):
        lacking = [c for c in need if c not in df.columns]
        if lacking:
            raise ScenarioError(f"missing column(s) {lacking}", key=key)
    if len(villages) < 2:
        raise ScenarioError(
            f"{vpath} lists {len(villages)} villages; a county needs at least 2",
            key="region.villages_csv",
        )
    _check_size(len(villages), vpath, "region.villages_csv")
    names = [str(s) for s in villages["name"]]
    if len(set(names)) != len(names):
        raise ScenarioError("village names must be unique", key="region.villages_csv")
    coords = pd.DataFrame(
        {c: pd.to_numeric(villages[c], errors="coerce") for c in ("x_km", "y_km")}
    )
    if coords.isna().any().any():
        row = int(coords.isna().any(axis=1).to_numpy().argmax())
        raise ScenarioError(
            f"{vpath} line {row + 2}: x_km and y_km must be numbers for every village",
            key="region.villages_csv",
        )
    idx = {n: i for i, n in enumerate(names)}
    xy = coords.to_numpy(float)
    if not np.isfinite(xy).all():
        raise ScenarioError(
            "x_km / y_km must be numbers for every village", key="region.villages_csv"
        )
    speed = config.road_speed_kmh or TERRAIN[RegionType.HILL]["speed"]
    graph = nx.Graph()
    graph.add_nodes_from(range(len(names)))
    for row, d in enumerate(roads.to_dict("records")):
        a, b = str(d["from"]), str(d["to"])
        for end in (a, b):
            if end not in idx:
                raise ScenarioError(
                    f"road refers to unknown village {end!r}", key="region.roads_csv"
                )
        if a == b:
            raise ScenarioError(
                f"{rpath} line {row + 2}: a road from {a!r} to itself; a road joins two villages",
                key="region.roads_csv",
            )
        i, j = idx[a], idx[b]
        length = _road_value(d, "length_km", MAX_ROAD_KM, row, rpath)
        if not math.isfinite(length):
            length = float(straight_km(xy[i], xy[j]))
        minutes = _road_value(d, "minutes", MAX_ROAD_MINUTES, row, rpath)
        if not math.isfinite(minutes):
            minutes = length / speed * 60
        graph.add_edge(i, j, length_km=length, minutes=minutes)
    raw = villages["population"]
    numbers = pd.to_numeric(raw, errors="coerce")
    blank = raw.isna()
    if blank.all():  # stated rule: no populations at all -> region.population split evenly
        numbers = numbers.fillna(0.0)
    elif blank.any() or numbers.isna().any():
        row = int((blank | numbers.isna()).to_numpy().argmax())
        what = "is blank" if blank.iloc[row] else f"is {raw.iloc[row]!r}"
        raise ScenarioError(
            f"{vpath} line {row + 2}: the population of {names[row]!r} {what}; give a number "
            "for every village (or leave the whole column blank)",
            key="region.villages_csv",
        )
    pops = numbers.to_numpy(float)
    if not np.isfinite(pops).all() or (pops < 0).any():
        row = int((~np.isfinite(pops) | (pops < 0)).argmax())
        raise ScenarioError(
            f"{vpath} line {row + 2}: the population of {names[row]!r} is {pops[row]:g}; "
            "populations are numbers of at least 0",
            key="region.villages_csv",
        )
    _check_loaded(names, pops, config, "region.villages_csv", vpath)
    population = _file_population(pops, config.population)
    flags = villages["station"].map(_truthy) if "station" in villages.columns else None
    if flags is not None and flags.any():
        stations = np.flatnonzero(flags.to_numpy())
    else:
        stations = _stations(xy, population, config)
    return Region(
        names=names,
        x=xy[:, 0],
        y=xy[:, 1],
        population=population,
        township=_townships_from_stations(xy, stations),
        stations=stations,
        graph=graph,
        away_share=config.away_share if config.away_share is not None else config.file_away_share,
        crime_weight=np.ones(len(names)),
    )
