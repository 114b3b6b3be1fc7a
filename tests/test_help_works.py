"""Issue 23 §4: what the help says works, works — typed in the console as people type it."""

from __future__ import annotations

from sqlalchemy import select

from bot.render_text import render
from storage.db import Database
from storage.models import Antwoord, Inzet, Persoon, PloLid
from tests.conftest import NOW, Chat


def pm(db: Database) -> Chat:
    return Chat(db, handle="programmamanager")


def test_e_mail_and_email_both_name_the_address(demo_db: Database) -> None:
    chat = pm(demo_db)
    said = chat.text("beheer persoon wijzig @pl-wmo e-mail gerrit@houten.nl")
    assert said == "Het e-mailadres van Gerrit Visser is bijgewerkt."
    chat("beheer persoon wijzig @pl-wmo email g.visser@houten.nl")
    with demo_db.read() as session:
        assert session.scalar(select(Persoon.email).where(Persoon.handle == "pl-wmo")) \
            == "g.visser@houten.nl"


def test_plo_ja_and_nee_as_in_the_roster_file(demo_db: Database) -> None:
    chat = pm(demo_db)
    assert chat.text("beheer persoon wijzig @pl-wmo plo ja") \
        == "Het PLO-lidmaatschap van Gerrit Visser is bijgewerkt."

    def seats() -> int:
        with demo_db.read() as session:
            return len(session.scalars(select(PloLid).join(
                Persoon, Persoon.id == PloLid.persoon_id).where(
                Persoon.handle == "pl-wmo")).all())

    assert seats() == 1
    chat("beheer persoon wijzig @pl-wmo plo nee")
    assert seats() == 0
    refused = chat.text("beheer persoon wijzig @secretaris-bpsdl plo ja")
    assert "Nina Willems heeft nog geen gemeente" in refused


def test_a_handle_works_with_or_without_at_and_a_near_miss_is_named(demo_db: Database) -> None:
    chat = pm(demo_db)
    assert "Ivo Peters is nu projectleider van WMO-02" in chat.text(
        "rol WMO-02 projectleider pl-iza")
    assert "Functie van" not in chat.text("beheer persoon wijzig pl-wmo functie Adviseur")
    missed = chat.text("rol WMO-02 projectleider @pl-iz")
    assert "Ik ken ‘@pl-iz’ niet in het rooster" in missed and "Bedoel je ‘@pl-iza’?" in missed
    assert "Bedoel je ‘@pl-wmo’?" in chat.text("beheer persoon wijzig pl-wmoo functie x")


def test_alle_where_gemeenten_are_asked(demo_db: Database) -> None:
    chat = pm(demo_db)
    assert "Alle gemeenten doen mee aan WMO-02." in chat.text("deelname WMO-02 alle mee")
    assert "Elke gemeente zet 10 uur in voor WMO-02" in chat.text("inzet WMO-02 alle 10")
    with demo_db.read() as session:
        assert len(session.scalars(select(Inzet)).all()) >= 5


def test_hours_with_a_decimal_comma_and_a_negative_number_told_so(demo_db: Database) -> None:
    chat = pm(demo_db)
    assert "Houten zet 120,5 uur in voor WMO-02" in chat.text("inzet WMO-02 Houten 120,5")
    negative = chat.text("inzet WMO-02 Houten -5")
    assert "‘-5’ is een negatief getal" in negative
    assert "Gebruik: /opgave inzet" in negative
    assert "120,5 uur" in chat.text("historie WMO-02")


def test_the_questionnaire_understands_ja_with_an_exclamation_mark_and_help(
        demo_db: Database) -> None:
    chat = Chat(demo_db)
    form = chat("afweging WMO-02").form
    assert form is not None
    chat.bot.submit(chat.caller, form.id, form.args, {
        "respondenten": ["plo-houten"], "vragenlijst": "lekstroom-afwegingskader"}, NOW)
    chat("afweging WMO-02 invullen")

    def dm(text: str) -> str:
        reply = chat.bot.direct_message(chat.caller, text, NOW)
        return "\n".join(render(m, lambda b: f"[{b.label}]") for m in reply.messages)

    helped = dm("help")
    assert "Beantwoord de vraag hieronder" in helped and "geen antwoord" not in helped
    answered = dm("Ja!")
    assert "geen antwoord" not in answered
    with demo_db.read() as session:
        assert session.scalars(select(Antwoord)).all()
