"""Planning what is due, against the demo region on SQLite and PostgreSQL. JGD-03#2
(Besluit maatregelenpakket) falls on Thursday 10 December 2026; its driehoek is
pl-jeugdinkoop, plo-nieuwegein (ambtelijk) and wethouder-houten (bestuurlijk)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.app import Caller
from bot.planner import Planned, plan
from bot.render_text import render
from bot.schedule import Rules
from storage.db import Database
from storage.models import Mijlpaal, Opgave, OutboxBericht, Persoon
from tests.conftest import AMS, Chat

RULES = Rules()
TUESDAY = datetime(2026, 12, 1, 9, 5, tzinfo=AMS)  # "7 working days before" JGD-03#2


def plan_at(db: Database, moment: datetime) -> Planned:
    return plan(db, moment, AMS, RULES)


def milestone_id(db: Database, ref: str = "JGD-03#2") -> int:
    code, nr = ref.split("#")
    with db.read() as session:
        return session.scalar(select(Mijlpaal.id).join(Opgave).where(
            Opgave.code == code, Mijlpaal.volgnummer == int(nr)))


def rows(db: Database, prefix: str) -> list[OutboxBericht]:
    with db.read() as session:
        return list(session.scalars(select(OutboxBericht).where(
            OutboxBericht.delivery_key.like(f"{prefix}%")).order_by(OutboxBericht.id)))


def recipients(db: Database, prefix: str) -> list[str]:
    """The handles (or #channels) the rows with this key prefix go to."""
    found = rows(db, prefix)
    with db.read() as session:
        handles = dict(session.execute(select(Persoon.id, Persoon.handle)).all())
    return sorted(handles[int(r.doel)] if r.doel_soort == "persoon" else f"#{r.doel}"
                  for r in found)


def text_of(row: OutboxBericht) -> str:
    from bot.messages import Message

    return render(Message.model_validate(row.bericht), lambda b: f"[{b.label}]")


def reminders_of(db: Database, ref: str = "JGD-03#2") -> str:
    return f"herinnering:m{milestone_id(db, ref)}:"


def test_the_projectleider_and_sponsor_are_reminded_seven_working_days_before(
        any_demo_db: Database) -> None:
    # The bestuurlijk opdrachtgever (wethouder-houten) reads the weekly overview instead.
    plan_at(any_demo_db, TUESDAY)
    key = reminders_of(any_demo_db)
    assert recipients(any_demo_db, key) == ["pl-jeugdinkoop", "plo-nieuwegein"]
    message = text_of(rows(any_demo_db, key)[0])
    assert "Besluit maatregelenpakket: bijna zover" in message
    assert "over 7 werkdagen (donderdag 10 december 2026)" in message
    assert "[Afgerond] [Verplaats] [Blokkade melden] [Herinner me later]" in message


def test_planning_twice_stores_every_message_once(any_demo_db: Database) -> None:
    first = plan_at(any_demo_db, TUESDAY)
    with any_demo_db.read() as session:
        count = len(session.scalars(select(OutboxBericht.id)).all())
    again = plan_at(any_demo_db, TUESDAY + timedelta(hours=3))
    with any_demo_db.read() as session:
        assert len(session.scalars(select(OutboxBericht.id)).all()) == count
    assert first.herinneringen > 0 and again == Planned()


def test_nothing_is_planned_before_nine_or_in_the_weekend(any_demo_db: Database) -> None:
    assert plan_at(any_demo_db, TUESDAY.replace(hour=8, minute=59)) == Planned()
    assert plan_at(any_demo_db, datetime(2026, 12, 5, 10, 0, tzinfo=AMS)) == Planned()


def test_after_three_days_down_each_milestone_gets_only_its_latest_reminder(
        any_demo_db: Database) -> None:
    # The worker ran last on Monday 7 December and comes back on Thursday the 10th.
    plan_at(any_demo_db, datetime(2026, 12, 10, 11, 0, tzinfo=AMS))
    labels = {r.delivery_key.split(":")[3] for r in rows(any_demo_db, reminders_of(any_demo_db))}
    assert labels == {"dag"}


def test_a_stand_in_in_the_driehoek_is_reminded_once(any_demo_db: Database) -> None:
    # MOB-02's projectleider has no chat account; her stand-in plo-lopik is also its
    # ambtelijk opdrachtgever: one reminder for plo-lopik, in her own right.
    plan_at(any_demo_db, TUESDAY)
    assert recipients(any_demo_db, reminders_of(any_demo_db, "MOB-02#1")).count(
        "plo-lopik") == 1


def test_a_milestone_without_anyone_goes_to_the_opgaves_channel(any_demo_db: Database) -> None:
    with any_demo_db.write() as session:
        session.execute(update(Opgave).where(Opgave.code == "JGD-03").values(
            projectleider_id=None, ambtelijk_opdrachtgever_id=None,
            bestuurlijk_opdrachtgever_id=None))
    plan_at(any_demo_db, TUESDAY)
    assert recipients(any_demo_db, reminders_of(any_demo_db)) == ["#ao-jeugd"]


def test_while_away_the_vervanger_gets_the_reminder(any_demo_db: Database) -> None:
    chat = Chat(any_demo_db, "plo-nieuwegein")
    assert "plo-houten" not in chat.text("afwezig 30 november 4 december @plo-houten")
    plan_at(any_demo_db, TUESDAY)
    got = recipients(any_demo_db, reminders_of(any_demo_db))
    assert got == ["pl-jeugdinkoop", "plo-houten"]
    stand_in = next(r for r in rows(any_demo_db, reminders_of(any_demo_db)) if "afwezig@" in
                    r.delivery_key)
    assert "Voor Dirk van Leeuwen, afwezig t/m 4 dec 2026" in text_of(stand_in)


def test_without_a_vervanger_reminders_wait_and_come_folded_on_return(
        any_demo_db: Database) -> None:
    chat = Chat(any_demo_db, "plo-nieuwegein")
    assert "wachten tot je terug bent" in chat.text("afwezig 30 november 4 december")
    plan_at(any_demo_db, TUESDAY)
    assert "plo-nieuwegein" not in recipients(any_demo_db, reminders_of(any_demo_db))
    plan_at(any_demo_db, datetime(2026, 12, 7, 9, 5, tzinfo=AMS))  # back on Monday
    welcome = rows(any_demo_db, "terug:")
    assert len(welcome) == 1
    assert "Welkom terug, Dirk van Leeuwen" in text_of(welcome[0])
    assert "JGD-03#2 Besluit maatregelenpakket" in text_of(welcome[0])
    plan_at(any_demo_db, datetime(2026, 12, 8, 9, 5, tzinfo=AMS))
    assert len(rows(any_demo_db, "terug:")) == 1


def test_back_early_ends_the_absence(any_demo_db: Database) -> None:
    chat = Chat(any_demo_db, "plo-nieuwegein")
    chat("afwezig 20 november 4 december")
    assert "Welkom terug" in chat.text("terug")
    plan_at(any_demo_db, TUESDAY)
    assert "plo-nieuwegein" in recipients(any_demo_db, reminders_of(any_demo_db))
    assert "niet als afwezig" in chat.text("terug")


@pytest.mark.parametrize(("typed", "said"), [
    ("afwezig 4 december 30 november", "ligt vóór het begin"),
    ("afwezig 8 januari 2027 21 december 2026", "ligt vóór ‘van’"),
    ("afwezig 1 november 2026 3 november 2026", "al voorbij"),
    ("afwezig 30 november 4 december @plo-nieuwegein", "eigen vervanger"),
    ("afwezig 30 november", "Er ontbreekt nog iets: tot"),
])
def test_a_wrong_absence_is_refused_in_dutch_and_changes_nothing(
        any_demo_db: Database, typed: str, said: str) -> None:
    chat = Chat(any_demo_db, "plo-nieuwegein")
    assert said in chat.text(typed)
    plan_at(any_demo_db, TUESDAY)
    assert "plo-nieuwegein" in recipients(any_demo_db, reminders_of(any_demo_db))


def test_remind_me_later_silences_until_the_chosen_day(any_demo_db: Database) -> None:
    chat = Chat(any_demo_db, "pl-jeugdinkoop")
    reply = chat.bot.submit(Caller("console", "lekstroom", "pl-jeugdinkoop"), "mijlpaal.later",
                            {"ref": "JGD-03#2"}, {"wanneer": "datum", "datum": "8-12-2026"},
                            chat.now)
    assert "op 8 dec 2026" in render(reply.messages[0], str)
    plan_at(any_demo_db, TUESDAY)
    assert "pl-jeugdinkoop" not in recipients(any_demo_db, reminders_of(any_demo_db))
    plan_at(any_demo_db, datetime(2026, 12, 8, 9, 5, tzinfo=AMS))
    later = [r.delivery_key for r in rows(any_demo_db, reminders_of(any_demo_db))
             if ":later-" in r.delivery_key]
    assert len(later) == 1


def test_remind_me_later_needs_a_future_date(any_demo_db: Database) -> None:
    chat = Chat(any_demo_db, "pl-jeugdinkoop")
    reply = chat.bot.submit(Caller("console", "lekstroom", "pl-jeugdinkoop"), "mijlpaal.later",
                            {"ref": "JGD-03#2"}, {"wanneer": "datum", "datum": "1-11-2026"},
                            chat.now)
    assert reply.errors or "niet later dan vandaag" in render(reply.messages[0], str)


def test_the_reminders_buttons_close_the_milestone_and_report_a_blockage(
        any_demo_db: Database) -> None:
    chat = Chat(any_demo_db, "pl-jeugdinkoop")
    caller = Caller("console", "lekstroom", "pl-jeugdinkoop")
    blocked = chat.bot.submit(caller, "mijlpaal.blokkade", {"ref": "JGD-03#2"},
                              {"tekst": "Het BPSDL vergadert pas in januari"}, chat.now)
    assert "gemeld als dilemma JGD-03#D" in render(blocked.messages[0], str)
    done = chat.bot.action(caller, "mijlpaal.klaar", {"ref": "JGD-03#2"}, chat.now)
    assert "is afgerond" in render(done.messages[0], str)
    plan_at(any_demo_db, TUESDAY)
    assert rows(any_demo_db, reminders_of(any_demo_db)) == []


def test_a_stale_opgave_asks_its_projectleider_once_per_cadence(any_demo_db: Database) -> None:
    with any_demo_db.write() as session:
        session.execute(update(Opgave).where(Opgave.code == "JGD-03").values(
            status_op=datetime(2026, 11, 2, 10, 0, tzinfo=AMS)))
    plan_at(any_demo_db, TUESDAY)
    asked = rows(any_demo_db, "statusvraag:o")
    jgd = [r for r in asked if "Hoe staat JGD-03 ervoor?" in text_of(r)]
    assert [r.delivery_key.split(":")[3] for r in jgd] == ["1"]
    assert "[Status bijwerken]" in text_of(jgd[0])
    plan_at(any_demo_db, TUESDAY + timedelta(days=7))
    assert len([r for r in rows(any_demo_db, "statusvraag:o") if "JGD-03" in text_of(r)]) == 1


def test_the_monday_digest_opens_with_what_to_do_in_agenda_order(any_demo_db: Database) -> None:
    Chat(any_demo_db, "plo-nieuwegein")("dilemma JGD-03 vertrouwelijk Lopik twijfelt")
    plan_at(any_demo_db, datetime(2026, 11, 30, 9, 5, tzinfo=AMS))
    digest = rows(any_demo_db, "digest:")
    assert [r.doel for r in digest] == ["plo"]
    text = text_of(digest[0])
    assert text.index("Te doen") < text.index("JGD-01") < text.index("JGD-03") < \
        text.index("WMO-01")
    assert "Rol vervullen: WMO-03 (projectleider)" in text
    assert "Lopik twijfelt" not in text  # vertrouwelijk: not in the PLO channel
    plan_at(any_demo_db, datetime(2026, 12, 1, 9, 5, tzinfo=AMS))
    assert len(rows(any_demo_db, "digest:")) == 1


def test_a_personal_digest_goes_to_who_asked_and_not_when_empty(any_demo_db: Database) -> None:
    Chat(any_demo_db, "plo-nieuwegein")("dilemma JGD-03 vertrouwelijk Lopik twijfelt")
    assert "persoonlijk bericht" in Chat(any_demo_db, "pl-jeugdinkoop").text("digest aan")
    assert "persoonlijk bericht" in Chat(any_demo_db, "medewerker-houten").text("digest aan")
    assert "al als persoonlijk" in Chat(any_demo_db, "pl-jeugdinkoop").text("digest aan")
    plan_at(any_demo_db, datetime(2026, 11, 30, 9, 5, tzinfo=AMS))
    personal = [r for r in rows(any_demo_db, "digest:") if r.doel_soort == "persoon"]
    assert recipients(any_demo_db, "digest:r1:2026-11-30:dm") == ["pl-jeugdinkoop"]
    text = text_of(personal[0])
    assert text.index("Te doen") < text.index("JGD-03#1 Scenario's kostenbeheersing")
    assert "Lopik twijfelt" in text  # the projectleider is in the dilemma's circle


def test_digest_on_easter_monday_comes_on_tuesday(any_demo_db: Database) -> None:
    plan_at(any_demo_db, datetime(2027, 3, 29, 9, 5, tzinfo=AMS))
    assert rows(any_demo_db, "digest:") == []
    plan_at(any_demo_db, datetime(2027, 3, 30, 9, 5, tzinfo=AMS))
    assert [r.delivery_key for r in rows(any_demo_db, "digest:")] == [
        "digest:r1:2027-03-29:#plo:console"]
    assert "maandag 29 maart 2027 was Tweede paasdag" in text_of(rows(any_demo_db, "digest:")[0])


def test_a_vervanger_can_snooze_what_reaches_them_on_someones_behalf(
        any_demo_db: Database) -> None:
    Chat(any_demo_db, "plo-nieuwegein")("afwezig 30 november 11 december @plo-houten")
    Chat(any_demo_db).bot.submit(Caller("console", "lekstroom", "plo-houten"), "mijlpaal.later",
                                 {"ref": "JGD-03#2"}, {"wanneer": "datum", "datum": "8-12-2026"},
                                 TUESDAY)
    plan_at(any_demo_db, TUESDAY)
    assert recipients(any_demo_db, reminders_of(any_demo_db)) == ["pl-jeugdinkoop"]
