"""Watch a county being policed, hour by hour: the interactive Mesa (Solara) page.

    solara run simulation.app --production     # or: python -m simulation.app [SCENARIO]
    serve("scenarios/hill/hybrid.yaml")         # from Python: a server on 127.0.0.1:8765

The page shows the county map (villages sized by population, roads, police stations,
officers at their exact place on the road, auxiliaries, offenders at large and the last
week's incidents coloured by state) and live charts of incidents, response times, busy
officers and trust. The sidebar picks the policing preset, officers, auxiliaries and
seed; Reset rebuilds the model, Step advances one hour, ▶ runs.

The base scenario is a small hill county, or the file named by RPSIM_APP_SCENARIO.
Everything the page loads comes from this machine (see `ensure_offline_assets`).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from .config_files import deep_merge, load_scenario, validate_dict
from .response import Incident
from .model import RuralPolicingModel
from .movement import xy
from .policing import PRESETS
from .rhythms import MINUTES_PER_DAY
from .scenario import Scenario

try:
    import solara
    from mesa.visualization import SolaraViz
    from mesa.visualization.utils import update_counter
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "the interactive page needs solara: "
        "pip install 'solara' 'ipyvue<2' 'ipyvuetify<2' 'solara-assets==1.58.2' altair"
    ) from exc

SCENARIO_ENV = "RPSIM_APP_SCENARIO"  # path of the base scenario, read when the page loads
DEFAULT_SCENARIO: dict[str, Any] = {
    "name": "small_hill_county",
    "description": "A small hill county to watch.",
    "region": {"type": "hill", "villages": 30, "population": 20_000, "townships": 2},
    "policing": {"preset": "hybrid", "officers": 12},
}
WINDOW_DAYS = 7  # incidents older than this leave the map
STATE_COLOURS = {"waiting": "#d62728", "responded": "#8c8c8c", "unreported": "#9467bd"}
STATE_LABELS = {
    "waiting": "incident: reported, waiting",
    "responded": "incident: officer arrived",
    "unreported": "incident: unreported (so far)",
}
# Solara asks for these range-named folders (altair charts); solara-assets ships exact versions.
CDN_LINKS = {
    "vega@5": "vega@5.21.0",
    "vega-lite@5": "vega-lite@5.2.0",
    "vega-embed@6": "vega-embed@6.20.2",
}
CORE_ASSETS = ("@widgetti", "requirejs@2.3.6", "font-awesome@4.5.0")  # the page's own files
SERVER_ENV = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",  # no usage statistics sent out
    "SOLARA_THEME_SHOW_BANNER": "False",
    "SOLARA_THEME_TITLE": "rpsim",
}


# --- model ----------------------------------------------------------------------------
def base_scenario(path: str | None = None) -> Scenario:
    """The scenario the page starts from: `path`, else $RPSIM_APP_SCENARIO, else a small
    hill county (DEFAULT_SCENARIO)."""
    path = path or os.environ.get(SCENARIO_ENV) or None
    return load_scenario(path) if path else validate_dict(DEFAULT_SCENARIO)


def app_config(
    base: Scenario,
    preset: str | None = None,
    officers: int | None = None,
    auxiliaries: int | None = None,
) -> Scenario:
    """`base` with the page's choices; None keeps the base's value, and a negative
    `auxiliaries` means the preset's default (one per village for auxiliary_network and
    hybrid, none otherwise)."""
    policing: dict[str, Any] = {}
    if preset is not None:
        policing["preset"] = preset
    if officers is not None:
        policing["officers"] = int(officers)
    if auxiliaries is not None:
        policing["auxiliaries"] = None if int(auxiliaries) < 0 else int(auxiliaries)
    return validate_dict(deep_merge(base.model_dump(mode="json"), {"policing": policing}))


def parse_seed(seed: int | str | None) -> int | None:
    """The seed typed in the page: a whole number >= 0; anything else keeps the scenario's
    seed (a typo must not crash the page)."""
    text = str(seed).strip() if seed is not None else ""
    return int(text) if text.isdigit() else None


class AppModel(RuralPolicingModel):
    """RuralPolicingModel built from keyword arguments, as SolaraViz's Reset needs.

    `preset`, `officers` and `auxiliaries` override the base scenario (`scenario_path`, else
    $RPSIM_APP_SCENARIO, else a small hill county); None keeps its values. One step is one
    hour; mean trust is recorded after every step (`trust_history`), and the model stops
    (`running = False`) at the scenario's last day.
    """

    def __init__(
        self,
        preset: str | None = None,
        officers: int | None = None,
        auxiliaries: int | None = None,
        seed: int | str | None = None,
        scenario_path: str | None = None,
    ) -> None:
        config = app_config(base_scenario(scenario_path), preset, officers, auxiliaries)
        super().__init__(config, seed=parse_seed(seed))
        self.trust_history: list[tuple[float, float]] = [(0.0, self.mean_trust())]

    def mean_trust(self) -> float:
        return float(self.villagers.trust.mean())

    def step(self) -> None:
        """The hourly heartbeat, then what the charts need (Mesa calls this every hour)."""
        super().step()
        self.trust_history.append((self.now, self.mean_trust()))
        if self.now >= self.end_time:
            self.running = False


def incident_state(inc: Incident, t: float) -> str | None:
    """'waiting', 'responded' or 'unreported' as seen at minute t; None before it occurs."""
    if not inc.t_occur <= t:
        return None
    if inc.t_arrival <= t:  # NaN compares False: no officer yet
        return "responded"
    if inc.reported and inc.t_report <= t:
        return "waiting"
    return "unreported"


def clock(t: float) -> str:
    """'Day 3, 14:00' for minute t (day 1 starts at minute 0)."""
    day, minute = divmod(int(t), int(MINUTES_PER_DAY))
    return f"Day {day + 1}, {minute // 60:02d}:{minute % 60:02d}"


# --- drawing ---------------------------------------------------------------------------
def _spread(index: int, radius: float) -> tuple[float, float]:
    """A small fixed offset so that several markers at one village stay visible."""
    angle = index * 2.39996  # golden angle
    r = radius * (0.6 + 0.4 * ((index * 7) % 5) / 4)
    return r * math.cos(angle), r * math.sin(angle)


def draw_map(model: RuralPolicingModel, fig: Figure | None = None) -> Figure:
    """The county now: roads, villages, stations, officers, auxiliaries, offenders and
    the last WINDOW_DAYS days of incidents."""
    region, t = model.region, model.now
    fig = fig or Figure(figsize=(6.4, 6.6), layout="constrained")
    ax = fig.add_subplot()
    span = max(np.ptp(region.x), np.ptp(region.y), 1.0)
    off = 0.014 * span

    roads = [
        [(region.x[a], region.y[a]), (region.x[b], region.y[b])] for a, b in region.graph.edges
    ]
    ax.add_collection(LineCollection(roads, colors="#b8b8b8", linewidths=1.0, zorder=1))
    pop = region.population.astype(float)
    ax.scatter(
        region.x,
        region.y,
        s=15 + 500 * pop / max(pop.max(), 1.0),
        c="#f1e4c3",
        edgecolors="#a8926a",
        linewidths=0.8,
        zorder=2,
        label="village (size: population)",
    )
    stations = np.asarray(region.stations)
    ax.scatter(
        region.x[stations],
        region.y[stations],
        marker="s",
        s=110,
        c="#1f3b73",
        zorder=3,
        label="police station",
    )
    rooms = list(model.deployment.rooms)
    if rooms:
        ax.scatter(
            region.x[rooms],
            region.y[rooms],
            marker="s",
            s=45,
            c="#6b8fd6",
            zorder=3,
            label="police room",
        )

    # Incidents of the last week as rings, fading with age.
    for state, colour in STATE_COLOURS.items():
        pts, alphas = [], []
        for inc in model.incidents:
            if t - inc.t_occur > WINDOW_DAYS * MINUTES_PER_DAY or incident_state(inc, t) != state:
                continue
            dx, dy = _spread(inc.id, 1.6 * off)
            pts.append((region.x[inc.village] + dx, region.y[inc.village] + dy))
            alphas.append(1.0 - 0.7 * (t - inc.t_occur) / (WINDOW_DAYS * MINUTES_PER_DAY))
        if pts:
            p = np.array(pts)
            rgba = np.zeros((len(pts), 4))
            rgba[:, :3] = _rgb(colour)
            rgba[:, 3] = alphas
            ax.scatter(
                p[:, 0],
                p[:, 1],
                s=70,
                facecolors="none",
                edgecolors=rgba,
                linewidths=2.0,
                zorder=4,
                label=STATE_LABELS[state],
            )

    at_large = [o for o in model.offenders if o.jailed_until <= t]
    if at_large:
        home = np.array([o.cell.coordinate for o in at_large])
        d = np.array([_spread(o.index, off) for o in at_large])
        ax.scatter(
            region.x[home] - off + d[:, 0],
            region.y[home] - off + d[:, 1],
            marker="x",
            s=28,
            c="black",
            linewidths=1.2,
            zorder=5,
            label="offender at large",
        )

    if model.auxiliaries:
        hour = int(t // 60) % 24
        v = np.array([a.village for a in model.auxiliaries])
        on = np.array([a.on_duty(hour) for a in model.auxiliaries])
        ax.scatter(
            region.x[v] + off,
            region.y[v] + off,
            marker="D",
            s=30,
            c=np.where(on, "#2ca02c", "#c7e9c0"),
            edgecolors="#1b6e1b",
            linewidths=0.6,
            zorder=5,
            label="auxiliary (pale: off duty)",
        )

    on_duty = [o for o in model.officers if o.on_duty]
    for responding, colour, label in (
        (False, "#3a7bd5", "officer"),
        (True, "#f28e00", "officer responding"),
    ):
        group = [o for o in on_duty if (o.incident is not None) == responding]
        if group:
            p = np.array([xy(region, o.position(t)) for o in group])
            ax.scatter(
                p[:, 0],
                p[:, 1],
                marker="^",
                s=85,
                c=colour,
                edgecolors="white",
                linewidths=0.8,
                zorder=6,
                label=label,
            )

    ax.set_aspect("equal")
    ax.set_xlim(region.x.min() - 3 * off, region.x.max() + 3 * off)
    ax.set_ylim(region.y.min() - 3 * off, region.y.max() + 3 * off)
    ax.set_xlabel("km")
    ax.set_ylabel("km")
    ax.tick_params(labelsize=8)
    aux = f", {len(model.auxiliaries)} auxiliaries" if model.auxiliaries else ""
    ax.set_title(
        f"{clock(t)} — {model.config.policing.preset}: {len(on_duty)}/{len(model.officers)} "
        f"officers on duty{aux}",
        fontsize=10,
    )
    fig.legend(loc="outside lower center", ncol=3, fontsize=7, frameon=False, markerscale=0.8)
    return fig


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))


def draw_charts(model: AppModel, fig: Figure | None = None) -> Figure:
    """Live charts: incidents, response time, busy officers, mean trust (x in days)."""
    t = model.now
    fig = fig or Figure(figsize=(7.2, 6.6), layout="constrained")
    (ax1, ax2), (ax3, ax4) = fig.subplots(2, 2)
    days = max(t / MINUTES_PER_DAY, 1.0)  # at least one day wide
    incs = [i for i in model.incidents if i.t_occur <= t]

    def cumulative(times: list[float]) -> tuple[np.ndarray, np.ndarray]:
        x = np.sort(np.asarray(times, dtype=float)) / MINUTES_PER_DAY
        return np.concatenate([[0.0], x, [days]]), np.append(np.arange(len(x) + 1), len(x))

    for label, times, colour, width in (
        ("occurred (true)", [i.t_occur for i in incs], "#333333", 1.5),
        ("reported", [i.t_report for i in incs if i.reported and i.t_report <= t], "#d62728", 3),
        ("officer arrived", [i.t_arrival for i in incs if i.t_arrival <= t], "#8c8c8c", 1.5),
    ):
        ax1.step(*cumulative(times), where="post", label=label, color=colour, linewidth=width)
    ax1.set_title("Incidents (cumulative)", fontsize=9)
    ax1.legend(fontsize=7, loc="upper left")

    done = [i for i in incs if i.t_arrival <= t]
    if done:
        x = np.array([i.t_arrival for i in done]) / MINUTES_PER_DAY
        y = np.array([i.response_time for i in done])
        ax2.scatter(x, y, s=12, c="#3a7bd5", alpha=0.7)
        ax2.set_title(f"Response time, min (median {np.median(y):.0f}, n={len(y)})", fontsize=9)
    else:
        ax2.set_title("Response time, min (none yet)", fontsize=9)
    ax2.set_ylim(bottom=0)
    waiting = sum(incident_state(i, t) == "waiting" for i in incs)
    ax2.text(
        0.98,
        0.95,
        f"waiting now: {waiting}",
        transform=ax2.transAxes,
        ha="right",
        va="top",
        fontsize=8,
        color=STATE_COLOURS["waiting"],
    )

    if model.hourly_busy:
        hb = np.array(model.hourly_busy, dtype=float)
        x = hb[:, 0] / MINUTES_PER_DAY
        ax3.fill_between(x, hb[:, 2], step="post", color="#c6dbef", label="on duty")
        ax3.step(x, hb[:, 1], where="post", color="#f28e00", label="busy on an incident")
        ax3.legend(fontsize=7, loc="upper left")
    ax3.set_title("Officers", fontsize=9)
    ax3.set_ylim(0, max(len(model.officers), 1) * 1.15)

    th = np.array(model.trust_history)
    ax4.plot(th[:, 0] / MINUTES_PER_DAY, th[:, 1], color="#9467bd")
    ax4.set_title(f"Mean trust in police ({th[-1, 1]:.3f})", fontsize=9)
    lo, hi = th[:, 1].min(), th[:, 1].max()
    pad = max(0.01, 0.2 * (hi - lo))
    ax4.set_ylim(lo - pad, hi + pad)

    for ax in (ax1, ax2, ax3, ax4):
        ax.set_xlim(0, days)
        ax.set_xlabel("day", fontsize=8)
        ax.tick_params(labelsize=8)
    return fig


def status(model: RuralPolicingModel) -> str:
    """One line for the page: clock, preset, officers, auxiliaries, seed, incidents waiting."""
    t, p = model.now, model.config.policing
    waiting = sum(incident_state(i, t) == "waiting" for i in model.incidents)
    return (
        f"{clock(t)} · {p.preset} · {len(model.officers)} officers · "
        f"{len(model.auxiliaries)} auxiliaries · seed {model.run_seed} · "
        f"{waiting} incident(s) waiting"
    )


@solara.component
def CountyMap(model: RuralPolicingModel) -> None:  # noqa: N802 (a component)
    """The map, redrawn after every step and on Reset, under a status line."""
    update_counter.get()
    solara.Text(status(model), classes=["rpsim-status"])
    solara.FigureMatplotlib(
        draw_map(model),
        format="png",
        dpi=110,
        dependencies=[model, model.time, update_counter.value],
    )


@solara.component
def Charts(model: AppModel) -> None:  # noqa: N802 (a component)
    """The four live charts, redrawn after every step and on Reset."""
    update_counter.get()
    solara.FigureMatplotlib(
        draw_charts(model),
        format="png",
        dpi=110,
        dependencies=[model, model.time, update_counter.value],
    )


# --- the page ---------------------------------------------------------------------------
def model_params(base: Scenario, villages: int, scenario_path: str | None) -> dict[str, Any]:
    """The sidebar's controls, defaulting to the base scenario's choices."""
    p = base.policing
    return {
        "preset": {
            "type": "Select",
            "value": p.preset,
            "values": list(PRESETS),
            "label": "Policing model",
        },
        "officers": {
            "type": "SliderInt",
            "value": p.officers,
            "min": 1,
            "max": max(60, 2 * p.officers),
            "step": 1,
            "label": "Officers",
        },
        "auxiliaries": {
            "type": "SliderInt",
            "value": -1 if p.auxiliaries is None else p.auxiliaries,
            "min": -1,
            "max": villages,
            "step": 1,
            "label": "Auxiliaries (-1: the preset's default)",
        },
        "seed": {"type": "InputText", "value": str(base.seed), "label": "Seed"},
        "scenario_path": scenario_path,
    }


def _initial_state(scenario_path: str | None) -> tuple[Scenario, dict[str, Any], AppModel]:
    """The base scenario, the sidebar's controls and the first model built from them."""
    base = base_scenario(scenario_path)
    params = model_params(base, 0, scenario_path)
    model = AppModel(**{k: v["value"] if isinstance(v, dict) else v for k, v in params.items()})
    params["auxiliaries"]["max"] = model.region.n
    return base, params, model


