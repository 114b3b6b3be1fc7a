"""The one-year simulation (bench/year.py) keeps working: a few weeks of it, every role
acting and ticks on every working day, give a table per role."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bench.year import ROLES, simulate
from tests.test_dutch_catalogue import ONE_THEN_PLURAL, SECOND_PERSON


def test_three_weeks_of_the_demo_region_report_messages_per_role(tmp_path: Path) -> None:
    tally, report = simulate(tmp_path / "year.db", weeks=3, start=date(2027, 1, 4))
    for role in ROLES:
        assert role in report
    assert "15 werkdagen" in report
    assert tally.commands > 10
    # Projectleiders hear of their milestones, and the PLO channel gets its digest.
    assert tally.received["pl-jeugdinkoop"] > 0 and tally.received["#plo"] > 0
    # Buttons are checked as the receiver: a projectleider may use those on their reminders.
    assert tally.with_buttons["pl-jeugdinkoop"] > 0 and tally.useless["pl-jeugdinkoop"] == 0
    # What the channels got speaks in the third person and counts in Dutch.
    assert tally.channel_texts
    for text in tally.channel_texts:
        assert not SECOND_PERSON.search(text), text
        assert not ONE_THEN_PLURAL.search(text), text
