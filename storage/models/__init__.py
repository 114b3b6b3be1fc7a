"""Typed SQLAlchemy models: for a bot of this size they are the domain objects."""

from storage.models.afweging import Afweging, Antwoord, Gesprek, Respondent, VragenlijstVersie
from storage.models.afwezigheid import Afwezigheid, Uitstel
from storage.models.audit import AuditRegel
from storage.models.base import NAME_LENGTH, Base
from storage.models.besluit import Besluit, BesluitStap, Dilemma
from storage.models.opgave import (
    Deelname,
    FaseWijziging,
    Inzet,
    Mijlpaal,
    Opgave,
    OpgaveDraad,
    StatusUpdate,
)
from storage.models.outbox import OutboxBericht, VerwerktEvent
from storage.models.overleg import Agendapunt, Overleg, OverlegLid, Vergadering
from storage.models.paging import PagingState
from storage.models.people import Identiteit, Persoon, PloLid
from storage.models.planning import PlanningStand, PlanningTeller
from storage.models.regio import Gemeente, Inwoneraandeel, PlatformKanaal, Regio, Werkruimte

__all__ = [
    "NAME_LENGTH",
    "Afweging",
    "Afwezigheid",
    "Agendapunt",
    "Antwoord",
    "AuditRegel",
    "Base",
    "Besluit",
    "BesluitStap",
    "Deelname",
    "Dilemma",
    "FaseWijziging",
    "Gemeente",
    "Gesprek",
    "Identiteit",
    "Inwoneraandeel",
    "Inzet",
    "Mijlpaal",
    "Opgave",
    "OpgaveDraad",
    "OutboxBericht",
    "Overleg",
    "OverlegLid",
    "PagingState",
    "Persoon",
    "PlanningStand",
    "PlanningTeller",
    "PlatformKanaal",
    "PloLid",
    "Regio",
    "Respondent",
    "StatusUpdate",
    "Uitstel",
    "Vergadering",
    "VerwerktEvent",
    "VragenlijstVersie",
    "Werkruimte",
]
