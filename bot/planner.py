"""One planning pass: for every regio, write into the outbox what is due at ``now``.

Planning is a function of the data, the calendar and ``now``; it runs every minute in
every worker, and after downtime simply asks again. Each regio is planned in its own
unit of work. On PostgreSQL a transaction-level advisory lock lets one worker plan a
regio while the others skip it (they would add nothing: delivery keys are unique); on
SQLite the writing unit of work already holds the file's write lock.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, fields
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.context import Ctx, system_actor
from bot.schedule import Rules, digest_due, overview_due, sending_day
from bot.services import (
    afwegingen,
    decisions,
    digest,
    meeting_summary,
    meetings,
    reminders,
)
from bot.workdays import Calendar, of_regio
from storage.db import Database
from storage.models import PlanningStand, PlanningTeller, Regio
from storage.planning_counter import COUNTER_ID

log = logging.getLogger(__name__)
# Advisory lock keys: the deployment's schema in the high half, the regio id in the low
# half. Advisory locks are shared by the whole database, and a regio 1 exists in every
# schema: keyed by id alone, a worker of another schema (another deployment, a test run
# beside this one) planning its regio 1 made ours skip its own.
_LOCK_SPACE = text("hashtext('regiobot:' || current_schema())")


@dataclass
class Planned:
    herinneringen: int = 0
    statusvragen: int = 0
    terug: int = 0
    digests: int = 0
    overzichten: int = 0
    afweging_herinneringen: int = 0
    afwegingen_verlopen: int = 0
    vergaderdagen_vrij: int = 0
    vergaderstukken: int = 0
    besluiten_herinnerd: int = 0

    def add(self, other: Planned) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def __str__(self) -> str:
        return ", ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))


def _claim_regio(session: Session, regio_id: int) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(
        select(func.pg_try_advisory_xact_lock(_LOCK_SPACE, regio_id))))


def plan_regio(ctx: Ctx, rules: Rules, teller: int | None = None) -> Planned:
    """Plan one regio. ``teller``: the change counter, read before anything else in this
    unit of work (read here when not given)."""
    done = Planned()
    teller = read_counter(ctx.session) if teller is None else teller
    calendar = of_regio(ctx.regio.instellingen)
    # An afweging past its term closes whatever the hour: its result is not a reminder.
    done.afwegingen_verlopen = len(afwegingen.expire(ctx))
    today = sending_day(ctx.now, calendar, rules, ctx.tz)
    if today is None:
        return done
    plan = reminders.Plan(ctx, calendar, rules)
    stand = _Stand.read(ctx, teller, today, rules, calendar)
    away = reminders.absences_on(ctx, today)
    if stand.changed:
        done.herinneringen = reminders.plan_milestones(plan, away)
    done.statusvragen = reminders.plan_status_requests(plan, away)
    done.terug = reminders.plan_welcome_back(plan)
    done.afweging_herinneringen = afwegingen.send_nudges(ctx)
    done.vergaderdagen_vrij = meetings.plan_rhythms(ctx, calendar)
    done.vergaderstukken = meeting_summary.plan(ctx, calendar)
    done.besluiten_herinnerd = decisions.plan_followup(ctx, calendar)
    week = digest_due(today, calendar, rules)
    if week is not None:
        done.digests = digest.plan(ctx, week, rules)
    week = overview_due(today, calendar, rules)
    if week is not None and stand.changed:
        done.overzichten = digest.plan_overviews(ctx, week)
    stand.record(ctx)
    return done


@dataclass
class _Stand:
    """Whether anything the milestone reminders and the weekly overviews depend on
    changed since this regio's last full pass: the day, its rules and calendar, or a
    table they read (see storage.models.planning). Planning runs every minute; on most
    minutes nothing did, and those two are the steps whose cost grows with the register.
    Status requests fall due by the hour and the other steps are cheap: they always run."""

    sleutel: str
    teller: int
    stored: PlanningStand | None

    @classmethod
    def read(cls, ctx: Ctx, teller: int, today: date, rules: Rules,
             calendar: Calendar) -> _Stand:
        inputs = f"{rules!r}|{sorted(calendar.closing_days)}"
        sleutel = f"{today.isoformat()}|{hashlib.sha256(inputs.encode()).hexdigest()}"
        return cls(sleutel, teller, ctx.session.get(PlanningStand, ctx.regio.id))

    @property
    def changed(self) -> bool:
        return (self.stored is None or self.stored.sleutel != self.sleutel
                or self.stored.teller != self.teller)

    def record(self, ctx: Ctx) -> None:
        if self.stored is None:
            ctx.session.add(PlanningStand(regio_id=ctx.regio.id, sleutel=self.sleutel,
                                          teller=self.teller))
        elif self.changed:
            self.stored.sleutel, self.stored.teller = self.sleutel, self.teller


def read_counter(session: Session) -> int:
    """The change counter (storage.planning_counter). Read before the data a pass plans
    from: a change committed after it is counted past what the pass stores, so the next
    pass plans in full (on PostgreSQL every statement sees what was committed by then)."""
    return session.scalar(select(PlanningTeller.teller).where(
        PlanningTeller.id == COUNTER_ID)) or 0


def plan(db: Database, now: datetime, tz: ZoneInfo, defaults: Rules) -> Planned:
    total = Planned()
    with db.read() as session:
        regio_ids = list(session.scalars(select(Regio.id).order_by(Regio.id)))
    for regio_id in regio_ids:
        with db.write() as session:
            if not _claim_regio(session, regio_id):
                log.info("regio %s is being planned by another worker", regio_id)
                continue
            teller = read_counter(session)  # before the regio's settings: see read_counter
            regio = session.get(Regio, regio_id)
            assert regio is not None
            ctx = Ctx(session=session, regio=regio, actor=system_actor(regio), now=now, tz=tz,
                      platform="console")
            total.add(plan_regio(ctx, Rules.of_regio(regio.instellingen, defaults), teller))
    return total
