"""Counting the changes to what planning reads (see storage.models.planning).

Every unit of work that changes a table planning reads (``PLANNING_INPUTS``) adds one to
a single counter as the last thing before it commits, in the same transaction: the
count is visible exactly when the change is. Taking the counter's row lock only at
commit keeps it to the end of every transaction, where it cannot take part in a deadlock.

Registered on every SQLAlchemy session when the models are (storage.models.base imports
this module), so no process writes without counting. A write that bypasses the ORM
session (raw SQL on a connection) is not counted: such a writer must call ``changed``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import column, table
from sqlalchemy.orm import Session, SessionTransaction

from storage.db import dialect_insert

# The tables whose rows decide which milestone reminders and weekly overviews are due:
# a new table read by that planning belongs here, or its changes go unplanned until the
# next day.
PLANNING_INPUTS = frozenset({
    "mijlpaal", "opgave", "persoon", "identiteit", "afwezigheid", "uitstel", "werkruimte",
    "regio", "overleg", "dilemma",
})
COUNTER_ID = 1
_COUNTER = table("planning_teller", column("id"), column("teller"))
_CHANGED = "planning.changed"


def _touches_inputs(objects: Any) -> bool:
    return any(getattr(getattr(o, "__table__", None), "name", None) in PLANNING_INPUTS
               for o in objects)


def _pending(session: Session) -> bool:
    return (_touches_inputs(session.new) or _touches_inputs(session.dirty)
            or _touches_inputs(session.deleted))


def changed(session: Session) -> None:
    """Mark this unit of work as changing what planning reads (the events below do it
    for every change made through the session)."""
    session.info[_CHANGED] = True


def _note_flush(session: Session, _context: Any, _instances: Any) -> None:
    if not session.info.get(_CHANGED) and _pending(session):
        changed(session)


def _note_statement(state: Any) -> None:
    """``session.execute(update(Opgave)…)`` and the like bypass the flush."""
    if (state.is_update or state.is_delete or state.is_insert) and any(
            mapper.local_table.name in PLANNING_INPUTS for mapper in state.all_mappers):
        changed(state.session)


def _count(session: Session) -> None:
    if not session.info.get(_CHANGED) and not _pending(session):
        return
    session.flush()
    session.execute(dialect_insert(session)(_COUNTER).values(id=COUNTER_ID, teller=1)
                    .on_conflict_do_update(index_elements=["id"],
                                           set_={"teller": _COUNTER.c.teller + 1}))
    session.info.pop(_CHANGED, None)


def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)


def _listen() -> None:
    from sqlalchemy import event

    if not event.contains(Session, "before_commit", _count):
        event.listen(Session, "before_flush", _note_flush)
        event.listen(Session, "do_orm_execute", _note_statement)
        event.listen(Session, "before_commit", _count)
        event.listen(Session, "after_transaction_end", _forget)


_listen()
