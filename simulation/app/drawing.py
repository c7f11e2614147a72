"""What the page draws: the county map, the live charts and the status line (matplotlib).

`draw_map` layers the map from the bottom up, one function per layer: roads, villages
(sized by population), police stations and district police rooms, the last WINDOW_DAYS
days of incidents (rings coloured by state, fading with age), offenders at large,
auxiliaries, officers on duty, then the frame, title and legend. Nothing here needs solara.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from ..incident import Incident
from ..model import RuralPolicingModel
from ..movement import xy
from ..rhythms import MINUTES_PER_DAY

if TYPE_CHECKING:
    from ..region import Region
    from .model import AppModel

__all__ = [
    "STATE_COLOURS",
    "STATE_LABELS",
    "WINDOW_DAYS",
    "clock",
    "draw_charts",
    "draw_map",
    "incident_state",
    "status",
]

WINDOW_DAYS = 7  # incidents older than this leave the map
STATE_COLOURS = {"waiting": "#d62728", "responded": "#8c8c8c", "unreported": "#9467bd"}
STATE_LABELS = {
    "waiting": "incident: reported, waiting",
    "responded": "incident: officer arrived",
    "unreported": "incident: unreported (so far)",
}


# --- what the page says -------------------------------------------------------------------
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


def status(model: RuralPolicingModel) -> str:
    """One line for the page: clock, preset, officers, auxiliaries, seed, incidents waiting."""
    t, p = model.now, model.config.policing
    waiting = sum(incident_state(i, t) == "waiting" for i in model.incidents)
    return (
        f"{clock(t)} · {p.preset} · {len(model.officers)} officers · "
        f"{len(model.auxiliaries)} auxiliaries · seed {model.run_seed} · "
        f"{waiting} incident(s) waiting"
    )


# --- the map ------------------------------------------------------------------------------
def draw_map(model: RuralPolicingModel, fig: Figure | None = None) -> Figure:
    """The county now: roads, villages, stations, officers, auxiliaries, offenders and
    the last WINDOW_DAYS days of incidents."""
    region = model.region
    fig = fig or Figure(figsize=(6.4, 6.6), layout="constrained")
    ax = fig.add_subplot()
    off = marker_offset(region)
    # The legend lists the layers in this order.
    draw_roads(ax, region)
    draw_villages(ax, region)
    draw_stations(ax, region, list(model.deployment.rooms))
    draw_incidents(ax, model, off)
    draw_offenders(ax, model, off)
    draw_auxiliaries(ax, model, off)
    draw_officers(ax, model)
    frame_and_title(ax, model, off)
    fig.legend(loc="outside lower center", ncol=3, fontsize=7, frameon=False, markerscale=0.8)
    return fig


def marker_offset(region: Region) -> float:
    """The map's unit for nudging markers apart: 1.4% of the county's larger extent (km)."""
    span = max(np.ptp(region.x), np.ptp(region.y), 1.0)
    return 0.014 * span


def draw_roads(ax: Axes, region: Region) -> None:
    """The road network, as straight grey lines between villages."""
    roads = [
        [(region.x[a], region.y[a]), (region.x[b], region.y[b])] for a, b in region.graph.edges
    ]
    ax.add_collection(LineCollection(roads, colors="#b8b8b8", linewidths=1.0, zorder=1))


def draw_villages(ax: Axes, region: Region) -> None:
    """Every village as a disc whose area grows with its population."""
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


def draw_stations(ax: Axes, region: Region, rooms: list[int]) -> None:
    """Police stations (dark squares) and district police rooms (small pale squares)."""
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


def draw_incidents(ax: Axes, model: RuralPolicingModel, off: float) -> None:
    """Incidents of the last WINDOW_DAYS days as rings around their village, coloured by
    state (STATE_COLOURS) and fading with age."""
    region, t = model.region, model.now
    window = WINDOW_DAYS * MINUTES_PER_DAY
    for state, colour in STATE_COLOURS.items():
        pts, alphas = [], []
        for inc in model.incidents:
            if t - inc.t_occur > window or incident_state(inc, t) != state:
                continue
            dx, dy = _spread(inc.id, 1.6 * off)
            pts.append((region.x[inc.village] + dx, region.y[inc.village] + dy))
            alphas.append(1.0 - 0.7 * (t - inc.t_occur) / window)
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
                edgecolors=list(map(tuple, rgba)),
                linewidths=2.0,
                zorder=4,
                label=STATE_LABELS[state],
            )


def draw_offenders(ax: Axes, model: RuralPolicingModel, off: float) -> None:
    """Offenders not in jail, as black crosses beside their home village (lower left)."""
    region, t = model.region, model.now
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


def draw_auxiliaries(ax: Axes, model: RuralPolicingModel, off: float) -> None:
    """Auxiliaries as green diamonds beside their village (upper right); pale off duty."""
    if not model.auxiliaries:
        return
    region = model.region
    hour = int(model.now // 60) % 24
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


def draw_officers(ax: Axes, model: RuralPolicingModel) -> None:
    """Officers on duty as triangles at their exact place on the road: blue, or orange
    while on an incident."""
    region, t = model.region, model.now
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


def frame_and_title(ax: Axes, model: RuralPolicingModel, off: float) -> None:
    """Equal km axes around the county, and the title: clock, preset, officers on duty."""
    region = model.region
    ax.set_aspect("equal")
    ax.set_xlim(region.x.min() - 3 * off, region.x.max() + 3 * off)
    ax.set_ylim(region.y.min() - 3 * off, region.y.max() + 3 * off)
    ax.set_xlabel("km")
    ax.set_ylabel("km")
    ax.tick_params(labelsize=8)
    on_duty = sum(1 for o in model.officers if o.on_duty)
    aux = f", {len(model.auxiliaries)} auxiliaries" if model.auxiliaries else ""
    ax.set_title(
        f"{clock(model.now)} — {model.config.policing.preset}: {on_duty}/{len(model.officers)} "
        f"officers on duty{aux}",
        fontsize=10,
    )


def _spread(index: int, radius: float) -> tuple[float, float]:
    """A small fixed offset so that several markers at one village stay visible."""
    angle = index * 2.39996  # golden angle
    r = radius * (0.6 + 0.4 * ((index * 7) % 5) / 4)
    return r * math.cos(angle), r * math.sin(angle)


def _rgb(colour: str) -> tuple[float, float, float]:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return r, g, b


# --- the charts ---------------------------------------------------------------------------
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
