"""A date planned by hand on a day off (a weekend, a holiday of the region's calendar, a
closing day) is not taken silently: the bot names the day and offers the working day after
it, or the same day after all. Nothing is stored until the person chooses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.context import Ctx
from bot.dates import format_date
from bot.grammar import Parsed
from bot.messages import Button, Message, Section, line
from bot.replies import Reply
from bot.texts import current_language, t
from bot.workdays import of_regio


def _retyped(text: str, span: tuple[int, int], date_text: str) -> str:
    return f"{text[: span[0]]}{date_text}{text[span[1]:]}".strip()


def guard(ctx: Ctx, parsed: Parsed, text: str, root: str, run: Callable[[], Reply]) -> Reply:
    """Run the command, or, when a date of it falls on a day off, answer the warning. The
    command is then run once as a dry run, so that whoever may not do it, or a meeting
    that does not exist, is refused first; nothing of that run is kept."""
    day_off = warning(ctx, parsed, text, root)
    if day_off is None:
        return run()
    savepoint = ctx.session.begin_nested()
    try:
        run()
    finally:
        savepoint.rollback()
    return day_off


def warning(ctx: Ctx, parsed: Parsed, text: str, root: str) -> Reply | None:
    """The warning for the first date of ``parsed`` that should be a working day and is
    not (and was not typed after "toch"), or None when every such date is fine."""
    if not any(arg.working_day for arg in parsed.command.args):
        return None
    calendar = of_regio(ctx.regio.instellingen)
    for arg in parsed.command.args:
        day = parsed.args.get(arg.name)
        if (not arg.working_day or arg.name in parsed.confirmed or not isinstance(day, date)
                or day < ctx.today or arg.name not in parsed.spans):
            continue  # a past date is refused by the command itself
        why = calendar.why_off(day)
        if why is None:
            continue
        span = parsed.spans[arg.name]
        workday = calendar.on_or_after(day)
        return _reply(day, why, workday, root, text, span)
    return None


def _reply(day: date, why: tuple[str, str], workday: date, root: str, text: str,
           span: tuple[int, int]) -> Reply:
    language = current_language()
    shown, shown_workday = format_date(day, language), format_date(workday, language)
    anyway = _retyped(text, span, f"toch {text[span[0]:span[1]]}")
    moved = _retyped(text, span, workday.strftime("%d-%m-%Y"))
    kind, name = why
    lines = [line(t(f"datum.vrij.{kind}", dag=shown, naam=name)),
             line(t("datum.vrij.voorstel", werkdag=shown_workday)),
             line(t("datum.vrij.typ", toch=f"/{root} {anyway}", werkdag=f"/{root} {moved}"))]
    buttons = [
        Button(label=t("datum.vrij.knop.toch", dag=shown), action="cmd",
               args={"root": root, "text": anyway}),
        Button(label=t("datum.vrij.knop.werkdag", dag=shown_workday), action="cmd",
               style="primary", args={"root": root, "text": moved}),
    ]
    return Reply(messages=[Message(sections=[Section(lines=lines)], buttons=buttons)])
