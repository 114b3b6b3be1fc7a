from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import OPGAVE
from bot.dates import (
    DateError,
    DateOutOfRange,
    NoSuchDate,
    UnreadableDate,
    WrongWeekday,
    format_date,
    format_short,
    parse_date,
    read_date,
)
from bot.errors import UserError

TODAY = date(2026, 11, 24)
MONTH_NAMES = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
               "september", "oktober", "november", "december"]


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


def test_a_date_without_a_year_is_the_next_such_date() -> None:
    # Typed in November, "12 maart" means next March and "20 november" next year's: a
    # date without a year never reads into the past.
    assert parse_date("12 maart", TODAY) == date(2027, 3, 12)
    assert parse_date("20 november", TODAY) == date(2027, 11, 20)
    assert parse_date("24 november", TODAY) == TODAY
    assert parse_date("12 maart", date(2026, 4, 2)) == date(2027, 3, 12)
    assert parse_date("29 februari", TODAY) == date(2028, 2, 29)


@pytest.mark.parametrize("text", ["maart", "", "12", "12 maart 2026 extra", "begin bouw",
                                  "zo snel mogelijk", "over de grens", "12 gemeenten",
                                  "1.5", "3 tot 5 gemeenten"])
def test_non_dates_are_no_date(text: str) -> None:
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


# Tuesday 2 February 2027, the day the year of use found the defects.
FEB = date(2027, 2, 2)


@pytest.mark.parametrize(("text", "expected"), [
    # day and month, with and without a year, with -, / , . or spaces
    ("24 december", date(2027, 12, 24)),
    ("1 februari", date(2028, 2, 1)),
    ("2 februari", FEB),
    ("19 juli", date(2027, 7, 19)),
    ("12-3", date(2027, 3, 12)),
    ("12/03", date(2027, 3, 12)),
    ("1-2", date(2028, 2, 1)),
    ("12-3-2027", date(2027, 3, 12)),
    ("12/3/2027", date(2027, 3, 12)),
    ("12.03.2027", date(2027, 3, 12)),
    ("12-3-27", date(2027, 3, 12)),
    ("12 3 2027", date(2027, 3, 12)),
    ("2027-03-12", date(2027, 3, 12)),
    # month names, their abbreviations, with a dot or a capital
    ("12 mrt", date(2027, 3, 12)),
    ("12 mrt.", date(2027, 3, 12)),
    ("3 sept", date(2027, 9, 3)),
    ("3 sep. 2028", date(2028, 9, 3)),
    ("7 okt.", date(2027, 10, 7)),
    ("7 Oktober 2027", date(2027, 10, 7)),
    ("12 feb", date(2027, 2, 12)),
    ("1 febr.", date(2028, 2, 1)),
    # ordinals
    ("1e april", date(2027, 4, 1)),
    ("2de mei", date(2027, 5, 2)),
    ("1ste juni 2027", date(2027, 6, 1)),
    # relative
    ("vandaag", FEB),
    ("morgen", date(2027, 2, 3)),
    ("overmorgen", date(2027, 2, 4)),
    ("dinsdag", date(2027, 2, 9)),
    ("woensdag", date(2027, 2, 3)),
    ("maandag", date(2027, 2, 8)),
    ("volgende dinsdag", date(2027, 2, 9)),
    ("volgende week dinsdag", date(2027, 2, 9)),
    ("volgende week vrijdag", date(2027, 2, 12)),
    ("volgende week", date(2027, 2, 8)),
    ("next week tuesday", date(2027, 2, 9)),
    ("in 2 weeks", date(2027, 2, 16)),
    ("over 2 weken", date(2027, 2, 16)),
    ("over twee weken", date(2027, 2, 16)),
    ("over een week", date(2027, 2, 9)),
    ("over 3 dagen", date(2027, 2, 5)),
    ("over 1 maand", date(2027, 3, 2)),
    ("over 2 maanden", date(2027, 4, 2)),
    ("eind maart", date(2027, 3, 31)),
    ("begin april", date(2027, 4, 1)),
    ("half juni", date(2027, 6, 15)),
    ("eind februari", date(2027, 2, 28)),
    ("begin februari", date(2028, 2, 1)),
    ("eind februari 2028", date(2028, 2, 29)),
    # a weekday before a date that agrees with it
    ("dinsdag 27 april", date(2027, 4, 27)),
    ("dinsdag 27 april 2027", date(2027, 4, 27)),
    ("vrijdag 12-3", date(2027, 3, 12)),
])
def test_what_people_type_on_2_february(text: str, expected: date) -> None:
    assert parse_date(text, FEB) == expected


