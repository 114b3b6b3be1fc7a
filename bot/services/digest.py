"""The weekly PLO digest: first what the reader must do, then the samenwerkingsagenda in
its own order (seed 001: work *agendagericht*, not *urgentiegericht*), each opgave with
what changed, what is due, what is late and what waits. Empty parts are left out; a
personal digest with nothing in it is not sent."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import joinedload

from bot.context import Ctx
from bot.errors import UserError
from bot.schedule import Rules, escalated
from bot.services import audit, decisions, notify, register, visibility
from bot.services.reminders import CLOSED_FASE, absences_on
from bot.texts import t
from bot.workdays import of_regio
from storage.models import (
    Afweging,
    Afwezigheid,
    AuditRegel,
    Dilemma,
    Mijlpaal,
    Opgave,
    OutboxBericht,
    Persoon,
    PloLid,
    Respondent,
)
from storage.queries import open_milestone_opgave

UPCOMING = timedelta(days=14)
WAITING = ("uitgenodigd", "bezig")


@dataclass
class News:
    """One opgave's week."""

    opgave: Opgave
    changes: list[AuditRegel] = field(default_factory=list)
    upcoming: list[Mijlpaal] = field(default_factory=list)
    overdue: list[Mijlpaal] = field(default_factory=list)
    dilemmas: list[Dilemma] = field(default_factory=list)
    vacant: list[str] = field(default_factory=list)
    # (answered, asked) of its open afweging, and who has not answered yet
    waiting: tuple[int, int] | None = None
    waiting_for: set[int] = field(default_factory=set)
    stale: bool = False

    @property
    def quiet(self) -> bool:
        return not (self.changes or self.upcoming or self.overdue or self.dilemmas
                    or self.vacant or self.waiting)


@dataclass
class Digest:
    week: date
    today: date
    news: list[News]
    away: list[Afwezigheid]
    reader: Persoon | None = None
    # Running opgaven in the regio (or the reader's share), news or not.
    total: int = 0
    # Why it comes later than its weekday ("Tweede paasdag"), when it does.
    moved: str | None = None
    # Per gemeente, the decisions it has not taken through yet: (opgave, step owed).
    besluiten: dict[str, list[tuple[Opgave, str]]] = field(default_factory=dict)
    # Late milestones whose reminders stopped: they went to the ambtelijk opdrachtgever.
    escalated: set[int] = field(default_factory=set)
    # For the programmamanager: per person, the messages of the week that reached nobody.
    unreachable: list[tuple[Persoon, int]] = field(default_factory=list)

    @property
    def told(self) -> list[News]:
        return [n for n in self.news if not n.quiet]

    def mine(self, news: News) -> bool:
        """Whether the reader is in this opgave's driehoek or owns one of its milestones."""
        if self.reader is None:
            return False
        me = self.reader.id
        o = news.opgave
        return me in (o.projectleider_id, o.ambtelijk_opdrachtgever_id,
                      o.bestuurlijk_opdrachtgever_id) or any(
            m.eigenaar_id == me for m in [*news.overdue, *news.upcoming])


def _running(ctx: Ctx) -> tuple[ColumnElement[bool], ...]:
    return (Opgave.regio_id == ctx.regio.id, Opgave.fase != CLOSED_FASE)


