"""Watch a county being policed, hour by hour: the interactive Mesa (Solara) page.

    rpsim app [SCENARIO]                        # or: python -m simulation.app [SCENARIO]
    solara run simulation.app.page --production # the page alone, as the server runs it
    serve("scenarios/hill/hybrid.yaml")         # from Python: a server on 127.0.0.1:8765

The page shows the county map (villages sized by population, roads, police stations,
officers at their exact place on the road, auxiliaries, offenders at large and the last
week's incidents coloured by state) and live charts of incidents, response times, busy
officers and trust. The sidebar picks the policing preset, officers, auxiliaries and
seed; Reset rebuilds the model, Step advances one hour, ▶ runs.

The base scenario is a small hill county, or the file named by RPSIM_APP_SCENARIO.
Everything the page loads comes from this machine (see `ensure_offline_assets`).

The parts:

    model.py    AppModel and the sidebar's choices (base scenario, preset, officers, seed)
    drawing.py  the map (one function per layer), the charts and the status line
    page.py     the Solara components: CountyMap, Charts and Page (what `solara run` loads)
    server.py   offline front-end files, the server's command and environment, serve, main

Importing this package is light: each name below loads its own module on first use, so the
model and the drawings need neither solara nor Mesa's visualization (only page.py and
server.py import solara; a missing solara raises ImportError with the pip command).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# What each module gives the package (`simulation.app.page` itself is the page module; its
# component is `Page`).
_EXPORTS = {
    "model": (
        "AUX_DEFAULT",
        "DEFAULT_SCENARIO",
        "PRESETS",
        "SCENARIO_ENV",
        "AppModel",
        "app_config",
        "base_scenario",
        "initial_state",
        "auxiliary_choices",
        "model_params",
        "parse_auxiliaries",
        "parse_seed",
    ),
    "drawing": (
        "STATE_COLOURS",
        "STATE_LABELS",
        "WINDOW_DAYS",
        "clock",
        "draw_charts",
        "draw_map",
        "incident_state",
        "status",
    ),
    "page": ("Charts", "CountyMap", "Page"),
    "server": (
        "CDN_LINKS",
        "CORE_ASSETS",
        "NEEDS_SOLARA",
        "PAGE_MODULE",
        "SERVER_ENV",
        "ensure_offline_assets",
        "main",
        "serve",
        "server_command",
        "server_env",
    ),
}
_HOME = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    """Load the module that defines `name` on first use (PEP 562)."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})
