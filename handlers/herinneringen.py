"""Reminders from the chat side: being away, the personal digest, and the reminder's
buttons *Herinner me later* and *Blokkade melden* (each a small form)."""

from __future__ import annotations

from typing import Any

from bot.context import Ctx
from bot.dates import format_short
from bot.errors import UserError
from bot.forms import FieldKind, Form, FormField, Option
from bot.grammar import MijlpaalRef
from bot.replies import Reply
from bot.services import absence, digest, dilemmas, milestones, notify
from bot.texts import current_language, t
from handlers import views
from handlers.registry import handles


def _short(value: Any) -> str:
    return format_short(value, current_language())


@handles("afwezig")
def afwezig(ctx: Ctx, args: dict[str, Any]) -> Reply:
    from bot.services import roster

    vervanger = roster.resolve(ctx, args["vervanger"]) if args.get("vervanger") else None
    away = absence.register(ctx, args["van"], args["tot"], vervanger)
    key = "done.afwezig.vervanger" if vervanger else "done.afwezig"
    done = views.note(t(key, van=_short(away.van), tot=_short(away.tot),
                        naam=vervanger.naam if vervanger else ""))
    if vervanger is not None and not notify.reaches_someone(ctx, vervanger):
        # Their reminders would reach no one while away: say so now, not in a week.
        return Reply.of(done, views.note(t("done.afwezig.vervanger_zonder_account",
                                           naam=vervanger.naam)))
    return Reply.of(done)


@handles("terug")
def terug(ctx: Ctx, args: dict[str, Any]) -> Reply:
    absence.end(ctx)
    return Reply.of(views.note(t("done.terug")))


@handles("digest")
def digest_keuze(ctx: Ctx, args: dict[str, Any]) -> Reply:
    on = args["keuze"] == "aan"
    changed = digest.set_personal(ctx, on)
    key = ("done.digest.aan" if on else "done.digest.uit") if changed else (
        "done.digest.al_aan" if on else "done.digest.al_uit")
    return Reply.of(views.note(t(key)))


def _ref(args: dict[str, str]) -> MijlpaalRef:
    ref = MijlpaalRef.parse(args.get("ref", ""))
    if ref is None:
        raise UserError(t("action.unknown"))
    return ref


def later_form(ctx: Ctx, args: dict[str, str]) -> Form:
    ref = _ref(args)
    milestones.find(ctx, ref)  # an unknown milestone is refused before the form opens
    return Form(id="mijlpaal.later", title=t("form.later.title", ref=str(ref)),
                submit_label=t("form.later.submit"), args={"ref": str(ref)}, fields=[
        FormField(name="wanneer", label=t("field.later"), kind=FieldKind.CHOICE, required=True,
                  initial="morgen", options=[
                      Option(value="morgen", label=t("later.morgen")),
                      Option(value="week", label=t("later.week")),
                      Option(value="datum", label=t("later.datum"))]),
        FormField(name="datum", label=t("field.later.datum"), kind=FieldKind.DATE,
                  hint=t("field.datum.hint")),
    ])


def submit_later(ctx: Ctx, form: Form, values: dict[str, Any]) -> Reply:
    until = absence.snooze_day(ctx, values["wanneer"], values.get("datum"))
    _, mijlpaal = absence.snooze(ctx, _ref(form.args), until)
    return Reply.of(views.note(t("done.later", ref=form.args["ref"], titel=mijlpaal.titel,
                                 date=_short(until))))


def blokkade_form(ctx: Ctx, args: dict[str, str]) -> Form:
    ref = _ref(args)
    _, mijlpaal = milestones.find(ctx, ref)
    return Form(id="mijlpaal.blokkade", title=t("form.blokkade.title", ref=str(ref)),
                submit_label=t("form.blokkade.submit"), args={"ref": str(ref)}, fields=[
        FormField(name="tekst", label=t("field.blokkade"), kind=FieldKind.LONG_TEXT,
                  required=True, max_length=dilemmas.TEXT_MAX,
                  hint=t("field.blokkade.hint", titel=mijlpaal.titel)),
    ])


def submit_blokkade(ctx: Ctx, form: Form, values: dict[str, Any]) -> Reply:
    """A blockage is a dilemma of the opgave that names the milestone: it reaches the
    ambtelijk and bestuurlijk opdrachtgever the way every dilemma does."""
    ref = _ref(form.args)
    _, mijlpaal = milestones.find(ctx, ref)
    tekst = t("blokkade.tekst", ref=str(ref), titel=mijlpaal.titel, tekst=values["tekst"])
    opgave, dilemma = dilemmas.raise_dilemma(ctx, ref.code, tekst, vertrouwelijk=False)
    return Reply.of(views.done(opgave.code, t("done.blokkade", ref=str(ref),
                                              dilemma=f"{opgave.code}#D{dilemma.volgnummer}")))
