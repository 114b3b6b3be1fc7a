"""A body's meetings: its rhythm, meetings added or moved by hand, and the agenda items
anyone may submit (seed 001: "eenieder kan agendapunten indienen") for the voorzitter or
secretaris to accept or decline before the deadline for papers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot import recurrence
from bot.context import Ctx
from bot.dates import format_date
from bot.errors import UserError
from bot.messages import Button, Message, PersonRef, Section, line
from bot.permissions import require
from bot.services import audit, notify, register
from bot.services.milestones import find_overleg
from bot.texts import current_language, t
from bot.workdays import Calendar, of_regio
from storage.models import (
    Agendapunt,
    AuditRegel,
    Dilemma,
    Mijlpaal,
    Opgave,
    Overleg,
    OverlegLid,
    Persoon,
    Vergadering,
)

# How far ahead a rhythm's meetings are planned (and holidays among them reported).
PLAN_AHEAD = timedelta(weeks=13)
TITLE_MAX = 200


def _day(ctx: Ctx, value: date) -> str:
    return format_date(value, current_language())


def moment(ctx: Ctx, value: datetime) -> str:
    """"dinsdag 12 januari 2027 15:00": a meeting's day matters as much as its date."""
    local = value.astimezone(ctx.tz)
    return f"{format_date(local.date(), current_language())} {local:%H:%M}"


def _when(ctx: Ctx, meeting: Vergadering) -> str:
    return moment(ctx, meeting.begint_op)


def parse_time(text: str | None, default: time) -> time:
    if not text:
        return default
    hours, sep, minutes = text.replace(".", ":").partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and int(hours) < 24
            and int(minutes) < 60 and len(minutes) == 2):
        raise UserError(t("vergadering.tijd", text=text))
    return time(int(hours), int(minutes))


def _default_time(overleg: Overleg) -> time:
    return recurrence.parse(overleg.ritme).at if overleg.ritme else recurrence.DEFAULT_TIME


# --- meetings -----------------------------------------------------------------------------


def set_rhythm(ctx: Ctx, code: str, text: str) -> tuple[Overleg, recurrence.Ritme]:
    overleg = find_overleg(ctx, code)
    require(ctx, "overleg.vergaderingen", overleg_id=overleg.id)
    ritme = recurrence.parse(text)
    audit.record(ctx, "overleg", overleg.id, f"{overleg.code} ritme", overleg.ritme, str(ritme))
    overleg.ritme = str(ritme)
    return overleg, ritme


def upcoming(ctx: Ctx, overleg: Overleg, limit: int = 8) -> list[Vergadering]:
    return list(ctx.session.scalars(select(Vergadering).where(
        Vergadering.overleg_id == overleg.id, Vergadering.begint_op >= ctx.now,
        Vergadering.afgesloten_op.is_(None)).order_by(Vergadering.begint_op).limit(limit)))


def next_meeting(ctx: Ctx, overleg: Overleg) -> Vergadering | None:
    found = upcoming(ctx, overleg, 1)
    return found[0] if found else None


def _on(ctx: Ctx, overleg: Overleg, day: date) -> Vergadering | None:
    start = datetime.combine(day, time(0), tzinfo=ctx.tz)
    return ctx.session.scalar(select(Vergadering).where(
        Vergadering.overleg_id == overleg.id, Vergadering.begint_op >= start,
        Vergadering.begint_op < start + timedelta(days=1)).order_by(Vergadering.begint_op)
        .limit(1))


