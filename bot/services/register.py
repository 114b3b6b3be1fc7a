"""The opgave register: overview, cards, search, history and creating opgaven."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, joinedload

from bot.context import Ctx
from bot.errors import NotFound, UserError
from bot.grammar import Target
from bot.notices import new_opgave_notice
from bot.permissions import require
from bot.services import audit, notify
from bot.services.visibility import dilemmas_of
from bot.texts import t, tn
from bot.vocab import (
    DEFAULT_FASES,
    DEFAULT_THEMAS,
    GENERAL_PREFIX,
    NEEDS_ATTENTION,
    STATUSES,
    THEMA_KEYWORDS,
)
from storage.models import (
    AuditRegel,
    Besluit,
    BesluitStap,
    Deelname,
    Dilemma,
    Gemeente,
    Inzet,
    Mijlpaal,
    Opgave,
    Overleg,
    Persoon,
    Regio,
    Vergadering,
)

PAGE = 10
ATTENTION_SHOWN = 5


def fases(ctx: Ctx) -> tuple[str, ...]:
    return tuple(ctx.regio.instellingen.get("fases") or DEFAULT_FASES)


def themas(ctx: Ctx) -> dict[str, str]:
    return dict(ctx.regio.instellingen.get("themas") or DEFAULT_THEMAS)


def stale_after(ctx: Ctx) -> timedelta:
    return timedelta(weeks=int(ctx.regio.instellingen.get("status_cadence_weeks", 4)))


def _in_regio(ctx: Ctx) -> Select[tuple[Opgave]]:
    return select(Opgave).where(Opgave.regio_id == ctx.regio.id)


# --- reading -------------------------------------------------------------------------


@dataclass(frozen=True)
class Brief:
    """The few fields of an opgave a list line shows; cheap to keep between requests."""

    id: int
    code: str
    titel: str
    status: str | None
    fase: str


@dataclass
class Attention:
    opgave: Brief
    # Why, worst first: geblokkeerd / risico / te_laat / vacant / geen_update.
    reasons: list[str] = field(default_factory=list)
    late_count: int = 0
    late_since: date | None = None


@dataclass(frozen=True)
class Mine:
    """One of the actor's opgaven in the overview: the (first) role they hold there, and
    the date of its first open milestone as stored on the opgave."""

    opgave: Brief
    role: str
    next_date: date | None


@dataclass
class Overview:
    total: int
    per_fase: list[tuple[str, int]]
    per_status: list[tuple[str | None, int]]
    attention: list[Attention]
    attention_total: int
    mine: list[Mine]
    mine_total: int


MINE_SHOWN = 5
ROLE_OF = (("projectleider", "projectleider_id"),
           ("ambtelijk_opdrachtgever", "ambtelijk_opdrachtgever_id"),
           ("bestuurlijk_opdrachtgever", "bestuurlijk_opdrachtgever_id"))


def _conditions(ctx: Ctx) -> dict[str, ColumnElement[bool]]:
    """Why a running opgave needs attention, as SQL on the opgave row alone (the earliest
    open milestone is kept on the row), so thousands are judged in one scan."""
    return {
        "late": Opgave.eerste_open_mijlpaal < ctx.today,
        "vacant": or_(Opgave.projectleider_id.is_(None),
                      Opgave.ambtelijk_opdrachtgever_id.is_(None),
                      Opgave.bestuurlijk_opdrachtgever_id.is_(None)),
        "stale": or_(Opgave.status_op.is_(None),
                     Opgave.status_op < ctx.now - stale_after(ctx)),
    }


def vacant_roles(opgave: Opgave) -> list[str]:
    """The driehoek roles (``projectleider`` …) nobody holds."""
    return [role for role, column in ROLE_OF if getattr(opgave, column) is None]


def region_changed(ctx: Ctx) -> None:
    """Every change to an opgave bumps its regio's versie (atomically, in SQL)."""
    ctx.regio.versie = Regio.versie + 1


@dataclass(frozen=True)
class _RegionPart:
    per_fase: list[tuple[str, int]]
    per_status: list[tuple[str | None, int]]
    attention: list[Attention]
    attention_total: int


