"""``/opgave afweging``, the afweging's buttons and the typed answers in a DM."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from bot.context import Ctx
from bot.conversation import Said, Turn
from bot.forms import FieldKind, Form, FormField, Option
from bot.permissions import require
from bot.replies import Reply
from bot.services import afweging_messages as messages
from bot.services import afwegingen, register
from bot.services.afwegingen import Conversation, Stale
from bot.texts import t, tn
from handlers import views
from handlers.registry import handles
from storage.models import Opgave, Persoon


@handles("afweging")
def afweging(ctx: Ctx, args: dict[str, Any]) -> Reply:
    opgave = register.get(ctx, args["code"])
    wat = args.get("wat")
    if wat == "invullen":
        conv, turn = afwegingen.fill_in(ctx, opgave)
        return Reply(messages=messages.reply(conv, turn, opgave))
    current = afwegingen.open_for(ctx, opgave)
    if wat == "uitslag" or current is not None:
        shown = current or afwegingen.latest_for(ctx, opgave)
        if shown is None:
            return Reply.of(views.note(t("afweging.geen", code=opgave.code)))
        return Reply.of(messages.uitslag(afwegingen.uitslag(ctx, shown),
                                         final=shown.status != "open"))
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
    _, mine = afwegingen.start(ctx, opgave, people, values["vragenlijst"])
    replies = [views.done(opgave.code, tn("afweging.gestart", len(people), code=opgave.code,
                                         namen=", ".join(p.naam for p in people)))]
    if mine is not None:  # the starter answers right here
        replies.append(messages.invitation(ctx, mine, opgave))
    return Reply(messages=replies)


# --- buttons and typed answers -------------------------------------------------------------


def _opgave(ctx: Ctx, conv: Conversation) -> Opgave:
    opgave = ctx.session.get(Opgave, conv.opgave_id)
    assert opgave is not None
    return opgave


def _answer(ctx: Ctx, conv: Conversation, act: Callable[[], Turn]) -> Reply:
    try:
        turn = act()
    except Stale:
        # Someone (a second click) got there first: show where the conversation is now.
        ctx.session.expire_all()
        conv = afwegingen.load_conversation(ctx, conv.gesprek)
        turn = Turn(conv.state, Said.STALE)
    return Reply(messages=messages.reply(conv, turn, _opgave(ctx, conv)))


def _number(args: dict[str, str], key: str) -> int:
    value = args.get(key, "")
    return int(value) if value.isdigit() else 0


def answer_button(ctx: Ctx, args: dict[str, str]) -> Reply:
    """g: the conversation, v: its versie when shown, s: the step, w: the value."""
    conv = afwegingen.conversation_by_id(ctx, _number(args, "g"))
    return _answer(ctx, conv, lambda: afwegingen.choose(
        ctx, conv, _number(args, "v"), args.get("s", ""), args.get("w", "")))


def control_button(ctx: Ctx, args: dict[str, str]) -> Reply:
    """g, v as above; w: terug, later, stop, klaar, or a summary line's number."""
    conv = afwegingen.conversation_by_id(ctx, _number(args, "g"))
    return _answer(ctx, conv, lambda: afwegingen.control(
        ctx, conv, _number(args, "v"), args.get("w", "")))


def direct_message(ctx: Ctx, text: str) -> Reply | None:
    """A typed DM: an answer in the conversation the person is in, if any."""
    conv = afwegingen.current(ctx)
    if conv is None:
        return None
    return _answer(ctx, conv, lambda: afwegingen.react(ctx, conv, text))
