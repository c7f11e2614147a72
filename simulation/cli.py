"""The `rpsim` command.

    rpsim run SCENARIO [--replicates N] [--seed S] [--days D] [--out DIR] [--set k=v ...]
              [--workers N | --scheduler tcp://host:port | --cluster local:N]
    rpsim compare COMPARE_FILE [--replicates N] [--days D] [--out DIR] [--set k=v ...]
              [--workers N | --scheduler tcp://host:port | --cluster local:N]
    rpsim validate FILE_OR_DIR ...
    rpsim info SCENARIO [--set k=v ...]
    rpsim sweep FILE [--workers N] [--scheduler tcp://host:port | --cluster local:N]
                [--out DIR] [--resume] [--days D] [--replicates R]
    rpsim plan PLAN_FILE [--out DIR] [--workers N | --cluster local:N | --scheduler ADDR]
               [--resume]
    rpsim calibrate CALIBRATION_FILE [--out DIR] [--workers N | --cluster local:N |
                    --scheduler ADDR] [--resume]
    rpsim report RESULTS_DIR [--out FILE]
    rpsim app [SCENARIO] [--port N] [--host H]

Exit codes: 0 success; 1 the run failed; 2 bad input (scenario, file or arguments);
130 interrupted (Ctrl-C). Problems with a scenario print one line each:
`file:line: key: reason`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from tqdm import tqdm

from .config_files import (
    ComparisonSpec,
    load_comparison,
    load_scenario,
    read_yaml,
    scenario_yaml,
)
from .errors import Problem, ScenarioError
from .executor import ExecutorError, check_options, describe
from .limits import MAX_REPLICATES, MAX_SEED
from .region import build_region
from .runner import PROGRESS_DAYS, Results, aggregate, differences, interval_note, run_many
from .scenario import Scenario
from .store import (
    OutputError,
    check_out,
    default_out,
    is_results_folder,
    safe_name,
    write_results,
)
from .streams import region_rng
from .summarise import (
    INTERVALS,
    difference_table,
    headline_table,
    rough_note,
    summary_markdown,
    to_text,
)

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
MAX_WORKERS = 1024  # stated bound of --workers (--replicates: scenario.MAX_REPLICATES)
TRACEBACK_ENV = "RPSIM_TRACEBACK"  # set to 1 to see the traceback of an internal error


class BadInputError(Exception):
    """A problem with what the user gave us (printed without a traceback)."""


def _progress(quiet: bool, desc: str):
    """A factory of tqdm bars on stderr: `bar(total=N, initial=done)`."""

    def bar(total: int, initial: int = 0) -> tqdm:
        return tqdm(
            total=total,
            initial=initial,
            desc=desc,
            unit="run",
            disable=quiet,
            file=sys.stderr,
            dynamic_ncols=True,
        )

    return bar


@contextmanager
def _day_bar(args: argparse.Namespace, days: float, options: dict) -> Iterator[Any]:
    """A second bar, the simulated days of the run in progress (serial runs of more than a
    few weeks: a county-year takes seconds to minutes); yields run_many's `on_day` or None."""
    serial = options["workers"] <= 1 and not options["scheduler"] and not options["cluster"]
    if args.quiet or not serial or days < 3 * PROGRESS_DAYS:
        yield None
        return
    bar = tqdm(
        total=int(days),
        desc="  simulated days",
        unit="day",
        position=1,
        leave=False,
        file=sys.stderr,
        dynamic_ncols=True,
    )

    def on_day(day: int) -> None:
        bar.n = day
        bar.refresh()

    try:
        yield on_day
    finally:
        bar.close()


def _executor(args: argparse.Namespace) -> dict:
    """--workers / --scheduler / --cluster, checked, as keyword arguments."""
    options = {"workers": args.workers, "scheduler": args.scheduler, "cluster": args.cluster}
    try:
        check_options(**options)
    except ValueError as exc:
        raise BadInputError(str(exc)) from None
    return options


def _overrides(args: argparse.Namespace) -> list[str]:
    out = list(getattr(args, "set", None) or [])
    if getattr(args, "days", None) is not None:
        out.append(f"days={args.days}")
    return out


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text)


