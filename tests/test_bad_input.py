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
