"""Dates as people mean them (issue 23 §1), typed in the console on Tuesday 2 February 2027:
a date without a year is the next such date, an end follows its start, a date in the past is
refused with the date probably meant, and a date that cannot be used is named."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from bot.app import Caller, Regiobot
from bot.dates import format_date, format_short, parse_date
from bot.messages import Button
from bot.replies import Reply
from storage.db import Database
from storage.models import Regio, Vergadering
from tests.conftest import AMS, Chat
from tests.test_meetings import overleg, said

FEB = datetime(2027, 2, 2, 10, 0, tzinfo=AMS)  # a Tuesday


@pytest.mark.parametrize(("typed", "stored"), [
    # The year of use: "'Tot' (6 aug 2026) ligt vóór 'van' (19 jul 2027)".
    ("afwezig 19 juli 6 augustus", "19 jul 2027 t/m 6 aug 2027"),
    # The README's own example answered "al voorbij".
    ("afwezig 21 december 8 januari", "21 dec 2027 t/m 8 jan 2028"),
    ("afwezig 19 juli t/m 6 augustus", "19 jul 2027 t/m 6 aug 2027"),
    ("afwezig 19 juli tot en met 6 augustus", "19 jul 2027 t/m 6 aug 2027"),
    ("afwezig 19 juli tot 6 augustus", "19 jul 2027 t/m 6 aug 2027"),
    ("afwezig 19 juli - 6 augustus", "19 jul 2027 t/m 6 aug 2027"),
    ("afwezig 19-7 t/m 6-8", "19 jul 2027 t/m 6 aug 2027"),
    ("afwezig 19/07 6/08", "19 jul 2027 t/m 6 aug 2027"),
    ("afwezig 19 t/m 23 juli", "19 jul 2027 t/m 23 jul 2027"),
    ("afwezig 1e mrt t/m 5 mrt.", "1 mrt 2027 t/m 5 mrt 2027"),
    ("afwezig morgen t/m vrijdag", "3 feb 2027 t/m 5 feb 2027"),
    ("afwezig vandaag tot volgende week vrijdag", "2 feb 2027 t/m 12 feb 2027"),
    ("afwezig over 2 weken over 3 weken", "16 feb 2027 t/m 23 feb 2027"),
    ("afwezig eind maart begin april", "31 mrt 2027 t/m 1 apr 2027"),
    # Away since yesterday: the range that is running, not next year's.
    ("afwezig 1 februari 3 februari", "1 feb 2027 t/m 3 feb 2027"),
    ("afwezig 28 december 2026 t/m 5 februari", "28 dec 2026 t/m 5 feb 2027"),
])
def test_an_absence_reads_as_people_mean_it(demo_db: Database, typed: str, stored: str
                                            ) -> None:
    said = Chat(demo_db, "plo-nieuwegein", FEB).text(typed)
    assert f"Genoteerd: afwezig van {stored}." in said


@pytest.mark.parametrize(("typed", "told"), [
    ("afwezig 31 februari 3 maart", "‘31 februari’ bestaat niet als datum"),
    ("afwezig 12 maartje 14 maart", "Ik kan ‘maartje’ in de datum niet lezen"),
    ("afwezig 19 juli morgenvroeg", "‘morgenvroeg’ is geen datum. Schrijf 12-03-2027"),
    ("afwezig 4 december 30 november", "Het einde (dinsdag 30 november 2027) ligt vóór het "
                                       "begin (zaterdag 4 december 2027)"),
    ("afwezig 1 november 2026 3 november 2026", "al voorbij"),
    ("afwezig dinsdag 12 maart", "‘dinsdag 12 maart’ klopt niet: dat is vrijdag 12 maart 2027"),
])
def test_a_wrong_absence_date_is_named_and_changes_nothing(
        demo_db: Database, typed: str, told: str) -> None:
    chat = Chat(demo_db, "plo-nieuwegein", FEB)
    assert told in chat.text(typed)
    assert "niet als afwezig" in chat.text("terug")


@pytest.mark.parametrize(("typed", "stored"), [
    # Stored 40 days in the past without a word in the year of use.
    ("24 december Kerstbesluit", "op 24 dec 2027"),
    ("1e april Evaluatie", "op 1 apr 2027"),
    ("4de mei Evaluatie", "op 4 mei 2027"),
    ("3 sept Evaluatie", "op 3 sep 2027"),
    ("7 okt. Evaluatie", "op 7 okt 2027"),
    ("12-3 Evaluatie", "op 12 mrt 2027"),
    ("12/3/2027 Evaluatie", "op 12 mrt 2027"),
    ("eind maart Evaluatie", "op 31 mrt 2027"),
    ("begin april Evaluatie", "op 1 apr 2027"),
    ("dinsdag Evaluatie", "op 9 feb 2027"),
    ("volgende week dinsdag Evaluatie", "op 9 feb 2027"),
    ("over 2 weken Evaluatie", "op 16 feb 2027"),
    ("morgen Evaluatie", "op 3 feb 2027"),
    ("overmorgen Evaluatie", "op 4 feb 2027"),
    ("vandaag Evaluatie", "op 2 feb 2027"),
    ("begin bouw 12 maart", None),
])
def test_a_milestone_date_is_the_next_such_date(demo_db: Database, typed: str,
                                               stored: str | None) -> None:
    said = Chat(demo_db, "pl-jeugdinkoop", FEB).text(f"mijlpaal toevoegen JGD-03 {typed}")
    if stored is None:  # no date typed: the missing date is asked for, not misread
        assert "Er ontbreekt nog iets: datum" in said
    else:
        assert "toegevoegd" in said and stored in said


@pytest.mark.parametrize(("typed", "told"), [
    ("24 december 2026 Kerstbesluit", "donderdag 24 december 2026 ligt in het verleden. "
     "Bedoel je vrijdag 24 december 2027? Typ het dan nog eens met het jaartal (2027)."),
    ("31 februari Besluit", "‘31 februari’ bestaat niet als datum"),
    ("31-2 Besluit", "‘31-2’ bestaat niet als datum"),
    ("12 maartje Besluit", "Ik kan ‘maartje’ in de datum niet lezen"),
    ("eind maartje Besluit", "Ik kan ‘maartje’ in de datum niet lezen"),
    ("31-13-2027 Besluit", "‘31-13-2027’ bestaat niet als datum"),
    ("12 Besluit", "‘12’ is geen datum. Schrijf 12-03-2027"),
    ("volgende maand Besluit", "‘volgende’ is geen datum"),
])
def test_a_milestone_date_that_cannot_be_used_says_why(demo_db: Database, typed: str,
                                                       told: str) -> None:
    chat = Chat(demo_db, "pl-jeugdinkoop", FEB)
    said = chat.text(f"mijlpaal toevoegen JGD-03 {typed}")
    assert told in said and "ontbreekt" not in said
    assert "JGD-03#3" not in chat.text("status JGD-03")


@pytest.mark.parametrize(("typed", "told"), [
    ("2 april", "naar 2 apr 2027"),
    ("1e apr", "naar 1 apr 2027"),
    ("12 januari", "naar 12 jan 2028"),
    ("volgende week vrijdag", "naar 12 feb 2027"),
    ("1-1-2027", "vrijdag 1 januari 2027 ligt in het verleden"),
    ("30 februari", "‘30 februari’ bestaat niet als datum"),
])
def test_moving_a_milestone_reads_the_date_the_same_way(demo_db: Database, typed: str,
                                                       told: str) -> None:
    said = Chat(demo_db, "pl-jeugdinkoop", FEB).text(f"mijlpaal verplaats JGD-03#2 {typed}")
    assert told in said


@pytest.mark.parametrize(("typed", "told"), [
    ("vergadering bpsdl 12 januari 15:00", "gepland op woensdag 12 januari 2028 15:00"),
    ("vergadering bpsdl 16-2 15:00", "gepland op dinsdag 16 februari 2027 15:00"),
    ("vergadering bpsdl volgende week dinsdag 15:00", "gepland op dinsdag 9 februari 2027 15:00"),
    ("vergadering bpsdl dinsdag 16 februari 15:00",
     "gepland op dinsdag 16 februari 2027 15:00"),
    ("vergadering bpsdl 12 januari 2027 15:00", "al voorbij"),
    ("vergadering bpsdl 31 februari 15:00", "‘31 februari’ bestaat niet als datum"),
    ("vergadering bpsdl 12 jaanuari 15:00", "Ik kan ‘jaanuari’ in de datum niet lezen"),
])
def test_a_meeting_date_is_the_next_such_date(demo_db: Database, typed: str, told: str
                                             ) -> None:
    assert told in said(overleg(demo_db, "secretaris-bpsdl", typed, FEB))


@pytest.mark.parametrize(("typed", "told"), [
    ("verplaats bpsdl 13 april 14 april 14:00", "naar woensdag 14 april 2027 14:00"),
    ("verplaats bpsdl 13-4 naar 14-4 14:00", "naar woensdag 14 april 2027 14:00"),
    ("verplaats bpsdl dinsdag 13 april over 2 weken", "naar dinsdag 16 februari 2027 10:00"),
    ("verplaats bpsdl 13 april naar volgende week vrijdag",
     "naar vrijdag 12 februari 2027 10:00"),
    ("verplaats bpsdl 13 april 31 april", "‘31 april’ bestaat niet als datum"),
])
def test_moving_a_meeting_reads_both_dates(demo_db: Database, typed: str, told: str) -> None:
    planned = said(overleg(demo_db, "secretaris-bpsdl", "vergadering bpsdl 13 april 10:00", FEB))
    assert "gepland op dinsdag 13 april 2027 10:00" in planned
    assert told in said(overleg(demo_db, "secretaris-bpsdl", typed, FEB))


def _press(db: Database, handle: str, button: Button) -> str:
    reply = Regiobot(db, AMS).action(Caller("console", "lekstroom", handle), button.action,
                                     button.args, FEB)
    return said(reply)


def _buttons(reply: Reply) -> dict[str, Button]:
    return {b.label: b for m in reply.messages for b in m.buttons}


def _meetings_on(db: Database, day: date) -> int:
    with db.read() as session:
        return sum(v.begint_op.astimezone(AMS).date() == day
                   for v in session.scalars(select(Vergadering)))


@pytest.mark.parametrize(("choice", "planned"), [
    ("Op woensdag 28 april 2027", date(2027, 4, 28)),
    ("Toch op dinsdag 27 april 2027", date(2027, 4, 27)),
])
def test_a_meeting_on_a_holiday_waits_for_a_choice(any_demo_db: Database, choice: str,
                                                  planned: date) -> None:
    demo_db = any_demo_db
    reply = overleg(demo_db, "secretaris-bpsdl", "vergadering bpsdl 27 april 10:00", FEB)
    text = said(reply)
    assert "dinsdag 27 april 2027 is Koningsdag" in text
    assert "De eerstvolgende werkdag is woensdag 28 april 2027. Er is nog niets opgeslagen." \
        in text
    assert "/overleg vergadering bpsdl toch 27 april 10:00" in text
    assert _meetings_on(demo_db, date(2027, 4, 27)) == 0
    done = _press(demo_db, "secretaris-bpsdl", _buttons(reply)[choice])
    assert f"gepland op {format_date(planned)} 10:00" in done
    assert _meetings_on(demo_db, planned) == 1


def test_a_meeting_on_a_holiday_is_planned_when_typed_with_toch(demo_db: Database) -> None:
    text = said(overleg(demo_db, "secretaris-bpsdl", "vergadering bpsdl toch 27 april 10:00",
                        FEB))
    assert "gepland op dinsdag 27 april 2027 10:00" in text


def test_moving_a_meeting_to_a_weekend_warns_first(demo_db: Database) -> None:
    overleg(demo_db, "secretaris-bpsdl", "vergadering bpsdl 13 april 10:00", FEB)
    reply = overleg(demo_db, "secretaris-bpsdl", "verplaats bpsdl 13 april 17 april", FEB)
    assert "zaterdag 17 april 2027 valt in het weekend" in said(reply)
    assert _meetings_on(demo_db, date(2027, 4, 13)) == 1
    done = _press(demo_db, "secretaris-bpsdl", _buttons(reply)["Op maandag 19 april 2027"])
    assert "naar maandag 19 april 2027 10:00" in done


@pytest.mark.parametrize(("typed", "told", "workday"), [
    ("mijlpaal toevoegen JGD-03 6 maart Evaluatie", "zaterdag 6 maart 2027 valt in het weekend",
     "maandag 8 maart 2027"),
    # Bevrijdingsdag, then Hemelvaartsdag: the next working day is the Friday.
    ("mijlpaal toevoegen JGD-03 5 mei Evaluatie", "woensdag 5 mei 2027 is Bevrijdingsdag",
     "vrijdag 7 mei 2027"),
    ("mijlpaal verplaats JGD-03#2 25 december", "zaterdag 25 december 2027 is Eerste kerstdag",
     "maandag 27 december 2027"),
])
def test_a_milestone_on_a_day_off_names_the_day_and_the_working_day(
        demo_db: Database, typed: str, told: str, workday: str) -> None:
    chat = Chat(demo_db, "pl-jeugdinkoop", FEB)
    reply = chat(typed)
    text = said(reply)
    assert told in text and f"De eerstvolgende werkdag is {workday}." in text
    assert set(_buttons(reply)) == {f"Toch op {told.split(' is ')[0].split(' valt')[0]}",
                                    f"Op {workday}"}
    assert "toegevoegd" not in text and "verplaatst" not in text
    done = _press(demo_db, "pl-jeugdinkoop", _buttons(reply)[f"Op {workday}"])
    assert "toegevoegd" in done or "verplaatst" in done
    assert format_short(parse_date(workday.split(" ", 1)[1], FEB.date()) or FEB.date()) in done


def test_a_milestone_on_a_closing_day_is_stored_after_toch(demo_db: Database) -> None:
    with demo_db.write() as session:
        regio = session.scalars(select(Regio)).one()
        regio.instellingen = {**regio.instellingen, "sluitingsdagen": ["2027-12-24"]}
    chat = Chat(demo_db, "pl-jeugdinkoop", FEB)
    warned = chat.text("mijlpaal toevoegen JGD-03 24 december Kerstbesluit")
    assert "vrijdag 24 december 2027 is een sluitingsdag van de regio" in warned
    assert "/opgave mijlpaal toevoegen JGD-03 toch 24 december Kerstbesluit" in warned
    done = chat.text("mijlpaal toevoegen JGD-03 toch 24 december Kerstbesluit")
    assert "Mijlpaal JGD-03#3 Kerstbesluit op 24 dec 2027 toegevoegd." in done


@pytest.mark.parametrize(("handle", "typed", "told"), [
    ("plo-houten", "vergadering bpsdl 27 april 10:00", "Dat mag jij niet"),
    ("secretaris-bpsdl", "verplaats bpsdl 14 april 27 april", "geen (open) vergadering"),
])
def test_a_command_that_would_be_refused_is_refused_before_any_day_off_warning(
        demo_db: Database, handle: str, typed: str, told: str) -> None:
    text = said(overleg(demo_db, handle, typed, FEB))
    assert told in text and "Koningsdag" not in text
    assert _meetings_on(demo_db, date(2027, 4, 27)) == 0


def test_the_dry_run_behind_a_day_off_warning_keeps_nothing(any_demo_db: Database) -> None:
    chat = Chat(any_demo_db, "pl-jeugdinkoop", FEB)
    before = chat.text("historie JGD-03")
    assert "valt in het weekend" in chat.text("mijlpaal toevoegen JGD-03 6 maart Evaluatie")
    assert chat.text("historie JGD-03") == before
    assert "JGD-03#3" not in chat.text("status JGD-03")