def _out(args: argparse.Namespace, name: str) -> Path:
    """The results folder, checked before anything runs: a new folder, or an rpsim results
    folder to replace (said so); never a user's own folder or file."""
    out = Path(args.out) if args.out else default_out(name)
    try:
        check_out(out)
    except OutputError as exc:
        raise BadInputError(str(exc)) from None
    if out.exists() and any(out.iterdir()):
        print(f"replacing the earlier rpsim results in {out}", file=sys.stderr)
    return out


def _finish(
    args,
    results: Results,
    baseline: str | None,
    title: str,
    out: Path,
    replicates: int,
    extra_md: str = "",
) -> Path:
    agg = aggregate(results.summary)
    diffs = differences(results.summary, baseline) if baseline else None
    tables = dict(results.tables, aggregate=agg)
    if diffs is not None:
        tables["differences"] = diffs
    days = float(results.summary["days"].iloc[0])
    intervals = interval_note(results.counties)
    warmup = max(s.warmup_days for s in results.scenarios.values())
    md = summary_markdown(title, agg, diffs, baseline, replicates, days, intervals, warmup)
    md += extra_md
    write_results(
        out,
        results,
        tables,
        md,
        {
            "command": " ".join(sys.argv),
            "baseline": baseline,
            "executor": describe(args.workers, args.scheduler, args.cluster),
            "intervals": intervals,
        },
        csv=args.csv,
    )
    _say(args, "\n" + INTERVALS)
    if rough_note(replicates):
        _say(args, rough_note(replicates))
    _say(args, to_text(headline_table(agg)))
    if diffs is not None:
        _say(args, f"\nDifference against baseline '{baseline}' (paired by seed):")
        _say(args, to_text(difference_table(diffs)))
    print(f"\nresults: {out}/  (summary: {out}/summary.md)")
    return out


def cmd_run(args: argparse.Namespace) -> int:
    options = _executor(args)
    if args.scenario:
        scenario = load_scenario(args.scenario, _overrides(args))
    else:
        from .config_files import apply_overrides, check_buildable, validate_dict

        lines: dict = {}
        data = apply_overrides({"name": "default"}, _overrides(args), lines)
        scenario = validate_dict(data, lines, "--set")
        check_buildable(scenario, lines, "--set")
    seed = scenario.seed if args.seed is None else args.seed
    out = _out(args, scenario.name)
    with _day_bar(args, scenario.days + scenario.warmup_days, options) as on_day:
        results = run_many(
            {scenario.name: scenario},
            args.replicates,
            seed,
            _progress(args.quiet, scenario.name),
            **options,
            on_day=on_day,
        )
    _finish(args, results, None, f"rpsim run: {scenario.name}", out, args.replicates)
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    options = _executor(args)
    if args.uncertainty is not None and args.uncertainty < 2:
        raise BadInputError(f"--uncertainty: give at least 2 worlds, not {args.uncertainty}")
    if args.resume and args.uncertainty is None and not args.out:
        raise BadInputError("--resume finishes an interrupted --uncertainty run: give its --out")
    spec, scenarios = load_comparison(args.compare_file, _overrides(args))
    if spec.days is not None and args.days is None:
        scenarios = {k: s.model_copy(update={"days": spec.days}) for k, s in scenarios.items()}
    replicates = args.replicates or spec.replicates
    sizings = None
    if spec.budget_cny is not None:  # equal-cost comparison (simulation/plan/budget.py)
        _say(args, f"sizing every scenario to {spec.budget_cny:,.0f} CNY a year ...")
        scenarios, sizings = _sized(args.compare_file, spec, scenarios)
    if args.uncertainty is not None or spec.uncertainty is not None or args.resume:
        return _compare_worlds(args, spec, scenarios, replicates, options)
    if args.adaptive:
        raise BadInputError("--adaptive needs --uncertainty N or an uncertainty: block")
    counties = args.counties or spec.counties
    out = _out(args, spec.name)
    days = max(s.days + s.warmup_days for s in scenarios.values())
    with _day_bar(args, days, options) as on_day:
        results = run_many(
            scenarios,
            replicates,
            spec.seed,
            _progress(args.quiet, spec.name),
            counties=counties,
            **options,
            on_day=on_day,
        )
    extra = ""
    if sizings is not None and spec.budget_cny is not None:
        from .plan.budget import staffing_markdown, staffing_table

        table = staffing_table(sizings, results.summary)
        _say(args, f"\nStaffing at equal cost ({spec.budget_cny:,.0f} CNY a year):")
        _say(args, to_text(table.set_index("scenario")))
        extra = "\n" + staffing_markdown(spec.budget_cny, table)
    _finish(args, results, spec.baseline, f"rpsim compare: {spec.name}", out, replicates, extra)
    return EXIT_OK