# The region-wide half of the overview is the same for everyone in the regio until
# something changes: kept per (database, regio, versie, day, hour of the staleness
# cut-off). Whatever changes an opgave calls region_changed (changes.touch does).
_REGION_CACHE: dict[tuple[object, ...], _RegionPart] = {}
_REGION_CACHE_SIZE = 64


def overview(ctx: Ctx) -> Overview:
    cutoff = (ctx.now - stale_after(ctx)).replace(minute=0, second=0, microsecond=0)
    database = id(ctx.session.get_bind().pool)  # one process may serve several databases
    key = (database, ctx.regio.id, ctx.regio.versie, ctx.today, cutoff, fases(ctx))
    part = _REGION_CACHE.get(key)
    if part is None:
        part = _region_part(ctx)
        if len(_REGION_CACHE) >= _REGION_CACHE_SIZE:
            _REGION_CACHE.clear()
        _REGION_CACHE[key] = part
    mine_rows, mine_total = _mine_preview(ctx)
    return Overview(sum(n for _, n in part.per_fase), part.per_fase, part.per_status,
                    part.attention, part.attention_total, mine_rows, mine_total)


def _region_part(ctx: Ctx) -> _RegionPart:
    c = _conditions(ctx)
    running = Opgave.fase != "afgerond"
    needs = and_(running, or_(Opgave.status.in_(NEEDS_ATTENTION), c["late"], c["vacant"],
                              c["stale"]))
    rows = ctx.session.execute(
        select(Opgave.fase, Opgave.status, func.count(), func.sum(case((needs, 1), else_=0)))
        .where(Opgave.regio_id == ctx.regio.id).group_by(Opgave.fase, Opgave.status)).all()
    fase_counts: dict[str, int] = {}
    status_counts: dict[str | None, int] = {}
    attention_total = 0
    for fase, status, count, needing in rows:
        fase_counts[fase] = fase_counts.get(fase, 0) + count
        if fase != "afgerond":
            status_counts[status] = status_counts.get(status, 0) + count
        attention_total += needing or 0
    per_fase = [(f, fase_counts.pop(f)) for f in fases(ctx) if f in fase_counts]
    per_fase += sorted(fase_counts.items())
    per_status = [(st, status_counts.pop(st)) for st in STATUSES if st in status_counts]
    per_status += sorted(status_counts.items(), key=lambda row: (row[0] is None, row[0] or ""))
    return _RegionPart(per_fase, per_status, _attention(ctx, needs, c), attention_total)


def _attention(ctx: Ctx, needs: ColumnElement[bool],
               c: dict[str, ColumnElement[bool]]) -> list[Attention]:
    """The opgaven that need attention most, worst first, each once with all reasons:
    blocked, at risk, late milestones, vacant roles, no status update within the cadence."""
    severity = case((Opgave.status == "geblokkeerd", 0), (Opgave.status == "risico", 1),
                    (c["late"], 2), (c["vacant"], 3), else_=4)
    # Pick the ids from the covering index first; load just those few rows after.
    picked = ctx.session.execute(
        select(Opgave.id, c["late"], c["vacant"], c["stale"])
        .where(Opgave.regio_id == ctx.regio.id, needs)
        .order_by(severity, Opgave.eerste_open_mijlpaal, Opgave.agenda_volgorde, Opgave.code)
        .limit(ATTENTION_SHOWN)).all()
    loaded = {row.id: Brief(row.id, row.code, row.titel, row.status, row.fase)
              for row in ctx.session.execute(
                  select(Opgave.id, Opgave.code, Opgave.titel, Opgave.status, Opgave.fase)
                  .where(Opgave.id.in_([row[0] for row in picked])))}
    rows = [(loaded[opgave_id], *flags) for opgave_id, *flags in picked]
    late_ids = [opgave.id for opgave, is_late, _, _ in rows if is_late]
    late = {opgave_id: (count, first) for opgave_id, count, first in ctx.session.execute(
        select(Mijlpaal.opgave_id, func.count(), func.min(Mijlpaal.datum)).where(
            Mijlpaal.opgave_id.in_(late_ids), Mijlpaal.afgerond_op.is_(None),
            Mijlpaal.datum < ctx.today).group_by(Mijlpaal.opgave_id))} if late_ids else {}
    found = []
    for opgave, is_late, is_vacant, is_stale in rows:
        count, first = late.get(opgave.id, (0, None))
        item = Attention(opgave, late_count=count, late_since=first)
        flags = (opgave.status in NEEDS_ATTENTION, bool(is_late), bool(is_vacant),
                 bool(is_stale))
        for flag, reason in zip(flags, (opgave.status, "te_laat", "vacant", "geen_update"),
                                strict=True):
            if flag and reason:
                item.reasons.append(reason)
        found.append(item)
    return found


