from __future__ import annotations

from datetime import date

import pytest

from bot.dates import DateOutOfRange, format_date, format_short, parse_date

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-12", date(2026, 3, 12)),
    ("12-03-2026", date(2026, 3, 12)),
    ("12/03/2026", date(2026, 3, 12)),
    ("12 maart 2026", date(2026, 3, 12)),
    ("12 Maart 2026", date(2026, 3, 12)),
    ("12 mrt 2027", date(2027, 3, 12)),
    ("1 december", date(2026, 12, 1)),
    ("vandaag", TODAY),
    ("morgen", date(2026, 11, 25)),
    ("29 februari 2028", date(2028, 2, 29)),
])
def test_dates_are_read_as_people_write_them(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


def test_a_date_without_a_year_is_the_nearest_occurrence() -> None:
    # Typed in November, "12 maart" means next March; "20 november" last week.
    assert parse_date("12 maart", TODAY) == date(2027, 3, 12)
    assert parse_date("20 november", TODAY) == date(2026, 11, 20)
    assert parse_date("12 maart", date(2026, 4, 2)) == date(2026, 3, 12)


@pytest.mark.parametrize("text", [
    "30 februari 2027", "2026-13-01", "32-01-2026", "12 maartje", "maart", "", "12",
    "12 maart 2026 extra",
])
def test_non_dates_are_refused(text: str) -> None:
    assert parse_date(text, TODAY) is None


def test_dates_are_written_in_dutch() -> None:
    assert format_date(date(2026, 3, 12)) == "donderdag 12 maart 2026"
    assert format_date(date(2026, 3, 3)) == "dinsdag 3 maart 2026"
    assert format_short(date(2026, 3, 12)) == "12 mrt 2026"


@pytest.mark.parametrize("text", ["31-12-9999", "01-01-0001", "1999-12-31", "1 januari 2101"])
def test_a_year_outside_2000_to_2100_is_refused_as_out_of_range(text: str) -> None:
    with pytest.raises(DateOutOfRange):
        parse_date(text, TODAY)


def test_the_edges_of_the_range_are_dates() -> None:
    assert parse_date("01-01-2000", TODAY) == date(2000, 1, 1)
    assert parse_date("31 december 2100", TODAY) == date(2100, 12, 31)
