"""The page's model: the scenario it starts from, the sidebar's choices, and AppModel.

AppModel is RuralPolicingModel built from keyword arguments, as SolaraViz's Reset needs,
with the trust history the charts draw. Nothing here needs solara.
"""

from __future__ import annotations

import os
from typing import Any

from ..config_files import deep_merge, load_scenario, validate_dict
from ..limits import MAX_SEED
from ..model import RuralPolicingModel
from ..policing import PRESETS
from ..scenario import Scenario

__all__ = [
    "AUX_DEFAULT",
    "DEFAULT_SCENARIO",
    "PRESETS",
    "SCENARIO_ENV",
    "AppModel",
    "app_config",
    "auxiliary_choices",
    "base_scenario",
    "initial_state",
    "model_params",
    "parse_auxiliaries",
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
    auxiliaries: int | str | None = None,
) -> Scenario:
    """`base` with the page's choices; None keeps the base's value, and AUX_DEFAULT (or a
    negative number) as `auxiliaries` means the preset's default (one per village for
    auxiliary_network and hybrid, none otherwise). The page watches from day 0, with no
    warm-up."""
    policing: dict[str, Any] = {}
    if preset is not None:
        policing["preset"] = preset
    if officers is not None:
        policing["officers"] = int(officers)
    if auxiliaries is not None:
        policing["auxiliaries"] = parse_auxiliaries(auxiliaries)
    # The page shows the county from its first day: no warm-up (that is for the statistics).
    watch = {"policing": policing, "warmup_days": 0}
    return validate_dict(deep_merge(base.model_dump(mode="json"), watch))


AUX_DEFAULT = "preset's default"  # the auxiliaries control's first choice


def parse_seed(seed: int | str | None) -> int | None:
    """The seed typed in the page: a whole number from 0 to 2**63 - 1 in ASCII digits; anything
    else (a typo, `²`, a 5000-digit number) keeps the scenario's seed: the page must not
    crash."""
    text = str(seed).strip() if seed is not None else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    value = int(text)
    return value if value <= MAX_SEED else None


def parse_auxiliaries(value: int | str | None) -> int | None:
    """The auxiliaries control: a number of village auxiliaries, or None for the preset's
    default (AUX_DEFAULT, None or a negative number)."""
    if value is None or value == AUX_DEFAULT:
        return None
    text = str(value).strip()
    if text.lstrip("-").isascii() and text.lstrip("-").isdigit():
        n = int(text)
        return None if n < 0 else n
    return None


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
        auxiliaries: int | str | None = None,
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


def auxiliary_choices(villages: int) -> list[str]:
    """The auxiliaries control's choices: the preset's default (one per village for
    auxiliary_network and hybrid, none otherwise), then 0 to one per village."""
    return [AUX_DEFAULT, *(str(n) for n in range(villages + 1))]


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
            "type": "Select",
            "value": AUX_DEFAULT if p.auxiliaries is None else str(p.auxiliaries),
            "values": auxiliary_choices(villages),
            "label": "Village auxiliaries (one per village at most)",
        },
        "seed": {"type": "InputText", "value": str(base.seed), "label": "Seed"},
        "scenario_path": scenario_path,
    }


def initial_state(scenario_path: str | None) -> tuple[Scenario, dict[str, Any], AppModel]:
    """The base scenario, the sidebar's controls and the first model built from them."""
    base = base_scenario(scenario_path)
    params = model_params(base, 0, scenario_path)
    model = AppModel(**{k: v["value"] if isinstance(v, dict) else v for k, v in params.items()})
    params["auxiliaries"]["values"] = auxiliary_choices(model.region.n)
    return base, params, model