def add_meeting(ctx: Ctx, code: str, day: date, at: str | None) -> Vergadering:
    overleg = find_overleg(ctx, code)
    require(ctx, "overleg.vergaderingen", overleg_id=overleg.id)
    if day < ctx.today:
        raise UserError(t("vergadering.verleden", date=_day(ctx, day)))
    if _on(ctx, overleg, day) is not None:
        raise UserError(t("vergadering.bestaat", overleg=overleg.naam, date=_day(ctx, day)))
    meeting = Vergadering(overleg_id=overleg.id, begint_op=datetime.combine(
        day, parse_time(at, _default_time(overleg)), tzinfo=ctx.tz))
    ctx.session.add(meeting)
    ctx.session.flush()
    audit.record(ctx, "overleg", overleg.id, f"{overleg.code} vergadering", None,
                 _when(ctx, meeting))
    return meeting


def move_meeting(ctx: Ctx, code: str, old: date, new: date, at: str | None) -> tuple[
        Vergadering, str]:
    overleg = find_overleg(ctx, code)
    require(ctx, "overleg.vergaderingen", overleg_id=overleg.id)
    meeting = _on(ctx, overleg, old)
    if meeting is None or meeting.afgesloten_op is not None:
        raise UserError(t("vergadering.niet_gevonden", overleg=overleg.naam,
                          date=_day(ctx, old)))
    if new < ctx.today:
        raise UserError(t("vergadering.verleden", date=_day(ctx, new)))
    before = _when(ctx, meeting)
    local = meeting.begint_op.astimezone(ctx.tz)
    meeting.begint_op = datetime.combine(new, parse_time(at, local.time()), tzinfo=ctx.tz)
    audit.record(ctx, "overleg", overleg.id, f"{overleg.code} vergadering", before,
                 _when(ctx, meeting))
    return meeting, before


def chairs(ctx: Ctx, overleg: Overleg) -> list[Persoon]:
    """Voorzitter first, then secretaris."""
    rows = ctx.session.execute(select(OverlegLid.rol, Persoon).join(Persoon).where(
        OverlegLid.overleg_id == overleg.id, OverlegLid.rol.in_(("voorzitter", "secretaris")))
    ).all()
    return [p for rol, p in sorted(rows, key=lambda r: r[0] != "voorzitter")]


def plan_rhythms(ctx: Ctx, calendar: Calendar) -> int:
    """Plan each rhythm's meetings a quarter ahead. A day of the rhythm that is a day off
    moves to the working day after it (or before it, as the body wrote its rhythm); the
    voorzitter and the body's channel are told, and the meeting says where it came from."""
    told = 0
    for overleg in ctx.session.scalars(select(Overleg).where(
            Overleg.regio_id == ctx.regio.id, Overleg.ritme.is_not(None))
            .order_by(Overleg.code)):
        ritme = recurrence.parse(overleg.ritme or "")
        known = set(ctx.session.scalars(select(Vergadering.uit_ritme_op).where(
            Vergadering.overleg_id == overleg.id, Vergadering.uit_ritme_op >= ctx.today)))
        for day in recurrence.dates(ritme, ctx.today, ctx.today + PLAN_AHEAD):
            if day in known:
                continue
            held_on = recurrence.working_day(day, calendar, ritme.earlier, ctx.today)
            if _on(ctx, overleg, held_on) is not None:
                continue  # the body meets that day already
            meeting = Vergadering(overleg_id=overleg.id, uit_ritme_op=day,
                                  begint_op=datetime.combine(held_on, ritme.at, tzinfo=ctx.tz))
            ctx.session.add(meeting)
            if held_on != day:
                ctx.session.flush()
                told += _tell_moved(ctx, overleg, meeting, calendar)
    return told


def moved_from(ctx: Ctx, meeting: Vergadering, calendar: Calendar) -> str | None:
    """"verschoven van vrijdag 25 december 2026 (Eerste Kerstdag)" for a meeting held on
    another day than its rhythm's; None for one held on its day or added by hand."""
    if meeting.uit_ritme_op is None or \
            meeting.uit_ritme_op == meeting.begint_op.astimezone(ctx.tz).date():
        return None
    reden = calendar.day_off(meeting.uit_ritme_op)
    return t("vergadering.verschoven.reden" if reden else "vergadering.verschoven",
             date=_day(ctx, meeting.uit_ritme_op), reden=reden or "")


