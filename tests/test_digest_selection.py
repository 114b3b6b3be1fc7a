"""What the weekly digest picks and counts, on SQLite and PostgreSQL: the opgaven with a
section of their own in agenda order (ties by code), the rest named with how many more,
the quiet ones counted, the late milestones with the escalated ones marked, and a
vertrouwelijk dilemma only for its circle. The demo's own opgaven are closed first, so
the register is exactly the one built here."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from bot.context import Ctx, system_actor
from bot.messages import Message
from bot.render_text import render
from bot.schedule import Rules
from bot.services import digest, digest_messages
from storage.db import Database
from storage.models import AuditRegel, Dilemma, Mijlpaal, Opgave, Persoon, Regio
from tests.conftest import AMS, load_demo

MONDAY = datetime(2026, 11, 30, 9, 5, tzinfo=AMS)
TODAY = MONDAY.date()
# Fourteen late milestones first in the agenda (three of them escalated), forty-five due
# soon with tied places broken by code, then five with no news but a status request.
LATE = [f"L-{n:02d}" for n in range(1, 15)]
SOON = [f"T-{n:02d}" for n in range(1, 46)]
QUIET = [f"Q-{n}" for n in range(1, 6)]


def agenda_place(code: str) -> int:
    if code in LATE:
        return -1
    if code in SOON:
        return int(code[2:]) % 5  # T-05, T-10 … share place 0, and so on
    return 50


def build(db: Database) -> dict[str, int]:
    """The register (see the module's docstring); returns the people's ids by handle."""
    load_demo(db, MONDAY)
    with db.write() as session:
        session.execute(update(Opgave).values(fase="afgerond"))
        people = {handle: i for handle, i in session.execute(select(Persoon.handle, Persoon.id))}
        driehoek = {"projectleider_id": people["medewerker-houten"],
                    "ambtelijk_opdrachtgever_id": people["plo-nieuwegein"],
                    "bestuurlijk_opdrachtgever_id": people["wethouder-houten"]}
        rows: list[dict[str, Any]] = [{
            "regio_id": 1, "code": code, "titel": f"Opgave {code}", "fase": "uitvoering",
            "status": "op koers", "agenda_volgorde": agenda_place(code),
            "status_op": MONDAY - timedelta(days=60 if code in QUIET else 1),
            "aangemaakt_op": MONDAY - timedelta(days=90), "gewijzigd_op": MONDAY,
            "is_account": False, "versie": 1, **driehoek,
        } for code in [*LATE, *SOON, *QUIET]]
        rows[-5]["projectleider_id"] = people["pl-jeugdinkoop"]
        session.execute(insert(Opgave), rows)
        ids = {code: i for code, i in session.execute(
            select(Opgave.code, Opgave.id).where(Opgave.fase != "afgerond"))}
        late = [_milestone(ids[code], TODAY - timedelta(days=40 if n < 3 else 2))
                for n, code in enumerate(LATE)]
        session.execute(insert(Mijlpaal), [
            *late, *(_milestone(ids[code], TODAY + timedelta(days=3)) for code in SOON)])
        session.execute(insert(Dilemma), [{
            "opgave_id": ids["Q-1"], "volgnummer": 1, "tekst": "Lopik twijfelt",
            "vertrouwelijk": True, "status": "open", "ingediend_op": MONDAY - timedelta(days=2)}])
        session.execute(insert(AuditRegel), [
            # Q-2's status went to "risico" and back: no change to report.
            _change(ids["Q-2"], 3, "op koers", "risico"),
            _change(ids["Q-2"], 2, "risico", "op koers"),
            # Q-3's went to "aandacht": news.
            _change(ids["Q-3"], 2, "op koers", "aandacht")])
    return people


def _milestone(opgave_id: int, day: date) -> dict[str, Any]:
    return {"opgave_id": opgave_id, "volgnummer": 1, "titel": "Besluit", "datum": day}


def _change(opgave_id: int, days_ago: int, old: str, new: str) -> dict[str, Any]:
    return {"regio_id": 1, "op": MONDAY - timedelta(days=days_ago), "entiteit": "opgave",
            "entiteit_id": opgave_id, "opgave_id": opgave_id, "veld": "status", "oud": old,
            "nieuw": new}


def the_digest(db: Database, handle: str | None = None) -> Message:
    """The PLO channel's digest of the week, or ``handle``'s own."""
    with db.read() as session:
        regio = session.get(Regio, 1)
        assert regio is not None
        ctx = Ctx(session=session, regio=regio, actor=system_actor(regio), now=MONDAY, tz=AMS,
                  platform="console")
        reader = None
        if handle is not None:
            reader = session.scalars(select(Persoon).where(Persoon.handle == handle)).one()
            ctx = replace(ctx, actor=reader)
        return digest_messages.digest(digest.gather(ctx, TODAY, Rules(), reader))


def text(message: Message) -> str:
    return render(message, lambda b: f"[{b.label}]")


def sections(message: Message) -> list[str]:
    """The codes of the opgaven with a section of their own, in order."""
    return [s.title.split()[1] for s in message.sections
            if s.title and s.title.split()[1] in [*LATE, *SOON, *QUIET]]


# What has news, in agenda order: the late ones, the soon ones by place then code, Q-3.
TOLD = [*LATE, *sorted(SOON, key=lambda c: (agenda_place(c), c)), "Q-3"]


def test_the_digest_shows_thirty_opgaven_in_agenda_order_and_names_the_rest(
        any_db: Database) -> None:
    build(any_db)
    message = the_digest(any_db)
    assert sections(message) == TOLD[:30]
    assert TOLD[14:17] == ["T-05", "T-10", "T-15"]  # tied places, by code
    body = text(message)
    assert f"Ook nieuws bij: {', '.join(TOLD[30:42])} en 18 meer" in body
    # Q-1 (a dilemma the channel may not see), Q-2 (undone), Q-4, Q-5.
    assert "4 opgaven zonder nieuws deze week." in body


def test_the_late_list_names_the_first_dozen_and_marks_the_escalated(any_db: Database) -> None:
    build(any_db)
    body = text(the_digest(any_db))
    late = [f"{code}#1" + (" (geëscaleerd)" if n < 3 else "") for n, code in enumerate(LATE)]
    assert f"Te laat: {', '.join(late[:12])} en 2 meer" in body
    assert "L-01#1 Besluit · 40 dagen te laat (was 21 okt 2026) · geëscaleerd" in body
    assert "L-04#1 Besluit · 2 dagen te laat (was 28 nov 2026)\n" in body
    assert f"Status bijwerken: {', '.join(QUIET)}" in body


def test_a_vertrouwelijk_dilemma_shows_only_in_its_circle(any_db: Database) -> None:
    build(any_db)
    channel, plo = text(the_digest(any_db)), text(the_digest(any_db, "plo-houten"))
    assert "Lopik twijfelt" not in channel and "Lopik twijfelt" not in plo
    assert "4 opgaven zonder nieuws deze week." in plo  # the PLO reads the whole agenda
    own = the_digest(any_db, "pl-jeugdinkoop")  # Q-1's projectleider
    assert sections(own) == ["Q-1"]
    assert "Dilemma Q-1#D1: Lopik twijfelt" in text(own)
    assert "Werk de status van Q-1 bij." in text(own)
    assert "zonder nieuws" not in text(own)