def gather(ctx: Ctx, week: date, rules: Rules, reader: Persoon | None = None) -> Digest:
    """Everything the digest says, in a handful of queries for the whole regio. Only the
    opgaven with something to say are loaded (a regio of thousands costs no more than
    its news); ``ctx``'s actor decides which vertrouwelijke dilemmas show (the bot
    itself: none)."""
    today, since = ctx.today, ctx.now - timedelta(weeks=1)
    running = select(Opgave.id).where(*_running(ctx))
    visible = visibility.dilemmas_anywhere(ctx)
    visible_audit = or_(AuditRegel.dilemma_id.is_(None),
                        AuditRegel.dilemma_id.in_(select(Dilemma.id).where(visible)))
    due_soon = (Mijlpaal.afgerond_op.is_(None), Mijlpaal.datum <= today + UPCOMING)
    open_dilemma = (Dilemma.status != "opgelost", visible)
    stale_before = ctx.now - timedelta(weeks=rules.status_cadence_weeks)
    has_news = or_(
        Opgave.id.in_(select(AuditRegel.opgave_id).where(AuditRegel.op >= since,
                                                         visible_audit)),
        Opgave.id.in_(select(Mijlpaal.opgave_id).where(*due_soon)),
        Opgave.id.in_(select(Dilemma.opgave_id).where(*open_dilemma)),
        Opgave.id.in_(select(Afweging.opgave_id).where(Afweging.status == "open")),
        Opgave.projectleider_id.is_(None), Opgave.ambtelijk_opdrachtgever_id.is_(None),
        Opgave.bestuurlijk_opdrachtgever_id.is_(None),
        func.coalesce(Opgave.status_op, Opgave.aangemaakt_op) <= stale_before,
    )
    opgaven = list(ctx.session.scalars(
        select(Opgave).where(*_running(ctx), has_news)
        .order_by(Opgave.agenda_volgorde, Opgave.code)))
    total = ctx.session.scalar(select(func.count()).select_from(Opgave).where(*_running(ctx)))
    news = {o.id: News(o, vacant=register.vacant_roles(o),
                       stale=(o.status_op or o.aangemaakt_op) <= stale_before) for o in opgaven}
    for entry in ctx.session.scalars(select(AuditRegel).where(
            AuditRegel.opgave_id.in_(running), AuditRegel.op >= since, visible_audit)
            .order_by(AuditRegel.op, AuditRegel.id)):
        news[entry.opgave_id or 0].changes.append(entry)
    for item in news.values():
        item.changes = audit.net_changes(item.changes)
    for m in ctx.session.scalars(select(Mijlpaal).where(
            open_milestone_opgave(ctx.session).in_(running), *due_soon)
                                 .options(joinedload(Mijlpaal.eigenaar))
                                 .order_by(Mijlpaal.datum, Mijlpaal.volgnummer)):
        (news[m.opgave_id].overdue if m.datum < today else news[m.opgave_id].upcoming).append(m)
    for d in ctx.session.scalars(select(Dilemma).where(
            Dilemma.opgave_id.in_(running), *open_dilemma).order_by(Dilemma.volgnummer)):
        news[d.opgave_id].dilemmas.append(d)
    answered = func.count(Respondent.id).filter(Respondent.status.not_in(WAITING))
    open_afweging = (Afweging.opgave_id.in_(running), Afweging.status == "open")
    for opgave_id, done, asked in ctx.session.execute(
            select(Afweging.opgave_id, answered, func.count(Respondent.id))
            .join(Respondent, Respondent.afweging_id == Afweging.id)
            .where(*open_afweging).group_by(Afweging.id, Afweging.opgave_id)):
        news[opgave_id].waiting = (int(done or 0), int(asked))
    for opgave_id, persoon_id in ctx.session.execute(
            select(Afweging.opgave_id, Respondent.persoon_id)
            .join(Respondent, Respondent.afweging_id == Afweging.id)
            .where(*open_afweging, Respondent.status.in_(WAITING))):
        news[opgave_id].waiting_for.add(persoon_id)
    away = sorted(absences_on(ctx, today).values(), key=lambda a: a.persoon.naam)
    calendar = of_regio(ctx.regio.instellingen)
    late = {m.id for n in news.values() for m in n.overdue
            if escalated(m.datum, today, calendar, rules)}
    unreachable = (_unreachable(ctx, since)
                   if reader is None or reader.is_programmamanager else [])
    return Digest(week, today, list(news.values()), away, reader, total=int(total or 0),
                  escalated=late, unreachable=unreachable)