def _tell_moved(ctx: Ctx, overleg: Overleg, meeting: Vergadering, calendar: Calendar) -> int:
    """The voorzitter (or the programmamanager) and the body's channel hear that a
    meeting of the rhythm moved off a day off, and how to move it elsewhere."""
    assert meeting.uit_ritme_op is not None
    day = meeting.uit_ritme_op
    message = Message(heading=t("vergadering.vrij.kop", overleg=overleg.naam), sections=[
        Section(lines=[line(t("vergadering.vrij", date=_day(ctx, day),
                              reden=calendar.day_off(day) or "", when=_when(ctx, meeting))),
                       line(t("vergadering.vrij.kies", code=overleg.code,
                              dag=f"{meeting.begint_op.astimezone(ctx.tz):%d-%m-%Y}"))])])
    key = f"vergadering:o{overleg.id}:verschoven:{day.isoformat()}"
    told = 0
    for persoon in chairs(ctx, overleg)[:1] or _managers(ctx):
        told += notify.to_person(ctx, persoon, message, key)
    if overleg.kanaal:
        told += notify.to_channel(ctx, overleg.kanaal, message, f"{key}:kanaal")
    return told


def _managers(ctx: Ctx) -> list[Persoon]:
    return list(ctx.session.scalars(select(Persoon).where(
        Persoon.regio_id == ctx.regio.id, Persoon.is_programmamanager, Persoon.actief)))


# --- agenda items -------------------------------------------------------------------------


def deadline(overleg: Overleg, meeting: Vergadering, calendar: Calendar, tz: ZoneInfo) -> date:
    """The last day papers may come in: the body's term in working days before."""
    day = meeting.begint_op.astimezone(tz).date()
    return calendar.add(day, -overleg.stukken_termijn_dagen)


def meeting_for(ctx: Ctx, overleg: Overleg) -> Vergadering | None:
    """The first meeting whose deadline for papers has not passed: where anything that
    "goes onto the next agenda" goes (an item, an afweging's result), so nothing lands on
    a meeting this afternoon whose papers went out days ago."""
    calendar = of_regio(ctx.regio.instellingen)
    for meeting in upcoming(ctx, overleg):
        if deadline(overleg, meeting, calendar, ctx.tz) >= ctx.today:
            return meeting
    return None


@dataclass
class Submitted:
    punt: Agendapunt
    overleg: Overleg
    meeting: Vergadering | None
    # The next meeting, when its deadline for papers passed and the item goes to a later one.
    missed: Vergadering | None = None


def submit(ctx: Ctx, code: str, tekst: str, opgave_code: str | None) -> Submitted:
    overleg = find_overleg(ctx, code)
    tekst = " ".join(tekst.split())
    if not tekst or len(tekst) > TITLE_MAX:
        raise UserError(t("agendapunt.tekst", max=TITLE_MAX))
    opgave = register.get(ctx, opgave_code) if opgave_code else None
    meeting = meeting_for(ctx, overleg)
    first = next_meeting(ctx, overleg)
    punt = Agendapunt(overleg_id=overleg.id, vergadering_id=meeting.id if meeting else None,
                      opgave_id=opgave.id if opgave else None, soort="punt", titel=tekst,
                      ingediend_door_id=ctx.actor.id, ingediend_op=ctx.now,
                      bron=f"ingediend:{uuid.uuid4().hex}", status="ingediend")
    ctx.session.add(punt)
    ctx.session.flush()
    audit.record(ctx, "agendapunt", punt.id, f"{overleg.code} agendapunt", None, tekst,
                 opgave_id=opgave.id if opgave else None)
    message = review_request(ctx, punt, overleg, meeting, opgave)
    for persoon in chairs(ctx, overleg) or _managers(ctx):
        if persoon.id != ctx.actor.id:
            notify.to_person(ctx, persoon, message, f"agendapunt:{punt.id}:beoordelen")
    missed = first if first is not None and (meeting is None or first.id != meeting.id) \
        else None
    return Submitted(punt, overleg, meeting, missed)


