"""``/overleg`` for meetings: the rhythm, meetings added or moved, agenda items and the
agenda of the next meeting."""

from __future__ import annotations

from typing import Any

from bot.context import Ctx
from bot.dates import format_date, format_short
from bot.grammar import CODE
from bot.messages import Button, Line, Message, Section, line
from bot.replies import Reply
from bot.services import meetings
from bot.services.milestones import find_overleg
from bot.texts import current_language, t
from handlers import views
from handlers.registry import handles


def _moment(ctx: Ctx, value: Any) -> str:
    return meetings.moment(ctx, value)


@handles("overleg.vergaderingen")
def vergaderingen(ctx: Ctx, args: dict[str, Any]) -> Reply:
    overleg = find_overleg(ctx, args["overleg"])
    found = meetings.upcoming(ctx, overleg)
    lines = [line(_moment(ctx, m.begint_op)) for m in found] or [line(t("vergadering.geen"))]
    context = [t("vergadering.ritme", ritme=overleg.ritme)] if overleg.ritme else [
        t("vergadering.geen_ritme", code=overleg.code)]
    return Reply.of(Message(heading=t("vergadering.kop", overleg=overleg.naam),
                            sections=[Section(lines=lines)], context=context))


@handles("overleg.vergadering")
def vergadering(ctx: Ctx, args: dict[str, Any]) -> Reply:
    meeting = meetings.add_meeting(ctx, args["overleg"], args["datum"], args.get("tijd"))
    return Reply.of(views.note(t("done.vergadering", overleg=args["overleg"].lower(),
                                 when=_moment(ctx, meeting.begint_op))))


@handles("overleg.verplaats")
def verplaats(ctx: Ctx, args: dict[str, Any]) -> Reply:
    meeting, before = meetings.move_meeting(ctx, args["overleg"], args["datum"], args["nieuw"],
                                            args.get("tijd"))
    return Reply.of(views.note(t("done.vergadering.verplaatst", old=before,
                                 new=_moment(ctx, meeting.begint_op))))


@handles("overleg.ritme")
def ritme(ctx: Ctx, args: dict[str, Any]) -> Reply:
    overleg, found = meetings.set_rhythm(ctx, args["overleg"], args["ritme"])
    return Reply.of(views.note(t("done.ritme", overleg=overleg.naam, ritme=str(found))))


@handles("overleg.agendapunt")
def agendapunt(ctx: Ctx, args: dict[str, Any]) -> Reply:
    """``<tekst> [code]``: a last word that is an opgave code links the item to it."""
    tekst, _, last = args["tekst"].rpartition(" ")
    code = last if tekst and CODE.match(last) else None
    punt, overleg, meeting = meetings.submit(ctx, args["overleg"], tekst if code else
                                             args["tekst"], code)
    when = _moment(ctx, meeting.begint_op) if meeting else t("agendapunt.nog_geen")
    return Reply.of(views.note(t("done.agendapunt", titel=punt.titel, overleg=overleg.naam,
                                 when=when)))


def review_button(ctx: Ctx, args: dict[str, str]) -> Reply:
    punt, overleg = meetings.review(ctx, int(args.get("punt", "0") or 0),
                                    args.get("besluit") == "ja")
    return Reply.of(views.note(t(f"done.agendapunt.{punt.status}", titel=punt.titel,
                                 overleg=overleg.naam)))


@handles("overleg.agenda")
def agenda(ctx: Ctx, args: dict[str, Any]) -> Reply:
    found = meetings.agenda(ctx, args["overleg"])
    language = current_language()
    sections: list[Section] = []
    decide: list[Line] = [line(f"{o.code}#{m.volgnummer} {m.titel} · "
                               f"{format_short(m.datum, language)}") for o, m in found.decisions]
    decide += [line(f"{o.code}#D{d.volgnummer} ", d.tekst) for o, d in found.dilemmas
               if not d.vertrouwelijk]
    decide += [line(p.titel) for p in found.items]
    if decide:
        sections.append(Section(title=t("agenda.besluiten"), lines=decide))
    if found.pending:
        sections.append(Section(title=t("agenda.ingediend"), lines=[
            line(p.titel, button=Button(label=t("button.accepteren"),
                                        action="agendapunt.beoordeel",
                                        args={"punt": str(p.id), "besluit": "ja"}))
            for p in found.pending]))
    if not sections:
        sections.append(Section(lines=[line(t("agenda.leeg"))]))
    when = (_moment(ctx, found.meeting.begint_op) if found.meeting
            else t("agendapunt.nog_geen"))
    context = [t("agenda.stukken", date=format_date(found.papers_by, language))] \
        if found.papers_by else []
    return Reply.of(Message(heading=t("agenda.kop", overleg=found.overleg.naam, when=when),
                            sections=sections, context=context))
