"""Queries that keep derived columns right, shared by the services, the demo loader and
migrations."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from storage.models import Mijlpaal, Opgave


def refresh_first_open(session: Session, opgave_ids: Iterable[int] | None = None) -> None:
    """Set ``opgave.eerste_open_mijlpaal`` from its milestones (all opgaven when no ids)."""
    first_open = (select(func.min(Mijlpaal.datum))
                  .where(Mijlpaal.opgave_id == Opgave.id, Mijlpaal.afgerond_op.is_(None))
                  .scalar_subquery())
    statement = update(Opgave).values(eerste_open_mijlpaal=first_open)
    if opgave_ids is not None:
        ids = list(opgave_ids)
        if not ids:
            return
        statement = statement.where(Opgave.id.in_(ids))
    session.execute(statement.execution_options(synchronize_session=False))
    session.expire_all()


def open_milestone_opgave(session: Session) -> ColumnElement[int]:
    """``mijlpaal.opgave_id`` for queries that select open milestones near a date.

    SQLite's planner would walk the regio's opgaven and read every one of their
    milestones through ``ix_mijlpaal_opgave_id``; on SQLite ``opgave_id + 0`` stops it
    from using that index, so it reads the open ones near the date from the partial
    index instead. PostgreSQL chooses well by itself (and joins worse without it)."""
    if session.get_bind().dialect.name == "sqlite":
        return Mijlpaal.opgave_id + 0
    return Mijlpaal.opgave_id