def review_request(ctx: Ctx, punt: Agendapunt, overleg: Overleg, meeting: Vergadering | None,
                   opgave: Opgave | None) -> Message:
    lines = [line(t("agendapunt.van"), PersonRef(persoon_id=ctx.actor.id, naam=ctx.actor.naam),
                  f": {punt.titel}")]
    if opgave is not None:
        lines.append(line(t("agendapunt.opgave", code=opgave.code, titel=opgave.titel)))
    lines.append(line(t("agendapunt.voor", when=_when(ctx, meeting)) if meeting
                      else t("agendapunt.geen_vergadering")))
    return Message(heading=t("agendapunt.beoordeel.kop", overleg=overleg.naam),
                   sections=[Section(lines=lines)], buttons=[
        Button(label=t("button.accepteren"), action="agendapunt.beoordeel",
               args={"punt": str(punt.id), "besluit": "ja"}, style="primary"),
        Button(label=t("button.afwijzen"), action="agendapunt.beoordeel",
               args={"punt": str(punt.id), "besluit": "nee"})])


def review(ctx: Ctx, punt_id: int, accept: bool) -> tuple[Agendapunt, Overleg]:
    punt = ctx.session.get(Agendapunt, punt_id)
    overleg = ctx.session.get(Overleg, punt.overleg_id) if punt else None
    if punt is None or overleg is None or overleg.regio_id != ctx.regio.id:
        raise UserError(t("action.unknown"))
    require(ctx, "overleg.agenda", overleg_id=overleg.id)
    if punt.status != "ingediend":
        door = ctx.session.get(Persoon, punt.beoordeeld_door_id) if punt.beoordeeld_door_id \
            else None
        raise UserError(t(f"agendapunt.al.{punt.status}", titel=punt.titel,
                          naam=door.naam if door else "Regiobot"))
    punt.status = "geaccepteerd" if accept else "afgewezen"
    punt.beoordeeld_door_id, punt.beoordeeld_op = ctx.actor.id, ctx.now
    if accept and punt.vergadering_id is None:
        meeting = meeting_for(ctx, overleg)
        punt.vergadering_id = meeting.id if meeting else None
    audit.record(ctx, "agendapunt", punt.id, f"{overleg.code} agendapunt", "ingediend",
                 punt.status, opgave_id=punt.opgave_id)
    submitter = ctx.session.get(Persoon, punt.ingediend_door_id) if punt.ingediend_door_id \
        else None
    if submitter is not None and submitter.id != ctx.actor.id:
        notify.to_person(ctx, submitter, Message(sections=[Section(lines=[line(t(
            f"agendapunt.{punt.status}", titel=punt.titel, overleg=overleg.naam,
            naam=ctx.actor.naam))])]), f"agendapunt:{punt.id}:{punt.status}")
    return punt, overleg


def find_submitted(ctx: Ctx, code: str, words: str) -> Agendapunt:
    """``/overleg accepteer|afwijzen <overleg> <punt>``: the item still to be accepted
    whose title is, or contains, the words typed (as the agenda lists it)."""
    overleg = find_overleg(ctx, code)
    wanted = " ".join(words.split()).casefold()
    waiting = list(ctx.session.scalars(select(Agendapunt).where(
        Agendapunt.overleg_id == overleg.id, Agendapunt.status == "ingediend")
        .order_by(Agendapunt.ingediend_op, Agendapunt.id)))
    found = [p for p in waiting if p.titel.casefold() == wanted] or [
        p for p in waiting if wanted and wanted in p.titel.casefold()]
    if len(found) == 1:
        return found[0]
    if not found:
        raise UserError(t("agendapunt.onbekend", tekst=words, overleg=overleg.naam,
                          code=overleg.code))
    raise UserError(t("agendapunt.meerdere", tekst=words,
                      titels="; ".join(f"‘{p.titel}’" for p in found)))


