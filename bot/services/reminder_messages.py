"""What the scheduler sends about milestones and status: short enough for a phone, and
leading with what the reader must do. The buttons act in the chat: close the milestone,
move it (date picker), report a blockage, or be reminded later."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from bot import dates
from bot.messages import Button, Line, Message, PersonRef, Section, line
from bot.schedule import Reminder
from bot.texts import current_language, t, tn
from bot.vocab import STATUS_ICONS
from storage.models import Mijlpaal, Opgave, Persoon


# A morning's thousand reminders name a few dozen dates: each is formatted once.
@lru_cache(maxsize=1024)
def format_date(day: date, language: str) -> str:
    return dates.format_date(day, language)


@lru_cache(maxsize=1024)
def format_short(day: date, language: str) -> str:
    return dates.format_short(day, language)


def ref(opgave: Opgave, mijlpaal: Mijlpaal) -> str:
    return f"{opgave.code}#{mijlpaal.volgnummer}"


def when(mijlpaal: Mijlpaal, today: date, working_days: int) -> str:
    """"over 7 werkdagen (dinsdag 8 december)", "vandaag", "5 dagen te laat"."""
    if mijlpaal.datum == today:
        return t("herinnering.vandaag")
    if mijlpaal.datum < today:
        return tn("herinnering.te_laat", (today - mijlpaal.datum).days,
                 date=format_short(mijlpaal.datum, current_language()))
    if working_days == 0:  # a weekend or holiday date: today is the last working day
        return t("herinnering.laatste_werkdag",
                 date=format_date(mijlpaal.datum, current_language()))
    return tn("herinnering.over", working_days,
              date=format_date(mijlpaal.datum, current_language()))


def milestone_buttons(opgave: Opgave, mijlpaal: Mijlpaal) -> list[Button]:
    target = ref(opgave, mijlpaal)
    return [
        Button(label=t("button.afgerond"), action="mijlpaal.klaar", args={"ref": target},
               style="primary"),
        Button(label=t("button.verplaats"), action="form", args={
            "form": "mijlpaal.verplaats", "code": opgave.code,
            "mijlpaal": str(mijlpaal.volgnummer)}),
        Button(label=t("button.blokkade"), action="form",
               args={"form": "mijlpaal.blokkade", "ref": target}),
        Button(label=t("button.later"), action="form",
               args={"form": "mijlpaal.later", "ref": target}),
    ]


def for_vervanger(message: Message) -> Message:
    """``message`` for a vervanger outside the opgave's driehoek: only the button that
    is theirs to use, snoozing what reaches them on someone's behalf (closing, moving,
    a blockage or the status are the driehoek's, and would only be refused)."""
    return message.model_copy(update={"buttons": [
        b for b in message.buttons if b.args.get("form") == "mijlpaal.later"]})


def reminder(opgave: Opgave, mijlpaal: Mijlpaal, due: Reminder, today: date,
             working_days: int, on_behalf: tuple[Persoon, date] | None = None) -> Message:
    """A milestone reminder; ``on_behalf`` names who is away (and until when) when it
    goes to their vervanger."""
    key = ("herinnering.kop.te_laat" if due.overdue else "herinnering.kop.vandaag"
           if mijlpaal.datum <= today else "herinnering.kop.straks")
    lines = [line(t("herinnering.wanneer", when=when(mijlpaal, today, working_days)))]
    if mijlpaal.eigenaar is not None:
        lines.append(line(t("herinnering.eigenaar"),
                          PersonRef(persoon_id=mijlpaal.eigenaar.id,
                                    naam=mijlpaal.eigenaar.naam)))
    if mijlpaal.besluit_door is not None:
        lines.append(line(t("herinnering.besluit", overleg=mijlpaal.besluit_door.naam)))
    return Message(heading=t(key, ref=ref(opgave, mijlpaal), titel=mijlpaal.titel),
                   sections=[Section(lines=lines)], buttons=milestone_buttons(opgave, mijlpaal),
                   context=_context(opgave, on_behalf))


def escalation(opgave: Opgave, mijlpaal: Mijlpaal, whose: Persoon | None, today: date,
               reminded: int, on_behalf: tuple[Persoon, date] | None = None) -> Message:
    """To the ambtelijk opdrachtgever, once: a milestone whose weekly reminders went
    unanswered. Says what is late, since when and whose it is; the reminders stop."""
    lines = [line(t("escalatie.sinds", when=when(mijlpaal, today, 0))),
             line(tn("escalatie.herinnerd", reminded))]
    if whose is not None:
        lines.append(line(t("herinnering.eigenaar"),
                          PersonRef(persoon_id=whose.id, naam=whose.naam)))
    buttons = milestone_buttons(opgave, mijlpaal)[:2]  # close or move it; no snooze
    return Message(heading=t("escalatie.kop", ref=ref(opgave, mijlpaal), titel=mijlpaal.titel),
                   sections=[Section(lines=lines)], buttons=buttons,
                   context=_context(opgave, on_behalf))


def _context(opgave: Opgave, on_behalf: tuple[Persoon, date] | None) -> list[str]:
    context = [t("herinnering.context", code=opgave.code, titel=opgave.titel)]
    if on_behalf is not None:
        away, until = on_behalf
        context.insert(0, t("herinnering.namens", naam=away.naam,
                            date=format_short(until, current_language())))
    return context


def status_request(opgave: Opgave, last: date | None, weeks: int,
                   on_behalf: tuple[Persoon, date] | None = None) -> Message:
    icon = STATUS_ICONS.get(opgave.status or "", "⚪")
    said = (t("statusvraag.laatste", status=f"{icon} {opgave.status}",
              date=format_short(last, current_language()))
            if opgave.status and last else t("statusvraag.nooit"))
    return Message(
        heading=t("statusvraag.kop", code=opgave.code),
        sections=[Section(lines=[line(tn("statusvraag.vraag", weeks)), line(said)])],
        buttons=[Button(label=t("button.status_bijwerken"), action="form", style="primary",
                        args={"form": "opgave.status", "code": opgave.code})],
        context=_context(opgave, on_behalf),
    )


def welcome_back(persoon: Persoon, items: list[tuple[Opgave, Mijlpaal]], today: date) -> Message:
    """One message on return instead of the reminders that waited."""
    lines: list[Line] = []
    for opgave, mijlpaal in items:
        state = when(mijlpaal, today, 0) if mijlpaal.datum <= today else format_short(
            mijlpaal.datum, current_language())
        lines.append(line(f"{ref(opgave, mijlpaal)} {mijlpaal.titel} · {state}",
                          button=Button(label=t("button.afgerond"), action="mijlpaal.klaar",
                                        args={"ref": ref(opgave, mijlpaal)})))
    return Message(heading=t("terug.kop", naam=persoon.naam),
                   sections=[Section(title=t("terug.titel"), lines=lines)],
                   context=[t("terug.context")])