def _unreachable(ctx: Ctx, since: datetime) -> list[tuple[Persoon, int]]:
    """Who had messages this week that reached no one (no account, no stand-in with one),
    with how many: counted on one platform, as each message is stored once per platform."""
    platform = notify.platforms_of(ctx)[0]
    counted = ctx.session.execute(
        select(OutboxBericht.doel, func.count(OutboxBericht.id))
        .where(OutboxBericht.regio_id == ctx.regio.id, OutboxBericht.status == notify.NOBODY,
               OutboxBericht.platform == platform, OutboxBericht.aangemaakt_op >= since)
        .group_by(OutboxBericht.doel)).all()
    people = {p.id: p for p in ctx.session.scalars(select(Persoon).where(
        Persoon.id.in_([int(doel) for doel, _ in counted])))}
    found = [(people[int(doel)], int(n)) for doel, n in counted if int(doel) in people]
    return sorted(found, key=lambda pair: pair[0].naam)


def wants_whole_agenda(ctx: Ctx, persoon: Persoon) -> bool:
    """PLO members and the programmamanager read the whole agenda; others their own."""
    return persoon.is_programmamanager or ctx.session.scalar(
        select(PloLid.persoon_id).where(PloLid.persoon_id == persoon.id).limit(1)) is not None


def personal(ctx: Ctx, digest: Digest) -> Digest:
    """The reader's own digest: their opgaven, or all of them for the PLO."""
    assert digest.reader is not None
    if wants_whole_agenda(ctx, digest.reader):
        return digest
    me = digest.reader.id
    kept = [n for n in digest.news if digest.mine(n) or me in n.waiting_for]
    return Digest(digest.week, digest.today, kept, digest.away, digest.reader,
                  total=len(kept), escalated=digest.escalated,
                  unreachable=digest.unreachable)


def plan(ctx: Ctx, week: date, rules: Rules) -> int:
    """The digest of the week of ``week`` to the PLO channel, and by DM to who asked."""
    from bot.services import digest_messages as render

    sent = 0
    key = f"digest:r{ctx.regio.id}:{week.isoformat()}"
    channel = notify.plo_channel(ctx)
    planned = [f"{key}:#{channel}:{platform}" for platform in notify.platforms_of(ctx)]
    if len(ctx.session.scalars(select(OutboxBericht.id).where(
            OutboxBericht.delivery_key.in_(planned))).all()) == len(planned):
        return 0  # planned before, with the personal ones (the same unit of work)
    moved = of_regio(ctx.regio.instellingen).day_off(week) if week != ctx.today else None
    besluiten = decisions.open_per_gemeente(ctx)
    whole = replace(gather(ctx, week, rules), moved=moved, besluiten=besluiten)
    sent += notify.to_channel(ctx, channel, render.digest(whole), key)
    readers = list(ctx.session.scalars(select(Persoon).where(
        Persoon.regio_id == ctx.regio.id, Persoon.digest_per_dm, Persoon.actief)
        .order_by(Persoon.id)))
    if readers:
        notify.know_accounts(ctx, {r.id for r in readers})
    for reader in readers:
        as_reader = replace(ctx, actor=reader)  # what they may see (vertrouwelijke dilemmas)
        own = replace(personal(as_reader, gather(as_reader, week, rules, reader)), moved=moved)
        if not render.is_empty(own):
            sent += notify.to_person(ctx, reader, render.digest(own), f"{key}:dm")
    return sent


@dataclass
class Overview:
    """A bestuurlijk opdrachtgever's week: their opgaven that are late or at risk, and
    the dilemmas put to them. Nothing to act on in the chat: no buttons."""

    reader: Persoon
    week: date
    today: date
    opgaven: list[tuple[Opgave, list[Mijlpaal]]] = field(default_factory=list)
    dilemmas: list[tuple[Opgave, Dilemma]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.opgaven or self.dilemmas)


AT_RISK = ("risico", "geblokkeerd")


