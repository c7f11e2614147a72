"""Dispatch as practised: jurisdiction first (属地管辖), mutual aid only by a stated rule, the
village's own officer only when not much slower, minimum staffing of every station's shifts,
and officers posted at named villages only in calls-for-service mode."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from simulation import RuralPolicingModel, ScenarioError, load_scenario
from simulation.movement import at_village, time_to
from simulation.vocab import IncidentState, IncidentType
from tests.helpers import line_county_config, run_minutes

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
REGION_TEMPLATES = sorted((SCENARIOS / "regions").glob("*.yaml"))
CROSS_TOWNSHIP_LIMIT = 0.03  # at most 3% of responses by another township's officer
DAYS = "days=90"
NO_WARMUP = "warmup_days=0"  # cross_township() counts every incident of the run
SEEDS = (1, 2)


def cross_township(model: RuralPolicingModel) -> tuple[int, int]:
    """Responses (an officer on scene) by another township's officer, and all responses."""
    township = model.region.township
    answered = [i for i in model.incidents if i.officer is not None and i.t_arrival == i.t_arrival]
    cross = sum(township[i.officer.station] != township[i.village] for i in answered)
    return int(cross), len(answered)


@pytest.mark.parametrize(
    ("template", "preset"),
    [(p, "clinic") for p in REGION_TEMPLATES]
    + [
        (SCENARIOS / "regions" / "mountain.yaml", p)
        for p in ("village_officer", "district_officer")
    ],
    ids=lambda x: x.stem if isinstance(x, Path) else x,
)
def test_other_townships_rarely_answer(template, preset):
    cross = total = 0
    for seed in SEEDS:
        scenario = load_scenario(template, [DAYS, NO_WARMUP, f"policing.preset={preset}"])
        model = RuralPolicingModel(scenario, seed=seed).run()
        c, n = cross_township(model)
        cross, total = cross + c, total + n
        tables = model.results()
        assert tables["summary"]["cross_township_share"] == pytest.approx(c / n)
        # Mutual aid comes from a neighbouring station, not from hours away.
        reach = scenario.dispatch.mutual_aid_max_travel_min
        township = model.region.township
        inc = tables["incidents"]
        officer_township = {o.unique_id: township[o.station] for o in model.officers}
        helped = inc["responder"].map(officer_township) != township[inc["village"]]
        assert (inc.loc[helped & inc["travel_min"].notna(), "travel_min"] <= 2 * reach).all()
    assert total > 100
    assert cross / total < CROSS_TOWNSHIP_LIMIT, f"{cross} of {total} from another township"


def test_without_mutual_aid_only_the_own_township_answers():
    scenario = load_scenario(
        SCENARIOS / "mountain" / "clinic.yaml",
        [
            DAYS,
            NO_WARMUP,
            "dispatch.mutual_aid_after_min=null",
            "dispatch.mutual_aid_max_travel_min=null",
        ],
    )
    model = RuralPolicingModel(scenario, seed=1).run()
    cross, total = cross_township(model)
    assert total > 50 and cross == 0
    summary = model.results()["summary"]
    assert summary["cross_township_share"] == 0.0
    assert np.isnan(summary["cross_township_travel_min"])


# --- mutual aid on a line county with two townships --------------------------------------


@pytest.fixture
def two_townships(tmp_path):
    """A - B - C - D, 10 minutes apart; stations at A and D (townships {A, B} and {C, D}),
    one officer each, round the clock; no demand of its own."""

    def make(**dispatch) -> RuralPolicingModel:
        cfg = line_county_config(
            tmp_path,
            stations="1001",
            officers=2,
            dispatch=dispatch,
            on_scene={"service": {"kind": "fixed", "mean": 30}},
        )
        model = RuralPolicingModel(cfg, seed=0)
        run_minutes(model, 1)  # the officers come on duty at their stations
        return model

    return make


def call_at(model: RuralPolicingModel, village: int):
    inc = model.incidents.new(IncidentType.SERVICE, village, model.now)
    inc.t_discover = inc.t_report = model.now
    inc.reported = True
    inc.lifecycle = model.response
    model.response.received(inc)
    return inc


def officer_of(model: RuralPolicingModel, village: int):
    (officer,) = [o for o in model.officers if o.station == village]
    return officer