@solara.component
def Page() -> None:  # noqa: N802 (a component)
    """The page: a SolaraViz of the base scenario ($RPSIM_APP_SCENARIO or a small hill
    county), with its own model for each browser session."""
    scenario_path = os.environ.get(SCENARIO_ENV) or None
    base, params, model = solara.use_memo(lambda: _initial_state(scenario_path), [])
    solara.Title(f"rpsim — {base.name}")
    SolaraViz(
        model,
        components=[CountyMap, Charts],
        model_params=params,
        name=f"Rural policing — {base.name}",
        play_interval=150,
    )


page = Page  # what `solara run simulation.app` shows


# --- serving ----------------------------------------------------------------------------
def ensure_offline_assets() -> list[str]:
    """Make Solara's asset cache serve everything from this machine; return what is missing.

    The front-end files come from the `solara-assets` package (<prefix>/share/solara/cdn);
    this adds the range-named links it lacks (vega@5 -> vega@5.21.0, ...; used by altair
    charts only). Without the package the page stays blank offline: that is warned about.
    """
    from solara.server.settings import assets

    cdn = Path(assets.proxy_cache_dir)
    for link, target in CDN_LINKS.items():
        if (cdn / target).is_dir() and not (cdn / link).exists():
            try:
                (cdn / link).symlink_to(target, target_is_directory=True)
            except OSError as exc:  # read-only install: only altair charts need these
                warnings.warn(f"could not link {cdn / link} -> {target}: {exc}", stacklevel=2)
    missing = [d for d in (*CORE_ASSETS, *CDN_LINKS) if not (cdn / d).is_dir()]
    if any(d in CORE_ASSETS for d in missing):
        warnings.warn(
            f"Solara front-end files missing in {cdn}: {missing}; without internet the page "
            "stays blank. Install them with: pip install 'solara-assets==1.58.2'",
            stacklevel=2,
        )
    return missing


