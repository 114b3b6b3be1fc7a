"""Bad input gets a clear Dutch answer that says what was wrong and how to write it, and
changes nothing — on SQLite and on PostgreSQL (issue 22, section 3)."""

from __future__ import annotations

import pytest

from bot.app import Caller
from bot.render_text import render
from storage.db import Database
from tests.conftest import Chat
from tests.test_permissions import dump


def said(chat: Chat, root: str, text: str, as_: str = "programmamanager",
         refused: bool = True) -> str:
    """Send a command as ``as_``; the reply must be a refusal (or an answer) that changed
    nothing."""
    before = dump(chat.db)
    reply = chat.bot.command(Caller("console", "lekstroom", as_), root, text, chat.now)
    shown = "\n".join(render(m, lambda b: f"[{b.label}]") for m in reply.messages)
    assert reply.refused is refused, shown
    assert "Sorry" not in shown
    assert dump(chat.db) == before
    return shown


@pytest.mark.parametrize("text", [
    "vergadering bpsdl 31-12-9999",
    "vergadering bpsdl 01-01-0001 10:00",
    "vergadering bpsdl 31 december 9999",
    "verplaats bpsdl 01-01-0001 02-01-2027",
    "verplaats bpsdl 02-01-2027 9999-12-31 14:00",
])
def test_a_date_too_far_away_names_the_range(any_demo_db: Database, text: str) -> None:
    shown = said(Chat(any_demo_db), "overleg", text)
    assert "ligt te ver weg. Kies een datum tussen 1 januari 2000 en 31 december 2100" in shown
    assert "Gebruik: /overleg " + text.split()[0] in shown


@pytest.mark.parametrize("wildcard", ["_", "%", "%%", "\\"])
def test_a_like_wildcard_is_searched_for_itself(any_demo_db: Database, wildcard: str) -> None:
    shown = said(Chat(any_demo_db), "opgave", f"zoek {wildcard}", as_="plo-houten",
                 refused=False)
    assert f"Geen opgave gevonden voor ‘{wildcard}’." in shown


def test_a_search_word_with_an_underscore_still_finds_its_match(any_demo_db: Database) -> None:
    chat = Chat(any_demo_db)
    assert "JGD-03 Kostenbeheersing Jeugdhulp" in chat.text("zoek kostenbeheersing")
    assert "Geen opgave gevonden" in chat.text("zoek kosten_beheersing")


@pytest.mark.parametrize("words", [11, 400, 1200])
def test_a_very_long_search_says_how_long_a_search_may_be(any_demo_db: Database,
                                                          words: int) -> None:
    term = " ".join(f"woord{i}" for i in range(words))
    for text in (f"zoek {term}", f"status {term}"):
        shown = said(Chat(any_demo_db), "opgave", text, as_="plo-houten")
        assert "Die zoekopdracht is te lang. Zoek met hooguit 10 woorden van elk hooguit " \
               "50 tekens" in shown


def test_a_very_long_search_word_is_refused_too(any_demo_db: Database) -> None:
    shown = said(Chat(any_demo_db), "opgave", "zoek " + "x" * 51, as_="plo-houten")
    assert "Die zoekopdracht is te lang." in shown
    assert "zoekopdracht is te lang" not in Chat(any_demo_db).text("zoek " + "x" * 50)


CONTROL_MESSAGE = "Er staat een onzichtbaar stuurteken in wat je stuurde (zoals een NUL-teken)"


@pytest.mark.parametrize(("root", "text"), [
    ("opgave", "nieuw Jongerenwerk\x00 in de regio"),
    ("opgave", "update JGD-03 op koers maatregelen\x00 vastgesteld"),
    ("opgave", "dilemma JGD-03 Lopik\x00 twijfelt"),
    ("opgave", "zoek inkoop\x00"),
    ("opgave", "status \x00"),
    ("overleg", "agendapunt bpsdl Voortgang\x00 inkoop JGD-01"),
    ("opgave", "beheer persoon toevoegen pl-vervoer Pieter\x1b Vos"),
])
def test_a_control_character_in_a_command_is_refused(any_demo_db: Database, root: str,
                                                     text: str) -> None:
    shown = said(Chat(any_demo_db), root, text)
    assert CONTROL_MESSAGE in shown and "er is niets veranderd" in shown