# The actor's opgaven. No regio filter on purpose: roles are only ever given to people
# of the opgave's own regio, and without it the database unions the three role indexes
# instead of scanning the regio.
_HOLDS_A_ROLE = or_(Opgave.projectleider_id == bindparam("me"),
                    Opgave.ambtelijk_opdrachtgever_id == bindparam("me"),
                    Opgave.bestuurlijk_opdrachtgever_id == bindparam("me"))
_MINE = select(Opgave).where(_HOLDS_A_ROLE).order_by(Opgave.agenda_volgorde, Opgave.code)
# The first few with how many there are, in one round trip: the count is a subquery the
# database runs once (from the role indexes alone on SQLite), the rows a top-N sort with
# LIMIT; just the columns a list line shows, no ORM objects. (A window count made SQLite
# copy every matching row into a temporary table first: many times slower.)
_MINE_PREVIEW = select(
    Opgave.id, Opgave.code, Opgave.titel, Opgave.status, Opgave.fase,
    *(getattr(Opgave, column) for _, column in ROLE_OF), Opgave.eerste_open_mijlpaal,
    select(func.count()).where(_HOLDS_A_ROLE).scalar_subquery().label("total"),
).where(_HOLDS_A_ROLE).order_by(Opgave.agenda_volgorde, Opgave.code).limit(MINE_SHOWN)
# An opgave's first open milestone lies on the date stored on the opgave: only the
# milestones of that date are read, not every open one.
_NEXT_MILESTONES = select(Mijlpaal).join(Opgave, and_(
    Opgave.id == Mijlpaal.opgave_id, Opgave.eerste_open_mijlpaal == Mijlpaal.datum)).where(
    Opgave.id.in_(bindparam("ids", expanding=True)), Mijlpaal.afgerond_op.is_(None)
).order_by(Mijlpaal.opgave_id, Mijlpaal.volgnummer)


def _mine_preview(ctx: Ctx) -> tuple[list[Mine], int]:
    """The first few of the actor's opgaven with the (first) role they hold there."""
    rows = ctx.session.execute(_MINE_PREVIEW, {"me": ctx.actor.id}).all()
    found = [Mine(Brief(row.id, row.code, row.titel, row.status, row.fase),
                  next(role for role, column in ROLE_OF
                       if getattr(row, column) == ctx.actor.id),
                  row.eerste_open_mijlpaal) for row in rows]
    return found, rows[0].total if rows else 0


def mine(ctx: Ctx) -> dict[str, list[Opgave]]:
    """The actor's opgaven per driehoek role, in agenda order (one query)."""
    result: dict[str, list[Opgave]] = {}
    for opgave in ctx.session.scalars(_MINE, {"me": ctx.actor.id}):
        for role, column in ROLE_OF:
            if getattr(opgave, column) == ctx.actor.id:
                result.setdefault(role, []).append(opgave)
    return {role: result[role] for role, _ in ROLE_OF if role in result}


def next_milestones(session: Session, opgave_ids: list[int]) -> dict[int, Mijlpaal]:
    """The first open milestone of each opgave, in one query (by the stored date)."""
    if not opgave_ids:
        return {}
    rows = session.scalars(_NEXT_MILESTONES, {"ids": opgave_ids})
    first: dict[int, Mijlpaal] = {}
    for row in rows:
        first.setdefault(row.opgave_id, row)
    return first


def get(ctx: Ctx, code: str) -> Opgave:
    opgave = ctx.session.scalar(_in_regio(ctx).where(Opgave.code == code.upper()))
    if opgave is None:
        raise NotFound(t("opgave.not_found", code=code))
    return opgave


@dataclass(frozen=True)
class DeelnameRow:
    gemeente: str
    doet_mee: bool
    reden: str | None
    besproken: bool | None