def server_command(port: int = 8765, host: str = "127.0.0.1") -> list[str]:
    """The `solara run` command line for this page."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "simulation.app",
        "--production",
        "--no-open",
        "--port",
        str(port),
        "--host",
        host,
    ]


def server_env(scenario: str | None = None) -> dict[str, str]:
    """The environment for the server: this one, telemetry off, the scenario path."""
    env = {**os.environ, **SERVER_ENV}
    # Solara warns at length that plain-http cookies fall back to samesite=lax: fine on loopback.
    quiet = "ignore:Cookies with samesite=none:UserWarning"
    env["PYTHONWARNINGS"] = ",".join(filter(None, [env.get("PYTHONWARNINGS"), quiet]))
    if scenario:
        env[SCENARIO_ENV] = str(Path(scenario).resolve())
    else:
        env.pop(SCENARIO_ENV, None)
    return env


def serve(
    scenario: str | None = None, port: int = 8765, host: str = "127.0.0.1", wait: bool = True
) -> subprocess.Popen | None:
    """Run the page at http://host:port with `scenario` as the base (None: a small hill county).

    With wait=True (the command line) block until the server stops and return None; with
    wait=False return the running server process (the caller stops it).
    """
    if scenario:
        load_scenario(scenario)  # bad files fail here, with file:line, not inside the server
    ensure_offline_assets()
    root = Path(__file__).resolve().parents[1]  # so that `simulation.app` imports uninstalled
    proc = subprocess.Popen(server_command(port, host), env=server_env(scenario), cwd=root)
    if not wait:
        return proc
    print(f"rpsim app: http://{host}:{port}  (Ctrl-C stops it)", flush=True)
    try:
        proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait(timeout=10)
    return None


def main(argv: list[str] | None = None) -> int:
    """`python -m simulation.app [SCENARIO] [--port N] [--host H]`."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m simulation.app", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "scenario", nargs="?", help="base scenario file (default: a small hill county)"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    serve(args.scenario, args.port, args.host)
    return 0


# At import: a plain `solara run simulation.app` needs the links before the first page load.
ensure_offline_assets()

if __name__ == "__main__":
    sys.exit(main())