def _compare_worlds(
    args: argparse.Namespace,
    spec: ComparisonSpec,
    scenarios: dict[str, Scenario],
    replicates: int,
    options: dict,
) -> int:
    """`rpsim compare --uncertainty N`: every scenario in world 0 (the declared values) and N
    parameter worlds, recorded as runs finish and resumable (simulation/uncertainty)."""
    import time

    from .sweep import SweepStore
    from .uncertainty.answers import analyse, write
    from .uncertainty.run import errors, run_worlds, world_means
    from .uncertainty.spec import MAX_WORLDS, UncertaintySpec
    from .uncertainty.worlds import make_worlds, problems

    u = spec.uncertainty or UncertaintySpec()
    if args.uncertainty is not None and args.uncertainty > MAX_WORLDS:
        raise BadInputError(f"--uncertainty: at most {MAX_WORLDS:,} worlds, not {args.uncertainty}")
    if args.uncertainty is not None:
        u = u.model_copy(update={"worlds": args.uncertainty})
    if args.adaptive:
        u = u.model_copy(update={"adaptive": True})
    bad = problems(u, scenarios[spec.baseline])
    if bad:
        raise ScenarioError(
            [Problem(key=".".join(w), reason=r, file=args.compare_file) for w, r in bad]
        )
    worlds = make_worlds(spec.name, scenarios, spec.baseline, u, replicates, spec.seed)
    out = Path(args.out) if args.out else default_out(f"{spec.name}-worlds")
    _say(
        args,
        f"{len(scenarios)} options x ({replicates} runs at the declared values + "
        f"{u.worlds} worlds x {u.replicates}) over {len(worlds.ranges)} uncertain parameters"
        f"{' (adaptive)' if u.adaptive else ''}; recorded in {out} "
        f"(if interrupted: the same command with --resume --out {out})",
    )
    t0 = time.perf_counter()
    try:
        runs = run_worlds(
            worlds, out, resume=args.resume, progress=_progress(args.quiet, spec.name), **options
        )
    except FileExistsError as exc:
        raise BadInputError(str(exc)) from None
    means = world_means(runs, worlds)
    complete = int((means["world"] > 0).groupby(means["world"]).any().sum()) if len(means) else 0
    if complete < 2:
        raise BadInputError(
            f"only {complete} drawn world(s) ran every option without failing: see "
            f"{out}/status.jsonl for the errors"
        )
    answers = analyse(runs, means, worlds)
    write(out, answers, worlds, runs, means, errors(SweepStore(out)), time.perf_counter() - t0)
    d = answers.decision
    _say(
        args,
        f"\nacross {answers.worlds} worlds: preferred '{d.preferred}' (highest expected net "
        f"benefit at {u.wtp.per_crime:,.0f} CNY per crime, {u.wtp.per_escalation:,.0f} per "
        f"escalation), probability cost-effective {d.p_cost_effective[d.preferred]:.0%}; "
        f"EVPI {d.evpi:,.0f} CNY a year",
    )
    print(f"\nresults: {out}/  (summary: {out}/summary.md)")
    return EXIT_OK


def _sized(
    path: str | Path, spec: ComparisonSpec, scenarios: dict[str, Scenario]
) -> tuple[dict[str, Scenario], Any]:
    """An equal-cost comparison's scenarios sized to its budget; a budget no design fits is
    a problem at the file's `budget_cny` line."""
    from .plan.budget import size_comparison

    rule = {label: spec.sizing_rule(label) for label in scenarios}
    try:
        return size_comparison(scenarios, float(spec.budget_cny or 0), rule, spec.seed)
    except ScenarioError as exc:
        _, lines = read_yaml(path)
        line = lines.get(("budget_cny",), (None, None))[1]
        raise ScenarioError(
            [Problem(p.key, p.reason, p.file or str(path), p.line or line) for p in exc.problems]
        ) from None


def _yaml_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(p.rglob("*.yaml")) + sorted(p.rglob("*.yml"))
        else:
            files.append(p)
    return files


