"""A body's meetings: its rhythm, meetings added or moved by hand, and the agenda items
anyone may submit (seed 001: "eenieder kan agendapunten indienen") for the voorzitter or
secretaris to accept or decline before the deadline for papers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

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


def _meeting_for(ctx: Ctx, overleg: Overleg) -> Vergadering | None:
    """The first meeting whose deadline for papers has not passed."""
    calendar = of_regio(ctx.regio.instellingen)
    for meeting in upcoming(ctx, overleg):
        if deadline(overleg, meeting, calendar, ctx.tz) >= ctx.today:
            return meeting
    return None


def submit(ctx: Ctx, code: str, tekst: str, opgave_code: str | None) -> tuple[
        Agendapunt, Overleg, Vergadering | None]:
    overleg = find_overleg(ctx, code)
    tekst = " ".join(tekst.split())
    if not tekst or len(tekst) > TITLE_MAX:
        raise UserError(t("agendapunt.tekst", max=TITLE_MAX))
    opgave = register.get(ctx, opgave_code) if opgave_code else None
    meeting = _meeting_for(ctx, overleg)
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
    return punt, overleg, meeting


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
        meeting = next_meeting(ctx, overleg)
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


def agenda(ctx: Ctx, code: str) -> Agenda:
    """What the next meeting will see: milestones this body decides on that fall before
    the meeting after it, dilemmas escalated to it, and the accepted agenda items (the
    ones still to be accepted listed apart)."""
    overleg = find_overleg(ctx, code)
    calendar = of_regio(ctx.regio.instellingen)
    meetings = upcoming(ctx, overleg, 2)
    meeting = meetings[0] if meetings else None
    result = Agenda(overleg, meeting, deadline(overleg, meeting, calendar, ctx.tz)
                    if meeting else None)
    until = (meetings[1].begint_op.astimezone(ctx.tz).date() if len(meetings) > 1
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
    result.dilemmas = list(ctx.session.execute(
        select(Opgave, Dilemma).join(Dilemma, Dilemma.opgave_id == Opgave.id)
        .where(Dilemma.geescaleerd_naar_overleg_id == overleg.id, Dilemma.status != "opgelost")
        .order_by(Dilemma.ingediend_op, Dilemma.id)).all())
    for punt in ctx.session.scalars(select(Agendapunt).where(
            Agendapunt.overleg_id == overleg.id, Agendapunt.status != "afgewezen",
            (Agendapunt.vergadering_id == (meeting.id if meeting else -1))
            | Agendapunt.vergadering_id.is_(None))
            .order_by(Agendapunt.ingediend_op, Agendapunt.id)):
        (result.items if punt.status == "geaccepteerd" else result.pending).append(punt)
    return result
