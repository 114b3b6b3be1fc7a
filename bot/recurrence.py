"""Meeting rhythms as a body writes them: "elke dinsdag 10:00", "elke tweede dinsdag van
de maand 10:00", "elke laatste vrijdag van de maand 14:30". A day of the rhythm that is a
day off moves to the next working day, or with ", vrije dag ervoor" written after it to
the working day before. Pure: text in, dates out."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, time, timedelta

from bot.errors import UserError
from bot.schedule import WEEKDAYS
from bot.texts import t
from bot.workdays import Calendar

ORDINALS = {"eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "laatste": -1}
DEFAULT_TIME = time(10, 0)
_PATTERN = re.compile(
    r"^elke\s+(?:(?P<nth>eerste|tweede|derde|vierde|laatste)\s+)?(?P<day>[a-z]+)"
    r"(?P<month>\s+van\s+de\s+maand)?(?:\s+(?:om\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2}))?"
    r"(?:\s*,?\s*(?:op\s+een\s+)?vrije\s+dag\s+(?:de\s+)?(?:werkdag\s+)?"
    r"(?P<shift>ervoor|eerder|erna|later))?$")
# How a body wants a rhythm day that is a day off moved: the working day after (the
# default) or the one before, as written after the rhythm.
EARLIER_WORDS = ("ervoor", "eerder")
EARLIER_TEXT = ", op een vrije dag de werkdag ervoor"


@dataclass(frozen=True)
class Ritme:
    weekday: int  # 0 is Monday
    nth: int | None  # 1–4, -1 for the last; None: every week
    at: time = DEFAULT_TIME
    # A rhythm day that is a day off moves to the working day before (else: after).
    earlier: bool = False

    def __str__(self) -> str:
        day = WEEKDAYS[self.weekday]
        when = f"{self.at.hour:02d}:{self.at.minute:02d}"
        shift = EARLIER_TEXT if self.earlier else ""
        if self.nth is None:
            return f"elke {day} {when}{shift}"
        ordinal = next(word for word, n in ORDINALS.items() if n == self.nth)
        return f"elke {ordinal} {day} van de maand {when}{shift}"


def parse(text: str) -> Ritme:
    """A rhythm from Dutch text; a clear Dutch refusal when it is not one."""
    match = _PATTERN.match(" ".join(text.lower().split()))
    if match is None or match["day"] not in WEEKDAYS or (match["nth"] and not match["month"]):
        raise UserError(t("ritme.onbekend", text=text.strip()))
    at = DEFAULT_TIME
    if match["hour"]:
        hour, minute = int(match["hour"]), int(match["minute"])
        if hour > 23 or minute > 59:
            raise UserError(t("ritme.tijd", text=text.strip()))
        at = time(hour, minute)
    return Ritme(WEEKDAYS.index(match["day"]), ORDINALS[match["nth"]] if match["nth"] else None,
                 at, match["shift"] in EARLIER_WORDS)


def _in_month(ritme: Ritme, year: int, month: int) -> date | None:
    assert ritme.nth is not None
    if ritme.nth > 0:
        first = date(year, month, 1)
        day = first + timedelta(days=(ritme.weekday - first.weekday()) % 7
                                + 7 * (ritme.nth - 1))
        return day if day.month == month else None
    last = date(year, month, monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - ritme.weekday) % 7)


def dates(ritme: Ritme, start: date, end: date) -> list[date]:
    """The days of the rhythm from ``start`` to ``end``, both included."""
    if ritme.nth is None:
        first = start + timedelta(days=(ritme.weekday - start.weekday()) % 7)
        return [first + timedelta(weeks=n) for n in range((end - first).days // 7 + 1)]
    found = []
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        day = _in_month(ritme, year, month)
        if day is not None and start <= day <= end:
            found.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def working_day(day: date, calendar: Calendar, earlier: bool, not_before: date) -> date:
    """Where a meeting of the rhythm on ``day`` is held: that day when it is a working
    day, else the working day before it (``earlier``) or after it. Never before
    ``not_before`` (today): a meeting is not planned in the past, so it then goes after."""
    if calendar.is_working_day(day):
        return day
    if earlier:
        before = calendar.on_or_before(day)
        if before >= not_before:
            return before
    return calendar.on_or_after(day)