@dataclass
class Card:
    opgave: Opgave
    open_mijlpalen: list[Mijlpaal]
    done_count: int
    inzet: list[tuple[str, Decimal]]
    deelname: list[DeelnameRow]
    # The open dilemmas, when the card's query brought them along (before visibility).
    open_dilemmas: list[Dilemma] | None = None
    followed: list[Followed] = field(default_factory=list)


# A card is asked for all day long: its statements are built once, with parameters
# (building a statement costs SQLAlchemy more than running it on a small table).
_CARD = select(Opgave).where(
    Opgave.regio_id == bindparam("regio"), Opgave.code == bindparam("code")).options(
    *(joinedload(role).load_only(Persoon.id, Persoon.naam) for role in (
        Opgave.projectleider, Opgave.ambtelijk_opdrachtgever, Opgave.bestuurlijk_opdrachtgever)),
    # Its milestones and open dilemmas in the same round trip (a card has a handful).
    joinedload(Opgave.mijlpalen).joinedload(Mijlpaal.besluit_door),
    joinedload(Opgave.dilemmas.and_(Dilemma.status != "opgelost")))
_CARD_MILESTONES = select(Mijlpaal).where(Mijlpaal.opgave_id == bindparam("opgave")).options(
    joinedload(Mijlpaal.besluit_door)).order_by(Mijlpaal.datum, Mijlpaal.volgnummer)
# Deelname, this year's inzet, and the decisions being followed through the gemeenten
# (each decision of a closed meeting, and each gemeente's steps), in one round trip.
_CARD_GEMEENTEN = union_all(
    select(literal("d").label("soort"), Gemeente.naam, Deelname.doet_mee, Deelname.reden,
           Deelname.negatief_effect_besproken, null().label("uren"), null().label("stap"),
           # Typed: PostgreSQL makes two untyped NULLs text before it meets the ids.
           cast(null(), Integer).label("besluit"), null().label("uitkomst"))
    .join(Gemeente).where(Deelname.opgave_id == bindparam("opgave")),
    select(literal("i"), Gemeente.naam, null(), null(), null(), Inzet.uren, null(), null(),
           null())
    .join(Gemeente).where(Inzet.opgave_id == bindparam("opgave"),
                          Inzet.jaar == bindparam("jaar")),
    select(literal("b"), Overleg.naam, null(), Besluit.tekst, null(), null(),
           Besluit.lokale_besluitvorming, Besluit.id, null())
    .join(Overleg, Overleg.id == Besluit.overleg_id)
    .join(Vergadering, Vergadering.id == Besluit.vergadering_id)
    .where(Besluit.opgave_id == bindparam("opgave"), Vergadering.afgesloten_op.is_not(None),
           Besluit.genomen_op >= bindparam("sinds")),
    select(literal("s"), Gemeente.naam, null(), null(), null(), null(), BesluitStap.stap,
           BesluitStap.besluit_id, BesluitStap.uitkomst)
    .join(Gemeente, Gemeente.id == BesluitStap.gemeente_id)
    .join(Besluit, Besluit.id == BesluitStap.besluit_id)
    .where(Besluit.opgave_id == bindparam("opgave"), Besluit.genomen_op >= bindparam("sinds")),
).order_by("naam")
# Decisions are followed on the card for this long.
FOLLOWED_FOR = timedelta(days=365)


@dataclass
class Followed:
    """A decision of a body, and where each gemeente is with it."""

    overleg: str
    tekst: str
    lokaal: str
    # gemeente → the steps it took (with their outcome), in the route's order
    steps: dict[str, dict[str, str | None]] = field(default_factory=dict)


def _followed(rows: list[Any]) -> list[Followed]:
    found = {r.besluit: Followed(r.naam, r.reden, r.stap) for r in rows if r.soort == "b"}
    taking_part = [r.naam for r in rows if r.soort == "d" and r.doet_mee]
    for decision in found.values():
        decision.steps = {naam: {} for naam in taking_part}
    for r in rows:
        if r.soort == "s" and r.besluit in found:
            found[r.besluit].steps.setdefault(r.naam, {})[r.stap] = r.uitkomst
    return list(found.values())


def card(ctx: Ctx, code: str) -> Card:
    opgave = ctx.session.scalars(_CARD, {"regio": ctx.regio.id, "code": code.upper()}
                                 ).unique().one_or_none()
    if opgave is None:
        raise NotFound(t("opgave.not_found", code=code))
    found = card_of(ctx, opgave, sorted(opgave.mijlpalen, key=lambda m: (m.datum, m.volgnummer)))
    found.open_dilemmas = list(opgave.dilemmas)
    return found


