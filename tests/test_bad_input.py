"""Impossible parameters fail before any simulation, naming the parameter and value."""

from __future__ import annotations

import networkx as nx
import pytest

from simulation import RuralPolicingModel, ScenarioError


def error_of(config: dict) -> str:
    with pytest.raises(ScenarioError) as info:
        RuralPolicingModel(config, seed=0)
    return str(info.value)


def test_negative_officers():
    msg = error_of({"policing": {"officers": -3}})
    assert "policing.officers" in msg and "-3" in msg


def test_probability_above_one():
    msg = error_of(
        {
            "reporting": {
                "probability": {"property": 1.4, "violent": 0.4, "dispute": 0.2, "service": 0.9}
            }
        }
    )
    assert "reporting.probability.property" in msg and "1.4" in msg
    msg = error_of({"policing": {"diversion_share": 2}})
    assert "policing.diversion_share" in msg and "2" in msg


def test_unknown_key_suggests_the_right_one():
    msg = error_of({"policing": {"offcers": 4}})
    assert "policing.offcers" in msg and "did you mean 'officers'" in msg


def test_unknown_preset():
    msg = error_of({"policing": {"preset": "robocop"}})
    assert "policing.preset" in msg and "robocop" in msg


def test_disconnected_road_graph(tmp_path):
    (tmp_path / "v.csv").write_text(
        "name,x_km,y_km,population\nA,0,0,100\nB,1,0,100\nC,5,5,100\nD,6,5,100\n"
    )
    (tmp_path / "r.csv").write_text("from,to\nA,B\nC,D\n")
    msg = error_of(
        {
            "region": {
                "type": "csv",
                "villages_csv": str(tmp_path / "v.csv"),
                "roads_csv": str(tmp_path / "r.csv"),
            }
        }
    )
    assert "region" in msg and "disconnected" in msg


def test_graphml_without_coordinates(tmp_path):
    g = nx.path_graph(4)
    nx.write_graphml(g, tmp_path / "roads.graphml")
    msg = error_of({"region": {"type": "graphml", "graphml": str(tmp_path / "roads.graphml")}})
    assert "region.graphml" in msg and "coordinates" in msg


def test_posts_at_unknown_village():
    msg = error_of(
        {
            "mode": "calls_for_service",
            "policing": {"officers": 2, "posts": {"V000": 1, "Nowhere": 1}},
        }
    )
    assert "policing.posts.Nowhere" in msg and "Nowhere" in msg


def test_posts_must_match_officer_count():
    msg = error_of({"mode": "calls_for_service", "policing": {"officers": 3, "posts": {"V000": 1}}})
    assert "policing.posts" in msg


def test_shift_shares_must_sum_to_one():
    msg = error_of({"policing": {"shifts": [{"start_hour": 8, "hours": 8, "share": 0.5}]}})
    assert "policing.shifts" in msg and "sum to 1" in msg


def test_every_problem_is_reported_at_once():
    with pytest.raises(ScenarioError) as info:
        RuralPolicingModel({"policing": {"officers": -1}, "days": 0}, seed=0)
    keys = {p.key for p in info.value.problems}
    assert {"policing.officers", "days"} <= keys
