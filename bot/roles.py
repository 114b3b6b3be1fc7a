"""Who someone is in the cooperation, derived from the roster and the register."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from storage.models import Opgave, OverlegLid, Persoon, PloLid


class Role(StrEnum):
    PROGRAMMAMANAGER = "programmamanager"
    PLO = "plo-lid"
    PROJECTLEIDER = "projectleider"
    AMBTELIJK = "ambtelijk opdrachtgever"
    BESTUURLIJK = "bestuurlijk opdrachtgever"
    VOORZITTER = "voorzitter"
    SECRETARIS = "secretaris"
    LID = "lid"


# Roles that only count for the opgave (or overleg) they belong to.
SCOPED = frozenset({Role.PROJECTLEIDER, Role.AMBTELIJK, Role.BESTUURLIJK,
                    Role.VOORZITTER, Role.SECRETARIS})


def general_roles(session: Session, persoon: Persoon) -> set[Role]:
    """Roles that hold everywhere in the regio (being someone's sponsor counts too)."""
    roles = {Role.LID}
    if persoon.is_programmamanager:
        roles.add(Role.PROGRAMMAMANAGER)
    if session.scalar(select(exists().where(PloLid.persoon_id == persoon.id))):
        roles.add(Role.PLO)
    sponsor = select(exists().where(
        Opgave.regio_id == persoon.regio_id,
        or_(Opgave.ambtelijk_opdrachtgever_id == persoon.id,
            Opgave.projectleider_id == persoon.id,
            Opgave.bestuurlijk_opdrachtgever_id == persoon.id)))
    if session.scalar(sponsor):
        roles |= _sponsor_roles(session, persoon)
    return roles


def _sponsor_roles(session: Session, persoon: Persoon) -> set[Role]:
    found: set[Role] = set()
    for column, role in (
        (Opgave.projectleider_id, Role.PROJECTLEIDER),
        (Opgave.ambtelijk_opdrachtgever_id, Role.AMBTELIJK),
        (Opgave.bestuurlijk_opdrachtgever_id, Role.BESTUURLIJK),
    ):
        if session.scalar(select(exists().where(column == persoon.id))):
            found.add(role)
    return found


def opgave_roles(opgave: Opgave, persoon: Persoon) -> set[Role]:
    roles: set[Role] = set()
    if opgave.projectleider_id == persoon.id:
        roles.add(Role.PROJECTLEIDER)
    if opgave.ambtelijk_opdrachtgever_id == persoon.id:
        roles.add(Role.AMBTELIJK)
    if opgave.bestuurlijk_opdrachtgever_id == persoon.id:
        roles.add(Role.BESTUURLIJK)
    return roles


def overleg_roles(session: Session, overleg_id: int, persoon: Persoon) -> set[Role]:
    rol = session.scalar(select(OverlegLid.rol).where(
        OverlegLid.overleg_id == overleg_id, OverlegLid.persoon_id == persoon.id))
    return {Role(rol)} if rol in (Role.VOORZITTER, Role.SECRETARIS) else set()
