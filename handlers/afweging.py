"""``/opgave afweging``, the afweging's buttons and the typed answers in a DM."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.context import Ctx
from bot.conversation import Said, Turn
from bot.forms import FieldKind, Form, FormField, Option
from bot.permissions import require
from bot.replies import Reply
from bot.services import afwegingen, notify, register
from bot.services.afwegingen import Conversation, Stale
from bot.texts import t
from handlers import afweging_views, views
from handlers.registry import handles
from storage.models import Opgave, Persoon


@handles("afweging")
def afweging(ctx: Ctx, args: dict[str, Any]) -> Reply:
    opgave = register.get(ctx, args["code"])
    wat = args.get("wat")
    if wat == "invullen":
        conv, turn = afwegingen.fill_in(ctx, opgave)
        return Reply(messages=afweging_views.reply(ctx, conv, turn, opgave))
    current = afwegingen.open_for(ctx, opgave)
    if wat == "uitslag" or current is not None:
        shown = current or afwegingen.latest_for(ctx, opgave)
        if shown is None:
            return Reply.of(views.note(t("afweging.geen", code=opgave.code)))
        message = afweging_views.uitslag(ctx, afwegingen.uitslag(ctx, shown),
                                         final=shown.status != "open")
        return Reply.of(message)
    return Reply(form=start_form(ctx, {"code": opgave.code}))


def start_form(ctx: Ctx, args: dict[str, str]) -> Form:
    opgave = register.get(ctx, args["code"])
    require(ctx, "afweging.starten", opgave)
    plo = afwegingen.plo_members(ctx)
    others = ctx.session.scalars(select(Persoon).where(
        Persoon.regio_id == ctx.regio.id, Persoon.actief,
        Persoon.id.not_in([p.id for p in plo])).order_by(Persoon.naam))
    people = [*plo, *others][:100]  # Slack lists at most 100 options
    return Form(id="afweging.start", title=t("form.afweging.title", code=opgave.code),
                submit_label=t("form.afweging.submit"), args={"code": opgave.code}, fields=[
        FormField(name="respondenten", label=t("field.respondenten"),
                  kind=FieldKind.MULTI_CHOICE, required=True,
                  hint=t("field.respondenten.hint"),
                  # Handles, not ids: the console also takes an option's number.
                  options=[Option(value=p.handle, label=f"{p.naam} ({p.handle})")
                           for p in people],
                  initial=[p.handle for p in plo]),
        FormField(name="vragenlijst", label=t("field.vragenlijst"), kind=FieldKind.CHOICE,
                  required=True, options=[Option(value=k, label=k)
                                          for k in afwegingen.available()],
                  initial=afwegingen.default_for(ctx)),
    ])


def submit_start(ctx: Ctx, form: Form, values: dict[str, Any]) -> Reply:
    opgave = register.get(ctx, form.args["code"])
    people = list(ctx.session.scalars(select(Persoon).where(
        Persoon.regio_id == ctx.regio.id, Persoon.handle.in_(values["respondenten"]))
        .order_by(Persoon.naam)))
    started = afwegingen.start(ctx, opgave, people, values["vragenlijst"])
    mine: Conversation | None = None
    for conv in afwegingen.conversations(ctx, started):
        if conv.persoon.id == ctx.actor.id:
            mine = conv  # the starter answers right here
            continue
        notify.to_person(ctx, conv.persoon, afweging_views.invitation(ctx, conv, opgave),
                         f"afweging:{started.id}:uitnodiging:{conv.respondent.id}")
    names = ", ".join(p.naam for p in people)
    messages = [views.done(opgave.code, t("afweging.gestart", code=opgave.code,
                                          aantal=len(people), namen=names))]
    if mine is not None:
        messages.append(afweging_views.invitation(ctx, mine, opgave))
    return Reply(messages=messages)


# --- buttons and typed answers -------------------------------------------------------------


def _opgave(ctx: Ctx, conv: Conversation) -> Opgave:
    opgave = ctx.session.get(Opgave, conv.opgave_id)
    assert opgave is not None
    return opgave


def _answer(ctx: Ctx, conv: Conversation, act: Any) -> Reply:
    try:
        turn: Turn = act()
    except Stale:
        # Someone (a second click) got there first: show where the conversation is now.
        ctx.session.expire_all()
        conv = afwegingen.load_conversation(ctx, conv.gesprek)
        turn = Turn(conv.state, Said.STALE)
    return Reply(messages=afweging_views.reply(ctx, conv, turn, _opgave(ctx, conv)))


def answer_button(ctx: Ctx, args: dict[str, str]) -> Reply:
    conv = afwegingen.conversation_by_id(ctx, int(args.get("g", "0") or 0))
    return _answer(ctx, conv, lambda: afwegingen.choose(
        ctx, conv, int(args.get("v", "0") or 0), args.get("s", ""), args.get("w", "")))


def control_button(ctx: Ctx, args: dict[str, str]) -> Reply:
    conv = afwegingen.conversation_by_id(ctx, int(args.get("g", "0") or 0))
    number = args.get("n", "0")
    return _answer(ctx, conv, lambda: afwegingen.control(
        ctx, conv, int(args.get("v", "0") or 0), args.get("w", ""),
        int(number) if number.isdigit() else 0))


def direct_message(ctx: Ctx, text: str) -> Reply | None:
    """A typed DM: an answer in the conversation the person is in, if any."""
    conv = afwegingen.current(ctx)
    if conv is None:
        return None
    return _answer(ctx, conv, lambda: afwegingen.react(ctx, conv, text))
