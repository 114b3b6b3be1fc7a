"""The transactional outbox: rows written with the change, claimed and sent afterwards.

Claims lock the candidate rows, then take them with a conditional ``UPDATE … RETURNING``.
On PostgreSQL the candidates are picked ``FOR UPDATE SKIP LOCKED`` so several dispatchers
never wait on or take the same row; SQLite has no row locks (SQLAlchemy drops the clause
there) but every writing unit of work holds the file's write lock, so a second dispatcher
waits instead of sending twice.
A claim is a lease: rows whose lease ran out are taken over.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from storage.db import dialect_insert
from storage.models import OutboxBericht, VerwerktEvent

_TABLE = OutboxBericht.__table__
# Every row is written with every column, so many rows share one statement (an
# executemany needs the same parameters in every row) and one compiled form.
_COLUMNS = tuple(c.name for c in _TABLE.columns if c.name != "id")
# Rows per INSERT: PostgreSQL and SQLite both take this many (twelve parameters each).
PER_STATEMENT = 1000
_BATCH = "outbox.batch"
_STATEMENTS: dict[str, Any] = {}


def _complete(row: Mapping[str, Any]) -> dict[str, Any]:
    full = dict.fromkeys(_COLUMNS)
    full.update(status="pending", pogingen=0, onzeker=False,
                volgende_poging_op=row["aangemaakt_op"])
    full.update(row)
    return full


def _statement(session: Session) -> Any:
    """INSERT … ON CONFLICT (delivery_key) DO NOTHING RETURNING delivery_key, made once
    per dialect: bound parameters, so it is compiled once and its cache key is cheap."""
    dialect = session.get_bind().dialect.name
    if dialect not in _STATEMENTS:
        _STATEMENTS[dialect] = dialect_insert(session)(_TABLE).on_conflict_do_nothing(
            index_elements=["delivery_key"]).returning(_TABLE.c.delivery_key)
    return _STATEMENTS[dialect]


def enqueue_many(session: Session, rows: Iterable[Mapping[str, Any]]) -> set[str]:
    """Store many messages, each once per delivery key, in one statement per
    ``PER_STATEMENT`` rows; returns the delivery keys that were new. A key given twice is
    stored as first given (as enqueueing them one by one would)."""
    unique: dict[str, dict[str, Any]] = {}
    for row in rows:
        unique.setdefault(row["delivery_key"], _complete(row))
    ordered = list(unique.values())
    if session.autoflush:
        session.flush()  # as an ORM insert would: the rows may refer to pending objects
    new: set[str] = set()
    for start in range(0, len(ordered), PER_STATEMENT):
        new.update(session.scalars(_statement(session), ordered[start:start + PER_STATEMENT]))
    return new


class Batch:
    """Rows enqueued while a batch is open (see ``batched``); ``new`` holds the delivery
    keys newly stored once it closed."""

    def __init__(self) -> None:
        self.rows: dict[str, Mapping[str, Any]] = {}
        self.new: set[str] = set()

    def add(self, row: Mapping[str, Any]) -> bool:
        if row["delivery_key"] in self.rows:
            return False
        self.rows[row["delivery_key"]] = row
        return True


@contextmanager
def batched(session: Session) -> Iterator[Batch]:
    """Collect every ``enqueue`` on this session and write them together when the block
    ends (without an exception): planning stores thousands of reminders a morning, and one
    INSERT per row cost more than all the rest of planning. Inside the block ``enqueue``
    cannot know yet whether a row is new; count ``Batch.new`` afterwards. Nothing inside
    may read the outbox for rows enqueued in the same block."""
    outer = session.info.get(_BATCH)
    batch = Batch()
    session.info[_BATCH] = batch
    try:
        yield batch
    finally:
        if outer is None:
            session.info.pop(_BATCH, None)
        else:
            session.info[_BATCH] = outer
    batch.new = enqueue_many(session, batch.rows.values())


def enqueue(session: Session, **row: Any) -> bool:
    """Store a message once per delivery key; return whether it was new. Inside
    ``batched`` the row waits for the batch, and this says only whether its key is new
    to the batch."""
    batch = session.info.get(_BATCH)
    if batch is not None:
        return bool(batch.add(row))
    return bool(enqueue_many(session, [row]))


def claim(
    session: Session, platform: str, now: datetime, worker: str,
    lease: timedelta = timedelta(minutes=2), limit: int = 50,
) -> list[OutboxBericht]:
    """Claim up to ``limit`` due rows, fairly: every conversation's first message before
    any conversation's second. A fan-out of many DMs and a few busy channels then keeps
    every channel busy from the start, instead of reaching the channels only after the
    DMs (a channel takes about one post a second)."""
    due = or_(
        and_(OutboxBericht.status == "pending", OutboxBericht.volgende_poging_op <= now),
        and_(OutboxBericht.status == "sending", OutboxBericht.geclaimd_tot < now),
    )
    turn = func.row_number().over(
        partition_by=(OutboxBericht.doel_soort, OutboxBericht.doel),
        order_by=(OutboxBericht.volgende_poging_op, OutboxBericht.id)).label("beurt")
    ranked = select(OutboxBericht.id, turn).where(
        OutboxBericht.platform == platform, due).subquery()
    candidates = (
        select(OutboxBericht.id)
        .join(ranked, ranked.c.id == OutboxBericht.id)
        .order_by(ranked.c.beurt, OutboxBericht.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OutboxBericht)
    )
    # Locked first, updated second: as one UPDATE … WHERE id IN (…) PostgreSQL may run
    # the locking subquery more than once and claim more than ``limit`` rows.
    ids = list(session.scalars(candidates))
    if not ids:
        return []
    statement = (
        update(OutboxBericht)
        .where(OutboxBericht.id.in_(ids), due)
        .values(status="sending", geclaimd_tot=now + lease, geclaimd_door=worker,
                pogingen=OutboxBericht.pogingen + 1,
                # A row taken over from a worker whose lease ran out may have been
                # posted by it: look before sending again.
                onzeker=case((OutboxBericht.status == "sending", True),
                             else_=OutboxBericht.onzeker))
        .returning(OutboxBericht)
        .execution_options(synchronize_session=False)
    )
    return in_turns(list(session.scalars(statement)))


def in_turns(rows: list[OutboxBericht]) -> list[OutboxBericht]:
    """The rows in the claim's fair order (RETURNING keeps no order)."""
    rows.sort(key=lambda r: (r.volgende_poging_op, r.id))
    seen: dict[tuple[str, str], int] = {}
    turns = []
    for row in rows:
        conversation = (row.doel_soort, row.doel)
        seen[conversation] = seen.get(conversation, 0) + 1
        turns.append((seen[conversation], row.id, row))
    return [row for _, _, row in sorted(turns, key=lambda t: (t[0], t[1]))]


