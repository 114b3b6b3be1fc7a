"""Issue 23 §2 (bench/year.py: "pl-iza gets 2 unusable buttons"): while a projectleider is
away, what goes to their vervanger carries the buttons only when the vervanger may use
them; a vervanger outside the opgave's driehoek reads it without buttons a click of which
could only be refused."""

from __future__ import annotations

from datetime import date

from bot.messages import Message, buttons_in
from storage.db import Database
from tests.conftest import Chat
from tests.test_planning import text_of
from tests.test_right_recipient import all_rows, person_id, tick_every_working_day


def _on_behalf_of(db: Database, away: str, stand_in: str) -> list[tuple[str, list[str]]]:
    marker = f":afwezig@{person_id(db, away)}"
    return [(text_of(r), [b.label for b in buttons_in(Message.model_validate(r.bericht))])
            for r in all_rows(db)
            if marker in r.delivery_key and r.doel == str(person_id(db, stand_in))]


def test_a_vervanger_outside_the_driehoek_gets_the_reminders_without_buttons(
        any_demo_db: Database) -> None:
    Chat(any_demo_db, "pl-wmo")("afwezig 24 november 2026 29 januari 2027 @pl-iza")
    tick_every_working_day(any_demo_db, date(2026, 11, 24), date(2027, 1, 15))
    received = _on_behalf_of(any_demo_db, "pl-wmo", "pl-iza")
    status = [buttons for text, buttons in received if "Hoe staat" in text]
    assert status and all(buttons == [] for buttons in status)
    reminders = [buttons for text, buttons in received if "Hoe staat" not in text]
    # Snoozing what reaches them on pl-wmo's behalf is theirs to do.
    assert reminders and all(buttons == ["Herinner me later"] for buttons in reminders)


def test_a_vervanger_who_may_act_keeps_the_buttons(any_demo_db: Database) -> None:
    # A PLO member may update any opgave's status and milestones.
    Chat(any_demo_db, "pl-wmo")("afwezig 24 november 2026 29 januari 2027 @plo-houten")
    tick_every_working_day(any_demo_db, date(2026, 11, 24), date(2027, 1, 15))
    received = _on_behalf_of(any_demo_db, "pl-wmo", "plo-houten")
    assert received and all(buttons for _, buttons in received)
    assert ["Afgerond", "Verplaats", "Blokkade melden", "Herinner me later"] in [
        buttons for _, buttons in received]
