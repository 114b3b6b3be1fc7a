"""Send what the outbox holds through a platform adapter (first form: one pass, called
after each unit of work; the scheduler adds workers, leases and retries on a timer)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bot.messages import Message
from bot.services.notify import PLO_CHANNEL_FALLBACK
from storage import outbox
from storage.db import Database
from storage.models import Identiteit, Opgave, OpgaveDraad, OutboxBericht, Overleg

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    delivery_key: str
    kind: str  # persoon / kanaal
    address: str  # the platform's user id or the channel
    message: Message
    team_id: str | None = None
    # A post in an opgave's thread: the id of the thread's first post.
    thread: str | None = None


class Sender(Protocol):
    platform: str

    def deliver(self, delivery: Delivery) -> str | None:
        """Send one message; return the platform's id for it. Raise to retry later."""


@dataclass
class DispatchResult:
    sent: int = 0
    failed: int = 0


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempt - 1, 0), 3600))


def _accounts(session: Session, platform: str, rows: list[OutboxBericht]) -> dict[
        int, tuple[str, str]]:
    """The platform account (user id, team) of every person among the rows, in one query
    (the first linked account of each)."""
    ids = {int(r.doel) for r in rows if r.doel_soort == "persoon"}
    if not ids:
        return {}
    found: dict[int, tuple[str, str]] = {}
    for persoon_id, user, team in session.execute(
            select(Identiteit.persoon_id, Identiteit.extern_id, Identiteit.team_id).where(
                Identiteit.persoon_id.in_(ids), Identiteit.platform == platform)
            .order_by(Identiteit.id)):
        found.setdefault(persoon_id, (user, team))
    return found


def _threads(session: Session, platform: str, rows: list[OutboxBericht]) -> dict[
        int, tuple[str, str | None]]:
    """Where each opgave's thread is (channel, first post), or the channel that opens it:
    the opgave's overleg's, else the PLO's."""
    ids = {int(r.doel) for r in rows if r.doel_soort == "draad"}
    if not ids:
        return {}
    plo = aliased(Overleg)
    return {opgave_id: (kanaal or eigen or PLO_CHANNEL_FALLBACK, bericht)
            for opgave_id, kanaal, bericht, eigen in session.execute(
                select(Opgave.id, OpgaveDraad.kanaal_id, OpgaveDraad.bericht_id,
                       func.coalesce(Overleg.kanaal, plo.kanaal))
                .outerjoin(OpgaveDraad, (OpgaveDraad.opgave_id == Opgave.id)
                           & (OpgaveDraad.platform == platform))
                .outerjoin(Overleg, Overleg.id == Opgave.overleg_id)
                .outerjoin(plo, (plo.regio_id == Opgave.regio_id) & plo.is_plo)
                .where(Opgave.id.in_(ids)))}


def _address(row: OutboxBericht, accounts: dict[int, tuple[str, str]],
             threads: dict[int, tuple[str, str | None]]) -> tuple[str, str | None, str | None]:
    """(address, team, thread) of one row."""
    if row.doel_soort == "draad":
        kanaal, thread = threads[int(row.doel)]
        return kanaal, None, thread
    if row.doel_soort != "persoon":
        return row.doel, None, None
    if int(row.doel) not in accounts:
        raise LookupError(f"persoon {row.doel} has no {row.platform} account")
    return (*accounts[int(row.doel)], None)


def _opened_thread(db: Database, platform: str, opgave_id: int, kanaal: str,
                   extern_id: str) -> None:
    with db.write() as session:
        if session.scalar(select(OpgaveDraad.id).where(OpgaveDraad.opgave_id == opgave_id,
                                                       OpgaveDraad.platform == platform)) is None:
            session.add(OpgaveDraad(opgave_id=opgave_id, platform=platform, kanaal_id=kanaal,
                                    bericht_id=extern_id))


def dispatch(db: Database, sender: Sender, now: datetime, worker: str = "inline",
             max_attempts: int = 8, limit: int = 100) -> DispatchResult:
    result = DispatchResult()
    with db.write() as session:
        rows = outbox.claim(session, sender.platform, now, worker, limit=limit)
        accounts = _accounts(session, sender.platform, rows)
        threads = _threads(session, sender.platform, rows)
        session.expunge_all()
    for row in rows:
        try:
            address, team_id, thread = _address(row, accounts, threads)
            kind = "kanaal" if row.doel_soort == "draad" else row.doel_soort
            delivery = Delivery(row.delivery_key, kind, address,
                                Message.model_validate(row.bericht), team_id, thread)
            extern_id = sender.deliver(delivery)
            if row.doel_soort == "draad" and thread is None and extern_id:
                _opened_thread(db, sender.platform, int(row.doel), address, extern_id)
                threads[int(row.doel)] = (address, extern_id)
        except Exception as error:  # every failure is kept and retried, never lost
            log.warning("delivery %s failed: %s", row.delivery_key, error)
            retry = now + backoff(row.pogingen) if row.pogingen < max_attempts else None
            with db.write() as session:
                outbox.mark_failed(session, row.id, repr(error), retry)
            result.failed += 1
            continue
        with db.write() as session:
            outbox.mark_sent(session, row.id, now, extern_id)
        result.sent += 1
    return result
