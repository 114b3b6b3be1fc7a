"""Channel IDs as the platforms gave them, per workspace or team: a configured channel
(a name) is resolved once by the platform adapter and kept here."""

from __future__ import annotations

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from storage.db import dialect_insert
from storage.models import PlatformKanaal


def known_id(session: Session, platform: str, team_id: str, value: str) -> str | None:
    """The ID for ``value``: the stored ID of a channel of that name, or ``value``
    itself when it is an ID stored before (a thread's channel is kept as its ID)."""
    rows = session.execute(
        select(PlatformKanaal.naam, PlatformKanaal.extern_id).where(
            PlatformKanaal.platform == platform, PlatformKanaal.team_id == team_id,
            or_(PlatformKanaal.naam == value, PlatformKanaal.extern_id == value))).all()
    by_name = next((extern_id for naam, extern_id in rows if naam == value), None)
    if by_name is not None:
        return by_name
    return value if rows else None


def forget(session: Session, platform: str, team_id: str, naam: str) -> None:
    """Drop a kept ID the platform no longer knows: the next attempt looks it up anew."""
    session.execute(delete(PlatformKanaal).where(
        PlatformKanaal.platform == platform, PlatformKanaal.team_id == team_id,
        PlatformKanaal.naam == naam))


def remember(session: Session, platform: str, team_id: str, naam: str, extern_id: str) -> None:
    """Keep a resolved channel (a second resolver of the same name changes nothing)."""
    session.execute(dialect_insert(session)(PlatformKanaal).values(
        platform=platform, team_id=team_id, naam=naam, extern_id=extern_id
    ).on_conflict_do_nothing(index_elements=["platform", "team_id", "naam"]))
