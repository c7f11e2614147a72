"""Region generators and loaders."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from simulation import RuralPolicingModel
from simulation.region import build_region
from simulation.scenario import RegionConfig


@pytest.mark.parametrize("kind", ["plain", "hill", "mountain", "periurban"])
def test_generators_are_connected_and_seeded(kind):
    cfg = RegionConfig(type=kind, villages=60, population=50_000, townships=4)
    a = build_region(cfg, np.random.default_rng(1))
    b = build_region(cfg, np.random.default_rng(1))
    assert nx.is_connected(a.graph)
    assert np.isfinite(a.travel).all()
    assert a.population.sum() == 50_000
    assert len(a.stations) == 4
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.travel, b.travel)


def test_mountain_is_slower_and_sparser_than_plain():
    kw = {"villages": 80, "population": 80_000, "townships": 4, "width_km": 50, "height_km": 50}
    plain = build_region(RegionConfig(type="plain", **kw), np.random.default_rng(2))
    mountain = build_region(RegionConfig(type="mountain", **kw), np.random.default_rng(2))
    assert mountain.graph.number_of_edges() < plain.graph.number_of_edges()
    assert mountain.remoteness.mean() > 1.5 * plain.remoteness.mean()


def test_travel_matrix_is_a_metric():
    r = build_region(RegionConfig(type="hill", villages=40), np.random.default_rng(3))
    t = r.travel
    assert np.allclose(t, t.T) and np.allclose(np.diag(t), 0)
    # Triangle inequality through every intermediate village.
    assert (t[:, None, :] <= t[:, :, None] + t[None, :, :] + 1e-9).all()
    path = r.path(0, 39)
    legs = sum(r.graph[u][v]["minutes"] for u, v in itertools.pairwise(path))
    assert legs == pytest.approx(t[0, 39])


def test_csv_loader(tmp_path):
    (tmp_path / "v.csv").write_text(
        "name,x_km,y_km,population,station\nTown,0,0,3000,1\nHill,4,0,800,0\nRiver,0,5,600,0\n"
    )
    (tmp_path / "r.csv").write_text("from,to,minutes\nTown,Hill,12\nTown,River,9\n")
    model = RuralPolicingModel(
        {
            "region": {
                "type": "csv",
                "villages_csv": str(tmp_path / "v.csv"),
                "roads_csv": str(tmp_path / "r.csv"),
            },
            "days": 2,
            "policing": {"officers": 2},
        },
        seed=0,
    )
    region = model.region
    assert region.names == ["Town", "Hill", "River"]
    assert region.population.tolist() == [3000, 800, 600]
    assert region.travel[1, 2] == pytest.approx(21.0)
    assert region.stations.tolist() == [0]
    model.run()


def test_graphml_loader_osmnx_style(tmp_path):
    """A graph written the way osmnx writes one: MultiDiGraph, lon/lat x/y, length in m."""
    g = nx.MultiDiGraph(crs="epsg:4326")
    coords = {1: (101.54, 25.31), 2: (101.56, 25.31), 3: (101.56, 25.33)}
    for n, (x, y) in coords.items():
        g.add_node(n, x=x, y=y, population=500 * n)
    for u, v, length in ((1, 2, 2100.0), (2, 3, 2300.0)):
        g.add_edge(u, v, length=length)
        g.add_edge(v, u, length=length)
    path = tmp_path / "county.graphml"
    nx.write_graphml(g, path)
    model = RuralPolicingModel(
        {
            "region": {"type": "graphml", "graphml": str(path), "road_speed_kmh": 30},
            "days": 1,
            "policing": {"officers": 1},
        },
        seed=0,
    )
    r = model.region
    assert r.n == 3 and r.population.tolist() == [500, 1000, 1500]
    assert r.travel[0, 2] == pytest.approx((2.1 + 2.3) / 30 * 60)
    assert 1.5 < r.x.max() < 2.5 and 1.8 < r.y.max() < 2.6  # ~2 km apart in lon and lat


def test_csv_station_flags_blank_means_no(tmp_path):
    """Blank cells, 0, 'false' and 'no' are not stations (ODD review found blanks were)."""
    (tmp_path / "v.csv").write_text(
        "name,x_km,y_km,population,station\nA,0,0,100,1\nB,1,0,100,\nC,2,0,100,false\n"
        "D,3,0,100,no\nE,4,0,100,0\n"
    )
    (tmp_path / "r.csv").write_text("from,to\nA,B\nB,C\nC,D\nD,E\n")
    cfg = RegionConfig(
        type="csv", villages_csv=str(tmp_path / "v.csv"), roads_csv=str(tmp_path / "r.csv")
    )
    assert build_region(cfg, np.random.default_rng(0)).stations.tolist() == [0]


def test_data_paths_are_relative_to_the_file_that_sets_them(tmp_path, monkeypatch):
    """A parent's paths resolve from the parent's folder, the child's from the child's, a
    sweep base's likewise, and --set from the working directory; from any cwd."""
    from simulation.config_files import load_scenario, validate_dict
    from simulation.sweep import load_sweep

    for folder in ("data", "base", "scen", "sweeps", "elsewhere"):
        (tmp_path / folder).mkdir()
    villages = "name,x_km,y_km,population,station\nTown,0,0,3000,1\nHill,4,0,800,0\n"
    (tmp_path / "data" / "v.csv").write_text(villages)
    (tmp_path / "data" / "r.csv").write_text("from,to,minutes\nTown,Hill,12\n")
    (tmp_path / "scen" / "r.csv").write_text("from,to,minutes\nTown,Hill,30\n")
    (tmp_path / "base" / "county.yaml").write_text(
        "region: {type: csv, villages_csv: ../data/v.csv, roads_csv: ../data/r.csv}\n"
    )
    (tmp_path / "scen" / "child.yaml").write_text(
        "extends: ../base/county.yaml\nregion: {roads_csv: r.csv}\n"
    )
    (tmp_path / "sweeps" / "s.yaml").write_text(
        "base: ../base/county.yaml\nvary:\n  policing.officers: [2, 3]\n"
    )
    monkeypatch.chdir(tmp_path / "elsewhere")
    rng = np.random.default_rng(0)
    parent = load_scenario("../base/county.yaml")
    assert build_region(parent.region, rng).travel[0, 1] == pytest.approx(12.0)
    child = load_scenario(tmp_path / "scen" / "child.yaml")
    assert child.region.villages_csv == str(tmp_path / "data" / "v.csv")
    assert build_region(child.region, rng).travel[0, 1] == pytest.approx(30.0)
    sweep = load_sweep(tmp_path / "sweeps" / "s.yaml")
    region = validate_dict(sweep.scenario(1)).region
    assert build_region(region, rng).names == ["Town", "Hill"]
    monkeypatch.chdir(tmp_path)
    overridden = load_scenario("scen/child.yaml", ["region.roads_csv=data/r.csv"])
    assert overridden.region.roads_csv == "data/r.csv"
    assert build_region(overridden.region, rng).travel[0, 1] == pytest.approx(12.0)
