"""When the bot speaks on its own: pure rules over dates, the working-day calendar and a
region's settings. No clock is read here and nothing is sent; planning asks these rules
what is due *today* and writes it into the outbox under a delivery key.

A reminder serves a deadline, so one whose day is not a working day goes out on the
working day before; a digest reports on a week, so it goes out on the working day after.
A worker that was down asks the same question when it starts: each milestone gets its
most recent due reminder only, never a burst of stale ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.workdays import Calendar

OVERDUE_EVERY = timedelta(weeks=1)
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


@dataclass(frozen=True)
class Rules:
    """A region's schedule: reminder lead times in working days, the status cadence,
    the digest's weekday, how many weekly late reminders go out before a milestone is
    escalated, the bestuurders' overview's weekday and the hour everything goes out."""

    reminder_days: tuple[int, ...] = (14, 7, 1)
    status_cadence_weeks: int = 4
    digest_weekday: int = 0  # Monday
    send_time: time = time(9, 0)
    # Late reminders "te-laat-0" … "te-laat-2" go out; the fourth week escalates instead.
    escalate_after: int = 3
    overview_weekday: int | None = None  # None: the digest's weekday

    @classmethod
    def of_regio(cls, instellingen: Mapping[str, object], defaults: Rules) -> Rules:
        """The region's own settings on top of the deployment's defaults."""
        days = instellingen.get("reminder_days")
        weeks = instellingen.get("status_cadence_weeks")
        day = instellingen.get("digest_day")
        overview = instellingen.get("bestuurder_overzicht_dag")
        escalate = instellingen.get("escalatie_na_herinneringen")
        return cls(
            reminder_days=tuple(sorted({int(d) for d in days if int(d) > 0}, reverse=True))
            if isinstance(days, list) else defaults.reminder_days,
            status_cadence_weeks=int(weeks) if isinstance(weeks, int) and weeks > 0
            else defaults.status_cadence_weeks,
            digest_weekday=WEEKDAYS.index(day) if day in WEEKDAYS else defaults.digest_weekday,
            send_time=defaults.send_time,
            escalate_after=escalate if isinstance(escalate, int) and escalate > 0
            else defaults.escalate_after,
            overview_weekday=WEEKDAYS.index(overview) if overview in WEEKDAYS
            else defaults.overview_weekday,
        )

    @property
    def horizon(self) -> int:
        """How many working days ahead a milestone can have a reminder due."""
        return max(self.reminder_days, default=0)


def send_moment(day: date, rules: Rules, tz: ZoneInfo) -> datetime:
    """The instant of ``day``'s send time in the region's time zone (09:00 is 07:00 UTC
    in summer and 08:00 UTC in winter: zoneinfo knows both changes)."""
    return datetime.combine(day, rules.send_time, tzinfo=tz)


def sending_day(now: datetime, calendar: Calendar, rules: Rules, tz: ZoneInfo) -> date | None:
    """Today when it is a working day and its send time has passed; else None (nothing
    goes out on a weekend, a holiday or before nine)."""
    today = now.astimezone(tz).date()
    if not calendar.is_working_day(today) or now < send_moment(today, rules, tz):
        return None
    return today


@dataclass(frozen=True)
class Reminder:
    """One reminder of a milestone: ``label`` names it in the delivery key ("14", "dag",
    "te-laat-0" …), ``day`` is the working day it goes out."""

    label: str
    day: date
    before: int = 0  # working days before the milestone; 0 on the day and after it
    overdue: bool = False


def reminders_before(datum: date, calendar: Calendar, rules: Rules) -> list[Reminder]:
    """The reminders ahead of a milestone and on its day, earliest first. Two that fall
    on the same working day (a Saturday milestone's "1" and "dag") are one: the later."""
    by_day: dict[date, Reminder] = {}
    for before in sorted(rules.reminder_days, reverse=True):
        day = calendar.add(datum, -before)
        by_day[day] = Reminder(str(before), day, before=before)
    on_the_day = calendar.on_or_before(datum)
    by_day[on_the_day] = Reminder("dag", on_the_day)
    return [by_day[d] for d in sorted(by_day)]


def overdue_weeks(datum: date, today: date, calendar: Calendar) -> int | None:
    """How many whole weeks past its first overdue working day a milestone on ``datum``
    is (0 in the first week), or None while it is not overdue."""
    first_overdue = calendar.add(datum, 1)
    if today < first_overdue:
        return None
    return (today - first_overdue) // OVERDUE_EVERY


def escalated(datum: date, today: date, calendar: Calendar, rules: Rules) -> bool:
    """Whether a milestone is so late that its personal reminders have stopped and it
    went to the ambtelijk opdrachtgever: after ``rules.escalate_after`` weekly ones."""
    weeks = overdue_weeks(datum, today, calendar)
    return weeks is not None and weeks >= rules.escalate_after


def due_reminder(datum: date, today: date, calendar: Calendar, rules: Rules) -> Reminder | None:
    """The most recent reminder of a milestone on ``datum`` that is due by ``today``."""
    first_overdue = calendar.add(datum, 1)
    if today >= first_overdue:
        weeks = (today - first_overdue) // OVERDUE_EVERY
        day = first_overdue if weeks == 0 else calendar.on_or_before(
            first_overdue + weeks * OVERDUE_EVERY)
        return Reminder(f"te-laat-{weeks}", day, overdue=True)
    due = [r for r in reminders_before(datum, calendar, rules) if r.day <= today]
    return due[-1] if due else None


def snoozed_reminder(snoozed_until: date, today: date, calendar: Calendar) -> Reminder | None:
    """*Herinner me later*: one reminder on the chosen day (the working day on or after)."""
    day = calendar.on_or_after(snoozed_until)
    return Reminder(f"later-{snoozed_until.isoformat()}", day) if day <= today else None


def due_for(datum: date, today: date, calendar: Calendar, rules: Rules,
            snoozed_until: date | None = None) -> Reminder | None:
    """The reminder due for one person: a snooze silences what falls before its day."""
    regular = due_reminder(datum, today, calendar, rules)
    if snoozed_until is None:
        return regular
    later = snoozed_reminder(snoozed_until, today, calendar)
    if later is None:
        return None
    return regular if regular is not None and regular.day > later.day else later


def digest_due(today: date, calendar: Calendar, rules: Rules) -> date | None:
    """The nominal day of the weekly digest due today, or None. It goes out on the
    working day on or after its weekday (Easter Monday's on Tuesday); one that would be
    more than one working day late is skipped, since the next one covers it."""
    nominal = today - timedelta(days=(today.weekday() - rules.digest_weekday) % 7)
    for week in (nominal, nominal - timedelta(weeks=1)):
        day = calendar.on_or_after(week)
        if day <= today <= calendar.add(day, 1):
            return week
    return None


def overview_due(today: date, calendar: Calendar, rules: Rules) -> date | None:
    """The nominal day of the bestuurders' weekly overview due today, or None: on the
    digest's weekday unless the region chose another (``bestuurder_overzicht_dag``)."""
    weekday = rules.digest_weekday if rules.overview_weekday is None else rules.overview_weekday
    return digest_due(today, calendar, replace(rules, digest_weekday=weekday))


def status_round(last_update: date, today: date, rules: Rules) -> int:
    """How many status cadences have passed without an update (0: none is due)."""
    return (today - last_update).days // (7 * rules.status_cadence_weeks)


def return_day(tot: date, calendar: Calendar) -> date:
    """The first working day after an absence."""
    return calendar.add(tot, 1)