# --- the agenda ---------------------------------------------------------------------------


@dataclass
class Agenda:
    overleg: Overleg
    meeting: Vergadering | None
    papers_by: date | None
    decisions: list[tuple[Opgave, Mijlpaal]] = field(default_factory=list)
    dilemmas: list[tuple[Opgave, Dilemma]] = field(default_factory=list)
    items: list[Agendapunt] = field(default_factory=list)
    pending: list[Agendapunt] = field(default_factory=list)


def _following(ctx: Ctx, overleg: Overleg, meeting: Vergadering) -> Vergadering | None:
    return ctx.session.scalar(select(Vergadering).where(
        Vergadering.overleg_id == overleg.id, Vergadering.begint_op > meeting.begint_op,
        Vergadering.afgesloten_op.is_(None)).order_by(Vergadering.begint_op).limit(1))


def _meeting_of(ctx: Ctx, overleg: Overleg, day: date | None) -> Vergadering | None:
    """The meeting on the day asked for, or the next one."""
    if day is None:
        return next_meeting(ctx, overleg)
    meeting = _on(ctx, overleg, day)
    if meeting is None:
        raise UserError(t("vergadering.niet_gevonden", overleg=overleg.naam,
                          date=_day(ctx, day)))
    return meeting


def _items_of(ctx: Ctx, overleg: Overleg, meeting: Vergadering | None,
              papers_by: date | None) -> list[Agendapunt]:
    """A closed meeting's items are the ones it had; an open meeting's are its own, the
    ones of earlier meetings that were never closed, and the unplanned ones that came in
    before its deadline for papers: an item stays until a meeting handles it."""
    query = select(Agendapunt).where(Agendapunt.overleg_id == overleg.id)
    if meeting is not None and meeting.afgesloten_op is not None:
        return list(ctx.session.scalars(query.where(
            Agendapunt.vergadering_id == meeting.id, Agendapunt.status != "afgewezen")
            .order_by(Agendapunt.ingediend_op, Agendapunt.id)))
    return _open_items(ctx, overleg, meeting, papers_by)


def _open_items(ctx: Ctx, overleg: Overleg, meeting: Vergadering | None,
                papers_by: date | None) -> list[Agendapunt]:
    earlier = select(Vergadering.id).where(
        Vergadering.overleg_id == overleg.id, Vergadering.afgesloten_op.is_(None),
        Vergadering.begint_op <= (meeting.begint_op if meeting else ctx.now))
    unplanned = Agendapunt.vergadering_id.is_(None)
    if papers_by is not None:
        until = datetime.combine(papers_by + timedelta(days=1), time(0), tzinfo=ctx.tz)
        unplanned = unplanned & (Agendapunt.ingediend_op < until)
    return list(ctx.session.scalars(select(Agendapunt).where(
        Agendapunt.overleg_id == overleg.id,
        Agendapunt.status.in_(("ingediend", "geaccepteerd")),
        Agendapunt.vergadering_id.in_(earlier) | unplanned)
        .order_by(Agendapunt.ingediend_op, Agendapunt.id)))


def _escalated_on(ctx: Ctx, overleg: Overleg, dilemma: Dilemma) -> date:
    """The day the dilemma was escalated to the body, as its audit trail says (the
    dilemma keeps no date of its own; an older one without the line: the day it came in).
    One escalated after a meeting's deadline for papers is for the meeting after."""
    at = ctx.session.scalar(select(func.max(AuditRegel.op)).where(
        AuditRegel.entiteit == "dilemma", AuditRegel.entiteit_id == dilemma.id,
        AuditRegel.nieuw == overleg.naam))
    return (at or dilemma.ingediend_op).astimezone(ctx.tz).date()


