"""The page itself (Solara components): what `solara run simulation.app.page` shows.

`Page` is Mesa's SolaraViz of an AppModel with two components, `CountyMap` (status line and
map) and `Charts`, and the sidebar from `model_params`. Each browser session gets its own
model; Reset rebuilds it from the sidebar, Step advances one hour.
"""

from __future__ import annotations

import os

from .drawing import clock, draw_charts, draw_map, status
from .model import SCENARIO_ENV, AppModel, initial_state
from .server import NEEDS_SOLARA, ensure_offline_assets

try:
    import solara
    from mesa.visualization import SolaraViz
    from mesa.visualization import solara_viz as _viz
    from mesa.visualization.utils import update_counter
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(NEEDS_SOLARA) from exc

__all__ = ["Charts", "Clock", "CountyMap", "OnePage", "Page", "page"]


@solara.component
def CountyMap(model: AppModel) -> None:  # noqa: N802 (a component)
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


@solara.component
def Clock(model: AppModel) -> None:  # noqa: N802 (a component)
    """The sidebar's clock as day and time ('Day 96, 00:00'), not Mesa's hours ('Time: 2280.0')."""
    update_counter.get()
    solara.Text(f"Clock: {clock(model.now)}", classes=["rpsim-clock"])


@solara.component
def OnePage(components: list, model: AppModel) -> None:  # noqa: N802 (a component)
    """The page's components one under the other, without Mesa's tab bar (a lone, empty
    "PAGE 0" tab)."""
    with solara.Column():
        for component in components:
            _viz._wrap_component(component[0] if isinstance(component, tuple) else component)(model)


# Mesa 3.5's SolaraViz has no option for either: it shows `ShowSteps` in its Information card
# and `ComponentsView` (tabs) for the components; both are looked up in its module when the
# page renders, so these replace them for this page.
_viz.ShowSteps = Clock
_viz.ComponentsView = OnePage


@solara.component
def Page() -> None:  # noqa: N802 (a component)
    """The page: a SolaraViz of the base scenario ($RPSIM_APP_SCENARIO or a small hill
    county), with its own model for each browser session."""
    scenario_path = os.environ.get(SCENARIO_ENV) or None
    base, params, model = solara.use_memo(lambda: initial_state(scenario_path), [])
    solara.Title(f"rpsim — {base.name}")
    SolaraViz(
        model,
        components=[CountyMap, Charts],
        model_params=params,
        name=f"Rural policing — {base.name}",
        play_interval=150,
    )


page = Page  # solara looks for `Page` (or `page`) in the module it runs

# At import: a plain `solara run simulation.app.page` needs the links before the first page load.
ensure_offline_assets()
