"""The model's vocabularies, one place: what officers do, what incidents are, where an
incident is in its life and how it ended. Values are the strings written to the tables."""

from __future__ import annotations

from enum import StrEnum


class Activity(StrEnum):
    """What an officer is doing; officers' time is booked by activity."""

    POST = "post"  # waiting at base (station or police room) for calls
    PATROL = "patrol"  # preventive patrol stop or drive
    VISIT = "visit"  # presence in an assigned village: household visits (大走访), mediation
    TRAVEL = "travel"  # driving: to an incident, a village, or back to base
    ON_SCENE = "on_scene"
    DIVERTED = "diverted"  # non-police duty for the shift (非警务)
    OFF_DUTY = "off_duty"


GUARDING = frozenset({Activity.PATROL, Activity.VISIT, Activity.ON_SCENE})
"""Activities during which an officer in a village counts as a capable guardian there."""


class IncidentType(StrEnum):
    PROPERTY = "property"  # burglary of a home
    VIOLENT = "violent"  # robbery, assault; escalated disputes (民转刑)
    DISPUTE = "dispute"  # neighbour, land, debt or family dispute (纠纷)
    SERVICE = "service"  # other calls for service: accidents, help, emergencies


CRIME_TYPES = (IncidentType.PROPERTY, IncidentType.VIOLENT)


class IncidentState(StrEnum):
    """Where an incident is in its life (see simulation.response)."""

    UNREPORTED = "unreported"  # nobody told the police (final)
    REPORTING = "reporting"  # someone will call: the reporting delay is running
    QUEUED = "queued"  # the command centre has it; no officer free yet
    DISPATCHED = "dispatched"  # an officer is on the way
    ON_SCENE = "on_scene"
    CLEARED = "cleared"  # the officer left the scene with an outcome (final)


class Outcome(StrEnum):
    """How a cleared incident ended."""

    NONE = ""  # not cleared (yet)
    ARREST = "arrest"
    NO_ARREST = "no_arrest"
    MEDIATED = "mediated"  # the officer settled the dispute on scene (小事不出村)
    MEDIATION_FAILED = "mediation_failed"
    DISPUTE_MEDIATED = "dispute_mediated"  # already settled by a mediation before arrival
    DISPUTE_RESOLVED = "dispute_resolved"  # settled by itself before arrival
    DISPUTE_ESCALATED = "dispute_escalated"  # had already turned violent
    ASSISTED = "assisted"  # a service call handled


class Reporter(StrEnum):
    NONE = ""
    VICTIM = "victim"
    AUXILIARY = "auxiliary"  # the village auxiliary heard and called at once
    CALLER = "caller"  # calls-for-service mode: every call, at once


class Responder(StrEnum):
    """Who was first at the scene."""

    NONE = ""
    OFFICER = "officer"
    AUXILIARY = "auxiliary"


class Role(StrEnum):
    """An officer's assignment."""

    STATION = "station"  # response duty from the township station (派出所)
    VILLAGE = "village"  # a village officer (驻村民警 / 包村民警)
    DISTRICT = "district"  # a district officer (警务区民警) at a police room (警务室)


class DisputeState(StrEnum):
    OPEN = "open"
    MEDIATED = "mediated"
    RESOLVED = "resolved"  # settled by itself
    ESCALATED = "escalated"  # turned violent (民转刑)


class Source(StrEnum):
    """Where an incident came from, when it matters."""

    NONE = ""
    EMPTY_HOME = "empty_home"
    OCCUPIED_HOME = "occupied_home"
    DISPUTE = "dispute"  # a violent incident from an escalated dispute
