"""A date planned by hand on a day off (a weekend, a holiday of the region's calendar, a
closing day) is not taken silently: the bot names the day and offers the working day after
it, or the same day after all. Nothing is stored until the person chooses. A typed
command answers with buttons (``guard``); a form keeps its fields and warns on the date
(``form_guard``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from bot.context import Ctx
from bot.dates import format_date
from bot.forms import FieldKind, Form, FormField, Option, RawValue
from bot.grammar import SURE, Parsed
from bot.messages import Button, Message, Section, line
from bot.replies import Reply
from bot.texts import current_language, t
from bot.workdays import of_regio
from storage.models import Persoon

# A form's argument "toch.<field>" holds the ISO date that field was warned about: the
# same date submitted again is kept (Slack's datepicker has no room for a typed "toch").
CONFIRMED = "toch."


def _retyped(text: str, span: tuple[int, int], date_text: str) -> str:
    return f"{text[: span[0]]}{date_text}{text[span[1]:]}".strip()


def guard(ctx: Ctx, parsed: Parsed, text: str, root: str, run: Callable[[], Reply]) -> Reply:
    """Run the command, or, when a date of it falls on a day off, answer the warning. The
    command is then run once as a dry run, so that whoever may not do it, or a meeting
    that does not exist, is refused first; nothing of that run is kept."""
    day_off = warning(ctx, parsed, text, root)
    if day_off is None:
        return run()
    dry_run(ctx, run)
    return day_off


def dry_run(ctx: Ctx, run: Callable[[], object]) -> None:
    """Run ``run`` and keep nothing of it: its refusal (no permission, no such meeting)
    still reaches the user, before any warning about the day."""
    savepoint = ctx.session.begin_nested()
    try:
        run()
    finally:
        savepoint.rollback()


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
    anyway = _retyped(text, span, f"{SURE} {text[span[0]:span[1]]}")
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


def form_guard(ctx: Ctx, form: Form, raw: Mapping[str, RawValue], values: dict[str, Any],
               sure: set[str], run: Callable[[], Reply]) -> Reply:
    """A form's submission, or, when a working-day date of it falls on a day off, the
    warning per field, as the typed command answers it: after a dry run, so that a
    refusal (a changed opgave, a date in the past) is said first. Nothing is stored.

    The form stays open with the warning on its date: whoever planned that day on purpose
    confirms it there (Slack: submit again; a typed form: "toch" before the date), whoever
    did not picks the working day without filling in the rest again. A message with
    confirm buttons, as a typed command gets, would close the form and have to carry
    every field of it in its buttons."""
    warned = _form_warnings(ctx, form, values, sure)
    if not warned:
        return run()
    dry_run(ctx, run)
    errors: dict[str, str] = {}
    for name, (day, why, workday) in warned.items():
        errors[name] = " ".join([_said(day, why, workday), t(
            "datum.vrij.form.typ", werkdag=workday.strftime("%d-%m-%Y"),
            toch=f"{SURE} {day.strftime('%d-%m-%Y')}")])
    again = form.model_copy(update={
        "args": form.args | {CONFIRMED + name: day.isoformat()
                             for name, (day, _, _) in warned.items()},
        "fields": [_refilled(ctx, f, raw.get(f.name), values.get(f.name))
                   for f in form.fields]})
    return Reply(errors=errors, form=again, refused=True, day_off={
        name: _said(day, why, workday) for name, (day, why, workday) in warned.items()})


def _form_warnings(ctx: Ctx, form: Form, values: dict[str, Any],
                   sure: set[str]) -> dict[str, tuple[date, tuple[str, str], date]]:
    calendar = of_regio(ctx.regio.instellingen)
    warned = {}
    for form_field in form.fields:
        day = values.get(form_field.name)
        if (not form_field.working_day or not isinstance(day, date) or day < ctx.today
                or form_field.name in sure
                or form.args.get(CONFIRMED + form_field.name) == day.isoformat()):
            continue  # a past date plans nothing: refused, or a record of what happened
        if (why := calendar.why_off(day)) is not None:
            warned[form_field.name] = (day, why, calendar.on_or_after(day))
    return warned


def _said(day: date, why: tuple[str, str], workday: date) -> str:
    language = current_language()
    kind, name = why
    return " ".join([t(f"datum.vrij.{kind}", dag=format_date(day, language), naam=name),
                     t("datum.vrij.voorstel", werkdag=format_date(workday, language))])


def _refilled(ctx: Ctx, form_field: FormField, raw: RawValue, value: Any) -> FormField:
    """The field as it was submitted, for a platform that shows the form again (Slack):
    a picked person with their name, since the picker only knows what it is sent."""
    update: dict[str, Any] = {"initial": raw}
    if (form_field.kind is FieldKind.PERSOON and isinstance(value, int)
            and (persoon := ctx.session.get(Persoon, value)) is not None):
        update["options"] = [Option(value=str(value), label=persoon.naam)]
    return form_field.model_copy(update=update)