def mark_sent(session: Session, row_id: int, now: datetime, extern_id: str | None) -> None:
    session.execute(
        update(OutboxBericht).where(OutboxBericht.id == row_id)
        .values(status="sent", verzonden_op=now, extern_id=extern_id, geclaimd_tot=None,
                fout=None, onzeker=False)
    )


def mark_failed(
    session: Session, row_id: int, error: str, retry_at: datetime | None,
    uncertain: bool = False,
) -> None:
    """Put a row back for a later attempt, or park it as failed for an operator.
    ``uncertain``: the attempt may have reached the platform (it timed out)."""
    values: dict[str, Any] = {"fout": error[:2000], "geclaimd_tot": None,
                              "onzeker": uncertain}
    if retry_at is None:
        values["status"] = "failed"
    else:
        values.update(status="pending", volgende_poging_op=retry_at)
    session.execute(update(OutboxBericht).where(OutboxBericht.id == row_id).values(**values))


def release(session: Session, row_ids: list[int], retry_at: datetime) -> None:
    """Give claimed rows back unattempted (the platform asked to wait, or the worker
    stops): pending again, and the claim's attempt does not count."""
    session.execute(
        update(OutboxBericht).where(OutboxBericht.id.in_(row_ids),
                                    OutboxBericht.status == "sending")
        .values(status="pending", volgende_poging_op=retry_at, geclaimd_tot=None,
                pogingen=OutboxBericht.pogingen - 1)
    )


def retry(session: Session, row_id: int, now: datetime) -> bool:
    """An operator sends a failed (or waiting) row again now, with fresh attempts."""
    found = session.execute(
        update(OutboxBericht).where(OutboxBericht.id == row_id,
                                    OutboxBericht.status.in_(("failed", "pending")))
        .values(status="pending", volgende_poging_op=now, pogingen=0)
        .returning(OutboxBericht.id)
    ).scalar()
    return found is not None


def first_time(session: Session, platform: str, event_id: str, now: datetime) -> bool:
    """Record an event id; False when it was handled before (a platform's retry)."""
    insert = dialect_insert(session)
    statement = insert(VerwerktEvent).values(
        platform=platform, event_id=event_id, ontvangen_op=now
    ).on_conflict_do_nothing(index_elements=["platform", "event_id"]).returning(VerwerktEvent.id)
    return session.execute(statement).scalar() is not None