def agenda(ctx: Ctx, code: str, day: date | None = None) -> Agenda:
    """What a meeting (the next one, or the one on ``day``) will see: milestones this
    body decides on that fall before the meeting after it, dilemmas escalated to it, and
    the accepted agenda items (the ones still to be accepted listed apart)."""
    overleg = find_overleg(ctx, code)
    calendar = of_regio(ctx.regio.instellingen)
    meeting = _meeting_of(ctx, overleg, day)
    after = _following(ctx, overleg, meeting) if meeting else None
    result = Agenda(overleg, meeting, deadline(overleg, meeting, calendar, ctx.tz)
                    if meeting else None)
    until = (after.begint_op.astimezone(ctx.tz).date() if after
             else (meeting.begint_op.astimezone(ctx.tz).date() + timedelta(weeks=4)
                   if meeting else ctx.today + timedelta(weeks=4)))
    result.decisions = list(ctx.session.execute(
        select(Opgave, Mijlpaal).join(Mijlpaal, Mijlpaal.opgave_id == Opgave.id)
        .where(Mijlpaal.besluit_door_id == overleg.id, Mijlpaal.afgerond_op.is_(None),
               Mijlpaal.datum < until)
        # Same-day items in agenda order: by date alone their order is whatever plan
        # the database picks (PostgreSQL lists a moved row last when it reads the table).
        .order_by(Mijlpaal.datum, Opgave.agenda_volgorde, Opgave.code, Mijlpaal.volgnummer)
    ).all())
    result.dilemmas = [(o, d) for o, d in ctx.session.execute(
        select(Opgave, Dilemma).join(Dilemma, Dilemma.opgave_id == Opgave.id)
        .where(Dilemma.geescaleerd_naar_overleg_id == overleg.id, Dilemma.status != "opgelost")
        .order_by(Dilemma.ingediend_op, Dilemma.id)).all()
        if result.papers_by is None or _escalated_on(ctx, overleg, d) <= result.papers_by]
    for punt in _items_of(ctx, overleg, meeting, result.papers_by):
        (result.pending if punt.status == "ingediend" else result.items).append(punt)
    return result


# --- after the meeting --------------------------------------------------------------------


def to_close(ctx: Ctx, overleg: Overleg, day: date | None) -> Vergadering:
    """The meeting ``/overleg afsluiten`` means: the one on ``day``, or the most recent
    that started today or before — never one that is closed already or still to come."""
    end_of_day = datetime.combine(ctx.today + timedelta(days=1), time(0), tzinfo=ctx.tz)
    if day is None:
        meeting = ctx.session.scalar(select(Vergadering).where(
            Vergadering.overleg_id == overleg.id, Vergadering.begint_op < end_of_day)
            .order_by(Vergadering.begint_op.desc()).limit(1))
        if meeting is None:
            raise UserError(t("besluit.geen_vergadering", overleg=overleg.naam))
    else:
        meeting = _meeting_of(ctx, overleg, day)
        assert meeting is not None
        if meeting.begint_op >= end_of_day:
            raise UserError(t("afsluiten.toekomst", overleg=overleg.naam,
                              when=_when(ctx, meeting)))
    if meeting.afgesloten_op is not None:
        raise UserError(t("afsluiten.al", overleg=overleg.naam, when=_when(ctx, meeting),
                          op=moment(ctx, meeting.afgesloten_op), code=overleg.code))
    return meeting


