"""What "goes onto the next agenda" stays there until a meeting handles it (issue 23 §3):
an afweging that expires on the afternoon of a meeting whose papers went out long ago
goes to the meeting after it, and a meeting that closes without deciding on it passes it
on — through the bot as people use it, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from bot.app import Regiobot
from bot.services import afwegingen
from storage.db import Database
from storage.models import Agendapunt, Overleg, Vergadering
from tests.conftest import AMS
from tests.test_afweging import ALL_NEE, People, text
from tests.test_paging import PLO_HOUTEN, busy_body, pages, said

MEETING_DAY = datetime(2026, 12, 10, 12, 0, tzinfo=AMS)  # the BPSDL meets at 15:00


@pytest.fixture
def people(any_demo_db: Database) -> People:
    return People(any_demo_db)


def _agenda(people: People, typed: str) -> str:
    return text(people.bot.command(people.caller("programmamanager"), "overleg", typed,
                                   people.now))


def test_an_afweging_that_expires_on_a_meeting_day_goes_to_the_meeting_after_and_stays(
        people: People) -> None:
    people.start(handles=["plo-houten", "plo-lopik"])
    people.dm("plo-lopik", *ALL_NEE, "klaar")
    people.now = MEETING_DAY
    with people.db.write() as session:
        assert len(afwegingen.expire(people.ctx(session))) == 1
    with people.db.read() as session:
        bpsdl = session.scalar(select(Overleg).where(Overleg.code == "bpsdl"))
        assert bpsdl is not None
        item = session.scalar(select(Agendapunt).where(Agendapunt.soort == "afweging"))
        assert item is not None
        planned = session.get(Vergadering, item.vergadering_id)
        assert planned is not None
        assert planned.begint_op.astimezone(AMS).date().isoformat() == "2027-01-21"
    title = "Afweging JGD-03 Kostenbeheersing Jeugdhulp: kiezen op basis van de uitslag"
    assert title not in _agenda(people, "agenda bpsdl")  # this afternoon's
    assert title in _agenda(people, "agenda bpsdl 21 januari 2027")
    # This afternoon's meeting closes: the item stays where it is.
    people.now = datetime(2026, 12, 10, 17, 0, tzinfo=AMS)
    _agenda(people, "afsluiten bpsdl")
    assert title in _agenda(people, "agenda bpsdl")
    # The January meeting decides on something else: the item waits for the next one.
    people.now = datetime(2027, 1, 21, 17, 0, tzinfo=AMS)
    closed = _agenda(people, "afsluiten bpsdl")
    assert f"Niet behandeld, doorgeschoven naar de eerstvolgende vergadering (nog niet " \
           f"gepland): ‘{title}’." in closed
    _agenda(people, "vergadering bpsdl 18 maart 2027 15:00")
    assert title in _agenda(people, "agenda bpsdl")
    # Decided on: handled, and no longer on any agenda.
    people.now = datetime(2027, 3, 18, 17, 0, tzinfo=AMS)
    _agenda(people, "besluit bpsdl JGD-03 Samen verder met de uitslag van de afweging")
    assert "Niet behandeld" not in _agenda(people, "afsluiten bpsdl")
    _agenda(people, "vergadering bpsdl 20 mei 2027 15:00")
    assert title not in _agenda(people, "agenda bpsdl")
    with people.db.read() as session:
        assert session.scalar(select(Agendapunt.status).where(
            Agendapunt.soort == "afweging")) == "behandeld"


def test_a_dilemma_escalated_after_the_deadline_for_papers_is_for_the_meeting_after(
        people: People) -> None:
    # The PLO meets on 1 December (papers by 26 November) and on 15 December.
    people.now = datetime(2026, 11, 27, 10, 0, tzinfo=AMS)
    people.command("plo-nieuwegein", "dilemma JGD-03 Wie betaalt de wachtlijst")
    assert "voorgelegd aan Programmaleidersoverleg" in text(
        people.command("plo-nieuwegein", "dilemma escaleer JGD-03#D1 plo"))
    dilemma = "JGD-03#D1 Wie betaalt de wachtlijst"
    assert dilemma not in _agenda(people, "agenda plo")
    assert dilemma in _agenda(people, "agenda plo 15 december")
    # Not resolved on the 15th: it is still there for the meeting after.
    people.now = datetime(2026, 12, 15, 17, 0, tzinfo=AMS)
    _agenda(people, "afsluiten plo")
    _agenda(people, "vergadering plo 12 januari 2027")
    assert dilemma in _agenda(people, "agenda plo")


def test_the_agenda_of_a_given_meeting_pages_and_stays_on_that_meeting(
        any_demo_db: Database) -> None:
    busy_body(any_demo_db)  # 80 items for the PLO, submitted before both its deadlines
    replies = pages(Regiobot(any_demo_db, AMS), PLO_HOUTEN, "overleg",
                    "agenda plo 15 december")
    assert len(replies) == 8
    for reply in replies:
        assert said(reply).startswith(
            "*Agenda Programmaleidersoverleg, dinsdag 15 december 2026 10:00*")
    assert "Punt 80" in said(replies[-1])