def test_a_control_character_in_a_form_a_button_or_a_dm_is_refused(
        any_demo_db: Database) -> None:
    chat = Chat(any_demo_db)
    me = Caller("console", "lekstroom", "plo-houten")
    form = chat("nieuw").form
    assert form is not None
    before = dump(any_demo_db)
    replies = [
        chat.bot.submit(me, form.id, form.args, {"titel": "Jongeren\x00werk"}, chat.now),
        chat.bot.action(me, "cmd", {"text": "status JGD-03\x00"}, chat.now),
        chat.bot.action(me, "mijlpaal.klaar", {"code": "JGD-03", "nr": "1\x00"}, chat.now),
        chat.bot.direct_message(me, "ja\x00", chat.now),
        chat.bot.command(Caller("console", "lekstroom\x00", "plo-houten"), "opgave", "mijn",
                         chat.now),
    ]
    for reply in replies:
        assert reply.refused
        assert CONTROL_MESSAGE in reply.messages[0].sections[0].lines[0].plain
    assert dump(any_demo_db) == before


def test_a_name_from_the_platform_is_stored_without_control_characters(
        any_demo_db: Database) -> None:
    chat = Chat(any_demo_db)
    newcomer = Caller("slack", "T_LEKSTROOM", "U0NEWCOMER", display_name="Jan\x00 de\x07 Vries",
                      username="jan\x00vries")
    reply = chat.bot.command(newcomer, "opgave", "mijn", chat.now)
    assert not reply.refused
    with any_demo_db.read() as session:
        from sqlalchemy import select

        from storage.models import Identiteit, Persoon

        persoon = session.scalar(select(Persoon).join(Identiteit).where(
            Identiteit.extern_id == "U0NEWCOMER"))
        assert persoon is not None and persoon.naam == "Jan de Vries"
        assert "\x00" not in persoon.handle


def test_a_name_of_255_characters_fits_and_a_longer_one_is_refused(
        any_demo_db: Database) -> None:
    chat = Chat(any_demo_db)
    name = ("Maria " * 43)[:255]
    added = chat.bot.command(Caller("console", "lekstroom", "programmamanager"), "opgave",
                             f"beheer persoon toevoegen pl-lang {name}", chat.now)
    assert not added.refused
    shown = said(chat, "opgave", f"beheer persoon toevoegen pl-langer {name}xx")
    assert "Geef een naam van hooguit 255 tekens." in shown


@pytest.mark.parametrize("typed", ["31-12-9999", "01-01-0001"])
def test_a_date_too_far_away_in_a_form_names_the_range(any_demo_db: Database,
                                                       typed: str) -> None:
    chat = Chat(any_demo_db)
    me = Caller("console", "lekstroom", "plo-houten")
    form = chat("nieuw").form
    assert form is not None
    before = dump(any_demo_db)
    reply = chat.bot.submit(me, form.id, form.args, {
        "titel": "Jongerenwerk", "mijlpaal_titel": "Start", "mijlpaal_datum": typed}, chat.now)
    assert reply.refused
    assert reply.errors["mijlpaal_datum"].startswith(
        f"‘{typed}’ ligt te ver weg. Kies een datum tussen 1 januari 2000 en 31 december 2100")
    assert dump(any_demo_db) == before


def test_the_person_picker_looks_for_what_was_typed(any_demo_db: Database) -> None:
    from bot.platforms.directory import roster_options

    def found(query: str) -> list[str]:
        return [label for _, label in roster_options(any_demo_db, "console", "lekstroom", query)]

    assert any("Anouk de Vries" in label for label in found("anouk"))
    assert found("_") == [] and found("%") == []
    assert found("ano\x00uk") == found("anouk")
    assert found("x" * 1000) == []


def test_an_email_address_too_long_to_store_is_refused(any_demo_db: Database) -> None:
    shown = said(Chat(any_demo_db), "opgave",
                 f"beheer persoon wijzig @pl-wmo email {'x' * 250}@lekstroom.nl")
    assert "is geen e-mailadres." in shown
    assert "Gebruik: /opgave beheer persoon wijzig" in shown