def carry_over(ctx: Ctx, overleg: Overleg, meeting: Vergadering,
               decided: set[int]) -> list[Agendapunt]:
    """At closing (called before the meeting is marked closed): an accepted item is
    handled when the meeting decided on its opgave (an item without one was discussed);
    the rest — items about an opgave it did not decide
    on, and items nobody accepted yet — moves to the next meeting whose deadline for
    papers is still ahead. Returns what moved."""
    calendar = of_regio(ctx.regio.instellingen)
    papers_by = deadline(overleg, meeting, calendar, ctx.tz)
    moved: list[Agendapunt] = []
    later = meeting_for(ctx, overleg)
    for punt in _open_items(ctx, overleg, meeting, papers_by):
        if punt.status == "geaccepteerd" and (punt.opgave_id is None
                                              or punt.opgave_id in decided):
            punt.status, punt.vergadering_id = "behandeld", meeting.id
            continue
        punt.vergadering_id = later.id if later else None
        moved.append(punt)
        audit.record(ctx, "agendapunt", punt.id, f"{overleg.code} agendapunt doorgeschoven",
                     _when(ctx, meeting), _when(ctx, later) if later else None,
                     opgave_id=punt.opgave_id)
        _tell_moved_item(ctx, overleg, punt, meeting, later)
    return moved


def _tell_moved_item(ctx: Ctx, overleg: Overleg, punt: Agendapunt, meeting: Vergadering,
                     later: Vergadering | None) -> int:
    """Whoever submitted an item hears that it moved on, so it is not thought lost."""
    submitter = ctx.session.get(Persoon, punt.ingediend_door_id) if punt.ingediend_door_id \
        else None
    if submitter is None or submitter.id == ctx.actor.id:
        return 0
    return notify.to_person(ctx, submitter, Message(sections=[Section(lines=[line(t(
        "agendapunt.doorgeschoven", titel=punt.titel, overleg=overleg.naam,
        when=_when(ctx, meeting), naar=_when(ctx, later) if later
        else t("agendapunt.nog_geen")))])]), f"agendapunt:{punt.id}:doorgeschoven:v{meeting.id}")


def awaiting_decision(ctx: Ctx, overleg: Overleg, opgave: Opgave) -> list[Mijlpaal]:
    """The opgave's open milestones that wait for this body's decision."""
    return list(ctx.session.scalars(select(Mijlpaal).where(
        Mijlpaal.opgave_id == opgave.id, Mijlpaal.besluit_door_id == overleg.id,
        Mijlpaal.afgerond_op.is_(None)).order_by(Mijlpaal.datum, Mijlpaal.volgnummer)))


# Meetings older than this are not nudged any more (a region that starts using the bot
# does not get a nudge for every meeting of last year).
NUDGE_WITHIN = timedelta(weeks=4)


def nudge_unclosed(ctx: Ctx, calendar: Calendar) -> int:
    """The working day after a meeting that nobody closed, its voorzitter and secretaris
    (or the programmamanager) are asked to close it — once: the outbox key is the
    meeting's."""
    sent = 0
    for meeting, overleg in ctx.session.execute(
            select(Vergadering, Overleg).join(Overleg, Overleg.id == Vergadering.overleg_id)
            .where(Overleg.regio_id == ctx.regio.id, Vergadering.afgesloten_op.is_(None),
                   Vergadering.begint_op < ctx.now,
                   Vergadering.begint_op >= ctx.now - NUDGE_WITHIN)
            .order_by(Vergadering.begint_op)).all():
        day = meeting.begint_op.astimezone(ctx.tz).date()
        if calendar.add(day, 1) > ctx.today:
            continue
        typed = f"afsluiten {overleg.code} {day:%d-%m-%Y}"
        message = Message(heading=t("afsluiten.herinnering.kop", overleg=overleg.naam),
                          sections=[Section(lines=[line(t(
                              "afsluiten.herinnering", when=_when(ctx, meeting),
                              command=f"/overleg {typed}"))])],
                          buttons=[Button(label=t("button.afsluiten"), action="cmd",
                                          args={"root": "overleg", "text": typed})])
        for persoon in chairs(ctx, overleg) or _managers(ctx):
            sent += notify.to_person(ctx, persoon, message,
                                     f"vergadering:v{meeting.id}:afsluiten")
    return sent