def cmd_validate(args: argparse.Namespace) -> int:
    problems = 0
    files = _yaml_files(args.paths)
    if not files:
        raise BadInputError(f"no YAML files in {' '.join(args.paths)}")
    for f in files:
        try:
            kind = _kind(f)
            match kind:
                case "comparison":
                    spec, scenarios = load_comparison(f)
                    if spec.budget_cny is not None:  # as `rpsim compare` sizes them
                        _sized(f, spec, scenarios)
                case "sweep":
                    from .sweep import load_sweep

                    load_sweep(f, build=True)
                case "plan":
                    from .plan.run import prepare_plan

                    prepare_plan(f)  # every check `rpsim plan` makes before running
                case "calibration":
                    from .calibrate.spec import load_calibration

                    load_calibration(f)
                case "synthetic records":
                    from .calibrate.synthetic import read_truth_file

                    read_truth_file(f)
                case _:
                    load_scenario(f)
            _say(args, f"ok   {f} ({kind})")
        except ScenarioError as exc:
            problems += len(exc.problems)
            for p in exc.problems:
                print(f"FAIL {p}", file=sys.stderr)
    if problems:
        print(f"{problems} problem(s) in {len(files)} file(s)", file=sys.stderr)
        return EXIT_BAD_INPUT
    _say(args, f"{len(files)} file(s) valid")
    return EXIT_OK


def _kind(path: Path) -> str:
    """'comparison', 'sweep', 'plan', 'calibration', 'synthetic records' (the truth file beside
    synthetic records) or 'scenario', from the file's top-level keys."""
    data, _ = read_yaml(path)
    if "scenarios" in data and "baseline" in data:
        return "comparison"
    if "base" in data and ("vary" in data or "sample" in data):
        return "sweep"
    if "base" in data and "objectives" in data:
        return "plan"
    if "base" in data and "records" in data:
        return "calibration"
    if "synthetic" in data and "values" in data:
        return "synthetic records"
    return "scenario"


def cmd_info(args: argparse.Namespace) -> int:
    scenario: Scenario = load_scenario(args.scenario, args.set or [])
    # The county a run with the scenario's seed builds (region.seed, else the run's stream).
    region = build_region(scenario.region, region_rng(scenario.region, scenario.seed))
    print(scenario_yaml(scenario).rstrip())
    print(
        f"\n# size: {region.n} villages, {int(region.population.sum()):,} registered "
        f"residents (~{region.away_share:.0%} away), {len(region.stations)} stations, "
        f"{region.graph.number_of_edges()} roads; {scenario.policing.officers} officers; "
        f"remoteness {region.remoteness.min():.0f}-{region.remoteness.max():.0f} min "
        f"(mean {region.remoteness.mean():.0f}); {scenario.days:g} days"
    )
    if scenario.region.seed is None:
        print(
            f"# region.seed is null: each run seed lays out its own county; this is seed "
            f"{scenario.seed}'s"
        )
    return EXIT_OK


