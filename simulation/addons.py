"""Orthogonal measures a scenario can switch on (seeds): CCTV at village entrances, joint
household defence, volunteer patrols, multi-channel reporting, smart dispatch. Their readers:
crime (CCTV deterrence), presence (guardian equivalents), response (reporting channels, CCTV
clearance), dispatch and costs."""

from __future__ import annotations

from pydantic import Field

from .section import Section


class AddonsConfig(Section):
    """Orthogonal measures a scenario can switch on (seeds)."""

    cctv: bool = Field(
        False,
        description="CCTV at village entrances (雪亮工程)",
        json_schema_extra={"unit": "", "source": "setting (雪亮工程, seeds)"},
    )
    cctv_deterrence: float = Field(
        0.15,
        ge=0,
        description="success log-reduction with CCTV",
        json_schema_extra={"unit": "log-reduction", "source": "assumption"},
    )
    cctv_clearance_bonus: float = Field(
        0.1,
        ge=0,
        le=1,
        description="clearance bonus with CCTV",
        json_schema_extra={"unit": "probability points", "source": "assumption"},
    )
    joint_defence: bool = Field(
        False,
        description="joint household defence (五户联防)",
        json_schema_extra={"unit": "", "source": "setting (五户联防, seeds)"},
    )
    joint_defence_guardians: float = Field(
        0.3,
        ge=0,
        description="guardian equivalents of joint defence per village",
        json_schema_extra={"unit": "guardian equivalents", "source": "assumption"},
    )
    volunteer_patrol: bool = Field(
        False,
        description="volunteer patrol teams (义务巡逻队)",
        json_schema_extra={"unit": "", "source": "setting (义务巡逻队, seeds)"},
    )
    volunteer_guardians: float = Field(
        0.3,
        ge=0,
        description="guardian equivalents of a volunteer patrol by night",
        json_schema_extra={"unit": "guardian equivalents", "source": "assumption"},
    )
    multi_channel_reporting: bool = Field(
        False,
        description="phone, WeChat and in person",
        json_schema_extra={"unit": "", "source": "setting (seeds)"},
    )
    smart_dispatch: bool = Field(
        False,
        description="shorter call handling",
        json_schema_extra={"unit": "", "source": "setting (seeds)"},
    )