def test_a_free_officer_of_another_township_waits_for_the_mutual_aid_time(two_townships):
    model = two_townships(mutual_aid_after_min=45, mutual_aid_max_travel_min=60)
    assert model.region.township[1] == model.region.township[0] != model.region.township[3]
    busy = call_at(model, 0)  # A's officer is busy at A for 30 minutes
    assert busy.officer is officer_of(model, 0)
    inc = call_at(model, 1)  # at B: D's officer is free, 20 minutes away, but not B's station's
    assert inc.state == IncidentState.QUEUED
    run_minutes(model, 20)
    assert inc.state == IncidentState.QUEUED
    run_minutes(model, 15)  # A's officer comes free at 30 minutes, before mutual aid at 45
    assert inc.state == IncidentState.DISPATCHED and inc.officer is officer_of(model, 0)


def test_mutual_aid_after_the_stated_wait(two_townships):
    model = two_townships(mutual_aid_after_min=10, mutual_aid_max_travel_min=60)
    call_at(model, 0)  # A's officer busy for 30 minutes
    t0 = model.now
    inc = call_at(model, 1)
    run_minutes(model, 15)
    assert inc.officer is officer_of(model, 3)  # D's officer, by mutual aid
    assert inc.t_dispatch == pytest.approx(t0 + 10)
    run_minutes(model, 20)
    assert inc.t_arrival == pytest.approx(t0 + 10 + 20)


@pytest.mark.parametrize(
    "dispatch",
    [{"mutual_aid_after_min": None}, {"mutual_aid_after_min": 10, "mutual_aid_max_travel_min": 15}],
)
def test_no_mutual_aid_when_off_or_out_of_reach(two_townships, dispatch):
    model = two_townships(**dispatch)
    call_at(model, 0)
    inc = call_at(model, 1)
    run_minutes(model, 25)
    assert inc.state == IncidentState.QUEUED
    run_minutes(model, 10)  # A's officer comes free at 30 minutes and takes it
    assert inc.officer is officer_of(model, 0)


def test_priority_and_first_come_first_served_within_a_township(two_townships):
    model = two_townships(mutual_aid_after_min=None)
    call_at(model, 0)
    first = call_at(model, 1)
    run_minutes(model, 1)
    urgent = model.incidents.new(IncidentType.VIOLENT, 1, model.now)
    urgent.t_discover = urgent.t_report = model.now
    urgent.reported, urgent.lifecycle = True, model.response
    model.response.received(urgent)
    later = call_at(model, 0)
    assert model.command_centre.queued() == [urgent, first, later]
    run_minutes(model, 40)  # A's officer comes free at 30 minutes
    assert urgent.officer is officer_of(model, 0)  # violent before service
    assert first.state == later.state == IncidentState.QUEUED
    assert officer_of(model, 3).incident is None  # D's officer stayed in its township


# --- the village's own officer, only when not much slower ------------------------------------


@pytest.fixture
def line_county_with_residents(tmp_path):
    """A - B - C - D - E, 10 minutes apart, station at A; village officers own villages."""
    (tmp_path / "v.csv").write_text(
        "name,x_km,y_km,population,station\n"
        "A,0,0,100,1\nB,5,0,100,0\nC,10,0,100,0\nD,15,0,100,0\nE,20,0,100,0\n"
    )
    (tmp_path / "r.csv").write_text("from,to,minutes\nA,B,10\nB,C,10\nC,D,10\nD,E,10\n")

    def make(extra: float | None) -> RuralPolicingModel:
        cfg = {
            "region": {
                "type": "csv",
                "villages_csv": str(tmp_path / "v.csv"),
                "roads_csv": str(tmp_path / "r.csv"),
            },
            "crime": {"enabled": False},
            "disputes": {"enabled": False},
            "calls": {"enabled": False},
            "dispatch": {"own_officer_max_extra_min": extra},
            "policing": {
                "preset": "village_officer",
                "officers": 6,
                "diversion_share": 0,
                "resident": {"share": 0.5},
                "shifts": [{"start_hour": 0, "hours": 24, "share": 1}],
            },
            "days": 1,
        }
        model = RuralPolicingModel(cfg, seed=0)
        run_minutes(model, 1)
        return model

    return make


