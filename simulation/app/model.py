"""The page's model: the scenario it starts from, the sidebar's choices, and AppModel.

AppModel is RuralPolicingModel built from keyword arguments, as SolaraViz's Reset needs,
with the trust history the charts draw. Nothing here needs solara.
"""

from __future__ import annotations

import os
from typing import Any

from ..config_files import deep_merge, load_scenario, validate_dict
from ..model import RuralPolicingModel
from ..policing import PRESETS
from ..scenario import Scenario

__all__ = [
    "DEFAULT_SCENARIO",
    "PRESETS",
    "SCENARIO_ENV",
    "AppModel",
    "app_config",
    "base_scenario",
    "initial_state",
    "model_params",
    "parse_seed",
]

SCENARIO_ENV = "RPSIM_APP_SCENARIO"  # path of the base scenario, read when the page loads
DEFAULT_SCENARIO: dict[str, Any] = {
    "name": "small_hill_county",
    "description": "A small hill county to watch.",
    "region": {"type": "hill", "villages": 30, "population": 20_000, "townships": 2},
    "policing": {"preset": "hybrid", "officers": 12},
}


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
    hybrid, none otherwise). The page watches from day 0, with no warm-up."""
    policing: dict[str, Any] = {}
    if preset is not None:
        policing["preset"] = preset
    if officers is not None:
        policing["officers"] = int(officers)
    if auxiliaries is not None:
        policing["auxiliaries"] = None if int(auxiliaries) < 0 else int(auxiliaries)
    # The page shows the county from its first day: no warm-up (that is for the statistics).
    watch = {"policing": policing, "warmup_days": 0}
    return validate_dict(deep_merge(base.model_dump(mode="json"), watch))


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


def initial_state(scenario_path: str | None) -> tuple[Scenario, dict[str, Any], AppModel]:
    """The base scenario, the sidebar's controls and the first model built from them."""
    base = base_scenario(scenario_path)
    params = model_params(base, 0, scenario_path)
    model = AppModel(**{k: v["value"] if isinstance(v, dict) else v for k, v in params.items()})
    params["auxiliaries"]["max"] = model.region.n
    return base, params, model
