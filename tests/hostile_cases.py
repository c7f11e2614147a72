"""Hostile inputs for the `rpsim` command (issue 14): each case is a set of files and one
command line, run in a fresh folder. Shared by tests/test_hostile.py (in process, asserting
the outcome) and benchmarks/hostile_inputs.py (subprocesses with a timeout, classifying
each outcome as clear error / traceback / hang / wrote files / accepted).

`expect` is what a correct rpsim does:
    error      exit 2, a short message without a traceback, nothing written
    ok         exit 0, no traceback (valid input that used to crash)
    contained  exit 0 or 2, no traceback, nothing written outside the case's folder
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

BASE = {
    "days": 2,
    "warmup_days": 0,  # short runs: no year of warm-up
    "seed": 1,
    "region": {"type": "plain", "villages": 6, "population": 20_000, "townships": 1},
    "policing": {"officers": 3},
}


def merged(base: dict, change: dict) -> str:
    """`base` as YAML with `change` applied: a section (dict) merged into the base's, any
    other value replacing it."""
    data = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    return yaml.safe_dump(data, sort_keys=False)


def small(text: str = "", **sections: dict | float | str) -> str:
    """The small county as YAML, with sections merged in and raw `text` appended."""
    return merged(BASE, sections) + text


SMALL = small()

VILLAGES_CSV = "name,x_km,y_km,population\nA,0,0,100\nB,1,0,100\nC,2,0,100\n"
ROADS_CSV = "from,to\nA,B\nB,C\n"


def _csv_scenario(villages: str = "villages.csv", roads: str = "roads.csv", extra: str = "") -> str:
    return (
        f"days: 1\nwarmup_days: 0\nregion: {{type: csv, villages_csv: {villages}, "
        f"roads_csv: {roads}, "
        f"townships: 1}}\npolicing: {{officers: 3}}\n{extra}"
    )


def _graphml(nodes: list[tuple[str, str]], edges: list[tuple[str, str]]) -> str:
    """A GraphML file; nodes are (id, extra data xml)."""
    keys = (
        '<key id="x" for="node" attr.name="x" attr.type="double"/>'
        '<key id="y" for="node" attr.name="y" attr.type="double"/>'
        '<key id="name" for="node" attr.name="name" attr.type="string"/>'
        '<key id="population" for="node" attr.name="population" attr.type="double"/>'
    )
    body = "".join(f'<node id="{n}">{extra}</node>' for n, extra in nodes)
    body += "".join(f'<edge source="{a}" target="{b}"/>' for a, b in edges)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        f'{keys}<graph edgedefault="undirected">{body}</graph></graphml>'
    )


def _node(x: float | str, y: float | str, name: str | None = None, pop: str | None = None) -> str:
    out = f'<data key="x">{x}</data><data key="y">{y}</data>'
    if name is not None:
        out += f'<data key="name">{name}</data>'
    if pop is not None:
        out += f'<data key="population">{pop}</data>'
    return out


def _graph_scenario(extra: str = "") -> str:
    return (
        "days: 1\nwarmup_days: 0\nregion: {type: graphml, graphml: roads.graphml, townships: 1}\n"
        f"policing: {{officers: 3}}\n{extra}"
    )


GOOD_GRAPH = _graphml(
    [
        ("a", _node(0, 0, pop="100")),
        ("b", _node(1000, 0, pop="100")),
        ("c", _node(2000, 0, pop="100")),
    ],
    [("a", "b"), ("b", "c")],
)

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


def _extends_chain(n: int) -> dict[str, str]:
    files = {f"c{i}.yaml": f"extends: c{i + 1}.yaml\n" for i in range(n)}
    files[f"c{n}.yaml"] = SMALL
    return files


@dataclass(frozen=True)
class Case:
    """One hostile input: files written into a fresh folder, then `argv` run there."""

    name: str
    item: int  # the issue-14 item it checks
    argv: tuple[str, ...]
    files: dict[str, str | bytes] = field(default_factory=dict)
    expect: str = "error"
    pre: tuple[tuple[str, ...], ...] = ()  # commands run first (not judged)
    folders: tuple[str, ...] = ()  # empty folders made first
    keep: tuple[str, ...] = ()  # files that must survive


def _c(name, item, argv, files=None, expect="error", **kw) -> Case:
    return Case(name, item, tuple(argv.split()), dict(files or {}), expect, **kw)


S = {"s.yaml": SMALL}
SWEEP = "name: sw\nbase: s.yaml\nreplicates: 1\ndays: 1\nvary:\n  policing.officers: [3, 4]\n"
GRID = "base: s.yaml\nvary:\n  policing.officers: [3, 4]\n  addons.cctv: [false, true]\n"
EMPTY = small(crime={"enabled": False}, disputes={"enabled": False}, calls={"enabled": False})

CASES: list[Case] = [
    # 1. never delete a user's folder or file
    _c(
        "out_existing_folder",
        1,
        "run s.yaml --quiet --out mydata",
        {**S, "mydata/precious.txt": "keep"},
        folders=("mydata/sub",),
        keep=("mydata/precious.txt",),
    ),
    _c(
        "out_existing_file",
        1,
        "run s.yaml --quiet --out myfile",
        {**S, "myfile": "keep"},
        keep=("myfile",),
    ),
    _c(
        "compare_out_existing_folder",
        1,
        "compare cmp.yaml --quiet --out mydata",
        {
            **S,
            "cmp.yaml": "baseline: a\nscenarios: {a: s.yaml, b: s.yaml}\nreplicates: 1\n",
            "mydata/precious.txt": "keep",
        },
        keep=("mydata/precious.txt",),
    ),
    # 2. names are not paths
    _c(
        "name_traversal",
        2,
        "run bad.yaml --quiet",
        {"bad.yaml": small(name="../../escape")},
        expect="contained",
    ),
    _c(
        "set_name_traversal",
        2,
        "run s.yaml --quiet --set name=../../escaped",
        S,
        expect="contained",
    ),
    _c(
        "label_traversal",
        2,
        "compare cmp.yaml --quiet --out res",
        {
            **S,
            "cmp.yaml": "baseline: a\nscenarios: {a: s.yaml, ../../../x: s.yaml}\nreplicates: 1\n",
        },
        expect="contained",
    ),
    _c(
        "sweep_name_traversal",
        2,
        "sweep sw.yaml --quiet --workers 1",
        {**S, "sw.yaml": SWEEP.replace("name: sw", "name: ../../sweep-escape")},
        expect="contained",
    ),
    # 3. alias bombs
    _c("alias_bomb_validate", 3, "validate bomb.yaml", {"bomb.yaml": BILLION_LAUGHS}),
    _c("alias_bomb_run", 3, "run bomb.yaml --quiet", {"bomb.yaml": BILLION_LAUGHS}),
    _c("alias_bomb_info", 3, "info bomb.yaml", {"bomb.yaml": BILLION_LAUGHS}),
    _c("alias_bomb_app", 3, "app bomb.yaml --port 1", {"bomb.yaml": BILLION_LAUGHS}),
    # 4. valid runs without any incident
    _c("empty_run", 4, "run e.yaml --quiet --out res", {"e.yaml": EMPTY}, expect="ok"),
    _c(
        "tiny_county_run",
        4,
        "run t.yaml --quiet --out res",
        {
            "t.yaml": "days: 1\nwarmup_days: 0\n"
            "region: {type: plain, villages: 2, population: 10, townships: 1}\n"
            "policing: {officers: 3}\n"
        },
        expect="ok",
    ),
    _c(
        "empty_sweep_report",
        4,
        "report swout",
        {"e.yaml": EMPTY, "sw.yaml": SWEEP.replace("s.yaml", "e.yaml")},
        expect="ok",
        pre=(("sweep", "sw.yaml", "--quiet", "--workers", "1", "--out", "swout"),),
    ),
    # 5. runs that never end
    _c(
        "days_inf", 5, "validate d.yaml", {"d.yaml": small("days: .inf\n").replace("days: 2\n", "")}
    ),
    _c("days_1e308_run", 5, "run d.yaml --quiet", {"d.yaml": small(days=1e308)}),
    _c("days_flag_1e9", 5, "run s.yaml --quiet --days 1e9", S),
    _c(
        "calls_rate_1e12", 5, "run c.yaml --quiet", {"c.yaml": small(calls={"rate_per_1000": 1e12})}
    ),
    _c(
        "villages_huge_population",
        5,
        "run p.yaml --quiet",
        {"p.yaml": small(region={"population": 10**12})},
    ),
    # 6. tracebacks
    _c("non_utf8_file", 6, "validate l1.yaml", {"l1.yaml": "name: caf\xe9\n".encode("latin-1")}),
    _c("binary_file", 6, "run bin.yaml --quiet", {"bin.yaml": bytes(range(256)) * 4}),
    _c(
        "deep_nesting",
        6,
        "validate deep.yaml",
        {"deep.yaml": "a: " + "[" * 5000 + "]" * 5000 + "\n"},
    ),
    _c(
        "deep_nesting_map",
        6,
        "validate deepm.yaml",
        {"deepm.yaml": "a: " + "{b: " * 3000 + "1" + "}" * 3000 + "\n"},
    ),
    _c("long_extends_chain", 6, "validate c0.yaml", _extends_chain(1200)),
    _c("negative_seed_flag", 6, "run s.yaml --quiet --seed -1", S),
    _c("huge_seed_flag", 6, "run s.yaml --quiet --seed 1" + "0" * 40, S),
    _c("officers_1e30", 6, "run o.yaml --quiet", {"o.yaml": small(policing={"officers": 10**30})}),
    _c("population_1e20", 6, "run p.yaml --quiet", {"p.yaml": small(region={"population": 1e20})}),
    _c("width_inf", 6, "run w.yaml --quiet", {"w.yaml": small(region={"width_km": float("inf")})}),
    _c(
        "tiny_household",
        6,
        "run h.yaml --quiet",
        {"h.yaml": small(region={"household_size": 1e-9})},
    ),
    _c(
        "huge_offenders",
        6,
        "run o.yaml --quiet",
        {"o.yaml": small(crime={"offenders_per_1000": 1e12})},
    ),
    _c(
        "huge_disputes",
        6,
        "run o.yaml --quiet",
        {"o.yaml": small(disputes={"rate_per_1000": 1e12})},
    ),
    _c(
        "graphml_empty", 6, "run g.yaml --quiet", {"g.yaml": _graph_scenario(), "roads.graphml": ""}
    ),
    _c(
        "graphml_binary",
        6,
        "run g.yaml --quiet",
        {"g.yaml": _graph_scenario(), "roads.graphml": bytes(range(256))},
    ),
    _c(
        "graphml_text_coordinates",
        6,
        "run g.yaml --quiet",
        {
            "g.yaml": _graph_scenario(),
            "roads.graphml": GOOD_GRAPH.replace(
                'attr.type="double"', 'attr.type="string"', 2
            ).replace(">1000<", ">east<"),
        },
    ),
    _c(
        "graphml_negative_population",
        6,
        "run g.yaml --quiet",
        {"g.yaml": _graph_scenario(), "roads.graphml": GOOD_GRAPH.replace(">100<", ">-100<", 1)},
    ),
    _c(
        "graphml_huge_population",
        6,
        "run g.yaml --quiet",
        {"g.yaml": _graph_scenario(), "roads.graphml": GOOD_GRAPH.replace(">100<", ">1e20<", 1)},
    ),
    _c(
        "csv_empty",
        6,
        "run c.yaml --quiet",
        {"c.yaml": _csv_scenario(), "villages.csv": "", "roads.csv": ROADS_CSV},
    ),
    _c(
        "csv_header_only",
        6,
        "run c.yaml --quiet",
        {
            "c.yaml": _csv_scenario(),
            "villages.csv": "name,x_km,y_km,population\n",
            "roads.csv": "from,to\n",
        },
    ),
    _c(
        "csv_text_population",
        6,
        "run c.yaml --quiet",
        {
            "c.yaml": _csv_scenario(),
            "villages.csv": VILLAGES_CSV.replace("A,0,0,100", "A,0,0,many"),
            "roads.csv": ROADS_CSV,
        },
    ),
    _c(
        "csv_binary",
        6,
        "run c.yaml --quiet",
        {"c.yaml": _csv_scenario(), "villages.csv": bytes(range(256)) * 2, "roads.csv": ROADS_CSV},
    ),
    _c(
        "csv_negative_population",
        6,
        "validate c.yaml",
        {
            "c.yaml": _csv_scenario(),
            "villages.csv": VILLAGES_CSV.replace("A,0,0,100", "A,0,0,-100"),
            "roads.csv": ROADS_CSV,
        },
    ),
    _c(
        "csv_huge_population",
        6,
        "run c.yaml --quiet",
        {
            "c.yaml": _csv_scenario(),
            "villages.csv": VILLAGES_CSV.replace("A,0,0,100", "A,0,0,1e20"),
            "roads.csv": ROADS_CSV,
        },
    ),
    _c("cluster_remote", 6, "run s.yaml --quiet --cluster remote:2", S),
    _c("scheduler_unreachable", 6, "run s.yaml --quiet --out res --scheduler tcp://127.0.0.1:9", S),
    _c(
        "report_corrupt_parquet",
        6,
        "report res",
        {"res/manifest.json": '{"rpsim_version": "0"}', "res/summary.parquet": b"PAR1 not really"},
    ),
    _c("report_not_results", 6, "report nothing", folders=("nothing",)),
    _c(
        "out_under_a_file",
        6,
        "run s.yaml --quiet --out afile/res",
        {**S, "afile": "x"},
        keep=("afile",),
    ),
    # 7. validate catches what run catches
    _c(
        "validate_posts_unknown_village",
        7,
        "validate q.yaml",
        {
            "q.yaml": small(
                mode="calls_for_service",
                policing={"officers": 2, "posts": {"V000": 1, "Nowhere": 1}},
            )
        },
    ),
    _c(
        "validate_posts_total",
        7,
        "validate q.yaml",
        {"q.yaml": small(mode="calls_for_service", policing={"posts": {"V000": 1}})},
    ),
    _c(
        "validate_rates_unknown_village",
        7,
        "validate q.yaml",
        {
            "q.yaml": small(
                mode="calls_for_service", calls={"village_rates_per_day": {"Nowhere": 1}}
            )
        },
    ),
    _c(
        "validate_too_many_auxiliaries",
        7,
        "validate a.yaml",
        {"a.yaml": small(policing={"auxiliaries": 50})},
    ),
    _c(
        "validate_graphml_missing_coordinates",
        7,
        "validate g.yaml",
        {
            "g.yaml": _graph_scenario(),
            "roads.graphml": GOOD_GRAPH.replace('<data key="y">0</data>', "", 1),
        },
    ),
    _c(
        "validate_csv_unknown_road_end",
        7,
        "validate c.yaml",
        {"c.yaml": _csv_scenario(), "villages.csv": VILLAGES_CSV, "roads.csv": ROADS_CSV + "C,Z\n"},
    ),
    _c(
        "validate_too_few_officers",
        7,
        "validate o.yaml",
        {"o.yaml": small(policing={"officers": 1, "min_officers_per_shift": 2})},
    ),
    # 8. check the output location before simulating
    _c("out_dot", 8, "run s.yaml --quiet --out .", S, keep=("s.yaml",)),
    _c("out_dotdot", 8, "run s.yaml --quiet --out ..", S, keep=("s.yaml",)),
    _c("out_read_only_fs", 8, "run s.yaml --quiet --out /proc/rpsim-results", S),
    # 9. resume with other settings
    _c(
        "resume_other_days",
        9,
        "sweep sw.yaml --quiet --workers 1 --out swout --resume --days 2",
        {**S, "sw.yaml": SWEEP},
        pre=(("sweep", "sw.yaml", "--quiet", "--workers", "1", "--out", "swout"),),
    ),
    _c(
        "resume_other_replicates",
        9,
        "sweep sw.yaml --quiet --workers 1 --out swout --resume -n 2",
        {**S, "sw.yaml": SWEEP},
        pre=(("sweep", "sw.yaml", "--quiet", "--workers", "1", "--out", "swout"),),
    ),
    _c(
        "resume_not_a_sweep",
        9,
        "sweep sw.yaml --quiet --workers 1 --out mydata --resume",
        {**S, "sw.yaml": SWEEP, "mydata/precious.txt": "keep"},
        keep=("mydata/precious.txt",),
    ),
    # 11. silent substitutions
    _c(
        "csv_blank_population",
        11,
        "validate c.yaml",
        {
            "c.yaml": _csv_scenario(),
            "villages.csv": VILLAGES_CSV.replace("A,0,0,100", "A,0,0,"),
            "roads.csv": ROADS_CSV,
        },
    ),
    _c("duplicate_yaml_key", 11, "validate dup.yaml", {"dup.yaml": small("days: 5\n")}),
    _c("set_unparsable", 11, "run s.yaml --quiet --set policing.officers=[", S),
    _c(
        "townships_over_villages", 11, "validate t.yaml", {"t.yaml": small(region={"townships": 9})}
    ),
    _c(
        "graphml_duplicate_names",
        11,
        "validate g.yaml",
        {
            "g.yaml": _graph_scenario(),
            "roads.graphml": GOOD_GRAPH.replace(
                _node(0, 0, pop="100"), _node(0, 0, "X", "100")
            ).replace(_node(1000, 0, pop="100"), _node(1000, 0, "X", "100")),
        },
    ),
    _c("officers_true", 11, "validate b.yaml", {"b.yaml": small(policing={"officers": True})}),
    _c(
        "cost_inf",
        11,
        "validate k.yaml",
        {"k.yaml": small(costs={"officer_per_year": float("inf")})},
    ),
    # 12. grids mixing numbers and booleans are valid
    _c(
        "grid_numbers_and_booleans_validate",
        12,
        "validate g.yaml",
        {
            **S,
            "g.yaml": GRID,
        },
        expect="ok",
    ),
    _c(
        "grid_numbers_and_booleans_sweep",
        12,
        "sweep g.yaml --quiet --workers 1 --out swout --days 1",
        {
            **S,
            "g.yaml": GRID,
        },
        expect="ok",
    ),
    # 14. minor
    _c(
        "circular_extends",
        14,
        "validate a.yaml",
        {"a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n"},
    ),
]

# --- issue 23: the planner and loaders keep the README's promises ---------------------------
PLAN_COUNTY = small(region={**BASE["region"], "seed": 3})  # a plan needs a fixed county
TINY = {
    "name": "tiny",
    "base": "county.yaml",
    "seed": 5,
    "budget_cny": 2_000_000,
    "decisions": {"officers": [3, 4], "auxiliaries": [0, 2]},
    # a one-station toy county below the Hubei rule's 5 officers (tested in test_plan.py)
    "constraints": {"min_officers_per_station": None},
    "objectives": ["true_crime_per_1000", "response_mean_min"],
    "search": {"evaluations": 2, "population": 4, "final_replicates": 2, "final_max": 1},
}


def plan(**change) -> str:
    """The tiny plan as YAML, top-level keys replaced; `decisions`, `search` and
    `constraints` are merged into the tiny plan's."""
    return merged(TINY, change)


