"""``/overleg`` for meetings: the rhythm, meetings added or moved, agenda items and the
agenda of the next meeting."""

from __future__ import annotations

from typing import Any

from bot import paging
from bot.context import Ctx
from bot.dates import format_date
from bot.errors import UserError
from bot.forms import FieldKind, Form, FormField, Option
from bot.grammar import CODE
from bot.messages import Button, Line, Message, Section, line
from bot.replies import Reply
from bot.services import decisions, meeting_summary, meetings
from bot.services.milestones import find_overleg
from bot.texts import current_language, t, tn
from bot.workdays import Calendar, of_regio
from handlers import views
from handlers.registry import handles
from storage.models import Besluit, Gemeente, Mijlpaal, Vergadering


def _moment(ctx: Ctx, value: Any) -> str:
    return meetings.moment(ctx, value)


@handles("overleg.vergaderingen")
def vergaderingen(ctx: Ctx, args: dict[str, Any]) -> Reply:
    overleg = find_overleg(ctx, args["overleg"])
    found = meetings.upcoming(ctx, overleg)
    calendar = of_regio(ctx.regio.instellingen)
    lines = [_meeting_line(ctx, m, calendar) for m in found] or [line(t("vergadering.geen"))]
    context = [t("vergadering.ritme", ritme=overleg.ritme)] if overleg.ritme else [
        t("vergadering.geen_ritme", code=overleg.code)]
    return Reply.of(Message(heading=t("vergadering.kop", overleg=overleg.naam),
                            sections=[Section(lines=lines)], context=context))


def _meeting_line(ctx: Ctx, meeting: Vergadering, calendar: Calendar) -> Line:
    """Its moment, and where the rhythm had it when it was moved off a day off."""
    moved = meetings.moved_from(ctx, meeting, calendar)
    return line(_moment(ctx, meeting.begint_op), *([f" · {moved}"] if moved else []))


@handles("overleg.vergadering")
def vergadering(ctx: Ctx, args: dict[str, Any]) -> Reply:
    meeting = meetings.add_meeting(ctx, args["overleg"], args["datum"], args.get("tijd"))
    return Reply.of(views.note(t("done.vergadering", overleg=find_overleg(
        ctx, args["overleg"]).naam, when=_moment(ctx, meeting.begint_op))))


@handles("overleg.verplaats")
def verplaats(ctx: Ctx, args: dict[str, Any]) -> Reply:
    meeting, before = meetings.move_meeting(ctx, args["overleg"], args["datum"], args["nieuw"],
                                            args.get("tijd"))
    return Reply.of(views.note(t("done.vergadering.verplaatst", old=before,
                                 new=_moment(ctx, meeting.begint_op))))


@handles("overleg.ritme")
def ritme(ctx: Ctx, args: dict[str, Any]) -> Reply:
    overleg, found = meetings.set_rhythm(ctx, args["overleg"], args["ritme"])
    rule = t("done.ritme.ervoor" if found.earlier else "done.ritme.erna")
    return Reply.of(views.note(t("done.ritme", overleg=overleg.naam, ritme=str(found)) + " "
                               + rule))


@handles("overleg.agendapunt")
def agendapunt(ctx: Ctx, args: dict[str, Any]) -> Reply:
    """``<tekst> [code]``: a last word that is an opgave code links the item to it."""
    tekst, _, last = args["tekst"].rpartition(" ")
    code = last if tekst and CODE.match(last) else None
    done = meetings.submit(ctx, args["overleg"], tekst if code else args["tekst"], code)
    when = _moment(ctx, done.meeting.begint_op) if done.meeting else t("agendapunt.nog_geen")
    if done.missed is not None:
        # After the deadline for papers: it goes to a later meeting, and says which.
        calendar = of_regio(ctx.regio.instellingen)
        return Reply.of(views.note(t(
            "done.agendapunt.laat", titel=done.punt.titel, overleg=done.overleg.naam,
            eerst=_moment(ctx, done.missed.begint_op), when=when, date=format_date(
                meetings.deadline(done.overleg, done.missed, calendar, ctx.tz),
                current_language()))))
    return Reply.of(views.note(t("done.agendapunt", titel=done.punt.titel,
                                 overleg=done.overleg.naam, when=when)))


def review_button(ctx: Ctx, args: dict[str, str]) -> Reply:
    return _reviewed(ctx, int(args.get("punt", "0") or 0), args.get("besluit") == "ja")


