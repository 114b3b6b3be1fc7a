"""A regio whose people have Slack accounts, and an outbox full of due messages for them
and for a few channels: what the dispatcher tests send."""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from bot.messages import Message, PersonRef, Section, Strong, line
from storage import outbox
from storage.db import Database
from storage.models import Identiteit, OutboxBericht, Persoon, Regio, Werkruimte

TEAM = "T1"
# A Monday morning, a little after the send time.
T0 = datetime(2026, 11, 30, 8, 5, tzinfo=UTC)


def slack_user(number: int) -> str:
    return f"U{number:06d}"


def reminder(number: int, persoon_id: int | None = None, naam: str | None = None) -> dict[
        str, Any]:
    """An outbox message as the planner writes one (mentioning its recipient, if any)."""
    parts: list[Any] = ["Opgave ", Strong(text=f"JGD-{number:05d}"), " vraagt aandacht"]
    if persoon_id is not None:
        parts += [" van ", PersonRef(persoon_id=persoon_id, naam=naam or "?")]
    return Message(heading=f"Herinnering {number}",
                   sections=[Section(title="Mijlpaal", lines=[line(*parts)])],
                   context=["Regiobot"]).model_dump(mode="json")


@dataclass
class Seeded:
    regio_id: int
    users: dict[int, str]  # persoon id → Slack user id
    keys: list[str] = field(default_factory=list)


def seed_people(db: Database, people: int) -> Seeded:
    """A regio with a Slack workspace and ``people`` people, each with a Slack account."""
    with db.write() as session:
        regio = Regio(slug="lekstroom", naam="Lekstroom", instellingen={})
        session.add(regio)
        session.flush()
        session.add(Werkruimte(regio_id=regio.id, platform="slack", team_id=TEAM))
        session.execute(insert(Persoon), [
            {"regio_id": regio.id, "handle": f"medewerker-{n}", "naam": f"Medewerker {n}"}
            for n in range(people)])
        ids = {handle: persoon_id for handle, persoon_id
               in session.execute(select(Persoon.handle, Persoon.id))}
        users = {ids[f"medewerker-{n}"]: slack_user(n) for n in range(people)}
        session.execute(insert(Identiteit), [
            {"persoon_id": persoon_id, "platform": "slack", "team_id": TEAM,
             "extern_id": user, "gebruikersnaam": f"medewerker-{n}"}
            for n, (persoon_id, user) in enumerate(users.items())])
        return Seeded(regio.id, users)


def outbox_rows(seeded: Seeded, messages: int, channels: tuple[str, ...], now: datetime,
                every_nth_to_a_channel: int) -> list[dict[str, Any]]:
    """``messages`` due rows: every n-th to one of ``channels``, the rest as DMs, spread
    over everyone."""
    people = list(seeded.users)
    rows = []
    for n in range(messages):
        if channels and n % every_nth_to_a_channel == 0:
            channel = channels[(n // every_nth_to_a_channel) % len(channels)]
            target: dict[str, Any] = {"doel_soort": "kanaal", "doel": channel,
                                      "delivery_key": f"digest:{channel}:{n}",
                                      "bericht": reminder(n)}
        else:
            persoon_id = people[n % len(people)]
            target = {"doel_soort": "persoon", "doel": str(persoon_id),
                      "delivery_key": f"herinnering:{n}:{persoon_id}",
                      "bericht": reminder(n, persoon_id, f"Medewerker {persoon_id}")}
        rows.append({"regio_id": seeded.regio_id, "platform": "slack", "aangemaakt_op": now,
                     **target})
    return rows


def seed(db: Database, people: int, messages: int, channels: tuple[str, ...] = (),
         now: datetime = T0, every_nth_to_a_channel: int = 5) -> Seeded:
    """People with Slack accounts and due outbox rows, stored the way the planner
    stores them (``outbox.enqueue``)."""
    seeded = seed_people(db, people)
    rows = outbox_rows(seeded, messages, channels, now, every_nth_to_a_channel)
    with db.write() as session:
        for row in rows:
            assert outbox.enqueue(session, **row)
    seeded.keys = [row["delivery_key"] for row in rows]
    return seeded


def seed_in_bulk(db: Database, people: int, messages: int, channels: tuple[str, ...],
                 now: datetime, every_nth_to_a_channel: int = 20) -> Seeded:
    """The same, for many rows: one multi-row INSERT instead of one per message."""
    seeded = seed_people(db, people)
    rows = outbox_rows(seeded, messages, channels, now, every_nth_to_a_channel)
    with db.write() as session:
        session.execute(insert(OutboxBericht), [
            {**row, "status": "pending", "pogingen": 0, "volgende_poging_op": now}
            for row in rows])
    seeded.keys = [row["delivery_key"] for row in rows]
    return seeded


def statuses(db: Database) -> collections.Counter[str]:
    with db.read() as session:
        return collections.Counter({status: count for status, count in session.execute(
            select(OutboxBericht.status, func.count()).group_by(OutboxBericht.status))})


def unfinished(db: Database) -> int:
    """Rows still to be sent (waiting, or claimed by a worker)."""
    counts = statuses(db)
    return counts["pending"] + counts["sending"]


def rows_by_key(db: Database) -> dict[str, OutboxBericht]:
    with db.read() as session:
        return {row.delivery_key: row for row in session.scalars(select(OutboxBericht))}


class Clock:
    """The dispatcher's clock, moved on by the test: retries come due without waiting."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class PacerTime:
    """Monotonic seconds for the pacer that pass only when the dispatcher sleeps: a
    Retry-After of a second is obeyed without a second going by."""

    def __init__(self) -> None:
        self.seconds = 1000.0
        self.slept = 0.0

    def monotonic(self) -> float:
        return self.seconds

    def sleep(self, seconds: float) -> None:
        self.seconds += seconds
        self.slept += seconds