def card_of(ctx: Ctx, opgave: Opgave, mijlpalen: list[Mijlpaal] | None = None) -> Card:
    if mijlpalen is None:
        mijlpalen = list(ctx.session.scalars(_CARD_MILESTONES, {"opgave": opgave.id}))
    open_ones = [m for m in mijlpalen if m.afgerond_op is None]
    rows = ctx.session.execute(_CARD_GEMEENTEN, {
        "opgave": opgave.id, "jaar": ctx.today.year, "sinds": ctx.now - FOLLOWED_FOR}).all()
    return Card(opgave, open_ones, len(mijlpalen) - len(open_ones),
                [(row.naam, Decimal(row.uren)) for row in rows if row.soort == "i"],
                [DeelnameRow(row.naam, bool(row.doet_mee), row.reden,
                             None if row.negatief_effect_besproken is None
                             else bool(row.negatief_effect_besproken))
                 for row in rows if row.soort == "d"], followed=_followed(rows))


@dataclass
class Found:
    items: list[Opgave]
    total: int
    page: int = 0


# A search is a few words; more would build a query SQLite refuses ("Expression tree is
# too large") and match nothing anyway.
SEARCH_WORDS = 10
SEARCH_WORD_LENGTH = 50


def _search_query(ctx: Ctx, term: str) -> Select[tuple[Opgave]]:
    words = term.split()
    if len(words) > SEARCH_WORDS or any(len(word) > SEARCH_WORD_LENGTH for word in words):
        raise UserError(t("opgave.zoek_te_lang", words=SEARCH_WORDS,
                          length=SEARCH_WORD_LENGTH))
    conditions = []
    for word in words:
        # autoescape: a typed % or _ is that character, not a LIKE wildcard.
        needle = word.lower()
        conditions.append(or_(*(
            func.lower(column).contains(needle, autoescape=True) for column in (
                Opgave.code, Opgave.titel, func.coalesce(Opgave.thema, ""),
                func.coalesce(Opgave.opdracht, "")))))
    return _in_regio(ctx).where(*conditions)


def search(ctx: Ctx, term: str, page: int = 0) -> Found:
    query = _search_query(ctx, term)
    total = ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(ctx.session.scalars(
        query.order_by(Opgave.agenda_volgorde, Opgave.code).offset(page * PAGE).limit(PAGE)))
    return Found(items, total, page)


def resolve(ctx: Ctx, target: Target) -> Card | Found:
    """A code gives its card; a search term gives the one match's card, or the matches."""
    if target.code:
        return card(ctx, target.code)
    found = search(ctx, target.zoekterm or "")
    if found.total == 1:
        return card_of(ctx, found.items[0])
    if found.total == 0:
        raise NotFound(t("opgave.nothing_found", term=target.zoekterm))
    return found


@dataclass
class HistoryEntry:
    entry: AuditRegel
    door: str | None


@dataclass
class History:
    opgave: Opgave
    entries: list[HistoryEntry] = field(default_factory=list)
    total: int = 0
    page: int = 0


def history(ctx: Ctx, code: str, page: int = 0) -> History:
    opgave = get(ctx, code)
    visible = AuditRegel.dilemma_id.is_(None) | AuditRegel.dilemma_id.in_(
        select(Dilemma.id).where(Dilemma.opgave_id == opgave.id, dilemmas_of(ctx, opgave)))
    query = select(AuditRegel, Persoon.naam).outerjoin(
        Persoon, Persoon.id == AuditRegel.door_id).where(
        AuditRegel.opgave_id == opgave.id, visible)
    total = ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = ctx.session.execute(
        query.order_by(AuditRegel.op.desc(), AuditRegel.id.desc())
        .offset(page * PAGE).limit(PAGE)).all()
    return History(opgave, [HistoryEntry(a, naam) for a, naam in rows], total, page)


# --- changing ------------------------------------------------------------------------


