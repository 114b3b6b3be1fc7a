"""Queries that keep derived columns right, shared by the services, the demo loader and
migrations."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
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
