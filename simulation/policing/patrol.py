"""机动巡逻 — random preventive patrol from the station."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import PolicingModel

if TYPE_CHECKING:
    from ..agents import Officer


class Patrol(PolicingModel):
    """Idle officers drive random patrols through their township's villages (the
    Kansas City preventive patrol experiment's "proactive" arm). Reads
    `policing.patrol_intensity` and `policing.patrol_dwell_min`."""

    name = "patrol"
    chinese = "机动巡逻"

    def next_move(self, officer: Officer, t: float) -> None:
        cfg = self.model.config.policing
        rng = self.model.behaviour_rng
        if rng.random() < cfg.patrol_intensity:
            villages = self.township_villages(officer.station)
            v = villages[int(rng.integers(len(villages)))]
            officer.go(v, t, "patrol", then="patrol", dwell=cfg.patrol_dwell_min)
        else:
            officer.go(officer.base, t, "travel", then="post", dwell=60.0)