def cmd_sweep(args: argparse.Namespace) -> int:
    from .sweep import load_sweep, run_sweep

    options = _executor(args)
    sweep = load_sweep(args.file, replicates=args.replicates, days=args.days)
    out = Path(args.out) if args.out else Path("results") / f"sweep-{safe_name(sweep.spec.name)}"
    if out.exists() and not (out.is_dir() and is_results_folder(out)):
        try:
            check_out(out)
        except OutputError as exc:
            raise BadInputError(str(exc)) from None
    _say(
        args,
        f"sweep {sweep.spec.name}: {len(sweep.design)} points x "
        f"{sweep.spec.replicates} replicates = {len(sweep.runs)} runs on {describe(**options)} "
        f"-> {out}",
    )
    try:
        run_sweep(
            sweep,
            out,
            resume=args.resume,
            progress=_progress(args.quiet, sweep.spec.name),
            **options,
        )
    except (FileExistsError, OutputError) as exc:
        raise BadInputError(str(exc)) from None
    except KeyboardInterrupt:
        print(f"interrupted: finished runs are kept in {out}; rerun with --resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    import pandas as pd

    errors = pd.read_parquet(out / "errors.parquet")
    results = pd.read_parquet(out / "results.parquet")
    print(
        f"results: {out}/results.parquet ({len(results)} runs"
        + (f", {len(errors)} failed: see {out}/errors.parquet" if len(errors) else "")
        + ")"
    )
    if (out / "sensitivity.parquet").exists():
        print(f"sensitivity indices: {out}/sensitivity.parquet")
    return EXIT_FAILED if len(errors) else EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    """A deployment plan (simulation/plan): screen, NSGA-II search, final re-run."""
    from .plan.run import run_plan

    options = _executor(args)

    def bar(total: int) -> tqdm:
        return tqdm(
            total=total,
            desc="plan",
            unit="design",
            disable=args.quiet,
            file=sys.stderr,
            dynamic_ncols=True,
        )

    try:
        result = run_plan(args.plan_file, args.out, resume=args.resume, progress=bar, **options)
    except FileExistsError as exc:
        raise BadInputError(str(exc)) from None
    except KeyboardInterrupt:
        print("interrupted: finished evaluations are kept; rerun with --resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    _say(args, (result.out / "plan.md").read_text())
    print(f"plan: {result.out}/  (pareto.parquet, designs/, frontier.png, maps/, plan.md)")
    return EXIT_OK


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Fit the model to a county's records (simulation/calibrate)."""
    from .calibrate.outputs import run_calibration
    from .calibrate.run import CalibrationError

    options = _executor(args)

    def say(line: str) -> None:
        if not args.quiet:
            print(line, file=sys.stderr, flush=True)

    try:
        out, result = run_calibration(
            args.calibration_file, args.out, resume=args.resume, say=say, **options
        )
    except FileExistsError as exc:
        raise BadInputError(str(exc)) from None
    except KeyboardInterrupt:
        print("interrupted: finished runs are kept; rerun with --resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    except CalibrationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    table = result.table()
    if not args.quiet:
        for r in table.itertuples():
            print(
                f"{r.parameter:38s} prior {r.prior_low:9.4g} to {r.prior_high:9.4g}  "
                f"posterior {r.posterior_low:9.4g} to {r.posterior_high:9.4g}  "
                f"shrinkage {r.shrinkage:5.2f}"
            )
    print(
        f"calibration: {out}/  (calibrated.yaml, posterior.parquet, calibration.md, "
        "data_report.md, figures/)"
    )
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from .report import write_report

    folder = Path(args.results_dir)
    if not folder.is_dir() or not is_results_folder(folder):
        raise BadInputError(f"{folder} is not an rpsim results folder (no manifest.json)")
    try:
        out = write_report(folder, args.out)
    except (FileNotFoundError, OSError) as exc:
        raise BadInputError(str(exc)) from None
    except Exception as exc:  # a damaged table: pyarrow, pandas and json raise many kinds
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BadInputError(f"cannot read the results in {folder}: {reason}") from None
    print(f"report: {out}")
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    try:
        from .app import serve
    except ImportError as exc:
        raise BadInputError(f"{exc} (or: pip install -e '.[app]')") from None
    from .app.server import ServerError

    if args.scenario:
        load_scenario(args.scenario)  # a bad file fails here, with file:line errors
    try:
        serve(args.scenario, args.port, args.host)
    except ServerError as exc:
        raise BadInputError(str(exc)) from None
    return EXIT_OK


def _seed(text: str) -> int:
    """--seed: a whole number from 0 to 2**63 - 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be between 0 and 2**63 - 1, got {text}")
    return value


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (`rpsim run: error: ...`), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="rpsim",
        description="Agent-based simulation of rural policing models.",
        epilog="Exit codes: 0 ok, 1 run failed, 2 bad input, 130 interrupted.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, out: bool = True) -> None:
        p.add_argument("--quiet", "-q", action="store_true", help="no progress bars or tables")
        if out:
            p.add_argument("--out", help="results folder (default results/<name>-<time>)")
            p.add_argument("--csv", action="store_true", help="also write CSV tables")
            p.add_argument("--days", type=float, help="override the simulated days")

    def parallel(p: argparse.ArgumentParser, workers: int, default: str) -> None:
        p.add_argument(
            "--workers",
            "-w",
            type=int,
            default=workers,
            help=f"local worker processes (default: {default}; 1 = serial)",
        )
        p.add_argument("--scheduler", help="address of a Dask scheduler, e.g. tcp://host:8786")
        p.add_argument("--cluster", help="start a Dask LocalCluster, e.g. local:2")

    p = sub.add_parser("run", help="run one scenario")
    p.add_argument("scenario", nargs="?", help="scenario YAML (default: built-in defaults)")
    p.add_argument("--replicates", "-n", type=int, default=1)
    p.add_argument("--seed", type=_seed, help="base seed (default: the scenario's seed)")
    p.add_argument(
        "--set",
        action="append",
        metavar="KEY.PATH=VALUE",
        help="override a parameter, e.g. --set policing.officers=20",
    )
    common(p)
    parallel(p, 1, "1")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("compare", help="compare scenarios with common random numbers")
    p.add_argument("compare_file")
    p.add_argument("--replicates", "-n", type=int)
    p.add_argument("--set", action="append", metavar="KEY.PATH=VALUE")
    p.add_argument(
        "--counties",
        choices=["fixed", "per_replicate"],
        help="fixed: every replicate on each scenario's own county; per_replicate: a new "
        "county per replicate, shared by the scenarios (default: the file's `counties`)",
    )
    p.add_argument(
        "--uncertainty",
        type=int,
        metavar="N",
        help="also run every scenario in N parameter worlds drawn from the plausible ranges "
        "(the file's `uncertainty:` block says how): probability best, net benefit, value of "
        "information, where the answer flips",
    )
    p.add_argument(
        "--adaptive",
        action="store_true",
        help="with --uncertainty: stop adding worlds once every probability-best is known",
    )
    p.add_argument("--resume", action="store_true", help="finish an interrupted --uncertainty run")
    common(p)
    parallel(p, 1, "1")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("validate", help="check scenario, comparison, sweep and plan files")
    p.add_argument("paths", nargs="+")
    common(p, out=False)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("info", help="print the resolved scenario and its size")
    p.add_argument("scenario")
    p.add_argument("--set", action="append", metavar="KEY.PATH=VALUE")
    p.set_defaults(func=cmd_info, quiet=False)

    p = sub.add_parser("sweep", help="run a parameter sweep (grid or Sobol/Morris/LHS design)")
    p.add_argument("file")
    parallel(p, os.cpu_count() or 1, "all cores")
    p.add_argument("--out", help="sweep folder (default results/sweep-<name>)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted sweep")
    p.add_argument("--days", type=float)
    p.add_argument("--replicates", "-n", type=int)
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("plan", help="find the best deployments for a budget (Pareto set)")
    p.add_argument("plan_file")
    p.add_argument("--out", help="plan folder (default results/plan-<name>)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted plan")
    p.add_argument("--quiet", "-q", action="store_true")
    parallel(p, 1, "1")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("calibrate", help="fit the model to a county's own records")
    p.add_argument("calibration_file")
    p.add_argument("--out", help="calibration folder (default results/calibrate-<name>)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted calibration")
    p.add_argument("--quiet", "-q", action="store_true")
    parallel(p, 1, "1")
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("report", help="write a self-contained HTML report of a results folder")
    p.add_argument("results_dir")
    p.add_argument("--out", help="HTML file (default RESULTS_DIR/report.html)")
    p.set_defaults(func=cmd_report, quiet=False)

    p = sub.add_parser("app", help="watch the model run: the interactive Mesa (Solara) page")
    p.add_argument("scenario", nargs="?", help="base scenario (default: a small hill county)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--host", default="127.0.0.1")
    p.set_defaults(func=cmd_app, quiet=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for attr, most in (("replicates", MAX_REPLICATES), ("workers", MAX_WORKERS)):
        value = getattr(args, attr, None)
        if value is not None and not 1 <= value <= most:
            parser.error(f"--{attr} must be from 1 to {most:,}, got {value}")
    try:
        return args.func(args)
    except ScenarioError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (BadInputError, FileNotFoundError, OutputError, ExecutorError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # a write that failed: read-only folder, full disk
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"error: cannot write{where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted: nothing was written for unfinished runs", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: one line, the traceback on request
        if os.environ.get(TRACEBACK_ENV):
            raise
        reason = str(exc).splitlines()[0] if str(exc) else ""
        print(
            f"error: internal error ({type(exc).__name__}: {reason}); please report it "
            f"(set {TRACEBACK_ENV}=1 to see the traceback)",
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
