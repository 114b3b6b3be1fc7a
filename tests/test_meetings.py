"""Meetings and agenda items against the demo region, on SQLite and PostgreSQL. The
BPSDL's voorzitter is wethouder-houten, its secretaris secretaris-bpsdl."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from bot.app import Caller, Regiobot
from bot.planner import plan
from bot.render_text import render
from bot.replies import Reply
from bot.schedule import Rules
from storage.db import Database
from storage.models import Agendapunt, Overleg, Persoon, Vergadering
from tests.conftest import AMS, NOW, load_demo
from tests.e2e.test_console import assert_in_order
from tests.test_planning import recipients, rows, text_of


def overleg(db: Database, handle: str, text: str, now: datetime = NOW) -> Reply:
    return Regiobot(db, AMS).command(Caller("console", "lekstroom", handle), "overleg", text,
                                     now)


def said(reply: Reply) -> str:
    return "\n".join(render(m, lambda b: f"[{b.label}]") for m in reply.messages)


def meeting_days(db: Database, code: str) -> list[date]:
    with db.read() as session:
        return [v.begint_op.astimezone(AMS).date() for v in session.scalars(
            select(Vergadering).join(Overleg).where(Overleg.code == code)
            .order_by(Vergadering.begint_op))]


def test_a_rhythm_plans_a_quarter_and_moves_a_holiday_to_the_next_working_day(
        any_demo_db: Database) -> None:
    set_to = said(overleg(any_demo_db, "programmamanager",
                          "ritme gso elke laatste maandag van de maand 10:00"))
    assert "elke laatste maandag van de maand 10:00" in set_to
    assert "op een vrije dag, dan plan ik hem op de werkdag erna" in set_to
    # Planned on Monday 1 March 2027: the last Monday of March is Tweede Paasdag (29 March).
    plan(any_demo_db, datetime(2027, 3, 1, 9, 5, tzinfo=AMS), AMS, Rules())
    days = meeting_days(any_demo_db, "gso")
    assert date(2027, 4, 26) in days and date(2027, 5, 31) in days
    assert date(2027, 3, 29) not in days and date(2027, 3, 30) in days
    told = rows(any_demo_db, "vergadering:")
    assert [r.delivery_key.split(":")[3] for r in told] == ["2027-03-29", "2027-03-29"]
    # The GSO has no voorzitter: the programmamanager hears it, and the body's channel.
    assert recipients(any_demo_db, "vergadering:") == ["#gso", "programmamanager"]
    assert all("maandag 29 maart 2027, maar dat is Tweede paasdag. Ik heb hem verschoven "
               "naar dinsdag 30 maart 2027 10:00" in text_of(r) for r in told)
    assert "/overleg verplaats gso 30-03-2027 <datum>" in text_of(told[0])
    listing = said(overleg(any_demo_db, "plo-houten", "vergaderingen gso",
                           datetime(2027, 3, 1, 10, 0, tzinfo=AMS)))
    assert "dinsdag 30 maart 2027 10:00 · verschoven van maandag 29 maart 2027 " \
           "(Tweede paasdag)" in listing
    assert "maandag 26 april 2027 10:00\n" in listing + "\n"  # on its day: nothing said
    plan(any_demo_db, datetime(2027, 3, 2, 9, 5, tzinfo=AMS), AMS, Rules())
    assert len(rows(any_demo_db, "vergadering:")) == 2
    assert meeting_days(any_demo_db, "gso").count(date(2027, 3, 30)) == 1


def test_a_body_may_have_a_holiday_moved_to_the_working_day_before(
        any_demo_db: Database) -> None:
    # The voorzitter of the BPSDL is wethouder-houten: the one told.
    set_to = said(overleg(any_demo_db, "programmamanager",
                          "ritme bpsdl elke laatste maandag van de maand 10:00 vrije dag ervoor"))
    assert "10:00, op een vrije dag de werkdag ervoor" in set_to
    plan(any_demo_db, datetime(2027, 3, 1, 9, 5, tzinfo=AMS), AMS, Rules())
    days = meeting_days(any_demo_db, "bpsdl")
    assert date(2027, 3, 26) in days and date(2027, 3, 29) not in days  # Friday before
    assert recipients(any_demo_db, "vergadering:") == ["#bpsdl", "wethouder-houten"]
    listing = said(overleg(any_demo_db, "plo-houten", "vergaderingen bpsdl",
                           datetime(2027, 3, 1, 10, 0, tzinfo=AMS)))
    assert "vrijdag 26 maart 2027 10:00 · verschoven van maandag 29 maart 2027 " \
           "(Tweede paasdag)" in listing
    assert "Ritme: elke laatste maandag van de maand 10:00, op een vrije dag de werkdag " \
           "ervoor." in listing


def test_the_demo_meets_on_working_days_also_around_christmas(any_db: Database) -> None:
    # Loaded on 2 December 2026, the GSO would meet on Eerste Kerstdag and the
    # Wethoudersoverleg Jeugd on Nieuwjaarsdag.
    load_demo(any_db, datetime(2026, 12, 2, 10, 0, tzinfo=AMS))
    assert meeting_days(any_db, "gso") == [date(2026, 12, 28)]
    assert meeting_days(any_db, "wo-jeugd") == [date(2027, 1, 4)]
    now = datetime(2026, 12, 2, 10, 0, tzinfo=AMS)
    assert "maandag 28 december 2026 09:30 · verschoven van vrijdag 25 december 2026 " \
           "(Eerste kerstdag)" in said(overleg(any_db, "plo-houten", "vergaderingen gso", now))
    assert "maandag 4 januari 2027 16:00 · verschoven van vrijdag 1 januari 2027 " \
           "(Nieuwjaarsdag)" in said(overleg(any_db, "plo-houten", "vergaderingen wo-jeugd",
                                             now))


def test_a_moved_meeting_of_the_rhythm_is_not_planned_again(any_demo_db: Database) -> None:
    overleg(any_demo_db, "programmamanager", "ritme gso elke laatste maandag van de maand 10:00")
    plan(any_demo_db, datetime(2027, 3, 1, 9, 5, tzinfo=AMS), AMS, Rules())
    # 27 April is Koningsdag: "toch" plans it there after all (issue 23).
    moved = overleg(any_demo_db, "programmamanager",
                    "verplaats gso 26 april toch 27 april 14:00",
                    datetime(2027, 3, 1, 10, 0, tzinfo=AMS))
    assert "naar dinsdag 27 april 2027 14:00" in said(moved)
    plan(any_demo_db, datetime(2027, 3, 2, 9, 5, tzinfo=AMS), AMS, Rules())
    days = meeting_days(any_demo_db, "gso")
    assert date(2027, 4, 27) in days and date(2027, 4, 26) not in days


def test_meetings_are_planned_by_the_chairs_only(any_demo_db: Database) -> None:
    refused = said(overleg(any_demo_db, "plo-houten", "vergadering bpsdl 12 januari 15:00"))
    assert "Dat mag jij niet" in refused
    added = said(overleg(any_demo_db, "secretaris-bpsdl", "vergadering bpsdl 12 januari 15:00"))
    assert "gepland op dinsdag 12 januari 2027 15:00" in added
    assert "vergadert al" in said(overleg(any_demo_db, "secretaris-bpsdl",
                                          "vergadering bpsdl 12 januari"))
    assert "geen tijd" in said(overleg(any_demo_db, "secretaris-bpsdl",
                                       "vergadering bpsdl 13 januari 25:00"))
    listing = said(overleg(any_demo_db, "plo-houten", "vergaderingen bpsdl"))
    assert "dinsdag 12 januari 2027 15:00" in listing


def test_anyone_submits_an_agendapunt_and_the_voorzitter_accepts_it_once(
        any_demo_db: Database) -> None:
    # The PLO meets in 7 days, wants its papers 3 working days ahead; its voorzitter is
    # the programmamanager.
    submitted = said(overleg(any_demo_db, "medewerker-houten",
                             "agendapunt plo Wachttijden jeugd-ggz bespreken JGD-03"))
    assert "ingediend bij Programmaleidersoverleg, voor dinsdag 1 december 2026 10:00" \
        in submitted
    asked = rows(any_demo_db, "agendapunt:")
    assert recipients(any_demo_db, "agendapunt:") == ["programmamanager"]
    request = text_of(asked[0])
    assert "Wachttijden jeugd-ggz bespreken" in request and "Bij JGD-03" in request
    assert "[Accepteren] [Afwijzen]" in request
    with any_demo_db.read() as session:
        punt = session.scalars(select(Agendapunt).where(Agendapunt.soort == "punt")).one()
    bot = Regiobot(any_demo_db, AMS)
    press = {"punt": str(punt.id), "besluit": "ja"}
    refused = bot.action(Caller("console", "lekstroom", "plo-houten"), "agendapunt.beoordeel",
                         press, NOW)
    assert "Dat mag jij niet" in said(refused)
    accepted = bot.action(Caller("console", "lekstroom", "programmamanager"),
                          "agendapunt.beoordeel", press, NOW)
    assert "staat op de agenda" in said(accepted)
    again = bot.action(Caller("console", "lekstroom", "programmamanager"),
                       "agendapunt.beoordeel", {**press, "besluit": "nee"}, NOW)
    assert "al geaccepteerd door Marieke Jansen" in said(again)
    told = [r for r in rows(any_demo_db, "agendapunt:") if ":geaccepteerd:" in r.delivery_key]
    assert len(told) == 1 and "(geaccepteerd door Marieke Jansen)" in text_of(told[0])
    agenda = said(overleg(any_demo_db, "plo-houten", "agenda plo"))
    assert_in_order(agenda, ["Agenda Programmaleidersoverleg, dinsdag 1 december 2026 10:00",
                             "Ter besluitvorming:", "Wachttijden jeugd-ggz bespreken",
                             "Stukken uiterlijk donderdag 26 november 2026."])


def test_the_agenda_shows_what_the_body_decides_on(any_demo_db: Database) -> None:
    agenda = said(overleg(any_demo_db, "plo-houten", "agenda bpsdl"))
    assert "JGD-03#2 Besluit maatregelenpakket · 10 dec 2026" in agenda  # besluit door BPSDL


def test_an_agendapunt_after_the_deadline_goes_to_the_meeting_after(
        any_demo_db: Database) -> None:
    # The BPSDL meets in 16 and 58 days and wants its papers 14 working days ahead.
    submitted = said(overleg(any_demo_db, "medewerker-houten", "agendapunt bpsdl Iets nieuws"))
    with any_demo_db.read() as session:
        punt = session.scalars(select(Agendapunt).where(Agendapunt.soort == "punt")).one()
        meeting = session.get(Vergadering, punt.vergadering_id)
        submitter = session.scalar(select(Persoon.id).where(Persoon.handle ==
                                                           "medewerker-houten"))
    assert (meeting.begint_op.astimezone(AMS).date() - NOW.date()).days == 58
    assert punt.ingediend_door_id == submitter and "ingediend" in submitted


def test_a_wrong_rhythm_is_refused_and_changes_nothing(any_demo_db: Database) -> None:
    assert "begrijp ik niet als ritme" in said(overleg(any_demo_db, "programmamanager",
                                                       "ritme gso om de week"))
    with any_demo_db.read() as session:
        assert session.scalar(select(Overleg.ritme).where(Overleg.code == "gso")) is None
