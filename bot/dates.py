"""Dutch dates: parsing what people type and writing them as people read them.

Babel formats dates but cannot parse month names, so that half is written here.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "maa": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "augustus": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
    "november": 11, "nov": 11, "december": 12, "dec": 12,
    # English, the second language.
    "january": 1, "february": 2, "march": 3, "mar": 3, "may": 5, "june": 6, "july": 7,
    "august": 8, "october": 10, "oct": 10,
}
RELATIVE = {"vandaag": 0, "today": 0, "morgen": 1, "tomorrow": 1, "overmorgen": 2}

# Dates the register plans with. Outside this range a typed date is a typo (9999, 0001)
# and would overflow date arithmetic and the databases' timestamps.
FIRST_YEAR = 2000
LAST_YEAR = 2100

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DAY = re.compile(r"^(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


class DateOutOfRange(ValueError):
    """A well-formed date whose year lies outside FIRST_YEAR..LAST_YEAR."""

    def __init__(self, typed: str) -> None:
        super().__init__(typed)
        self.typed = typed


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _in_range(year: int, month: int, day: int, typed: str) -> date | None:
    """The date, None if there is no such day, DateOutOfRange if the year is too far."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateOutOfRange(typed)
    return _safe_date(year, month, day)


def _nearest(month: int, day: int, today: date) -> date | None:
    """A date without a year is the occurrence nearest to today (12 maart typed in
    november means next March; typed in April, last March)."""
    candidates = [_safe_date(today.year + d, month, day) for d in (-1, 0, 1)]
    valid = [c for c in candidates if c is not None]
    if not valid:
        return None
    return min(valid, key=lambda c: (abs((c - today).days), c < today))


def match_date(tokens: list[str], today: date) -> tuple[date, int] | None:
    """Read a date from the start of ``tokens``; return it and how many tokens it used.

    Accepts 2026-03-12, 12-03-2026, 12 maart 2026, 12 maart, vandaag, morgen. A year
    outside FIRST_YEAR..LAST_YEAR raises DateOutOfRange, so the refusal can say which.
    """
    if not tokens:
        return None
    first = tokens[0].lower().rstrip(",")
    if first in RELATIVE:
        return today + timedelta(days=RELATIVE[first]), 1
    if m := _ISO.match(first):
        found = _in_range(int(m[1]), int(m[2]), int(m[3]), tokens[0])
        return (found, 1) if found else None
    if m := _DMY.match(first):
        found = _in_range(int(m[3]), int(m[2]), int(m[1]), tokens[0])
        return (found, 1) if found else None
    if _DAY.match(first) and len(tokens) >= 2:
        month = MONTHS.get(tokens[1].lower().rstrip(".,"))
        if month is None:
            return None
        if len(tokens) >= 3 and _YEAR.match(tokens[2].rstrip(",")):
            found = _in_range(int(tokens[2].rstrip(",")), month, int(first),
                              " ".join(tokens[:3]))
            return (found, 3) if found else None
        found = _nearest(month, int(first), today)
        return (found, 2) if found else None
    return None


def parse_date(text: str, today: date) -> date | None:
    """The whole text as one date, or None."""
    tokens = text.split()
    found = match_date(tokens, today)
    if found is None or found[1] != len(tokens):
        return None
    return found[0]


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
