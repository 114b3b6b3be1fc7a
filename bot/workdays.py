"""Working days by the Cao Gemeenten (since 2023): the Dutch public holidays of the
``holidays`` package, with Bevrijdingsdag off every year (the package has it only in
lustrum years) and Goede Vrijdag a working day; a region adds its own closing days.
Weekends are never working days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache


@lru_cache(maxsize=32)
def _closed(year: int) -> dict[date, str]:
    """The Cao's days off in ``year``, with their Dutch names."""
    import holidays  # only the paths that count working days pay for loading it
    from dateutil.easter import easter

    days = dict(holidays.NL(years=year, language="nl"))
    days.pop(easter(year) - timedelta(days=2), None)  # Goede Vrijdag: a working day
    days[date(year, 5, 5)] = "Bevrijdingsdag"  # every year, not only in lustrum years
    return days


class Calendar:
    def __init__(self, closing_days: Iterable[date] = ()) -> None:
        self.closing_days = frozenset(closing_days)
        # Planning asks the same few sums for a thousand milestones on a few dates.
        self._sums: dict[tuple[date, int], date] = {}
        self._counts: dict[tuple[date, date], int] = {}

    def is_working_day(self, day: date) -> bool:
        return (day.weekday() < 5 and day not in _closed(day.year)
                and day not in self.closing_days)

    def day_off(self, day: date) -> str | None:
        """Why ``day`` is not a working day, in Dutch ("Tweede paasdag", "weekend"), or
        None on a working day."""
        if day in _closed(day.year):
            return _closed(day.year)[day]
        if day in self.closing_days:
            return "sluitingsdag"
        return "weekend" if day.weekday() >= 5 else None

    def why_off(self, day: date) -> tuple[str, str] | None:
        """Why ``day`` is not a working day, as a kind ("feestdag", "sluitingsdag",
        "weekend") and, for a holiday, its Dutch name; None on a working day."""
        if day in _closed(day.year):
            return "feestdag", _closed(day.year)[day]
        if day in self.closing_days:
            return "sluitingsdag", ""
        return ("weekend", "") if day.weekday() >= 5 else None

    def add(self, day: date, count: int) -> date:
        """``count`` working days after ``day`` (before it when negative)."""
        known = self._sums.get((day, count))
        if known is not None:
            return known
        start, step = day, timedelta(days=1 if count >= 0 else -1)
        for _ in range(abs(count)):
            day += step
            while not self.is_working_day(day):
                day += step
        self._sums[(start, count)] = day
        return day

    def between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        known = self._counts.get((start, end))
        if known is None:
            known = self._counts[(start, end)] = sum(
                self.is_working_day(start + timedelta(days=n))
                for n in range(1, (end - start).days + 1))
        return known

    def on_or_before(self, day: date) -> date:
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def on_or_after(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day


def of_regio(settings: dict[str, object]) -> Calendar:
    """The region's calendar: its closing days (ISO dates) on top of the Cao's."""
    raw = settings.get("sluitingsdagen") or []
    days = [date.fromisoformat(str(d)) for d in raw] if isinstance(raw, list) else []
    return Calendar(days)
