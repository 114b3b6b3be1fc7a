"""``/opgave`` reading commands: the overview, cards, search, history, help."""

from __future__ import annotations

from typing import Any

from bot.context import Ctx
from bot.replies import Reply
from bot.services import register, visibility
from handlers import guide, views
from handlers.registry import handles


@handles("help")
def help_(ctx: Ctx, args: dict[str, Any]) -> Reply:
    return Reply.of(guide.message("opgave", args.get("onderwerp")))


@handles("status")
def status(ctx: Ctx, args: dict[str, Any]) -> Reply:
    target = args.get("doel")
    if target is None:
        return Reply.of(views.overview(ctx, register.overview(ctx)))
    result = register.resolve(ctx, target)
    if isinstance(result, register.Found):
        reply = Reply.of(views.found(ctx, result, target.zoekterm or ""))
    elif target.share:
        # Shared in a channel: no dilemmas, since the channel is wider than the asker.
        reply = Reply.of(views.card(ctx, result, [], shared=True))
    else:
        reply = Reply.of(views.card(ctx, result, visibility.open_for(
            ctx, result.opgave, result.open_dilemmas)))
    reply.in_channel = target.share
    return reply


@handles("mijn")
def mijn(ctx: Ctx, args: dict[str, Any]) -> Reply:
    return Reply.of(views.mine(ctx, register.mine(ctx)))


@handles("zoek")
def zoek(ctx: Ctx, args: dict[str, Any]) -> Reply:
    term = args["zoekterm"]
    return Reply.of(views.found(ctx, register.search(ctx, term, args.get("page", 0)), term))


@handles("historie")
def historie(ctx: Ctx, args: dict[str, Any]) -> Reply:
    return Reply.of(views.history(ctx, register.history(ctx, args["code"], args.get("page", 0))))