@pytest.mark.parametrize("extra", [0.0, 10.0, 25.0, None])
def test_own_officer_never_much_slower_than_the_closest(line_county_with_residents, extra):
    model = line_county_with_residents(extra)
    cc, region = model.command_centre, model.region
    assert cc.own_officers, "village officers own villages"
    rng = np.random.default_rng(3)
    t = model.now
    own_chosen = 0
    for _ in range(300):
        for o in model.officers:  # scatter the officers; some off duty
            o.trip, o.pos = None, at_village(int(rng.integers(region.n)))
            o.on_duty = bool(rng.random() < 0.7)
        for v in range(region.n):
            chosen = cc.closest_available(v, t)
            free = [o for o in model.officers if o.available]
            if not free:
                assert chosen is None
                continue
            nearest = min(time_to(region, o.position(t), v) for o in free)
            own = [o for o in cc.own_officers.get(v, ()) if o.available]
            own_best = min((time_to(region, o.position(t), v) for o in own), default=np.inf)
            assert chosen is not None
            took = time_to(region, chosen.position(t), v)
            if chosen in own:
                own_chosen += 1
                if extra is not None:
                    assert took <= nearest + extra
            if extra is None and own:
                assert chosen in own  # always the own officer, as before the tolerance
            elif own and own_best <= nearest + extra:
                assert chosen in own and took == own_best
            else:
                assert took == nearest
    assert own_chosen > 0


# --- minimum staffing ---------------------------------------------------------------------


def staffing(model: RuralPolicingModel) -> Counter:
    return Counter((o.station, id(o.shift)) for o in model.officers)


@pytest.mark.parametrize("region", ["plain", "hill", "mountain", "periurban"])
@pytest.mark.parametrize("preset", ["clinic", "village_officer", "district_officer", "hybrid"])
def test_every_station_keeps_its_minimum_on_every_shift(region, preset):
    scenario = load_scenario(SCENARIOS / region / f"{preset}.yaml", ["days=1"])
    model = RuralPolicingModel(scenario, seed=0)
    staffed = staffing(model)
    assert scenario.policing.min_officers_per_shift is None
    minimum = 1  # the default where the officers suffice
    for s in model.region.stations:
        for shift in scenario.policing.shifts:
            assert staffed[(int(s), id(shift))] >= minimum, (region, preset, s, shift)


def test_a_higher_minimum_is_kept_by_roster_and_residents():
    scenario = load_scenario(
        SCENARIOS / "plain" / "village_officer.yaml",
        ["days=1", "policing.min_officers_per_shift=2", "policing.officers=24"],
    )
    model = RuralPolicingModel(scenario, seed=0)
    staffed = staffing(model)
    for s in model.region.stations:
        for shift in scenario.policing.shifts:
            assert staffed[(int(s), id(shift))] >= 2


def test_too_few_officers_for_a_stated_minimum_is_an_error():
    county = {"region": {"townships": 3}, "days": 1}
    with pytest.raises(ScenarioError) as info:
        RuralPolicingModel({**county, "policing": {"officers": 8, "min_officers_per_shift": 1}})
    msg = str(info.value)
    assert "policing.min_officers_per_shift" in msg and "9 needed" in msg
    # By default (null) a county too thin for the minimum still runs: the stations share the
    # officers as evenly as they go.
    model = RuralPolicingModel({**county, "policing": {"officers": 8}}, seed=0)
    per_station = Counter(o.station for o in model.officers)
    assert sorted(per_station.values()) == [2, 3, 3]


def test_villages_per_resident_officer():
    scenario = load_scenario(SCENARIOS / "mountain" / "village_officer.yaml", ["days=1"])
    model = RuralPolicingModel(scenario, seed=0).run()
    residents = model.deployment.residents
    summary = model.results()["summary"]
    assert summary["villages_per_resident_officer"] == pytest.approx(
        np.mean([len(o.villages) for o in residents])
    )
    clinic = RuralPolicingModel(load_scenario(SCENARIOS / "mountain" / "clinic.yaml", ["days=1"]))
    assert np.isnan(clinic.run().results()["summary"]["villages_per_resident_officer"])


# --- posts only in calls-for-service mode -----------------------------------------------------


def test_posts_in_full_mode_are_rejected():
    with pytest.raises(ScenarioError) as info:
        RuralPolicingModel({"policing": {"officers": 2, "posts": {"V000": 2}}}, seed=0)
    msg = str(info.value)
    assert "policing.posts" in msg and "calls_for_service" in msg


def test_posts_in_calls_for_service_mode_run():
    scenario = load_scenario(SCENARIOS / "queueing" / "calls_for_service.yaml", ["days=2"])
    model = RuralPolicingModel(scenario, seed=0).run()
    assert Counter(model.region.names[o.station] for o in model.officers) == {"V000": 6, "V010": 2}
