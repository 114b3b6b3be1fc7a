"""Typed SQLAlchemy models: for a bot of this size they are the domain objects.

A process loads only the model modules it names: ``from storage.models import Opgave``
loads the register's tables (regio, people, overleg, opgave, besluit: they refer to one
another), but not the afweging, absence, audit, outbox or paging tables until something
asks for them. Building the mapped classes is a good part of the console's start.
``Base`` from this package comes with every table (migrations and ``create_all`` need
the whole schema); the model modules themselves import ``storage.models.base``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Where each name lives, so that naming it loads only its module.
_MODULES = {
    "NAME_LENGTH": "base",
    "Afweging": "afweging",
    "Antwoord": "afweging",
    "Gesprek": "afweging",
    "Respondent": "afweging",
    "VragenlijstVersie": "afweging",
    "Afwezigheid": "afwezigheid",
    "Uitstel": "afwezigheid",
    "AuditRegel": "audit",
    "Besluit": "besluit",
    "BesluitStap": "besluit",
    "Dilemma": "besluit",
    "Deelname": "opgave",
    "FaseWijziging": "opgave",
    "Inzet": "opgave",
    "Mijlpaal": "opgave",
    "Opgave": "opgave",
    "OpgaveDraad": "opgave",
    "StatusUpdate": "opgave",
    "OutboxBericht": "outbox",
    "VerwerktEvent": "outbox",
    "Agendapunt": "overleg",
    "Overleg": "overleg",
    "OverlegLid": "overleg",
    "Vergadering": "overleg",
    "PagingState": "paging",
    "Identiteit": "people",
    "Persoon": "people",
    "PloLid": "people",
    "PlanningStand": "planning",
    "PlanningTeller": "planning",
    "Gemeente": "regio",
    "Inwoneraandeel": "regio",
    "PlatformKanaal": "regio",
    "Regio": "regio",
    "Werkruimte": "regio",
}
_ALL_MODULES = tuple(sorted(set(_MODULES.values())))
# The register's tables refer to one another, by foreign key and relationship both ways,
# so they load together; every other table refers to them, so they load first.
_REGISTER = ("regio", "people", "overleg", "opgave", "besluit")


def __getattr__(name: str) -> Any:
    if name == "Base":
        modules: tuple[str, ...] = _ALL_MODULES
    elif name == "NAME_LENGTH":
        modules = ("base",)
    elif name in _MODULES:
        modules = (*_REGISTER, _MODULES[name])
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    for module in modules:
        import_module(f"{__name__}.{module}")
    value = getattr(import_module(f"{__name__}.{_MODULES.get(name, 'base')}"), name)
    globals()[name] = value  # found once, then found without this function
    return value


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
