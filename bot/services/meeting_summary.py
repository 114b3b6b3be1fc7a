"""Before a meeting: at the deadline for papers the driehoeken of the items to decide are
asked for what is missing; two working days before, the body's channel gets the
meeting-slim summary (seed 000: "alleen diegenen zijn aanwezig die een bijdrage moeten
leveren") — what needs a decision and who must be there for it, the rest one line each
"ter informatie"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from bot import paging
from bot.context import Ctx
from bot.dates import format_short
from bot.messages import Button, Line, Message, PersonRef, Section, line
from bot.services import meetings, notify
from bot.texts import current_language, t
from bot.vocab import STATUS_ICONS
from bot.workdays import Calendar
from storage.models import Afwezigheid, Opgave, Overleg, Persoon, Vergadering

SUMMARY_BEFORE = 2  # working days


@dataclass
class Item:
    """One thing to decide: what it is, its opgave's status, who must be there, and for a
    milestone the date it is due."""

    text: str
    opgave: Opgave | None
    who: list[Persoon] = field(default_factory=list)
    due: date | None = None
    confidential: bool = False


def _driehoek(opgave: Opgave) -> list[Persoon]:
    return [p for p in (opgave.projectleider, opgave.ambtelijk_opdrachtgever,
                        opgave.bestuurlijk_opdrachtgever) if p is not None]


def items(ctx: Ctx, overleg: Overleg, agenda: meetings.Agenda | None = None,
          confidential: bool = True) -> list[Item]:
    """What the meeting decides on, each with who must be there: the summary in the
    body's channel and the agenda preview (``/overleg agenda``) both list these. A
    confidential dilemma is a placeholder line in the channel, and left out of the
    preview that anyone in the region may ask for (``confidential=False``)."""
    agenda = agenda or meetings.agenda(ctx, overleg.code)
    found: list[Item] = []
    for opgave, m in agenda.decisions:
        found.append(Item(f"{opgave.code}#{m.volgnummer} {m.titel}", opgave, _driehoek(opgave),
                          m.datum))
    for opgave, d in agenda.dilemmas:
        if d.vertrouwelijk and not confidential:
            continue
        text = t("samenvatting.vertrouwelijk", code=opgave.code) if d.vertrouwelijk else \
            f"{opgave.code}#D{d.volgnummer} {d.tekst}"
        found.append(Item(text, opgave, _driehoek(opgave), confidential=d.vertrouwelijk))
    for punt in agenda.items:
        opgave = ctx.session.get(Opgave, punt.opgave_id) if punt.opgave_id else None
        submitter = ctx.session.get(Persoon, punt.ingediend_door_id) \
            if punt.ingediend_door_id else None
        who = _driehoek(opgave) if opgave is not None and punt.soort == "afweging" else (
            [submitter] if submitter else [])
        found.append(Item(punt.titel, opgave, who))
    return found


def _names(people: list[Persoon]) -> list[str | PersonRef]:
    """People as mentions, separated by commas."""
    parts: list[str | PersonRef] = []
    for n, p in enumerate(people):
        parts += ([", "] if n else []) + [PersonRef(persoon_id=p.id, naam=p.naam)]
    return parts


def _attending(ctx: Ctx, wanted: list[Persoon], day: date) -> list[str | PersonRef]:
    """Who must be there, as mentions: someone away that day is not, their stand-in is,
    named as such (a stand-in for several, or there in their own right too, once)."""
    away = {a.persoon_id: a for a in ctx.session.scalars(select(Afwezigheid).where(
        Afwezigheid.persoon_id.in_([p.id for p in wanted]), Afwezigheid.van <= day,
        Afwezigheid.tot >= day))}
    standing_in: dict[int, tuple[Persoon, list[str]]] = {}
    for persoon in wanted:
        absence = away.get(persoon.id)
        if absence is None:
            standing_in.setdefault(persoon.id, (persoon, []))
        elif absence.vervanger is not None and absence.vervanger.id not in away:
            standing_in.setdefault(absence.vervanger.id, (absence.vervanger, []))[1].append(
                persoon.naam)
    parts: list[str | PersonRef] = []
    for n, (p, replaced) in enumerate(standing_in.values()):
        parts += ([", "] if n else []) + [PersonRef(persoon_id=p.id, naam=p.naam)]
        if replaced:
            parts.append(t("samenvatting.vervangt", namen=", ".join(replaced)))
    return parts


def item_line(item: Item, dated: bool = False) -> Line:
    """One line, details one click away (the opgave's card)."""
    parts: list[str | PersonRef] = [item.text]
    if dated and item.due is not None:
        parts.append(f" · {format_short(item.due, current_language())}")
    if item.opgave is not None:
        parts.append(f" {STATUS_ICONS.get(item.opgave.status or '', '⚪')}")
    if item.who:
        parts += [" · ", *_names(item.who)]
    card = None if item.opgave is None else Button(
        label=t("button.bekijk"), action="cmd", args={"text": f"status {item.opgave.code}"})
    return line(*parts, button=card)


def summary(ctx: Ctx, overleg: Overleg, meeting: Vergadering) -> Message:
    """The first page of what to decide; its Meer button pages on in the agenda preview,
    which lists the same items in the same order (the confidential placeholders, which
    the preview leaves out, follow the first page here)."""
    found = items(ctx, overleg)
    listed = [i for i in found if not i.confidential]
    page = paging.page_of(len(listed))
    rest, more = paging.more(ctx, "overleg", f"agenda {overleg.code}", page, "punt")
    sections = [Section(title=t("samenvatting.besluiten"), lines=[
        item_line(i) for i in listed[page.start:page.stop] + [
            i for i in found if i.confidential]] + rest)] \
        if found else [Section(lines=[line(t("samenvatting.niets"))])]
    present: dict[int, Persoon] = {p.id: p for i in found for p in i.who}
    if present:
        sections.append(Section(title=t("samenvatting.aanwezig"), lines=[
            line(*_attending(ctx, list(present.values()), _day(ctx, meeting)))]))
    deciding = {i.opgave.id for i in found if i.opgave is not None}
    informing = [o for o in ctx.session.scalars(select(Opgave).where(
        Opgave.overleg_id == overleg.id, Opgave.fase != "afgerond")
        .order_by(Opgave.agenda_volgorde, Opgave.code)) if o.id not in deciding]
    if informing:
        sections.append(Section(title=t("samenvatting.informatie"), lines=[
            line(f"{STATUS_ICONS.get(o.status or '', '⚪')} {o.code} {o.titel}")
            for o in informing]))
    return Message(heading=t("samenvatting.kop", overleg=overleg.naam,
                             when=meetings.moment(ctx, meeting.begint_op)),
                   sections=sections, buttons=more,
                   context=[t("samenvatting.context", code=overleg.code)])


def _day(ctx: Ctx, meeting: Vergadering) -> date:
    return meeting.begint_op.astimezone(ctx.tz).date()


def plan(ctx: Ctx, calendar: Calendar) -> int:
    """Summaries due today (from two working days before a meeting until it starts, so a
    worker that was down still posts one), and requests for papers at the deadline."""
    sent = 0
    for overleg in ctx.session.scalars(select(Overleg).where(
            Overleg.regio_id == ctx.regio.id).order_by(Overleg.code)):
        meeting = meetings.next_meeting(ctx, overleg)
        if meeting is None or meeting.begint_op <= ctx.now:
            continue
        if calendar.add(_day(ctx, meeting), -SUMMARY_BEFORE) <= ctx.today and overleg.kanaal:
            sent += notify.to_channel(ctx, overleg.kanaal, summary(ctx, overleg, meeting),
                                      f"samenvatting:v{meeting.id}")
        if meetings.deadline(overleg, meeting, calendar, ctx.tz) == ctx.today:
            sent += _ask_for_papers(ctx, overleg, meeting)
    # After a meeting: one that nobody closed is brought up the next working day.
    return sent + meetings.nudge_unclosed(ctx, calendar)


def _ask_for_papers(ctx: Ctx, overleg: Overleg, meeting: Vergadering) -> int:
    """One message per opgave to its projectleider, naming its items."""
    sent = 0
    found = items(ctx, overleg)
    per_opgave: dict[int, list[Item]] = {}
    for item in found:
        if item.opgave is not None and item.opgave.projectleider is not None:
            per_opgave.setdefault(item.opgave.id, []).append(item)
    for opgave_id, own in per_opgave.items():
        opgave = own[0].opgave
        assert opgave is not None and opgave.projectleider is not None
        message = Message(heading=t("stukken.kop", overleg=overleg.naam), sections=[Section(
            lines=[line(t("stukken.vraag", when=meetings.moment(ctx, meeting.begint_op)))]
            + [line(i.text) for i in own])])
        sent += notify.to_person(ctx, opgave.projectleider, message,
                                 f"stukken:v{meeting.id}:o{opgave_id}")
    return sent
