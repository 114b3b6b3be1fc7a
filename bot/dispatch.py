"""Send what the outbox holds through a platform adapter (first form: one pass, called
after each unit of work; the scheduler adds workers, leases and retries on a timer)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.messages import Message
from storage import outbox
from storage.db import Database
from storage.models import Identiteit, OutboxBericht

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    delivery_key: str
    kind: str  # persoon / kanaal
    address: str  # the platform's user id or the channel
    message: Message
    team_id: str | None = None


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


def _address(row: OutboxBericht, accounts: dict[int, tuple[str, str]]) -> tuple[
        str, str | None]:
    if row.doel_soort != "persoon":
        return row.doel, None
    if int(row.doel) not in accounts:
        raise LookupError(f"persoon {row.doel} has no {row.platform} account")
    return accounts[int(row.doel)]


def dispatch(db: Database, sender: Sender, now: datetime, worker: str = "inline",
             max_attempts: int = 8, limit: int = 100) -> DispatchResult:
    result = DispatchResult()
    with db.write() as session:
        rows = outbox.claim(session, sender.platform, now, worker, limit=limit)
        accounts = _accounts(session, sender.platform, rows)
        session.expunge_all()
    for row in rows:
        try:
            address, team_id = _address(row, accounts)
            delivery = Delivery(row.delivery_key, row.doel_soort, address,
                                Message.model_validate(row.bericht), team_id)
            extern_id = sender.deliver(delivery)
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