def _reviewed(ctx: Ctx, punt_id: int, accept: bool) -> Reply:
    punt, overleg = meetings.review(ctx, punt_id, accept)
    return Reply.of(views.note(t(f"done.agendapunt.{punt.status}", titel=punt.titel,
                                 overleg=overleg.naam)))


@handles("overleg.accepteer")
def accepteer(ctx: Ctx, args: dict[str, Any]) -> Reply:
    """The same as the Accepteren button, for who would rather type."""
    return _reviewed(ctx, meetings.find_submitted(ctx, args["overleg"], args["punt"]).id, True)


@handles("overleg.afwijzen")
def afwijzen(ctx: Ctx, args: dict[str, Any]) -> Reply:
    return _reviewed(ctx, meetings.find_submitted(ctx, args["overleg"], args["punt"]).id, False)


@handles("overleg.agenda")
def agenda(ctx: Ctx, args: dict[str, Any]) -> Reply:
    """A meeting's agenda (the next one's, or the one on the date typed), any time: what
    it decides on and who must be there for each item (as the summary two working days
    before says it), then what was submitted and waits to be accepted; one page at a
    time."""
    day = args.get("datum")
    found = meetings.agenda(ctx, args["overleg"], day)
    language = current_language()
    sections: list[Section] = []
    decide = [meeting_summary.item_line(i, dated=True)
              for i in meeting_summary.items(ctx, found.overleg, found, confidential=False)]
    if decide:
        sections.append(Section(title=t("agenda.besluiten"), lines=decide))
    if found.pending:
        sections.append(Section(title=t("agenda.ingediend"), lines=[
            line(p.titel, button=Button(label=t("button.accepteren"),
                                        action="agendapunt.beoordeel",
                                        args={"punt": str(p.id), "besluit": "ja"}))
            for p in found.pending]))
    page = paging.page_of(paging.line_count(sections), args.get("page", 0))
    sections = paging.sections_page(sections, page)
    typed = f"agenda {found.overleg.code}" + (f" {day:%d-%m-%Y}" if day else "")
    rest, more = paging.more(ctx, "overleg", typed, page, "punt")
    if rest:
        sections.append(Section(lines=rest))
    if not sections:
        closed = found.meeting is not None and found.meeting.afgesloten_op is not None
        sections.append(Section(lines=[line(t("agenda.leeg.afgesloten" if closed
                                              else "agenda.leeg"))]))
    when = (_moment(ctx, found.meeting.begint_op) if found.meeting
            else t("agendapunt.nog_geen"))
    context = [t("agenda.stukken", date=format_date(found.papers_by, language))] \
        if found.papers_by else []
    if found.meeting is not None and found.meeting.afgesloten_op is not None:
        context = [t("agenda.afgesloten", when=_moment(ctx, found.meeting.afgesloten_op))]
    elif found.pending:
        context.append(t("agenda.beoordelen", code=found.overleg.code))
    return Reply.of(Message(heading=t("agenda.kop", overleg=found.overleg.naam, when=when),
                            sections=sections, buttons=more, context=context))


@handles("overleg.besluit")
def besluit(ctx: Ctx, args: dict[str, Any]) -> Reply:
    _, overleg, opgave = decisions.record(ctx, args["overleg"], args["code"],
                                              args.get("lokaal"), args["tekst"])
    return Reply.of(views.done(opgave.code, t("done.besluit", code=opgave.code,
                                              overleg=overleg.naam)),
                    *[_milestone_question(overleg.naam, opgave.code, m)
                      for m in meetings.awaiting_decision(ctx, overleg, opgave)])


def _milestone_question(overleg: str, code: str, mijlpaal: Mijlpaal) -> Message:
    """A milestone that waited for this body's decision: the recorder says whether the
    decision completes it (a decision may be a step, not the end), with one button."""
    ref = f"{code}#{mijlpaal.volgnummer}"
    return Message(sections=[Section(lines=[line(t("besluit.mijlpaal", ref=ref,
                                                   titel=mijlpaal.titel, overleg=overleg))])],
                   buttons=[Button(label=t("button.afgerond"), action="mijlpaal.klaar",
                                   args={"ref": ref}, style="primary")])


@handles("overleg.afsluiten")
def afsluiten(ctx: Ctx, args: dict[str, Any]) -> Reply:
    closed = decisions.close(ctx, args["overleg"], args.get("datum"))
    notes = [tn("done.afsluiten", len(closed.besluiten))]
    if closed.moved:
        later = {p.vergadering_id for p in closed.moved} - {None}
        meeting = ctx.session.get(Vergadering, later.pop()) if later else None
        notes.append(t("afsluiten.doorgeschoven", titels="; ".join(
            f"‘{p.titel}’" for p in closed.moved), when=_moment(ctx, meeting.begint_op)
            if meeting else t("agendapunt.nog_geen")))
    return Reply.of(decisions.besluitenlijst(ctx, closed), views.note(" ".join(notes)))


