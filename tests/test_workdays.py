"""Working days by the Cao Gemeenten (issue: afwegingskader nudges; scheduler)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.workdays import Calendar, of_regio

CAO = Calendar()


@pytest.mark.parametrize(("day", "working"), [
    (date(2026, 4, 3), True),    # Goede Vrijdag: a working day for municipal staff
    (date(2026, 4, 6), False),   # Tweede Paasdag
    (date(2026, 4, 27), False),  # Koningsdag
    (date(2026, 5, 5), False),   # Bevrijdingsdag, every year by the Cao (not only lustra)
    (date(2027, 5, 5), False),
    (date(2026, 5, 14), False),  # Hemelvaartsdag
    (date(2026, 12, 28), True),
    (date(2026, 11, 28), False),  # a Saturday
])
def test_the_cao_gemeenten_calendar(day: date, working: bool) -> None:
    assert CAO.is_working_day(day) is working


def test_two_working_days_after_a_friday_is_tuesday() -> None:
    assert CAO.add(date(2026, 11, 27), 2) == date(2026, 12, 1)


def test_counting_skips_christmas() -> None:
    assert CAO.add(date(2026, 12, 24), 1) == date(2026, 12, 28)


def test_a_region_adds_its_closing_days() -> None:
    calendar = of_regio({"sluitingsdagen": ["2026-12-24"]})
    assert not calendar.is_working_day(date(2026, 12, 24))
    assert calendar.on_or_before(date(2026, 12, 26)) == date(2026, 12, 23)
    assert calendar.on_or_after(date(2026, 12, 24)) == date(2026, 12, 28)


def test_a_day_off_says_why_in_dutch() -> None:
    assert CAO.day_off(date(2027, 3, 29)) == "Tweede paasdag"
    assert CAO.day_off(date(2027, 5, 5)) == "Bevrijdingsdag"
    assert CAO.day_off(date(2027, 3, 26)) is None  # Goede Vrijdag
    assert CAO.day_off(date(2027, 3, 27)) == "weekend"
    assert of_regio({"sluitingsdagen": ["2026-12-28"]}).day_off(date(2026, 12, 28)) == \
        "sluitingsdag"


def test_why_a_day_is_off_names_the_holiday_the_closing_day_or_the_weekend() -> None:
    calendar = of_regio({"sluitingsdagen": ["2027-12-24"]})
    assert calendar.why_off(date(2027, 4, 27)) == ("feestdag", "Koningsdag")
    assert calendar.why_off(date(2027, 5, 5)) == ("feestdag", "Bevrijdingsdag")
    assert calendar.why_off(date(2027, 12, 24)) == ("sluitingsdag", "")
    assert calendar.why_off(date(2027, 3, 6)) == ("weekend", "")
    assert calendar.why_off(date(2027, 3, 26)) is None  # Goede Vrijdag: a working day
    assert calendar.why_off(date(2027, 4, 28)) is None
