"""Button presses that are not a typed command: opening a form, closing a milestone.

Each carries the versie of what it acts on, so a double click acts once and a click on
a card that has changed since says so."""

from __future__ import annotations

from collections.abc import Callable

from bot.context import Ctx
from bot.grammar import MijlpaalRef
from bot.replies import Reply
from bot.services import changes, milestones, register
from bot.texts import t
from handlers import afweging, forms, vergaderen, views

Action = Callable[[Ctx, dict[str, str]], Reply]


def open_form(ctx: Ctx, args: dict[str, str]) -> Reply:
    form_id = args.get("form", "")
    if form_id not in forms.FORMS:
        return Reply.of(views.note(t("action.unknown")))
    return forms.open_form(ctx, form_id, {k: v for k, v in args.items() if k != "form"})


def milestone_done(ctx: Ctx, args: dict[str, str]) -> Reply:
    ref = MijlpaalRef.parse(args.get("ref", ""))
    if ref is None:
        return Reply.of(views.note(t("action.unknown")))
    opgave, mijlpaal = milestones.find(ctx, ref)
    # A card's button carries the opgave's versie; a reminder's does not (it was sent
    # days ago, and closing a milestone cannot overwrite anything newer).
    if mijlpaal.afgerond_op is None and "versie" in args:
        changes.check_version(register.get(ctx, ref.code), int(args["versie"]))
    opgave, mijlpaal = milestones.done(ctx, ref)  # says "al afgerond" on a double click
    return Reply.of(views.done(opgave.code, t("done.mijlpaal.klaar", ref=str(ref),
                                              titel=mijlpaal.titel)))


# name → (handler, writes)
ACTIONS: dict[str, tuple[Action, bool]] = {
    "form": (open_form, False),
    "mijlpaal.klaar": (milestone_done, True),
    "afweging.antwoord": (afweging.answer_button, True),
    "afweging.stuur": (afweging.control_button, True),
    "agendapunt.beoordeel": (vergaderen.review_button, True),
    "besluit.stap": (vergaderen.step_button, True),
}