def _p(text: str) -> dict[str, str]:
    return {"county.yaml": PLAN_COUNTY, "p.yaml": text}


CMP = "baseline: a\nscenarios: {a: s.yaml, b: s.yaml}\nreplicates: 1\n"
BIG_GRAPH = _graphml([(f"n{i}", _node(i, 0, pop="10")) for i in range(5001)], [("n0", "n1")])

CASES += [
    # 1. a plan name is not a path
    _c(
        "plan_name_traversal",
        23,
        "plan p.yaml --quiet",
        _p(plan(name="x/../../../escape_plan")),
        expect="contained",
    ),
    # 2. --resume never writes into a folder rpsim did not start for this plan
    _c(
        "plan_resume_foreign_folder",
        23,
        "plan p.yaml --out foreign --resume --quiet",
        {
            **_p(plan()),
            "foreign/plan.md": "mine",
            "foreign/manifest.json": '{"rpsim_version": "0.1.0"}',
            "foreign/maps/today.png": "my picture",
            "foreign/important.txt": "keep",
        },
        keep=("foreign/plan.md", "foreign/important.txt", "foreign/maps/today.png"),
    ),
    # 3. unbounded plan settings
    _c(
        "plan_final_replicates_huge",
        23,
        "plan p.yaml --quiet",
        _p(plan(search={"final_replicates": 10**9})),
    ),
    _c(
        "plan_searched_auxiliaries_huge",
        23,
        "plan p.yaml --quiet",
        _p(plan(decisions={"auxiliaries": [0, 10**8], "auxiliary_placement": "search"})),
    ),
    _c(
        "plan_searched_auxiliaries_over_villages",
        23,
        "validate p.yaml",
        _p(plan(decisions={"auxiliaries": [0, 50], "auxiliary_placement": "search"})),
    ),
    _c(
        "plan_searched_posts_huge",
        23,
        "plan p.yaml --quiet",
        _p(plan(decisions={"officers": [3, 10**7], "posts": "search"})),
    ),
    _c("plan_population_huge", 23, "plan p.yaml --quiet", _p(plan(search={"population": 10**9}))),
    _c(
        "plan_evaluations_huge", 23, "plan p.yaml --quiet", _p(plan(search={"evaluations": 10**12}))
    ),
    # more evaluations than the county has designs (2 x 3): the search stops when tried
    _c(
        "plan_evaluations_over_designs",
        23,
        "plan p.yaml --quiet --out o",
        _p(plan(search={"evaluations": 100_000})),
        expect="ok",
    ),
    # 4. a loaded county's size is bounded by its travel matrix
    _c(
        "graphml_too_many_villages",
        23,
        "validate g.yaml",
        {"g.yaml": _graph_scenario(), "roads.graphml": BIG_GRAPH},
    ),
    # 5. bad input is exit 2, not an internal error
    _c(
        "plan_unknown_preset",
        23,
        "plan p.yaml --quiet",
        _p(plan(decisions={"presets": ["hybrid", "ninja"]})),
    ),
    _c("plan_seed_over_32_bits", 23, "plan p.yaml --quiet", _p(plan(seed=2**32))),
    _c(
        "compare_budget_infinite",
        23,
        "validate cmp.yaml",
        {**S, "cmp.yaml": CMP + "budget_cny: .inf\n"},
    ),
    _c(
        "compare_replicates_zero",
        23,
        "compare cmp.yaml --quiet",
        {**S, "cmp.yaml": CMP.replace("replicates: 1", "replicates: 0")},
    ),
    _c(
        "compare_replicates_negative",
        23,
        "compare cmp.yaml --quiet",
        {**S, "cmp.yaml": CMP.replace("replicates: 1", "replicates: -3")},
    ),
    _c(
        "compare_seed_negative",
        23,
        "compare cmp.yaml --quiet",
        {**S, "cmp.yaml": CMP + "seed: -1\n"},
    ),
    _c(
        "compare_no_counties",
        23,
        "compare cmp.yaml --quiet",
        {**S, "cmp.yaml": CMP + "counties: []\n"},
    ),
    # 6. bad values refused
    _c("plan_budget_infinite", 23, "validate p.yaml", _p(plan(budget_cny=float("inf")))),
    _c(
        "plan_duplicate_objectives",
        23,
        "validate p.yaml",
        _p(plan(objectives=["true_crime_per_1000", "true_crime_per_1000"])),
    ),
    _c(
        "plan_reversed_district_villages",
        23,
        "validate p.yaml",
        _p(plan(constraints={"district_villages": [8, 5]})),
    ),
    _c(
        "csv_road_negative_length",
        23,
        "validate c.yaml",
        {
            "c.yaml": _csv_scenario(),
            "villages.csv": VILLAGES_CSV,
            "roads.csv": "from,to,length_km\nA,B,-3\nB,C,1\n",
        },
    ),
    _c(
        "csv_road_huge_length",
        23,
        "validate c.yaml",
        {
            "c.yaml": _csv_scenario(),
            "villages.csv": VILLAGES_CSV,
            "roads.csv": "from,to,length_km\nA,B,1e300\nB,C,1\n",
        },
    ),
    _c(
        "csv_road_self_loop",
        23,
        "validate c.yaml",
        {"c.yaml": _csv_scenario(), "villages.csv": VILLAGES_CSV, "roads.csv": ROADS_CSV + "C,C\n"},
    ),
    _c(
        "plan_base_is_a_plan",
        23,
        "validate q.yaml",
        {**_p(plan()), "q.yaml": plan(base="p.yaml")},
    ),
]
CASES += [
    # errors name the file and line
    _c(
        "compare_budget_below_cheapest_validate",
        23,
        "validate cmp.yaml",
        {**S, "cmp.yaml": CMP + "budget_cny: 1000\n"},
    ),
    _c(
        "plan_unknown_objective",
        23,
        "validate p.yaml",
        _p(plan(objectives=["true_crime_rate", "response_mean_min"])),
    ),
]
