"""The right message to the right person, once (issue 23 §2), driven across simulated
weeks: the planner runs at 09:05 on every working day with an injected clock, as the
worker does. In the demo region wethouder-houten (Karel Boer) is bestuurlijk
opdrachtgever of JGD-02, JGD-03, WMO-02, MOB-01 and OND-01; wethouder-lopik (Maarten de
Graaf, Wethouder Lopik) has no chat account and plo-lopik as stand-in; WMO-02#1 was due
on 12 November 2026 and JGD-03#2 falls on 10 December 2026."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select, update

from bot.context import Ctx, system_actor
from bot.messages import Message
from bot.planner import plan_regio
from bot.schedule import Rules
from bot.workdays import of_regio
from storage.db import Database
from storage.models import Identiteit, Mijlpaal, Opgave, OutboxBericht, Persoon, Regio
from tests.conftest import AMS, Chat
from tests.test_planning import milestone_id, recipients, rows, text_of

RULES = Rules()


def working_days(first: date, last: date) -> Iterator[date]:
    calendar = of_regio({})
    day = first
    while day <= last:
        if calendar.is_working_day(day):
            yield day
        day += timedelta(days=1)


def tick(db: Database, moment: datetime) -> None:
    """One planning pass of the demo regio, as ``planner.plan`` runs it, minus the
    PostgreSQL advisory lock: that lock is server-wide, and another test process on the
    same server planning its own "regio 1" would make this pass skip a day."""
    with db.write() as session:
        regio = session.scalars(select(Regio)).one()
        ctx = Ctx(session=session, regio=regio, actor=system_actor(regio), now=moment, tz=AMS,
                  platform="console")
        plan_regio(ctx, Rules.of_regio(regio.instellingen, RULES))


def tick_every_working_day(db: Database, first: date, last: date) -> None:
    for day in working_days(first, last):
        tick(db, datetime(day.year, day.month, day.day, 9, 5, tzinfo=AMS))


def person_id(db: Database, handle: str) -> int:
    with db.read() as session:
        return session.scalar(select(Persoon.id).where(Persoon.handle == handle))


def all_rows(db: Database) -> list[OutboxBericht]:
    with db.read() as session:
        return list(session.scalars(select(OutboxBericht).order_by(OutboxBericht.id)))


def dms_to(db: Database, handle: str) -> list[OutboxBericht]:
    me = str(person_id(db, handle))
    return [r for r in all_rows(db) if r.doel_soort == "persoon" and r.doel == me]


def has_buttons(row: OutboxBericht) -> bool:
    message = Message.model_validate(row.bericht)
    return bool(message.buttons) or any(
        ln.button is not None for s in message.sections for ln in s.lines)


def set_regio(db: Database, **settings: object) -> None:
    with db.write() as session:
        regio = session.scalars(select(Regio)).one()
        regio.instellingen = {**regio.instellingen, **settings}


# 1. A bestuurder gets a weekly overview, not milestone reminders with buttons.

def test_a_bestuurder_gets_a_weekly_overview_instead_of_milestone_reminders(
        any_demo_db: Database) -> None:
    tick_every_working_day(any_demo_db, date(2026, 11, 25), date(2026, 12, 18))
    # As voorzitter of the BPSDL she is also asked to close a meeting nobody closed: that
    # is her own work, not her opgaven's milestones.
    got = [r for r in dms_to(any_demo_db, "wethouder-houten")
           if not r.delivery_key.startswith("vergadering:")]
    assert got, "the wethouder hears nothing at all"
    assert all(r.delivery_key.startswith("overzicht:") for r in got), [
        r.delivery_key for r in got]
    # one a week, on the PLO digest's Monday
    weeks = sorted({r.delivery_key.split(":")[2] for r in got})
    assert weeks == ["2026-11-30", "2026-12-07", "2026-12-14"]
    assert not any(has_buttons(r) for r in got)
    last = text_of(next(r for r in got if "2026-12-14" in r.delivery_key))
    assert "Weekoverzicht bestuurlijk opdrachtgever, week van maandag 14 december 2026" in last
    assert "JGD-03#2 Besluit maatregelenpakket: 4 dagen te laat" in last
    assert "WMO-02#1" in last
    assert "Rond hem af" not in last


def test_a_dilemma_put_to_the_bestuurder_is_in_their_overview(any_demo_db: Database) -> None:
    chat = Chat(any_demo_db, "plo-nieuwegein")
    chat("dilemma JGD-03 Lopik twijfelt over deelname")
    assert "voorgelegd aan Karel Boer" in chat.text("dilemma escaleer JGD-03#D1 bestuurder")
    tick_every_working_day(any_demo_db, date(2026, 11, 30), date(2026, 11, 30))
    overview = [r for r in dms_to(any_demo_db, "wethouder-houten")
                if r.delivery_key.startswith("overzicht:")]
    assert len(overview) == 1
    text = text_of(overview[0])
    assert "Dilemma's die aan je zijn voorgelegd" in text
    assert "Dilemma JGD-03#D1: Lopik twijfelt over deelname" in text


def test_an_empty_overview_is_not_sent(any_demo_db: Database) -> None:
    # Everything of wethouder-lopik (MOB-02, IZA-01) on track and nothing late.
    with any_demo_db.write() as session:
        session.execute(update(Opgave).where(Opgave.code.in_(("MOB-02", "IZA-01")))
                        .values(status="op koers"))
        session.execute(update(Mijlpaal).where(Mijlpaal.id == milestone_id(
            any_demo_db, "MOB-02#1")).values(afgerond_op=datetime(2026, 11, 23, 12, 0, tzinfo=AMS)))
    tick_every_working_day(any_demo_db, date(2026, 11, 30), date(2026, 11, 30))
    me = str(person_id(any_demo_db, "wethouder-lopik"))
    assert not [r for r in all_rows(any_demo_db) if r.delivery_key.startswith(
        f"overzicht:r1:2026-11-30:p{me}:")]
    assert [r for r in all_rows(any_demo_db) if r.delivery_key.startswith("overzicht:")]


def test_the_overview_comes_on_the_regions_own_day(any_demo_db: Database) -> None:
    set_regio(any_demo_db, bestuurder_overzicht_dag="woensdag")
    tick_every_working_day(any_demo_db, date(2026, 11, 30), date(2026, 12, 4))
    days = {r.delivery_key.split(":")[2] for r in all_rows(any_demo_db)
            if r.delivery_key.startswith("overzicht:")}
    assert days == {"2026-12-02"}


# 2. Late reminders stop after a few weeks: the milestone is escalated.

def test_a_late_milestone_is_escalated_after_three_weekly_reminders_then_they_stop(
        any_demo_db: Database) -> None:
    tick_every_working_day(any_demo_db, date(2026, 12, 10), date(2027, 1, 22))
    key = f"herinnering:m{milestone_id(any_demo_db)}:"
    late = sorted({r.delivery_key.split(":")[3] for r in rows(any_demo_db, key)
                   if ":te-laat-" in r.delivery_key})
    assert late == ["te-laat-0", "te-laat-1", "te-laat-2"]
    escalation = rows(any_demo_db, f"escalatie:m{milestone_id(any_demo_db)}:")
    assert recipients(any_demo_db, f"escalatie:m{milestone_id(any_demo_db)}:") == [
        "plo-nieuwegein"]  # the ambtelijk opdrachtgever, once
    text = text_of(escalation[0])
    assert "JGD-03#2 Besluit maatregelenpakket: te laat, aan jou als ambtelijk " \
        "opdrachtgever" in text
    assert "te laat (was 10 dec 2026)" in text  # since when
    assert "Eigenaar: Femke Bakker" in text  # whose it is
    assert "Na 3 wekelijkse herinneringen" in text
    assert escalation[0].aangemaakt_op.astimezone(AMS).date() == date(2027, 1, 4)
    digest = [r for r in rows(any_demo_db, "digest:r1:2027-01-04") if r.doel == "plo"]
    assert "JGD-03#2 (geëscaleerd)" in text_of(digest[0])
    assert "geëscaleerd naar de ambtelijk opdrachtgever" in text_of(digest[0])


def test_how_many_late_reminders_before_escalating_is_a_region_setting(
        any_demo_db: Database) -> None:
    set_regio(any_demo_db, escalatie_na_herinneringen=1)
    tick_every_working_day(any_demo_db, date(2026, 12, 10), date(2026, 12, 23))
    key = f"herinnering:m{milestone_id(any_demo_db)}:"
    late = {r.delivery_key.split(":")[3] for r in rows(any_demo_db, key)
            if ":te-laat-" in r.delivery_key}
    assert late == {"te-laat-0"}
    assert recipients(any_demo_db, f"escalatie:m{milestone_id(any_demo_db)}:") == [
        "plo-nieuwegein"]


# 3. A channel is never someone's personal inbox.

def test_a_bestuurder_without_account_is_reached_through_their_stand_in_by_dm(
        any_demo_db: Database) -> None:
    tick_every_working_day(any_demo_db, date(2026, 11, 24), date(2026, 12, 4))
    overview = [r for r in all_rows(any_demo_db) if r.delivery_key.startswith(
        f"overzicht:r1:2026-11-30:p{person_id(any_demo_db, 'wethouder-lopik')}:")]
    assert [r.doel_soort for r in overview] == ["persoon"]
    assert overview[0].doel == str(person_id(any_demo_db, "plo-lopik"))
    assert "*Voor Maarten de Graaf (Wethouder Lopik, geen chataccount): Weekoverzicht " \
        "bestuurlijk opdrachtgever" in text_of(overview[0])
    assert "Je krijgt dit als vervanger van Maarten de Graaf." in text_of(overview[0])
    assert "MOB-02" in text_of(overview[0])
    channel = [r for r in all_rows(any_demo_db) if r.doel_soort == "kanaal"]
    assert not any("als vervanger" in text_of(r) or "jij bent de vervanger" in text_of(r)
               for r in channel)


def test_a_message_that_reaches_no_one_is_counted_for_the_programmamanager_never_posted(
        any_demo_db: Database) -> None:
    # pl-beschermdwonen (Hanna Smit) loses her chat account and has no stand-in.
    with any_demo_db.write() as session:
        session.execute(delete(Identiteit).where(Identiteit.persoon_id == person_id(
            any_demo_db, "pl-beschermdwonen")))
    tick_every_working_day(any_demo_db, date(2026, 11, 24), date(2026, 11, 30))
    channel = [r for r in all_rows(any_demo_db) if r.doel_soort == "kanaal"]
    # (an opgave whose roles are all vacant still speaks in its own channel: no one's inbox)
    assert not [r.delivery_key for r in channel if r.delivery_key.startswith("herinnering:")]
    assert not any("als vervanger" in text_of(r) or "jij bent de vervanger" in text_of(r)
               for r in channel)
    digest = [r for r in rows(any_demo_db, "digest:r1:2026-11-30") if r.doel == "plo"]
    assert "konden niemand bereiken: Hanna Smit (" in text_of(digest[0]) or \
        "kon niemand bereiken: Hanna Smit (1)" in text_of(digest[0])
    # nothing of it is ever sent
    nobody = [r for r in all_rows(any_demo_db) if r.status == "niemand"]
    assert nobody and all(r.doel_soort == "niemand" for r in nobody)


def test_setting_a_stand_in_without_an_account_warns(any_demo_db: Database) -> None:
    chat = Chat(any_demo_db, "programmamanager")
    with any_demo_db.write() as session:
        session.execute(delete(Identiteit).where(Identiteit.persoon_id == person_id(
            any_demo_db, "pl-beschermdwonen")))
    said = chat.text("beheer persoon wijzig @wethouder-lopik vervanger @pl-beschermdwonen")
    assert "Let op: Hanna Smit heeft ook geen chataccount" in said
    assert "Berichten voor Maarten de Graaf bereiken zo niemand" in said
    fine = chat.text("beheer persoon wijzig @wethouder-lopik vervanger @plo-lopik")
    assert "Let op" not in fine


def test_a_substitute_without_an_account_warns_when_going_away(any_demo_db: Database) -> None:
    with any_demo_db.write() as session:
        session.execute(delete(Identiteit).where(Identiteit.persoon_id == person_id(
            any_demo_db, "pl-beschermdwonen")))
    chat = Chat(any_demo_db, "plo-nieuwegein")
    said = chat.text("afwezig 30 november 4 december @pl-beschermdwonen")
    assert "Let op: Hanna Smit heeft geen chataccount" in said
    assert "Let op" not in chat.text("afwezig 30 november 4 december @plo-houten")
