"""Planning the driehoek's reminders: milestones (ahead, on the day, overdue), status
requests, and the one folded message for who returns from an absence without a
vervanger. Everything goes into the outbox under a delivery key that names the
occurrence, so planning again — in this process or three others — adds nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from bot import schedule
from bot.context import Ctx
from bot.messages import Message
from bot.permissions import holds
from bot.schedule import Reminder, Rules, due_for, return_day, status_round
from bot.services import notify
from bot.services import reminder_messages as messages
from bot.workdays import Calendar
from storage import outbox
from storage.models import Afwezigheid, Mijlpaal, Opgave, OutboxBericht, Persoon, Uitstel
from storage.queries import open_milestone_opgave

CLOSED_FASE = "afgerond"
# Who returned this long ago and has not been welcomed back (the worker was down) is
# not welcomed any more: their milestones have their own reminders again by then.
WELCOME_BACK_WITHIN = timedelta(days=14)


@dataclass
class Plan:
    ctx: Ctx
    calendar: Calendar
    rules: Rules

    @property
    def today(self) -> date:
        return self.ctx.today


def absences_on(ctx: Ctx, day: date) -> dict[int, Afwezigheid]:
    """Who in the regio is away on ``day`` (the latest registration wins)."""
    rows = ctx.session.scalars(
        select(Afwezigheid).join(Persoon, Persoon.id == Afwezigheid.persoon_id)
        .where(Persoon.regio_id == ctx.regio.id, Afwezigheid.van <= day, Afwezigheid.tot >= day)
        .options(joinedload(Afwezigheid.vervanger)).order_by(Afwezigheid.id))
    return {a.persoon_id: a for a in rows}


def _reminded(opgave: Opgave, mijlpaal: Mijlpaal) -> list[int]:
    """Who is reminded of a milestone: its eigenaar, the projectleider and the ambtelijk
    opdrachtgever. The bestuurlijk opdrachtgever is not (unless they own it): a
    wethouder cannot close or move a milestone and reads the weekly overview instead."""
    ids = (mijlpaal.eigenaar_id, opgave.projectleider_id, opgave.ambtelijk_opdrachtgever_id)
    return [p for p in dict.fromkeys(ids) if p is not None]


def _recipients(ctx: Ctx, opgave: Opgave, mijlpaal: Mijlpaal,
                people: dict[int, Persoon]) -> list[Persoon]:
    """The milestone's reminded people, each once; those with a chat account first, so a
    stand-in who is one of them gets the reminder in their own right."""
    ids = _reminded(opgave, mijlpaal)
    found = [people[i] for i in ids if i in people and people[i].actief]
    return sorted(found, key=lambda p: not notify.reachable(ctx, p))


# Builds the message, given who is away and until when when it goes to their vervanger.
Build = Callable[[tuple[Persoon, date] | None], Message]


def _send(plan: Plan, persoon: Persoon, build: Build, key: str,
          away: dict[int, Afwezigheid], served: set[int] | None = None, *,
          opgave: Opgave) -> int:
    """To the person; while they are away to their vervanger, or (without one) not now:
    they get one folded message when they return. Returns the rows newly stored."""
    absence = away.get(persoon.id)
    if absence is None:
        return notify.to_person(plan.ctx, persoon, build(None), key, served=served)
    if absence.vervanger is None or absence.vervanger_id == persoon.id:
        return 0
    if served is not None and absence.vervanger_id in served:
        return 0
    message = build((persoon, absence.tot))
    if not holds(replace(plan.ctx, actor=absence.vervanger), "opgave.status", opgave):
        # Not of this opgave's driehoek (the status, milestone and dilemma rights are
        # one set): they read it to know, with no button a click on would be refused.
        message = messages.for_vervanger(message)
    return notify.to_person(plan.ctx, absence.vervanger, message,
                            f"{key}:afwezig@{persoon.id}", served=served)


def plan_milestones(plan: Plan, away: dict[int, Afwezigheid]) -> int:
    """Each open milestone near or past its date: its most recent due reminder, to each
    recipient who has not snoozed it."""
    ctx, today = plan.ctx, plan.today
    # Beyond this date no reminder can be due yet; the margin covers weekend dates.
    horizon = plan.calendar.add(today, plan.rules.horizon) + timedelta(days=4)
    found = [(m, o) for m, o in ctx.session.execute(
        select(Mijlpaal, Opgave).join(Opgave, Opgave.id == open_milestone_opgave(ctx.session))
        .where(Mijlpaal.afgerond_op.is_(None), Mijlpaal.datum <= horizon,
               Opgave.regio_id == ctx.regio.id, Opgave.fase != CLOSED_FASE)
        .options(joinedload(Mijlpaal.besluit_door))
        .order_by(Mijlpaal.datum, Mijlpaal.id))]
    if not found:
        return 0
    late, rows = _split_escalated(plan, found)
    ids = {m.id for m, _ in rows}
    snoozed = {(u.persoon_id, u.mijlpaal_id): u.tot for u in ctx.session.scalars(
        select(Uitstel).join(Mijlpaal, Mijlpaal.id == Uitstel.mijlpaal_id).where(
            Mijlpaal.afgerond_op.is_(None), Mijlpaal.datum <= horizon)) if u.mijlpaal_id in ids}
    wanted = {p for m, o in rows for p in _reminded(o, m)}
    wanted |= {o.ambtelijk_opdrachtgever_id for _, o in late
               if o.ambtelijk_opdrachtgever_id is not None}
    people = {p.id: p for p in ctx.session.scalars(select(Persoon).where(Persoon.id.in_(wanted)))}
    vervangers = {a.vervanger_id for a in away.values() if a.vervanger_id is not None}
    notify.know_accounts(ctx, wanted | vervangers)
    recipients = {m.id: _recipients(ctx, o, m, people) for m, o in rows}
    dues = {m.id: _dues(plan, m, recipients[m.id], snoozed, away) for m, _ in rows}
    planned = _already_planned(ctx, rows, dues, away)
    escalated_before = _escalated_before(ctx)
    with outbox.batched(ctx.session) as batch:
        for mijlpaal, opgave in late:
            if _escalation_key(mijlpaal) not in escalated_before:
                _escalate(plan, mijlpaal, opgave, people, away)
        for mijlpaal, opgave in rows:
            _remind(plan, mijlpaal, opgave, recipients[mijlpaal.id], dues[mijlpaal.id],
                    planned, away)
    return len(batch.new)


def _remind(plan: Plan, mijlpaal: Mijlpaal, opgave: Opgave, recipients: list[Persoon],
            dues: list[tuple[Persoon, Reminder]], planned: set[tuple[int, int, str]],
            away: dict[int, Afwezigheid]) -> None:
    """One milestone's due reminders, each text built once for all who get it as their
    own (only a stand-in's copy names whom it is for)."""
    ctx, today = plan.ctx, plan.today
    base = f"herinnering:m{mijlpaal.id}:{mijlpaal.datum.isoformat()}"
    left = plan.calendar.between(today, mijlpaal.datum) if mijlpaal.datum > today else 0
    if not recipients:
        # Every role vacant: the opgave's own channel hears it.
        due = due_for(mijlpaal.datum, today, plan.calendar, plan.rules)
        if due is not None:
            notify.to_channel(ctx, notify.home_channel(ctx, opgave),
                              messages.reminder(opgave, mijlpaal, due, today, left),
                              f"{base}:{due.label}")
        return
    served: set[int] = set()
    built: dict[str, Message] = {}
    for persoon, due in dues:
        if (mijlpaal.id, persoon.id, due.label) in planned:
            served.add(persoon.id)  # reached before: still no copy for their stand-in
            continue
        _send(plan, persoon, partial(_reminder_text, built, opgave, mijlpaal, due, today, left),
              f"{base}:{due.label}", away, served, opgave=opgave)


def _reminder_text(built: dict[str, Message], opgave: Opgave, mijlpaal: Mijlpaal,
                   due: Reminder, today: date, left: int,
                   on_behalf: tuple[Persoon, date] | None = None) -> Message:
    """The reminder, built once per milestone and due reminder; a stand-in's copy (which
    says whom it is for) is its own."""
    if on_behalf is not None:
        return messages.reminder(opgave, mijlpaal, due, today, left, on_behalf)
    if due.label not in built:
        built[due.label] = messages.reminder(opgave, mijlpaal, due, today, left)
    return built[due.label]


def _split_escalated(plan: Plan, rows: Sequence[tuple[Mijlpaal, Opgave]]) -> tuple[
        list[tuple[Mijlpaal, Opgave]], list[tuple[Mijlpaal, Opgave]]]:
    """(escalated, still reminded): after a few weekly late reminders a milestone goes to
    the ambtelijk opdrachtgever once and its personal reminders stop."""
    late: list[tuple[Mijlpaal, Opgave]] = []
    kept: list[tuple[Mijlpaal, Opgave]] = []
    for mijlpaal, opgave in rows:
        escalated = schedule.escalated(mijlpaal.datum, plan.today, plan.calendar, plan.rules)
        (late if escalated else kept).append((mijlpaal, opgave))
    return late, kept


def _escalation_key(mijlpaal: Mijlpaal) -> str:
    """Once per milestone and date: moved to a new date, it starts over."""
    return f"escalatie:m{mijlpaal.id}:{mijlpaal.datum.isoformat()}"


def _escalated_before(ctx: Ctx) -> set[str]:
    """The escalations in the outbox already, in one query: planning runs every minute and
    a milestone stays escalated until it is closed or moved."""
    keys = ctx.session.scalars(select(OutboxBericht.delivery_key).where(
        OutboxBericht.regio_id == ctx.regio.id,
        OutboxBericht.delivery_key.like("escalatie:m%")))
    return {":".join(k.split(":")[:3]) for k in keys}


def _escalate(plan: Plan, mijlpaal: Mijlpaal, opgave: Opgave, people: dict[int, Persoon],
              away: dict[int, Afwezigheid]) -> int:
    """One message to the ambtelijk opdrachtgever (when that role is vacant: the
    programmamanager) saying what is late, since when and whose it is."""
    ctx = plan.ctx
    key = _escalation_key(mijlpaal)
    whose = mijlpaal.eigenaar or opgave.projectleider
    build = partial(messages.escalation, opgave, mijlpaal, whose, plan.today,
                    plan.rules.escalate_after)
    sponsor = people.get(opgave.ambtelijk_opdrachtgever_id or 0)
    if sponsor is not None and sponsor.actief:
        return _send(plan, sponsor, build, key, away, opgave=opgave)
    managers = ctx.session.scalars(select(Persoon).where(
        Persoon.regio_id == ctx.regio.id, Persoon.is_programmamanager, Persoon.actief)
        .order_by(Persoon.id))
    return sum(_send(plan, manager, build, key, away, opgave=opgave) for manager in managers)


def _dues(plan: Plan, mijlpaal: Mijlpaal, recipients: list[Persoon],
          snoozed: dict[tuple[int, int], date],
          away: dict[int, Afwezigheid]) -> list[tuple[Persoon, Reminder]]:
    """Each recipient of the milestone with the reminder due for them today: the same
    for everyone who has not snoozed it, so worked out once."""
    found = []
    regular: Reminder | None = None
    worked_out = False
    for persoon in recipients:
        # A vervanger may snooze what reaches them on someone's behalf.
        absence = away.get(persoon.id)
        snooze = snoozed.get((persoon.id, mijlpaal.id)) or (
            snoozed.get((absence.vervanger_id, mijlpaal.id))
            if absence and absence.vervanger_id is not None else None)
        if snooze is not None:
            due = due_for(mijlpaal.datum, plan.today, plan.calendar, plan.rules, snooze)
        else:
            if not worked_out:
                regular = due_for(mijlpaal.datum, plan.today, plan.calendar, plan.rules)
                worked_out = True
            due = regular
        if due is not None:
            found.append((persoon, due))
    return found


def _already_planned(ctx: Ctx, rows: Sequence[tuple[Mijlpaal, Opgave]],
                     dues: dict[int, list[tuple[Persoon, Reminder]]],
                     away: dict[int, Afwezigheid]) -> set[tuple[int, int, str]]:
    """(milestone, person, label) whose reminder is in the outbox already, for everyone
    reached directly, in a few queries: planning runs every minute and would otherwise
    build thousands of messages all day only to find their keys taken."""
    keys: dict[str, tuple[int, int, str]] = {}
    platforms = notify.platforms_of(ctx)
    for mijlpaal, _ in rows:
        for persoon, due in dues[mijlpaal.id]:
            if persoon.id in away or not notify.reachable(ctx, persoon):
                continue
            base = f"herinnering:m{mijlpaal.id}:{mijlpaal.datum.isoformat()}:{due.label}"
            for platform in platforms:
                keys[f"{base}:@{persoon.id}:{persoon.id}:{platform}"] = (
                    mijlpaal.id, persoon.id, due.label)
    found: list[str] = []
    wanted = list(keys)
    for start in range(0, len(wanted), 1000):
        found += ctx.session.scalars(select(OutboxBericht.delivery_key).where(
            OutboxBericht.delivery_key.in_(wanted[start:start + 1000])))
    per_recipient: dict[tuple[int, int, str], int] = {}
    for key in found:
        per_recipient[keys[key]] = per_recipient.get(keys[key], 0) + 1
    return {k for k, n in per_recipient.items() if n == len(platforms)}


def plan_status_requests(plan: Plan, away: dict[int, Afwezigheid]) -> int:
    """An opgave without a status update for the cadence asks its projectleider (or,
    when that role is vacant, its channel) once per cadence."""
    ctx, rules = plan.ctx, plan.rules
    last = func.coalesce(Opgave.status_op, Opgave.aangemaakt_op)
    stale = ctx.session.scalars(
        select(Opgave).where(Opgave.regio_id == ctx.regio.id, Opgave.fase != CLOSED_FASE,
                             last <= ctx.now - timedelta(weeks=rules.status_cadence_weeks))
        .options(joinedload(Opgave.projectleider), joinedload(Opgave.overleg))
        .order_by(Opgave.id)).unique().all()
    sent = 0
    for opgave in stale:
        since = (opgave.status_op or opgave.aangemaakt_op).astimezone(ctx.tz).date()
        rounds = status_round(since, plan.today, rules)
        if rounds < 1:
            continue
        key = f"statusvraag:o{opgave.id}:{since.isoformat()}:{rounds}"
        weeks = rules.status_cadence_weeks * rounds
        shown = since if opgave.status_op else None

        if opgave.projectleider is None or not opgave.projectleider.actief:
            sent += notify.to_channel(ctx, notify.home_channel(ctx, opgave),
                                      messages.status_request(opgave, shown, weeks), key)
        else:
            build = partial(messages.status_request, opgave, shown, weeks)
            sent += _send(plan, opgave.projectleider, build, key, away, opgave=opgave)
    return sent


def plan_welcome_back(plan: Plan) -> int:
    """Who returned today (or recently, if the worker was down) from an absence without
    a vervanger gets one message with their milestones that are due or overdue."""
    ctx, today = plan.ctx, plan.today
    ended = ctx.session.scalars(
        select(Afwezigheid).join(Persoon, Persoon.id == Afwezigheid.persoon_id)
        .where(Persoon.regio_id == ctx.regio.id, Afwezigheid.vervanger_id.is_(None),
               Afwezigheid.tot < today, Afwezigheid.tot >= today - WELCOME_BACK_WITHIN)
        .options(joinedload(Afwezigheid.persoon))).all()
    horizon = plan.calendar.add(today, plan.rules.horizon)
    sent = 0
    for absence in ended:
        if return_day(absence.tot, plan.calendar) > today or not absence.persoon.actief:
            continue
        me = absence.persoon_id
        items = ctx.session.execute(
            select(Opgave, Mijlpaal).join(Mijlpaal, Mijlpaal.opgave_id == Opgave.id)
            .where(Opgave.regio_id == ctx.regio.id, Opgave.fase != CLOSED_FASE,
                   Mijlpaal.afgerond_op.is_(None), Mijlpaal.datum <= horizon,
                   or_(Mijlpaal.eigenaar_id == me, Opgave.projectleider_id == me,
                       Opgave.ambtelijk_opdrachtgever_id == me))
            .order_by(Mijlpaal.datum, Opgave.code)).all()
        if items:
            sent += notify.to_person(ctx, absence.persoon, messages.welcome_back(
                absence.persoon, list(items), today), f"terug:a{absence.id}")
    return sent