def guess_thema(ctx: Ctx, titel: str) -> str | None:
    lowered = titel.lower()
    for name in themas(ctx):
        if re.search(rf"\b{re.escape(name.lower())}\b", lowered):
            return name
    for keyword, name in THEMA_KEYWORDS.items():
        # Keywords match at the start of a word: jeugdhulp is Jeugd, samenwerking not Werk.
        if re.search(rf"\b{re.escape(keyword)}", lowered) and name in themas(ctx):
            return name
    return None


def next_code(ctx: Ctx, thema: str | None) -> str:
    prefix = themas(ctx).get(thema or "", GENERAL_PREFIX)
    codes = ctx.session.scalars(select(Opgave.code).where(
        Opgave.regio_id == ctx.regio.id, Opgave.code.like(f"{prefix}-%")))
    numbers = [int(c.split("-", 1)[1]) for c in codes if c.split("-", 1)[1].isdigit()]
    return f"{prefix}-{max(numbers, default=0) + 1:02d}"


@dataclass
class NewOpgave:
    titel: str
    thema: str | None = None
    niveau: str | None = None
    vorm: str | None = None
    reikwijdte: str | None = None
    jaar: int | None = None
    opdracht: str | None = None
    projectleider_id: int | None = None
    ambtelijk_opdrachtgever_id: int | None = None
    bestuurlijk_opdrachtgever_id: int | None = None
    deelnemers: list[int] = field(default_factory=list)
    mijlpaal_titel: str | None = None
    mijlpaal_datum: date | None = None


TITLE_MAX = 200


def check_title(titel: str) -> str:
    titel = " ".join(titel.split())
    if not titel:
        raise UserError(t("opgave.title_missing"))
    if len(titel) > TITLE_MAX:
        raise UserError(t("opgave.title_too_long", length=len(titel), max=TITLE_MAX))
    return titel


def create(ctx: Ctx, new: NewOpgave) -> Opgave:
    require(ctx, "opgave.aanmaken")
    new.titel = check_title(new.titel)
    thema = new.thema or guess_thema(ctx, new.titel)
    last = ctx.session.scalar(select(func.max(Opgave.agenda_volgorde)).where(
        Opgave.regio_id == ctx.regio.id)) or 0
    opgave = Opgave(
        regio_id=ctx.regio.id, code=next_code(ctx, thema), titel=new.titel, thema=thema,
        niveau=new.niveau, vorm=new.vorm, reikwijdte=new.reikwijdte,
        jaar=new.jaar or ctx.today.year, opdracht=new.opdracht, fase=fases(ctx)[0],
        projectleider_id=new.projectleider_id,
        ambtelijk_opdrachtgever_id=new.ambtelijk_opdrachtgever_id,
        bestuurlijk_opdrachtgever_id=new.bestuurlijk_opdrachtgever_id,
        agenda_volgorde=last + 1, aangemaakt_op=ctx.now, gewijzigd_op=ctx.now,
    )
    ctx.session.add(opgave)
    region_changed(ctx)
    ctx.session.flush()
    audit.record(ctx, "opgave", opgave.id, "aangemaakt", None, f"{opgave.code} {opgave.titel}",
                 opgave_id=opgave.id)
    _create_details(ctx, opgave, new)
    notify.to_channel(ctx, notify.plo_channel(ctx), new_opgave_notice(opgave, ctx.actor),
                      key=f"opgave-nieuw:{opgave.id}")
    return opgave


def _create_details(ctx: Ctx, opgave: Opgave, new: NewOpgave) -> None:
    for gemeente_id in new.deelnemers:
        ctx.session.add(Deelname(opgave_id=opgave.id, gemeente_id=gemeente_id, doet_mee=True))
    if new.deelnemers:
        audit.record(ctx, "opgave", opgave.id, "deelname", None,
                     tn("audit.deelnemers", len(new.deelnemers)), opgave_id=opgave.id)
    if new.mijlpaal_titel and new.mijlpaal_datum:
        ctx.session.add(Mijlpaal(opgave_id=opgave.id, volgnummer=1, titel=new.mijlpaal_titel,
                                 datum=new.mijlpaal_datum))
        audit.record(ctx, "mijlpaal", opgave.id, "mijlpaal", None,
                     f"{opgave.code}#1 {new.mijlpaal_titel} {new.mijlpaal_datum.isoformat()}",
                     opgave_id=opgave.id)
        opgave.eerste_open_mijlpaal = new.mijlpaal_datum
