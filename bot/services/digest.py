"""The weekly PLO digest: first what the reader must do, then the samenwerkingsagenda in
its own order (seed 001: work *agendagericht*, not *urgentiegericht*), each opgave with
what changed, what is due, what is late and what waits. Empty parts are left out; a
personal digest with nothing in it is not sent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    Select,
    and_,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload

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
# One section per opgave; beyond this many the rest is named by code (a Slack message
# takes 50 blocks, and nobody reads forty sections on a phone).
MAX_OPGAVEN = 30
# A list in one line names this many, then how many more (readable on a phone).
SHOWN = 12
T = TypeVar("T")


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


@dataclass(frozen=True)
class Few(Generic[T]):
    """A list the digest names in one line: its first ``SHOWN`` items and how many
    there are in all (the rest is "en 212 meer")."""

    first: list[T]
    total: int

    @classmethod
    def of(cls, items: Sequence[T]) -> Few[T]:
        return cls(list(items[:SHOWN]), len(items))

    @property
    def more(self) -> int:
        return self.total - len(self.first)


class Late(NamedTuple):
    """A late milestone named in the "Te doen" line (``JGD-03#2``)."""

    code: str
    volgnummer: int
    id: int | None
    datum: date


@dataclass
class Lists:
    """What the digest names beyond the opgaven it shows in full: gather counts and
    picks these in SQL, so a register of thousands costs no more than what is shown."""

    # Opgaven with news: the first MAX_OPGAVEN have a section, the rest is named.
    told: int
    rest: Few[str]
    # The PLO channel's "Te doen": late milestones, status requests, vacant roles
    # (code, roles) and open afwegingen (code, (answered, asked)), in agenda order.
    late: Few[Late]
    stale: Few[str]
    vacant: Few[tuple[str, list[str]]]
    waiting: Few[tuple[str, tuple[int, int]]]
    # A reader's "Te doen": the opgaven with a milestone, status request or afweging of
    # theirs, in agenda order.
    own: list[News]


@dataclass
class Digest:
    week: date
    today: date
    # The opgaven with a section of their own (all of them, for a digest made by hand).
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
    # Made by gather; None: a digest made of all its news, whose lists follow from them.
    lists: Lists | None = None

    @property
    def told(self) -> list[News]:
        return [n for n in self.news if not n.quiet]

    def listed(self) -> Lists:
        return self.lists if self.lists is not None else _lists_of(self.news)


def _lists_of(news: list[News]) -> Lists:
    told = [n for n in news if not n.quiet]
    return Lists(
        told=len(told), rest=Few.of([n.opgave.code for n in told[MAX_OPGAVEN:]]),
        late=Few.of([Late(n.opgave.code, m.volgnummer, m.id, m.datum) for n in news
                      for m in n.overdue]),
        stale=Few.of([n.opgave.code for n in news if n.stale]),
        vacant=Few.of([(n.opgave.code, n.vacant) for n in news if n.vacant]),
        waiting=Few.of([(n.opgave.code, n.waiting) for n in news if n.waiting]),
        own=news)


def _running(ctx: Ctx) -> tuple[ColumnElement[bool], ...]:
    return (Opgave.regio_id == ctx.regio.id, Opgave.fase != CLOSED_FASE)


AGENDA = (Opgave.agenda_volgorde, Opgave.code)
VACANT = or_(Opgave.projectleider_id.is_(None), Opgave.ambtelijk_opdrachtgever_id.is_(None),
             Opgave.bestuurlijk_opdrachtgever_id.is_(None))


class _Week:
    """The week's digest as SQL conditions, for the actor of ``ctx`` (who decides which
    vertrouwelijke dilemmas show; the bot itself: none)."""

    def __init__(self, ctx: Ctx, rules: Rules) -> None:
        self.ctx = ctx
        self.since = ctx.now - timedelta(weeks=1)
        self.stale_before = ctx.now - timedelta(weeks=rules.status_cadence_weeks)
        visible = visibility.dilemmas_anywhere(ctx)
        self.visible_dilemmas = select(Dilemma.id).where(visible)
        self.audit = self._audit(AuditRegel)
        self.due_soon = (Mijlpaal.afgerond_op.is_(None),
                         Mijlpaal.datum <= ctx.today + UPCOMING)
        self.open_dilemma = (Dilemma.status != "opgelost", visible)
        self.stale = func.coalesce(Opgave.status_op, Opgave.aangemaakt_op) <= self.stale_before
        # Not quiet: a net change, a milestone due, an open dilemma, a vacancy, an open
        # afweging with respondents (see News.quiet).
        self.told = or_(VACANT, Opgave.id.in_(union_all(
            self._net_changed(),
            select(Mijlpaal.opgave_id).where(*self.due_soon),
            select(Dilemma.opgave_id).where(*self.open_dilemma),
            select(Afweging.opgave_id).join(Respondent, Respondent.afweging_id == Afweging.id)
            .where(Afweging.status == "open"))))

    def _net_changed(self) -> Select[int | None]:
        """The opgaven with a change this week that was not undone (audit.net_changes:
        per thing changed, its first old value against its last new one; a thing changed
        once is changed). Grouped, and only a thing changed more than once looks up its
        first and last entry: window functions over the week cost ten times as much."""
        key = (AuditRegel.opgave_id, AuditRegel.entiteit, AuditRegel.entiteit_id,
               AuditRegel.veld)
        things = (select(*key, func.count().label("n")).where(*self.audit)
                  .group_by(*key).subquery())

        def end(column: str, first: bool) -> ScalarSelect[Any]:
            # Found through its opgave (the regio follows from it; by the regio and the
            # week, each lookup would read the whole week).
            entry = aliased(AuditRegel)
            order = (entry.op, entry.id) if first else (entry.op.desc(), entry.id.desc())
            return (select(getattr(entry, column)).where(
                entry.opgave_id == things.c.opgave_id, entry.entiteit == things.c.entiteit,
                entry.entiteit_id == things.c.entiteit_id, entry.veld == things.c.veld,
                *self._audit(entry)[1:]).order_by(*order).limit(1).scalar_subquery())

        return select(things.c.opgave_id).where(or_(
            things.c.n == 1, end("oud", True).is_distinct_from(end("nieuw", False))))

    def _audit(self, entry: type[AuditRegel]) -> tuple[ColumnElement[bool], ...]:
        """The regio's entries of this week that the actor may see."""
        return (entry.regio_id == self.ctx.regio.id, entry.op >= self.since,
                or_(entry.dilemma_id.is_(None), entry.dilemma_id.in_(self.visible_dilemmas)))

    def own(self, me: int) -> tuple[ColumnElement[bool], ...]:
        """A reader's share: the opgaven with news in whose driehoek they are, or with a
        milestone due of theirs, or an afweging waiting for their answer."""
        has_news = or_(
            self.told, self.stale,
            Opgave.id.in_(select(AuditRegel.opgave_id).where(*self.audit)),
            Opgave.id.in_(select(Afweging.opgave_id).where(Afweging.status == "open")))
        return (*_running(self.ctx), has_news, or_(
            Opgave.projectleider_id == me, Opgave.ambtelijk_opdrachtgever_id == me,
            Opgave.bestuurlijk_opdrachtgever_id == me,
            Opgave.id.in_(select(Mijlpaal.opgave_id).where(*self.due_soon,
                                                           Mijlpaal.eigenaar_id == me)),
            Opgave.id.in_(self.waiting_for(me))))

    def waiting_for(self, me: int) -> Select[int]:
        return (select(Afweging.opgave_id)
                .join(Respondent, Respondent.afweging_id == Afweging.id)
                .where(Afweging.status == "open", Respondent.persoon_id == me,
                       Respondent.status.in_(WAITING)))

    def news(self, ids: list[int]) -> dict[int, News]:
        """These opgaven's week in full, as their sections show it."""
        session, today = self.ctx.session, self.ctx.today
        news = {o.id: News(o, vacant=register.vacant_roles(o),
                           stale=(o.status_op or o.aangemaakt_op) <= self.stale_before)
                for o in session.scalars(select(Opgave).where(Opgave.id.in_(ids)))}
        changes: dict[int, list[AuditRegel]] = {}
        for entry in session.scalars(select(AuditRegel).where(
                AuditRegel.opgave_id.in_(ids), *self.audit)
                .order_by(AuditRegel.op, AuditRegel.id)):
            changes.setdefault(entry.opgave_id or 0, []).append(entry)
        for opgave_id, entries in changes.items():
            news[opgave_id].changes = audit.net_changes(entries)
        for m in session.scalars(select(Mijlpaal).where(Mijlpaal.opgave_id.in_(ids),
                                                        *self.due_soon)
                                 .options(joinedload(Mijlpaal.eigenaar))
                                 .order_by(Mijlpaal.datum, Mijlpaal.volgnummer)):
            item = news[m.opgave_id]
            (item.overdue if m.datum < today else item.upcoming).append(m)
        for d in session.scalars(select(Dilemma).where(
                Dilemma.opgave_id.in_(ids), *self.open_dilemma).order_by(Dilemma.volgnummer)):
            news[d.opgave_id].dilemmas.append(d)
        open_afweging = (Afweging.opgave_id.in_(ids), Afweging.status == "open")
        for opgave_id, done, asked in session.execute(_answered().where(*open_afweging)
                                                      .group_by(Afweging.id, Afweging.opgave_id)):
            news[opgave_id].waiting = (int(done or 0), int(asked))
        for opgave_id, persoon_id in session.execute(
                select(Afweging.opgave_id, Respondent.persoon_id)
                .join(Respondent, Respondent.afweging_id == Afweging.id)
                .where(*open_afweging, Respondent.status.in_(WAITING))):
            news[opgave_id].waiting_for.add(persoon_id)
        return news


def _answered() -> Select[int, int, int]:
    """Per open afweging: its opgave, how many answered and how many were asked."""
    answered = func.count(Respondent.id).filter(Respondent.status.not_in(WAITING))
    return (select(Afweging.opgave_id, answered, func.count(Respondent.id))
            .join(Respondent, Respondent.afweging_id == Afweging.id))


def _first(session: Session, statement: Select[*tuple[Any, ...]],
           limit: int = SHOWN) -> tuple[list[Any], int]:
    """The first ``limit`` rows of ``statement`` and how many it has in all (one query:
    the count is a window over every row, taken before the limit)."""
    rows = session.execute(statement.add_columns(func.count().over()).limit(limit)).all()
    return [r[:-1] for r in rows], (int(rows[0][-1]) if rows else 0)


def gather(ctx: Ctx, week: date, rules: Rules, reader: Persoon | None = None) -> Digest:
    """Everything the digest says, for the PLO channel (no ``reader``) or one reader:
    the whole agenda for the PLO and the programmamanager, their own share for others.
    What it shows is picked and counted in SQL (the opgaven with a section, the first
    names of every list and how many more), so a regio of thousands costs no more than
    what is shown; ``ctx``'s actor decides which vertrouwelijke dilemmas show (the bot
    itself: none)."""
    session, today = ctx.session, ctx.today
    sql = _Week(ctx, rules)
    scope = (_running(ctx) if reader is None or wants_whole_agenda(ctx, reader)
             else sql.own(reader.id))
    # The counts of the opgaven's own columns in one pass over an index; those with news
    # in one pass over what has news (the first ones and how many).
    total, stale, vacant = (int(n or 0) for n in session.execute(select(
        func.count(), func.count().filter(sql.stale), func.count().filter(VACANT))
        .select_from(Opgave).where(*scope)).one())
    shown, told = _first(session, select(Opgave.id, Opgave.code).where(*scope, sql.told)
                         .order_by(*AGENDA), MAX_OPGAVEN + SHOWN)
    in_sections = [opgave_id for opgave_id, _ in shown[:MAX_OPGAVEN]]
    own_ids = [] if reader is None else _own_todo(sql, scope, reader.id)
    news = sql.news(list({*in_sections, *own_ids}))
    rest = Few([code for _, code in shown[MAX_OPGAVEN:]], max(told - MAX_OPGAVEN, 0))
    lists = (_todo_all(sql, Lists(told, rest, Few([], 0), Few([], stale), Few([], vacant),
                                  Few([], 0), own=[])) if reader is None else
             Lists(told, rest, Few([], 0), Few([], 0), Few([], 0), Few([], 0),
                   own=[news[i] for i in own_ids]))
    calendar = of_regio(ctx.regio.instellingen)
    late = [*((m.id, m.datum) for n in news.values() for m in n.overdue),
            *((m.id, m.datum) for m in lists.late.first)]
    away = sorted(absences_on(ctx, today).values(), key=lambda a: a.persoon.naam)
    unreachable = (_unreachable(ctx, sql.since)
                   if reader is None or reader.is_programmamanager else [])
    return Digest(week, today, [news[i] for i in in_sections], away, reader,
                  total=total, unreachable=unreachable, lists=lists,
                  escalated={i for i, day in late
                             if i is not None and escalated(day, today, calendar, rules)})


def _own_todo(sql: _Week, scope: tuple[ColumnElement[bool], ...], me: int) -> list[int]:
    """The opgaven in ``scope`` with something for ``me`` to do, in agenda order: a
    milestone due of theirs (or without owner, of their own opgave as projectleider), a
    status request of their opgave, an afweging waiting for their answer."""
    def due(*owner: ColumnElement[bool]) -> ColumnElement[bool]:
        return Opgave.id.in_(select(Mijlpaal.opgave_id).where(*sql.due_soon, *owner))

    todo = or_(due(Mijlpaal.eigenaar_id == me),
               and_(Opgave.projectleider_id == me,
                    or_(sql.stale, due(Mijlpaal.eigenaar_id.is_(None)))),
               Opgave.id.in_(sql.waiting_for(me)))
    return list(sql.ctx.session.scalars(select(Opgave.id).where(*scope, todo)
                                        .order_by(*AGENDA)))


def _todo_all(sql: _Week, counted: Lists) -> Lists:
    """The PLO channel's lists, each its first names in agenda order and how many (the
    opgaven already ``counted``)."""
    session, running = sql.ctx.session, _running(sql.ctx)
    late, late_total = _first(session, select(
        Opgave.code, Mijlpaal.volgnummer, Mijlpaal.id, Mijlpaal.datum)
        .join(Opgave, Opgave.id == open_milestone_opgave(session))
        .where(*running, Mijlpaal.afgerond_op.is_(None), Mijlpaal.datum < sql.ctx.today)
        .order_by(*AGENDA, Mijlpaal.datum, Mijlpaal.volgnummer))
    stale = session.scalars(select(Opgave.code).where(*running, sql.stale)
                            .order_by(*AGENDA).limit(SHOWN))
    vacant = session.scalars(select(Opgave).where(*running, VACANT)
                             .order_by(*AGENDA).limit(SHOWN))
    # One open afweging per opgave at a time: grouped per opgave, it is that one.
    waiting, waiting_total = _first(session, _answered().add_columns(Opgave.code)
                                    .join(Opgave, Opgave.id == Afweging.opgave_id)
                                    .where(*running, Afweging.status == "open")
                                    .group_by(Afweging.opgave_id, *AGENDA).order_by(*AGENDA))
    return replace(
        counted, late=Few([Late(*r) for r in late], late_total),
        stale=Few(list(stale), counted.stale.total),
        vacant=Few([(o.code, register.vacant_roles(o)) for o in vacant], counted.vacant.total),
        waiting=Few([(code, (int(done or 0), int(asked))) for _, done, asked, code in waiting],
                    waiting_total))


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
        own = replace(gather(as_reader, week, rules, reader), moved=moved)
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
    """What every bestuurlijk opdrachtgever (but those in ``skip``) with something to be
    shown is shown this week, in three queries for the whole regio: planning asks again
    every minute of the day. Only the opgaven that are late, at risk or with a dilemma put
    to their bestuurder are read (not every opgave of the regio, and no list of ids that
    grows with it: PostgreSQL takes at most 65,535 parameters)."""
    today = ctx.today
    late_now = (Mijlpaal.afgerond_op.is_(None), Mijlpaal.datum < today)
    put_now = (Dilemma.status != "opgelost", Dilemma.geescaleerd_naar_bestuurder)
    shown = (*_running(ctx), Persoon.actief,
             Opgave.bestuurlijk_opdrachtgever_id.not_in(skip or set()),
             or_(Opgave.status.in_(AT_RISK),
                 Opgave.id.in_(select(Mijlpaal.opgave_id).where(*late_now)),
                 Opgave.id.in_(select(Dilemma.opgave_id).where(*put_now))))
    chosen = (select(Opgave.id)
              .join(Persoon, Persoon.id == Opgave.bestuurlijk_opdrachtgever_id).where(*shown))
    opgaven = list(ctx.session.scalars(
        select(Opgave).join(Persoon, Persoon.id == Opgave.bestuurlijk_opdrachtgever_id)
        .where(*shown).options(contains_eager(Opgave.bestuurlijk_opdrachtgever))
        .order_by(Opgave.agenda_volgorde, Opgave.code)))
    late: dict[int, list[Mijlpaal]] = {}
    for m in ctx.session.scalars(select(Mijlpaal).where(
            Mijlpaal.opgave_id.in_(chosen), *late_now)
            .order_by(Mijlpaal.datum, Mijlpaal.volgnummer)):
        late.setdefault(m.opgave_id, []).append(m)
    put: dict[int, list[Dilemma]] = {}
    for d in ctx.session.scalars(select(Dilemma).where(
            Dilemma.opgave_id.in_(chosen), *put_now).order_by(Dilemma.volgnummer)):
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
