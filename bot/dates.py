"""Dutch dates: parsing what people type and writing them as people read them.

Babel formats dates but cannot parse month names, so that half is written here. A date
without a year means the next such date (``24 december`` typed in February is December of
this year, typed on 26 December it is next year's); a date that does not exist or a word
that is almost a month is refused by name (``DateError``), never read as "no date".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from difflib import get_close_matches
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "maart": 3, "mrt": 3,
    "maa": 3, "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "augustus": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
    "november": 11, "nov": 11, "december": 12, "dec": 12,
    # English, the second language.
    "january": 1, "february": 2, "march": 3, "mar": 3, "may": 5, "june": 6, "july": 7,
    "august": 8, "october": 10, "oct": 10,
}
WEEKDAYS = {
    # No two-letter forms: "zo" and "ma" begin titles ("zo snel mogelijk").
    "maandag": 0, "dinsdag": 1, "woensdag": 2, "donderdag": 3, "vrijdag": 4, "zaterdag": 5,
    "zondag": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}
RELATIVE = {"vandaag": 0, "today": 0, "morgen": 1, "tomorrow": 1, "overmorgen": 2}
# "over 2 weken", "over een maand": how many, and in which unit.
COUNTS = {"een": 1, "één": 1, "1": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6,
          "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}
UNITS = {"dag": 1, "dagen": 1, "day": 1, "days": 1, "week": 7, "weken": 7, "weeks": 7,
         "maand": 0, "maanden": 0, "month": 0, "months": 0}
# "eind maart", "begin april": the day of the month each word stands for (0: the last).
PART_OF_MONTH = {"begin": 1, "start": 1, "half": 15, "medio": 15, "midden": 15, "mid": 15,
                 "eind": 0, "einde": 0, "end": 0}
NEXT_WEEK = {("volgende", "week"), ("next", "week")}
# Words between the two dates of a range: "19 juli t/m 6 augustus".
RANGE_WORDS = ("tot en met", "t/m", "tm", "tot", "-", "–", "until", "to", "through")

# Dates the register plans with. Outside this range a typed date is a typo (9999, 0001)
# and would overflow date arithmetic and the databases' timestamps.
FIRST_YEAR = 2000
LAST_YEAR = 2100

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})$")
# No dot without a year: "1.5 fte" is a number, not 1 May.
_DM = re.compile(r"^(\d{1,2})[-/](\d{1,2})$")
# A day of the month, also as an ordinal: 1, 1e, 2de, 1ste, 3rd.
_DAY = re.compile(r"^(\d{1,2})(?:e|de|ste|st|nd|rd|th)?$")
_NUMBER = re.compile(r"^\d{1,2}$")
_YEAR = re.compile(r"^(\d{4})$")


# Why a typed date cannot be used → the text that says so.
REFUSALS = {
    "bereik": "grammar.datum_bereik",
    "bestaat_niet": "datum.bestaat_niet",
    "onleesbaar": "datum.onleesbaar",
    "andere_weekdag": "datum.andere_weekdag",
}


class DateError(ValueError):
    """A date was typed but cannot be used; ``reason`` (a key of REFUSALS) and ``values``
    make the refusal's text."""

    def __init__(self, reason: str, **values: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.values = values

    def text(self) -> str:
        """The refusal in the current language, dates written out."""
        from bot.texts import current_language, t

        language = current_language()
        return t(REFUSALS[self.reason], **{
            name: format_date(value, language) if isinstance(value, date) else value
            for name, value in self.values.items()})


class DateOutOfRange(DateError):
    """A well-formed date whose year lies outside FIRST_YEAR..LAST_YEAR."""

    def __init__(self, typed: str) -> None:
        super().__init__("bereik", word=typed[:40], first=FIRST_YEAR,
                         last=LAST_YEAR)
        self.typed = typed


class NoSuchDate(DateError):
    """``31 februari``: well formed, but the calendar has no such day."""

    def __init__(self, typed: str) -> None:
        super().__init__("bestaat_niet", word=typed[:40])


class UnreadableDate(DateError):
    """A date was begun (``12 maartje``) but one word of it cannot be read."""

    def __init__(self, word: str) -> None:
        super().__init__("onleesbaar", word=word[:40])


class WrongWeekday(DateError):
    """``dinsdag 12 maart`` when 12 March is a Friday."""

    def __init__(self, typed: str, found: date) -> None:
        super().__init__("andere_weekdag", word=typed[:40], date=found)


@dataclass(frozen=True)
class Reading:
    """A date read from the start of some tokens: the date, how many tokens it used, and
    whether it was typed without a year (so a range may still move it by a year)."""

    day: date
    used: int
    yearless: bool = False


def _word(token: str) -> str:
    return token.lower().rstrip(",")


def _month(token: str) -> int | None:
    return MONTHS.get(token.lower().rstrip(".,"))


def _looks_like_month(token: str) -> bool:
    """``maartje``, ``sptember``: meant as a month, so refused by name, not skipped."""
    word = token.lower().rstrip(".,")
    if not word.isalpha() or len(word) < 3:
        return False
    if any(word.startswith(name) for name in MONTHS if len(name) >= 4):
        return True
    return bool(get_close_matches(word, [m for m in MONTHS if len(m) >= 4], n=1, cutoff=0.8))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _in_range(year: int, month: int, day: int, typed: str) -> date:
    """The date; DateOutOfRange if the year is too far, NoSuchDate if there is no such day."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateOutOfRange(typed)
    found = _safe_date(year, month, day)
    if found is None:
        raise NoSuchDate(typed)
    return found


def _year(text: str) -> int:
    # Two digits are this century: 12-3-27 is 2027.
    return int(text) + 2000 if len(text) == 2 else int(text)


def latest_occurrence(month: int, day: int, on_or_before: date) -> date | None:
    """The last ``day month`` on or before ``on_or_before``, within eight years."""
    for year in range(on_or_before.year, on_or_before.year - 9, -1):
        found = _safe_date(year, month, day)
        if found is not None and found <= on_or_before:
            return found
    return None


def next_occurrence(month: int, day: int, after: date, typed: str) -> date:
    """The first ``day month`` on or after ``after`` (29 februari: the next leap year)."""
    if _safe_date(2000, month, day) is None:  # 2000 is a leap year: 29 februari exists
        raise NoSuchDate(typed)
    for year in range(after.year, after.year + 9):
        found = _safe_date(year, month, day)
        if found is not None and found >= after:
            if found.year > LAST_YEAR:
                raise DateOutOfRange(typed)
            return found
    raise NoSuchDate(typed)  # pragma: no cover - every valid day recurs within 8 years


def _last_day(year: int, month: int) -> int:
    return ((date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)).day


def _add_months(start: date, months: int) -> date:
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    return date(year, month, min(start.day, _last_day(year, month)))


def _with_year(tokens: list[str], at: int) -> int | None:
    """The year written at ``tokens[at]``, if there is one."""
    if len(tokens) > at and _YEAR.match(tokens[at].rstrip(",.")):
        return int(tokens[at].rstrip(",."))
    return None


def _day_month(tokens: list[str], today: date, after: date) -> Reading | None:
    """``12 maart``, ``1e april 2027``, ``12 mrt. 2027``, ``12 3 2027``."""
    day_match = _DAY.match(tokens[0].lower())
    if day_match is None or len(tokens) < 2:
        return None
    day = int(day_match[1])
    month = _month(tokens[1])
    if month is None and _NUMBER.match(tokens[1]) and _with_year(tokens, 2) is not None:
        month = int(tokens[1])  # 12 3 2027: numbers with spaces, only with the year
        if not 1 <= month <= 12:
            raise NoSuchDate(" ".join(tokens[:3]))
    if month is None:
        if _looks_like_month(tokens[1]):
            raise UnreadableDate(tokens[1])
        return None
    year = _with_year(tokens, 2)
    if year is not None:
        return Reading(_in_range(year, month, day, " ".join(tokens[:3])), 3)
    return Reading(next_occurrence(month, day, after, " ".join(tokens[:2])), 2, yearless=True)


def _numeric(first: str, after: date) -> Reading | None:
    """``2027-03-12``, ``12-03-2027``, ``12/3/27``, ``12-3``."""
    if m := _ISO.match(first):
        return Reading(_in_range(int(m[1]), int(m[2]), int(m[3]), first), 1)
    if m := _DMY.match(first):
        return Reading(_in_range(_year(m[4]), int(m[3]), int(m[1]), first), 1)
    if m := _DM.match(first):
        if not 1 <= int(m[2]) <= 12:
            raise NoSuchDate(first)
        return Reading(next_occurrence(int(m[2]), int(m[1]), after, first), 1, yearless=True)
    return None


def _part_of_month(tokens: list[str], after: date) -> Reading | None:
    """``eind maart``, ``begin april 2028``, ``half juni``."""
    if len(tokens) < 2 or _word(tokens[0]) not in PART_OF_MONTH:
        return None
    month = _month(tokens[1])
    if month is None:
        if _looks_like_month(tokens[1]):
            raise UnreadableDate(tokens[1])
        return None  # "begin bouw": a title, not a date
    wanted = PART_OF_MONTH[_word(tokens[0])]
    year = _with_year(tokens, 2)
    if year is not None:
        typed = " ".join(tokens[:3])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise DateOutOfRange(typed)
        return Reading(date(year, month, wanted or _last_day(year, month)), 3)
    found = date(after.year, month, wanted or _last_day(after.year, month))
    if found < after:  # "begin februari" on 2 February: next year's
        found = date(after.year + 1, month, wanted or _last_day(after.year + 1, month))
    return Reading(found, 2, yearless=True)


def _relative(tokens: list[str], today: date) -> Reading | None:
    """``morgen``, ``over 2 weken``, ``dinsdag``, ``volgende week dinsdag``."""
    first = _word(tokens[0])
    if first in RELATIVE:
        return Reading(today + timedelta(days=RELATIVE[first]), 1)
    if first in ("over", "in") and len(tokens) >= 3 and _word(tokens[2]) in UNITS:
        count = COUNTS.get(_word(tokens[1])) or (
            int(tokens[1]) if tokens[1].isdigit() and len(tokens[1]) < 4 else None)
        if count is None:
            raise UnreadableDate(tokens[1])
        unit = UNITS[_word(tokens[2])]
        found = today + timedelta(days=count * unit) if unit else _add_months(today, count)
        if found.year > LAST_YEAR:
            raise DateOutOfRange(" ".join(tokens[:3]))
        return Reading(found, 3)
    if tuple(_word(tok) for tok in tokens[:2]) in NEXT_WEEK:
        monday = today + timedelta(days=7 - today.weekday())
        if len(tokens) >= 3 and _word(tokens[2]) in WEEKDAYS:
            return Reading(monday + timedelta(days=WEEKDAYS[_word(tokens[2])]), 3)
        return Reading(monday, 2)
    return None


def _weekday(tokens: list[str], today: date, after: date) -> Reading | None:
    """``dinsdag`` (the next one after today), or a weekday before a date, which must agree."""
    name = _word(tokens[0])
    if name in ("volgende", "next") and len(tokens) >= 2 and _word(tokens[1]) in WEEKDAYS:
        tokens, extra = tokens[1:], 1  # "volgende dinsdag": the next Tuesday
        name = _word(tokens[0])
    else:
        extra = 0
    if name not in WEEKDAYS:
        return None
    wanted = WEEKDAYS[name]
    if extra == 0 and len(tokens) >= 2:
        rest = _read(tokens[1:], today, after)
        if rest is not None:
            if rest.day.weekday() != wanted:
                raise WrongWeekday(" ".join(tokens[: 1 + rest.used]), rest.day)
            return Reading(rest.day, rest.used + 1, rest.yearless)
    ahead = (wanted - today.weekday() - 1) % 7 + 1
    return Reading(today + timedelta(days=ahead), 1 + extra)


def _day_before_range(tokens: list[str], today: date, after: date) -> Reading | None:
    """``19`` in ``19 t/m 23 juli``: the day of the month the end names."""
    day_match = _DAY.match(tokens[0].lower())
    if day_match is None or len(tokens) < 3:
        return None
    joined = [tok.lower() for tok in tokens[1:]]
    for word in RANGE_WORDS:
        size = len(word.split())
        if joined[:size] == word.split():
            end = _read(tokens[1 + size:], today, after)
            if end is None:
                return None
            day = int(day_match[1])
            typed = f"{day}-{end.day.month}"
            if end.yearless:
                found = next_occurrence(end.day.month, day, after, typed)
            else:
                found = _in_range(end.day.year, end.day.month, day, typed)
            return Reading(found, 1, end.yearless)
    return None


def _read(tokens: list[str], today: date, after: date) -> Reading | None:
    if not tokens:
        return None
    return (_numeric(tokens[0].lower().rstrip(","), after)
            or _relative(tokens, today) or _weekday(tokens, today, after)
            or _part_of_month(tokens, after) or _day_month(tokens, today, after)
            or _day_before_range(tokens, today, after))


def read_date(tokens: list[str], today: date, after: date | None = None) -> Reading | None:
    """Read a date from the start of ``tokens``, or None when they do not begin with one.

    A date without a year is the first such date on or after ``after`` (default: today).
    A date that was begun but cannot be used raises a ``DateError`` naming what was wrong.
    """
    return _read(tokens, today, after or today)


def match_date(tokens: list[str], today: date) -> tuple[date, int] | None:
    """``read_date`` as (date, tokens used)."""
    found = read_date(tokens, today)
    return (found.day, found.used) if found else None


def range_word(tokens: list[str]) -> int:
    """How many of ``tokens`` are a range word (``t/m``, ``tot en met``, ``-``), else 0."""
    lowered = [tok.lower() for tok in tokens]
    for word in RANGE_WORDS:
        if lowered[: len(word.split())] == word.split():
            return len(word.split())
    return 0


def looks_like_date(text: str) -> bool:
    """Whether ``text`` begins the way a date does (a number, "volgende", "over 2"), for
    a refusal that names the date instead of asking for one."""
    words = text.lower().split()
    return bool(words) and (words[0][0].isdigit() or words[0] in ("volgende", "next") or (
        words[0] in ("over", "in") and len(words) > 1 and words[1][0].isdigit()))


def parse_date(text: str, today: date) -> date | None:
    """The whole text as one date, or None."""
    tokens = text.split()
    found = read_date(tokens, today)
    if found is None or found.used != len(tokens):
        return None
    return found.day


@cache
def _babel_dates():  # type: ignore[no-untyped-def]
    # Imported on first use: babel's locale data is not needed to start the console.
    from babel import dates

    return dates


def format_date(value: date, language: str = "nl") -> str:
    """``donderdag 12 maart 2026``."""
    return _babel_dates().format_date(value, "EEEE d MMMM y", locale=language)


def format_short(value: date, language: str = "nl") -> str:
    """``12 mrt 2026``: for lists, where the weekday would crowd a phone screen."""
    return _babel_dates().format_date(value, "d MMM y", locale=language).replace(".", "")


def format_moment(value: datetime, tz: ZoneInfo, language: str = "nl") -> str:
    local = value.astimezone(tz)
    return f"{format_short(local.date(), language)} {local:%H:%M}"
