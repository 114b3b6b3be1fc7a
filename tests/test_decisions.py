"""A BPSDL meeting cycle against the demo: the summary two working days before, a
decision, the besluitenlijst, and each gemeente followed through feedback, college and
raad — on SQLite and PostgreSQL. The BPSDL meets on Thursday 10 December 2026 15:00."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import select

from bot.app import Caller, Regiobot
from bot.planner import plan
from bot.schedule import Rules
from storage.db import Database
from storage.models import Base, Besluit, Gemeente, Persoon
from tests.conftest import AMS, Chat, fresh_schema, load_demo
from tests.e2e.test_console import assert_in_order
from tests.test_meetings import overleg, said
from tests.test_planning import recipients, rows, text_of

MEETING_DAY = datetime(2026, 12, 10, 16, 30, tzinfo=AMS)


def at(day: int, hour: int = 9, minute: int = 5) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=AMS)


def press(db: Database, handle: str, action: str, args: dict[str, str], now: datetime) -> str:
    return said(Regiobot(db, AMS).action(Caller("console", "lekstroom", handle), action, args,
                                         now))


def submit(db: Database, handle: str, form: str, args: dict[str, str], values: dict[str, str],
           now: datetime) -> str:
    return said(Regiobot(db, AMS).submit(Caller("console", "lekstroom", handle), form, args,
                                         values, now))


def gemeente_id(db: Database, naam: str) -> str:
    with db.read() as session:
        return str(session.scalar(select(Gemeente.id).where(Gemeente.naam == naam)))


def decided(db: Database) -> str:
    overleg(db, "secretaris-bpsdl", "besluit bpsdl JGD-03 raad Maatregelenpakket vastgesteld",
            MEETING_DAY)
    overleg(db, "secretaris-bpsdl", "afsluiten bpsdl", MEETING_DAY)
    with db.read() as session:
        return str(session.scalars(select(Besluit.id)).one())


def test_two_working_days_before_the_channel_hears_who_must_be_there(
        any_demo_db: Database) -> None:
    plan(any_demo_db, at(7), AMS, Rules())
    assert [r for r in rows(any_demo_db, "samenvatting:") if r.doel == "bpsdl"] == []
    plan(any_demo_db, at(8), AMS, Rules())
    summary = [r for r in rows(any_demo_db, "samenvatting:") if r.doel == "bpsdl"]
    assert len(summary) == 1
    assert text_of(summary[0]) == "\n".join([
        "*Bestuurlijk Platform Sociaal Domein Lekstroom, donderdag 10 december 2026 15:00: wat er"
        " te besluiten is*",
        "Ter besluitvorming (wie er moet zijn):",
        "  • JGD-01#2 Inkoopstrategie vastgesteld 🟡 · Femke Bakker, Dirk van Leeuwen, Lotte"
        " Brouwer  [Bekijk]",
        "  • JGD-03#2 Besluit maatregelenpakket 🟠 · Femke Bakker, Dirk van Leeuwen, Karel Boer"
        "  [Bekijk]",
        "  • WMO-03#1 Opdrachtomschrijving naar BPSDL ⚪ · Esra Yilmaz, Lotte Brouwer  [Bekijk]",
        "Aanwezig:",
        "  • Femke Bakker, Dirk van Leeuwen, Lotte Brouwer, Karel Boer, Esra Yilmaz",
        "(Details: /opgave status <code> · de agenda: /overleg agenda bpsdl)"])


def test_someone_away_on_the_meeting_day_is_not_aanwezig_their_stand_in_is_named_as_such(
        any_demo_db: Database) -> None:
    chat = Chat(any_demo_db)
    chat("afwezig 9 december 11 december @plo-houten", as_="plo-nieuwegein")
    chat("afwezig 10 december 10 december", as_="wethouder-houten")  # no stand-in
    plan(any_demo_db, at(8), AMS, Rules())
    summary = [r for r in rows(any_demo_db, "samenvatting:") if r.doel == "bpsdl"]
    present = text_of(summary[0]).split("Aanwezig:\n")[1].splitlines()[0]
    assert present == ("  • Femke Bakker, Anouk de Vries (vervangt Dirk van Leeuwen), Lotte"
                       " Brouwer, Esra Yilmaz")


def test_a_decision_goes_round_and_every_gemeente_is_asked_to_feed_back(
        any_demo_db: Database) -> None:
    refused = said(overleg(any_demo_db, "plo-houten", "besluit bpsdl JGD-03 Iets", MEETING_DAY))
    assert "Dat mag jij niet" in refused
    decided(any_demo_db)
    listing = rows(any_demo_db, "besluitenlijst:")
    assert [r.doel for r in listing] == ["bpsdl"]
    assert "JGD-03 Maatregelenpakket vastgesteld (college en raad)" in text_of(listing[0])
    assert [r.doel_soort for r in rows(any_demo_db, "besluit:") if ":draad:" in
            r.delivery_key] == ["draad"]
    asked = recipients(any_demo_db, "besluit:1:g")
    assert asked == ["plo-houten", "plo-ijsselstein", "plo-lopik", "plo-nieuwegein",
                     "plo-vijfheerenlanden"]


def test_each_gemeente_is_followed_through_college_and_raad(any_demo_db: Database) -> None:
    besluit = decided(any_demo_db)
    houten, lopik = gemeente_id(any_demo_db, "Houten"), gemeente_id(any_demo_db, "Lopik")
    step = {"b": besluit, "g": houten, "s": "teruggekoppeld"}
    assert "Alleen het PLO-lid van Houten" in press(any_demo_db, "plo-lopik", "besluit.stap",
                                                    step, at(11))
    fed = press(any_demo_db, "plo-houten", "besluit.stap", step, at(11))
    assert "Volgende stap: voorgelegd aan het college" in fed
    assert "al vastgelegd" in press(any_demo_db, "plo-houten", "besluit.stap", step, at(11))
    # Monday 14 December, two working days after: who has not fed back is reminded.
    plan(any_demo_db, at(14), AMS, Rules())
    reminded = recipients(any_demo_db, "besluit:1:g")
    assert reminded.count("plo-houten") == 1 and reminded.count("plo-lopik") == 2
    form = {"b": besluit, "g": houten}
    assert "Vastgelegd voor Houten" in submit(any_demo_db, "plo-houten", "besluit.stap", form,
                                              {"datum": "15-12-2026"}, at(14, 10))
    plan(any_demo_db, at(16), AMS, Rules())
    late = [r for r in rows(any_demo_db, "besluit:1:g") if ":herinnering:college" in
            r.delivery_key]
    assert len(late) == 1 and "zou op 15 dec 2026 besluiten" in text_of(late[0])
    assert "Volgende stap: voorgelegd aan de raad" in submit(
        any_demo_db, "plo-houten", "besluit.stap", form, {"uitkomst": "conform"}, at(16, 10))
    submit(any_demo_db, "plo-houten", "besluit.stap", form, {"datum": "21-12-2026"}, at(16, 10))
    assert "Daarmee is Houten rond" in submit(any_demo_db, "plo-houten", "besluit.stap", form,
                                              {"uitkomst": "conform"}, at(21, 20))
    # Lopik decides otherwise, and must say why.
    press(any_demo_db, "plo-lopik", "besluit.stap", {**step, "g": lopik}, at(14, 10))
    submit(any_demo_db, "plo-lopik", "besluit.stap", {**form, "g": lopik},
           {"datum": "15-12-2026"}, at(14, 10))
    assert "heeft een toelichting nodig" in submit(
        any_demo_db, "plo-lopik", "besluit.stap", {**form, "g": lopik},
        {"uitkomst": "afwijkend"}, at(15, 16))
    assert "Volgende stap: voorgelegd aan de raad" in submit(
        any_demo_db, "plo-lopik", "besluit.stap", {**form, "g": lopik},
        {"uitkomst": "afwijkend", "toelichting": "Lopik doet alleen maatregel 1 tot 3"},
        at(15, 16))
    card = Chat(any_demo_db, "plo-houten")
    card.now = at(21, 21)
    shown = card.text("status JGD-03")
    assert_in_order(shown, [
        "Besluit Bestuurlijk Platform Sociaal Domein Lekstroom: Maatregelenpakket vastgesteld:",
        "Houten: ✅ rond (besluit raad conform)",
        "IJsselstein: ⏳ nog terug te koppelen",
        "Lopik: ⏳ nog voor te leggen aan de raad (besluit college afwijkend)"])
    plan(any_demo_db, datetime(2026, 12, 28, 9, 5, tzinfo=AMS), AMS, Rules())
    digest = next(r for r in rows(any_demo_db, "digest:r1:2026-12-28") if r.doel == "plo")
    assert_in_order(text_of(digest), [
        "Besluiten per gemeente (nog niet rond):", "IJsselstein: JGD-03 (terugkoppelen)",
        "Lopik: JGD-03 (voorleggen aan raad)"])
    assert "Houten: JGD-03" not in text_of(digest)


def lopik_decides_otherwise(db: Database, besluit: str) -> str:
    lopik = gemeente_id(db, "Lopik")
    press(db, "plo-lopik", "besluit.stap", {"b": besluit, "g": lopik, "s": "teruggekoppeld"},
          at(14, 10))
    form = {"b": besluit, "g": lopik}
    submit(db, "plo-lopik", "besluit.stap", form, {"datum": "15-12-2026"}, at(14, 10))
    return submit(db, "plo-lopik", "besluit.stap", form,
                  {"uitkomst": "afwijkend", "toelichting": "Lopik doet alleen maatregel 1 tot 3"},
                  at(15, 16))


def test_a_college_deciding_otherwise_is_told_to_the_programmamanager_and_the_sponsor(
        any_demo_db: Database) -> None:
    # JGD-03's ambtelijk opdrachtgever is plo-nieuwegein.
    besluit = decided(any_demo_db)
    houten = gemeente_id(any_demo_db, "Houten")
    press(any_demo_db, "plo-houten", "besluit.stap",
          {"b": besluit, "g": houten, "s": "teruggekoppeld"}, at(11))
    submit(any_demo_db, "plo-houten", "besluit.stap", {"b": besluit, "g": houten},
           {"datum": "15-12-2026"}, at(11))
    submit(any_demo_db, "plo-houten", "besluit.stap", {"b": besluit, "g": houten},
           {"uitkomst": "conform"}, at(15, 16))
    assert rows(any_demo_db, "besluit:1:g") and \
        not [r for r in rows(any_demo_db, "besluit:1:g") if ":afwijkend:" in r.delivery_key]
    assert "Volgende stap" in lopik_decides_otherwise(any_demo_db, besluit)
    told = [r for r in rows(any_demo_db, "besluit:1:g") if ":afwijkend:college" in
            r.delivery_key]
    assert sorted(recipients(any_demo_db, "besluit:1:g")).count("programmamanager") == 1
    with any_demo_db.read() as session:
        handles = dict(session.execute(select(Persoon.id, Persoon.handle)).all())
    assert sorted(handles[int(r.doel)] for r in told) == ["plo-nieuwegein", "programmamanager"]
    for row in told:
        assert text_of(row) == "\n".join([
            "*JGD-03: het college van Lopik besluit afwijkend*",
            "Opgave JGD-03 Kostenbeheersing Jeugdhulp.",
            "Regionaal advies van Bestuurlijk Platform Sociaal Domein Lekstroom: "
            "Maatregelenpakket vastgesteld",
            "Reden: Lopik doet alleen maatregel 1 tot 3",
            "(Vastgelegd door Carla Mulder.)"])


def test_one_person_who_is_programmamanager_and_sponsor_is_told_once(
        any_demo_db: Database) -> None:
    Chat(any_demo_db, "programmamanager").text(
        "rol JGD-03 ambtelijk opdrachtgever @programmamanager")
    besluit = decided(any_demo_db)
    lopik_decides_otherwise(any_demo_db, besluit)
    told = [r for r in rows(any_demo_db, "besluit:1:g") if ":afwijkend:" in r.delivery_key]
    with any_demo_db.read() as session:
        pm = session.scalar(select(Persoon.id).where(Persoon.handle == "programmamanager"))
    assert [r.doel for r in told] == [str(pm)]


def test_the_summary_comes_two_working_days_before_also_over_easter(
        any_demo_db: Database) -> None:
    # Wednesday 31 March 2027; Monday the 29th is Tweede Paasdag: Friday the 26th.
    overleg(any_demo_db, "plo-nieuwegein", "vergadering ao-jeugd 31 maart 2027 13:30")
    ao = [r for r in rows(any_demo_db, "samenvatting:") if r.doel == "ao-jeugd"]
    plan(any_demo_db, datetime(2027, 3, 25, 9, 5, tzinfo=AMS), AMS, Rules())
    assert [r for r in rows(any_demo_db, "samenvatting:") if r.doel == "ao-jeugd"] == ao
    plan(any_demo_db, datetime(2027, 3, 26, 9, 5, tzinfo=AMS), AMS, Rules())
    summary = [r for r in rows(any_demo_db, "samenvatting:") if r.doel == "ao-jeugd"]
    assert len(summary) == 1
    assert "Ambtelijk Overleg Jeugd, woensdag 31 maart 2027 13:30" in text_of(summary[0])


def test_a_plo_member_delegates_the_follow_through_to_a_colleague(
        any_demo_db: Database) -> None:
    assert "Olaf Kramer volgt voortaan de besluiten op in Houten" in said(overleg(
        any_demo_db, "plo-houten", "delegeer @medewerker-houten"))
    assert "Alleen een PLO-lid" in said(overleg(any_demo_db, "medewerker-houten", "delegeer"))
    besluit = decided(any_demo_db)
    asked = recipients(any_demo_db, "besluit:1:g")
    assert "medewerker-houten" in asked and "plo-houten" not in asked
    step = {"b": besluit, "g": gemeente_id(any_demo_db, "Houten"), "s": "teruggekoppeld"}
    assert "Volgende stap" in press(any_demo_db, "medewerker-houten", "besluit.stap", step,
                                    at(11))
    assert "weer zelf op" in said(overleg(any_demo_db, "plo-houten", "delegeer"))



@pytest.fixture
def scanning_db(postgres_url: str) -> Iterator[Database]:
    """The demo on PostgreSQL, its planner told to read tables instead of indexes: the plan
    it picks by itself once autovacuum has analysed the fresh tables, which is what made
    the summary's order change now and then."""
    with fresh_schema(postgres_url, "-cenable_indexscan=off -cenable_bitmapscan=off "
                      "-cenable_indexonlyscan=off") as db:
        Base.metadata.create_all(db.engine)
        load_demo(db)
        yield db