@pytest.mark.parametrize(("text", "error", "word"), [
    ("31 februari", NoSuchDate, "31 februari"),
    ("30 februari 2027", NoSuchDate, "30 februari 2027"),
    ("29 februari 2027", NoSuchDate, "29 februari 2027"),
    ("31-4", NoSuchDate, "31-4"),
    ("31-04-2027", NoSuchDate, "31-04-2027"),
    ("12-13", NoSuchDate, "12-13"),
    ("2026-13-01", NoSuchDate, "2026-13-01"),
    ("32-01-2026", NoSuchDate, "32-01-2026"),
    ("12 maartje", UnreadableDate, "maartje"),
    ("12 sptember", UnreadableDate, "sptember"),
    ("eind maartje", UnreadableDate, "maartje"),
    ("over veel weken", UnreadableDate, "veel"),
    ("dinsdag 12 maart", WrongWeekday, "dinsdag 12 maart"),
])
def test_a_date_that_was_typed_but_cannot_be_used_says_why(
        text: str, error: type[DateError], word: str) -> None:
    with pytest.raises(error) as raised:
        parse_date(text, FEB)
    assert raised.value.values["word"] == word


def test_a_date_reads_from_the_start_of_a_command_and_says_how_much_it_used() -> None:
    found = read_date(["12", "maart", "Besluit", "maatregelen"], FEB)
    assert found is not None and (found.day, found.used, found.yearless) == (
        date(2027, 3, 12), 2, True)
    found = read_date(["19", "t/m", "23", "juli"], FEB)
    assert found is not None and (found.day, found.used) == (date(2027, 7, 19), 1)
    found = read_date(["8", "januari"], FEB, after=date(2027, 12, 21))
    assert found is not None and found.day == date(2028, 1, 8)


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31)),
       st.integers(1, 12), st.integers(1, 28))
def test_a_date_without_a_year_is_never_in_the_past_nor_a_year_away(
        today: date, month: int, day: int) -> None:
    found = parse_date(f"{day} {list(MONTH_NAMES)[month - 1]}", today)
    assert found is not None and (found.month, found.day) == (month, day)
    assert today <= found < date(today.year + 1, today.month, min(today.day, 28)) + \
        timedelta(days=3)


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31)))
def test_every_written_date_reads_back(day: date) -> None:
    assert parse_date(day.strftime("%d-%m-%Y"), FEB) == day
    assert parse_date(f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}", FEB) == day


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31)),
       st.integers(1, 12), st.integers(1, 28), st.integers(1, 12), st.integers(1, 28))
def test_an_absence_without_years_ends_after_it_starts_and_not_in_the_past(
        today: date, m1: int, d1: int, m2: int, d2: int) -> None:
    text = f"afwezig {d1} {MONTH_NAMES[m1 - 1]} t/m {d2} {MONTH_NAMES[m2 - 1]}"
    try:
        args = OPGAVE.parse(text, today).args
    except UserError as error:  # only the wrong way round, and then it says so
        assert "ligt vóór het begin" in error.message
        return
    assert args["van"] <= args["tot"] and args["tot"] >= today
    assert (args["van"].month, args["van"].day, args["tot"].month, args["tot"].day) == (
        m1, d1, m2, d2)
    assert (args["tot"] - args["van"]).days < 366


def test_closing_a_meeting_reads_a_date_without_a_year_as_the_nearest_such_day() -> None:
    """/overleg afsluiten names a meeting that was or is to come: on 12 December,
    "10 december" is two days ago and "15 december" in three days, not a year away; a
    date to plan with stays the next such day."""
    from bot.commands import GRAMMARS

    today = date(2026, 12, 12)
    closing = GRAMMARS["overleg"].parse("afsluiten bpsdl 10 december", today)
    assert closing.args["datum"] == date(2026, 12, 10)
    closing = GRAMMARS["overleg"].parse("afsluiten bpsdl 15 december", today)
    assert closing.args["datum"] == date(2026, 12, 15)
    closing = GRAMMARS["overleg"].parse("afsluiten bpsdl 20 november", today)
    assert closing.args["datum"] == date(2026, 11, 20)
    planning = GRAMMARS["overleg"].parse("vergadering bpsdl 10 december 10:00", today)
    assert planning.args["datum"] == date(2027, 12, 10)
