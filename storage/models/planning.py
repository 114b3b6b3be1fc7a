"""What lets a planning pass skip the milestones when nothing they depend on changed.

Every unit of work that changes a table planning reads (``PLANNING_INPUTS``) adds one to
a single counter as the last thing before it commits, in the same transaction: the
count is visible exactly when the change is. A planning pass reads the counter first,
then the data, and stores the count it read with what it planned for (the day, the
region's rules and calendar); a later pass that finds both the same has nothing new to
plan. A change that commits while a pass runs leaves the counter past the stored count,
so the next pass plans in full. Taking the counter's row lock only at commit keeps it to
the end of every transaction, where it cannot take part in a deadlock.

The counter is kept by SQLAlchemy session events, so a write that bypasses the ORM
session (raw SQL on a connection) is not counted: such a writer must call ``changed``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.db import dialect_insert
from storage.models.base import Base

# The tables whose rows decide which milestone reminders and weekly overviews are due:
# a new table read by that planning belongs here, or its changes go unplanned until the
# next day.
PLANNING_INPUTS = frozenset({
    "mijlpaal", "opgave", "persoon", "identiteit", "afwezigheid", "uitstel", "werkruimte",
    "regio", "overleg", "dilemma",
})
_CHANGED = "planning.changed"
COUNTER_ID = 1


class PlanningTeller(Base):
    """One row: how many units of work changed what planning reads."""

    __tablename__ = "planning_teller"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    teller: Mapped[int] = mapped_column(BigInteger)


class PlanningStand(Base):
    """Per regio: what its last full planning pass planned for (``sleutel``: day, rules,
    calendar) and the counter it read before reading the data."""

    __tablename__ = "planning_stand"

    regio_id: Mapped[int] = mapped_column(ForeignKey("regio.id"), primary_key=True,
                                          autoincrement=False)
    sleutel: Mapped[str] = mapped_column(String(255))
    teller: Mapped[int] = mapped_column(BigInteger)


def _touches_inputs(objects: Any) -> bool:
    return any(getattr(getattr(o, "__table__", None), "name", None) in PLANNING_INPUTS
               for o in objects)


def changed(session: Session) -> None:
    """Mark this unit of work as changing what planning reads (done for every ORM
    change by the events below)."""
    session.info[_CHANGED] = True


@event.listens_for(Session, "before_flush")
def _note_flush(session: Session, _context: Any, _instances: Any) -> None:
    if not session.info.get(_CHANGED) and (
            _touches_inputs(session.new) or _touches_inputs(session.dirty)
            or _touches_inputs(session.deleted)):
        changed(session)


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: Any) -> None:
    """``session.execute(update(Opgave)…)`` and the like bypass the flush."""
    if (state.is_update or state.is_delete or state.is_insert) and any(
            mapper.local_table.name in PLANNING_INPUTS for mapper in state.all_mappers):
        changed(state.session)


@event.listens_for(Session, "before_commit")
def _count(session: Session) -> None:
    if not session.info.get(_CHANGED) and not (
            _touches_inputs(session.new) or _touches_inputs(session.dirty)
            or _touches_inputs(session.deleted)):
        return
    session.flush()
    table = PlanningTeller.__table__
    session.execute(dialect_insert(session)(table).values(id=COUNTER_ID, teller=1)
                    .on_conflict_do_update(index_elements=["id"],
                                           set_={"teller": table.c.teller + 1}))
    session.info.pop(_CHANGED, None)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)