def step_button(ctx: Ctx, args: dict[str, str]) -> Reply:
    found, gemeente, owed = decisions.record_step(ctx, int(args.get("b", "0") or 0),
                                                  int(args.get("g", "0") or 0), args.get("s", ""))
    return _after_step(found, gemeente, owed)


def _after_step(found: Besluit, gemeente: Gemeente, owed: str | None) -> Reply:
    text = t("done.stap", gemeente=gemeente.naam) + " " + (
        t("done.stap.volgende", stap=t(f"besluit.stap.{owed}")) if owed
        else t("done.stap.klaar", gemeente=gemeente.naam))
    return Reply.of(Message(sections=[Section(lines=[line(text)])],
                            buttons=decisions.step_buttons(found, gemeente, owed)))


def _owed(ctx: Ctx, args: dict[str, str]) -> tuple[Besluit, Gemeente, str]:
    """The decision, the gemeente and the step it owes next (a form step: not feedback)."""
    found, gemeente, owed = decisions.owed_step(ctx, int(args.get("b", "0") or 0),
                                                int(args.get("g", "0") or 0))
    if owed is None or owed == "teruggekoppeld":
        raise UserError(t("besluit.stap.niets", gemeente=gemeente.naam))
    return found, gemeente, owed


def step_form(ctx: Ctx, args: dict[str, str]) -> Form:
    found, gemeente, owed = _owed(ctx, args)
    fields = [FormField(name="datum", label=t(f"field.stap.datum.{owed}"), kind=FieldKind.DATE,
                        required=owed.endswith("voorgelegd"), hint=t("field.datum.hint"),
                        # put to a college or council meeting: a meeting is on a working day
                        working_day=owed.endswith("voorgelegd"))]
    if not owed.endswith("voorgelegd"):
        fields = [FormField(name="uitkomst", label=t("field.stap.uitkomst"),
                            kind=FieldKind.CHOICE, required=True, options=[
                                Option(value="conform", label=t("besluit.conform")),
                                Option(value="afwijkend", label=t("besluit.afwijkend"))]),
                  FormField(name="toelichting", label=t("field.toelichting"),
                            kind=FieldKind.LONG_TEXT, hint=t("field.stap.toelichting")),
                  *fields]
    return Form(id="besluit.stap", title=t("form.stap.title", gemeente=gemeente.naam,
                                              stap=t(f"besluit.stap.{owed}")),
                submit_label=t("form.stap.submit"),
                args={"b": str(found.id), "g": str(gemeente.id)}, fields=fields)


def submit_step(ctx: Ctx, form: Form, values: dict[str, Any]) -> Reply:
    found, gemeente, owed = _owed(ctx, form.args)
    found, gemeente, after = decisions.record_step(
        ctx, found.id, gemeente.id, owed, values.get("datum"), values.get("uitkomst"),
        values.get("toelichting"))
    return _after_step(found, gemeente, after)


@handles("overleg.stappen")
def stappen(ctx: Ctx, args: dict[str, Any]) -> Reply:
    """The steps the actor's gemeente still owes on an opgave's decisions, each with the
    button that records it (also for who would rather type than look for a DM)."""
    owed = decisions.owed_by_me(ctx, args["code"])
    if not owed:
        return Reply.of(views.note(t("stappen.geen", code=args["code"].upper())))
    return Reply.of(*[Message(sections=[Section(lines=[
        line(t("stappen.open", gemeente=gemeente.naam, stap=t(f"besluit.stap.{stap}"))),
        line(found.tekst)])], buttons=decisions.step_buttons(found, gemeente, stap))
        for found, gemeente, stap in owed])


@handles("overleg.delegeer")
def delegeer(ctx: Ctx, args: dict[str, Any]) -> Reply:
    from bot.services import roster

    to = roster.resolve(ctx, args["persoon"]) if args.get("persoon") else None
    gemeenten = ", ".join(g.naam for g in decisions.delegate(ctx, to))
    if to is None or to.id == ctx.actor.id:
        return Reply.of(views.note(t("done.delegeer.zelf", gemeenten=gemeenten)))
    return Reply.of(views.note(t("done.delegeer", naam=to.naam, gemeenten=gemeenten)))
