"""A body's rhythm as it is written, and the days it gives."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.errors import UserError
from bot.recurrence import Ritme, dates, parse, working_day
from bot.workdays import Calendar


@pytest.mark.parametrize(("text", "expected"), [
    ("elke tweede dinsdag van de maand 10:00", Ritme(1, 2, time(10, 0))),
    ("Elke  laatste vrijdag van de maand om 14.30", Ritme(4, -1, time(14, 30))),
    ("elke maandag 9:15", Ritme(0, None, time(9, 15))),
    ("elke eerste woensdag van de maand", Ritme(2, 1, time(10, 0))),
    ("elke laatste maandag van de maand 10:00, vrije dag ervoor",
     Ritme(0, -1, time(10, 0), earlier=True)),
    ("elke maandag op een vrije dag de werkdag erna", Ritme(0, None, time(10, 0))),
    ("elke maandag 9:00 vrije dag eerder", Ritme(0, None, time(9, 0), earlier=True)),
])
def test_a_rhythm_is_read_as_written(text: str, expected: Ritme) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("text", [
    "elke tweede dinsdag", "om de week dinsdag", "elke blauwe maandag", "elke dinsdag 25:00",
    "elke dinsdag 10:00 vrije dag overslaan",
])
def test_what_is_not_a_rhythm_is_refused_in_dutch(text: str) -> None:
    with pytest.raises(UserError, match=r"ritme|tijd"):
        parse(text)


def test_a_rhythm_says_itself_back() -> None:
    assert str(parse("elke laatste vrijdag van de maand 14.30")) == \
        "elke laatste vrijdag van de maand 14:30"
    said = str(parse("elke maandag 9.00, vrije dag ervoor"))
    assert said == "elke maandag 09:00, op een vrije dag de werkdag ervoor"
    assert parse(said) == parse("elke maandag 9.00, vrije dag ervoor")


def test_the_second_tuesday_of_each_month() -> None:
    assert dates(parse("elke tweede dinsdag van de maand"), date(2026, 11, 24),
                 date(2027, 3, 1)) == [date(2026, 12, 8), date(2027, 1, 12), date(2027, 2, 9)]


def test_the_last_friday_and_every_monday() -> None:
    assert dates(parse("elke laatste vrijdag van de maand"), date(2027, 1, 1),
                 date(2027, 3, 31)) == [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26)]
    assert dates(parse("elke maandag"), date(2027, 3, 24), date(2027, 4, 12)) == [
        date(2027, 3, 29), date(2027, 4, 5), date(2027, 4, 12)]


def test_a_rhythm_may_land_on_a_public_holiday() -> None:
    # Every first Monday of April: in 2026 that is Tweede Paasdag (6 April).
    assert dates(parse("elke eerste maandag van de maand"), date(2026, 4, 1),
                 date(2026, 4, 30)) == [date(2026, 4, 6)]


def test_a_day_off_moves_to_the_working_day_after_or_before_but_never_into_the_past() -> None:
    closed = Calendar([date(2026, 12, 28)])  # a region's closing day, Monday after Christmas
    christmas = date(2026, 12, 25)
    assert working_day(christmas, closed, False, date(2026, 12, 1)) == date(2026, 12, 29)
    assert working_day(christmas, closed, True, date(2026, 12, 1)) == date(2026, 12, 24)
    assert working_day(date(2026, 12, 24), closed, True, date(2026, 12, 1)) == \
        date(2026, 12, 24)  # a working day stays
    # Planned on Christmas itself, the working day before has passed: the one after.
    assert working_day(christmas, closed, True, christmas) == date(2026, 12, 29)
