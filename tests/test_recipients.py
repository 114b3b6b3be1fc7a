"""The right message to the right person, once (issue 23 §2): one person holding two
roles, or standing in for someone who is also addressed, gets a message a single time;
the person who causes a message does not get it back as someone's stand-in. Through the
console, on SQLite and PostgreSQL; what was sent is read from the outbox."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import Database
from storage.models import OutboxBericht, Persoon
from tests.conftest import Chat


def recipients(db: Database, prefix: str) -> list[str]:
    """The handles (or #channels) the outbox rows with this key prefix go to."""
    with db.read() as session:
        handles = dict(session.execute(select(Persoon.id, Persoon.handle)).all())
        found = session.scalars(select(OutboxBericht).where(
            OutboxBericht.delivery_key.like(f"{prefix}%"))).all()
        return sorted(handles[int(r.doel)] if r.doel_soort == "persoon" else f"#{r.doel}"
                      for r in found)


def test_a_dilemma_reaches_the_ambtelijk_opdrachtgever_who_also_stands_in_for_the_wethouder_once(
        any_demo_db: Database) -> None:
    # MOB-02: plo-lopik is its ambtelijk opdrachtgever and the stand-in of its wethouder,
    # who has no chat account.
    chat = Chat(any_demo_db)
    assert "D1" in chat.text("dilemma MOB-02 Lopik twijfelt", as_="pl-beschermdwonen")
    assert recipients(any_demo_db, "dilemma:") == ["plo-lopik"]


def test_the_one_reached_in_their_own_right_reads_it_as_their_own(any_demo_db: Database) -> None:
    chat = Chat(any_demo_db)
    chat("dilemma MOB-02 Lopik twijfelt", as_="pl-beschermdwonen")
    with any_demo_db.read() as session:
        row = session.scalars(select(OutboxBericht).where(
            OutboxBericht.delivery_key.like("dilemma:%"))).one()
    assert "namens" not in str(row.bericht).lower()
    assert "Maarten de Graaf" not in str(row.bericht)


def test_a_dilemma_escalated_by_the_wethouders_stand_in_does_not_land_back_with_them(
        any_demo_db: Database) -> None:
    chat = Chat(any_demo_db)
    chat("dilemma MOB-02 Lopik twijfelt", as_="pl-beschermdwonen")
    reply = chat.text("dilemma escaleer MOB-02#D1 bestuurder", as_="plo-lopik")
    assert "Maarten de Graaf" in reply
    sent = recipients(any_demo_db, "dilemma:%:bestuurder")
    assert "plo-lopik" not in sent
    assert sent  # the wethouder is still reached, by the normal rules: never nowhere


def test_a_dilemma_raised_by_the_stand_in_does_not_come_back_to_them(
        any_demo_db: Database) -> None:
    chat = Chat(any_demo_db)
    chat("dilemma MOB-02 Lopik twijfelt", as_="plo-lopik")
    assert "plo-lopik" not in recipients(any_demo_db, "dilemma:")


def test_a_dilemma_still_reaches_both_opdrachtgevers_when_they_are_two_people(
        any_demo_db: Database) -> None:
    chat = Chat(any_demo_db)
    chat("dilemma WMO-03 vervoer wordt duurder", as_="programmamanager")
    assert recipients(any_demo_db, "dilemma:") == ["plo-vijfheerenlanden",
                                                   "wethouder-nieuwegein"]
