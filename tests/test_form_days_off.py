"""Issue 23 §1: a meeting date in a form (the college meeting a decision is put to) on a
day off is warned about like a typed one, and kept only after "toch"."""

from __future__ import annotations

from bot.app import Caller, Regiobot
from storage.db import Database
from tests.conftest import AMS
from tests.test_decisions import at, decided, gemeente_id, press, submit


def test_a_college_meeting_on_christmas_in_the_step_form_is_warned_about(
        any_demo_db: Database) -> None:
    besluit = decided(any_demo_db)
    houten = gemeente_id(any_demo_db, "Houten")
    press(any_demo_db, "plo-houten", "besluit.stap",
          {"b": besluit, "g": houten, "s": "teruggekoppeld"}, at(11))
    form = {"b": besluit, "g": houten}
    warned = Regiobot(any_demo_db, AMS).submit(
        Caller("console", "lekstroom", "plo-houten"), "besluit.stap", form,
        {"datum": "25-12-2026"}, at(14, 10))
    assert warned.refused and warned.errors["datum"] == (
        "vrijdag 25 december 2026 is Eerste kerstdag: geen werkdag. De eerstvolgende "
        "werkdag is maandag 28 december 2026. Er is nog niets opgeslagen. "
        "Typ 28-12-2026, of ‘toch 25-12-2026’ om deze datum te houden.")
    kept = submit(any_demo_db, "plo-houten", "besluit.stap", form,
                  {"datum": "toch 25-12-2026"}, at(14, 10))
    # Recorded now, not before: the step it owed is the one recorded.
    assert kept.startswith("Vastgelegd voor Houten. Volgende stap: besluit college.")