def overviews(ctx: Ctx, week: date, skip: set[int] | None = None) -> list[Overview]:
    """What every bestuurlijk opdrachtgever (but those in ``skip``) is shown this week, in
    three queries for the whole regio: planning asks again every minute of the day."""
    today, skip = ctx.today, skip or set()
    opgaven = list(ctx.session.scalars(select(Opgave).where(
        *_running(ctx), Opgave.bestuurlijk_opdrachtgever_id.is_not(None))
        .options(joinedload(Opgave.bestuurlijk_opdrachtgever))
        .order_by(Opgave.agenda_volgorde, Opgave.code)))
    opgaven = [o for o in opgaven if o.bestuurlijk_opdrachtgever_id not in skip
               and o.bestuurlijk_opdrachtgever is not None
               and o.bestuurlijk_opdrachtgever.actief]
    ids = [o.id for o in opgaven]
    late: dict[int, list[Mijlpaal]] = {}
    for m in ctx.session.scalars(select(Mijlpaal).where(
            Mijlpaal.opgave_id.in_(ids), Mijlpaal.afgerond_op.is_(None), Mijlpaal.datum < today)
            .order_by(Mijlpaal.datum, Mijlpaal.volgnummer)):
        late.setdefault(m.opgave_id, []).append(m)
    put: dict[int, list[Dilemma]] = {}
    for d in ctx.session.scalars(select(Dilemma).where(
            Dilemma.opgave_id.in_(ids), Dilemma.status != "opgelost",
            Dilemma.geescaleerd_naar_bestuurder).order_by(Dilemma.volgnummer)):
        put.setdefault(d.opgave_id, []).append(d)
    found: dict[int, Overview] = {}
    for opgave in opgaven:
        reader = opgave.bestuurlijk_opdrachtgever
        assert reader is not None
        mine = found.setdefault(reader.id, Overview(reader, week, today))
        if late.get(opgave.id) or opgave.status in AT_RISK:
            mine.opgaven.append((opgave, late.get(opgave.id, [])))
        mine.dilemmas += [(opgave, d) for d in put.get(opgave.id, [])]
    return [found[k] for k in sorted(found)]


def _circle(overview: Overview) -> set[int] | None:
    """Who may read it in the bestuurder's place: with a vertrouwelijk dilemma in it, only
    someone in the driehoek of every such opgave (or the programmamanager)."""
    secret = [o for o, d in overview.dilemmas if d.vertrouwelijk]
    if not secret:
        return None
    circles = [{p for p in (o.projectleider_id, o.ambtelijk_opdrachtgever_id,
                            o.bestuurlijk_opdrachtgever_id) if p is not None} for o in secret]
    return set.intersection(*circles)


def plan_overviews(ctx: Ctx, week: date) -> int:
    """The weekly overview to every bestuurlijk opdrachtgever with something in it (by
    DM, or to their stand-in); an empty one is not sent."""
    from bot.services import digest_messages as render

    key = f"overzicht:r{ctx.regio.id}:{week.isoformat()}"
    # Who has theirs already: "overzicht:r1:2026-11-30:p7:@7:7:console" → 7.
    done = {int(k.split(":")[3].removeprefix("p")) for k in ctx.session.scalars(
        select(OutboxBericht.delivery_key).where(
            OutboxBericht.delivery_key.like(f"{key}:p%")))}
    sent = 0
    for found in overviews(ctx, week, skip=done):
        if not found.empty:
            sent += notify.to_person(ctx, found.reader, render.overview(found),
                                     f"{key}:p{found.reader.id}", circle=_circle(found))
    return sent


def set_personal(ctx: Ctx, on: bool) -> bool:
    """``/opgave digest aan|uit``; returns whether anything changed."""
    if ctx.actor.id is None:
        raise UserError(t("digest.niet_voor_bot"))
    if ctx.actor.digest_per_dm == on:
        return False
    audit.record(ctx, "persoon", ctx.actor.id, "digest per DM", ctx.actor.digest_per_dm, on)
    ctx.actor.digest_per_dm = on
    return True
