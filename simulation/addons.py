"""Orthogonal measures a scenario can switch on (seeds): CCTV at village entrances, joint
household defence, volunteer patrols, multi-channel reporting, smart dispatch. Their readers:
crime (CCTV deterrence), presence (guardian equivalents), response (reporting channels, CCTV
clearance), dispatch and costs."""

from __future__ import annotations

from pydantic import Field

from .section import Section, plausible


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
        json_schema_extra={
            "unit": "log-reduction",
            "source": "assumption",
            "plausible": plausible(
                0.0,
                0.4,
                "Welsh & Farrington 2009: ~16% less crime overall (log 0.17), 51% in car parks, "
                "7% in public places; village entrances: 0-33%",
                dist="triangular",
                mode=0.15,
            ),
        },
    )
    cctv_clearance_bonus: float = Field(
        0.1,
        ge=0,
        le=1,
        description="clearance bonus with CCTV",
        json_schema_extra={
            "unit": "probability points",
            "source": "assumption",
            "plausible": plausible(
                0.02,
                0.25,
                "Ashby 2017: CCTV useful in 29% of railway crimes and raised solving; cameras at "
                "village entrances see less of an offence: +2 to +25 points",
                dist="triangular",
                mode=0.1,
            ),
        },
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
        json_schema_extra={
            "unit": "guardian equivalents",
            "source": "assumption",
            "plausible": plausible(
                0.0,
                0.6,
                "Bennett, Holloway & Farrington 2008 (neighbourhood watch): about half of schemes "
                "cut crime, the rest unclear; 0-0.6 guardians is 0-36% less",
                dist="triangular",
                mode=0.3,
            ),
        },
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
        json_schema_extra={
            "unit": "guardian equivalents",
            "source": "assumption",
            "plausible": plausible(
                0.0,
                0.6,
                "expert range (assumption): an unarmed night team passing each village for part "
                "of the hour: from nothing to most of an officer's presence",
                dist="triangular",
                mode=0.3,
            ),
        },
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
