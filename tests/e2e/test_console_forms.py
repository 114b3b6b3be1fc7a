"""Issue 23 §4: the console's forms and `/opgave wijzig` as a newcomer types them."""

from __future__ import annotations

import io

from bot.app import Regiobot
from bot.platforms.console import Console
from storage.db import Database
from tests.conftest import AMS, NOW, Chat


def console(db: Database, handle: str = "plo-houten") -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(Regiobot(db, AMS), db, "lekstroom", handle, lambda: NOW, out), out


def test_a_slash_command_typed_in_a_form_leaves_the_form_and_runs(demo_db: Database) -> None:
    shell, out = console(demo_db)
    shell.run(iter(["/opgave nieuw", "/opgave status JGD-03", "Nooit opgeslagen"]))
    text = out.getvalue()
    assert "Formulier verlaten; er is niets opgeslagen." in text
    assert "*JGD-03 · Kostenbeheersing Jeugdhulp*" in text.split("Formulier verlaten")[1]
    assert "Nooit opgeslagen" not in Chat(demo_db).text("zoek Nooit")


def test_an_unknown_field_after_wijzig_says_so_instead_of_opening_the_form(
        demo_db: Database) -> None:
    chat = Chat(demo_db)
    reply = chat("wijzig WMO-02 kleur rood")
    assert reply.form is None and reply.refused
    said = chat.text("wijzig WMO-02 kleur rood")
    assert "‘kleur’ is geen veld van een opgave" in said
    assert "Gebruik: /opgave wijzig <code> [<veld>] [<waarde>]" in said
    assert "Bedoel je ‘titel’?" in chat.text("wijzig WMO-02 titl Nieuwe titel")
    assert chat("wijzig WMO-02").form is not None
