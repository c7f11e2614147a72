"""机动巡逻 — random preventive patrol from the station."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from ..section import Probability, Section, documented, plausible
from ..vocab import Activity
from .base import PolicingModel
from .registry import register

if TYPE_CHECKING:
    from ..agents import Officer


class PatrolSettings(Section):
    """Random preventive patrol (patrol preset)."""

    intensity: Probability = Field(
        0.5,
        description="probability that an idle officer's next move is a random preventive patrol "
        "(else a stay at the station); the realised time share also depends on driving times",
        json_schema_extra=documented(
            "share 0-1", "setting; Kansas City preventive patrol experiment compares 2-3x patrol"
        ),
    )
    dwell_min: float = Field(
        20,
        gt=0,
        description="patrol stop per village, minutes",
        json_schema_extra=documented(
            "minutes",
            "assumption: Koper (1995) finds 10-15 min stops optimal; 20 allows for rural distances",
            plausible(
                10,
                40,
                "Koper (1995): 10-15 min stops give the most residual deterrence; rural stops may "
                "run longer (a word with villagers): 10-40 min",
                dist="triangular",
                mode=20,
            ),
        ),
    )
    base_stay_min: float = Field(
        60,
        gt=0,
        description="a stay at the station between patrols, minutes",
        json_schema_extra=documented(
            "minutes",
            "assumption",
            plausible(
                20,
                180,
                "expert range (assumption): 20 min to 3 h at the station between patrols (desk "
                "work, meals, rest)",
                dist="triangular",
                mode=60,
            ),
        ),
    )


@register
class Patrol(PolicingModel):
    """Station-based; idle officers drive random preventive patrols through their township's
    villages (the Kansas City preventive patrol experiment's "proactive" arm)."""

    name = "patrol"
    chinese = "机动巡逻"
    sections: ClassVar = {"patrol": PatrolSettings}

    def next_move(self, officer: Officer, t: float) -> None:
        cfg = self.settings["patrol"]
        assert isinstance(cfg, PatrolSettings)
        if self.rng.random() < cfg.intensity:
            villages = self.township_villages(officer.station)
            v = villages[int(self.rng.integers(len(villages)))]
            officer.go(v, t, Activity.PATROL, then=Activity.PATROL, dwell=cfg.dwell_min)
        else:
            officer.go(
                officer.base, t, Activity.TRAVEL, then=Activity.POST, dwell=cfg.base_stay_min
            )
