"""Issue 23 §4: changes read as Dutch — no database names or values in the history and
the digest, and a change that was undone is not listed as two changes."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.planner import plan
from bot.schedule import Rules
from storage.db import Database
from tests.conftest import AMS, NOW, Chat
from tests.test_planning import rows, text_of

MONDAY = datetime(2026, 11, 30, 9, 5, tzinfo=AMS)


def plo_digest(db: Database) -> str:
    plan(db, MONDAY, AMS, Rules())
    return "\n".join(text_of(r) for r in rows(db, "digest:") if r.doel_soort == "kanaal")


def test_the_history_tells_an_afweging_that_started_and_expired_in_words(
        demo_db: Database) -> None:
    chat = Chat(demo_db)
    form = chat("afweging WMO-02").form
    assert form is not None
    started = chat.bot.submit(chat.caller, form.id, form.args, {
        "respondenten": ["plo-houten", "plo-lopik"], "vragenlijst": "lekstroom-afwegingskader"},
        NOW)
    assert not started.refused, started
    plan(demo_db, NOW + timedelta(days=60), AMS, Rules())
    history = chat.text("historie WMO-02")
    assert "afweging gestart" in history and "afweging verlopen" in history
    assert "open →" not in history and "→ open" not in history
    assert "status:" not in history


def test_the_digest_names_a_vacant_role_in_words(demo_db: Database) -> None:
    chat = Chat(demo_db, handle="programmamanager")
    assert "vacant" in chat.text("rol WMO-02 ambtelijk opdrachtgever")
    digest = plo_digest(demo_db)
    assert "WMO-02 (ambtelijk opdrachtgever)" in digest
    assert "ambtelijk_opdrachtgever" not in digest


def test_a_change_that_was_undone_is_not_in_the_digest(demo_db: Database) -> None:
    chat = Chat(demo_db, handle="programmamanager")
    chat("wijzig WMO-02 niveau bovenregionaal")
    chat("wijzig WMO-02 niveau regionaal")
    chat("wijzig WMO-02 vorm samen ontwikkelen")
    chat("wijzig WMO-02 vorm samen verkennen")
    digest = plo_digest(demo_db)
    assert "niveau" not in digest
    assert "vorm: samen doen → samen verkennen" in digest