def test_items_decided_on_the_same_day_follow_the_agenda_whatever_plan_the_database_picks(
        scanning_db: Database) -> None:
    # JGD-01#2 moves onto 10 December, the day of JGD-03#2 and WMO-03#1; PostgreSQL stores
    # the moved row after theirs, so an order by date alone lists it last when the table is
    # read instead of its (datum, opgave_id) index.
    chat = Chat(scanning_db, "programmamanager")
    assert "naar 10 dec 2026" in chat.text("mijlpaal verplaats JGD-01#2 10 december")
    plan(scanning_db, at(8), AMS, Rules())
    summary = [r for r in rows(scanning_db, "samenvatting:") if r.doel == "bpsdl"]
    assert_in_order(text_of(summary[0]), [
        "JGD-01#2 Inkoopstrategie vastgesteld", "JGD-03#2 Besluit maatregelenpakket",
        "WMO-03#1 Opdrachtomschrijving naar BPSDL", "Aanwezig:",
        "Femke Bakker, Dirk van Leeuwen, Lotte Brouwer, Karel Boer, Esra Yilmaz"])
    agenda = said(overleg(scanning_db, "plo-houten", "agenda bpsdl", at(8)))
    assert_in_order(agenda, ["JGD-01#2", "JGD-03#2", "WMO-03#1"])
