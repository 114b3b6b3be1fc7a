"""``/opgave`` commands: each parses nothing itself (the grammar did), calls one service
and returns one reply."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.context import Ctx
from bot.replies import Reply
from bot.services import register
from handlers import forms, guide, views

Handler = Callable[[Ctx, dict[str, Any]], Reply]
HANDLERS: dict[str, Handler] = {}


def handles(name: str) -> Callable[[Handler], Handler]:
    def register_handler(function: Handler) -> Handler:
        HANDLERS[name] = function
        return function

    return register_handler


@handles("help")
def help_(ctx: Ctx, args: dict[str, Any]) -> Reply:
    return Reply.of(guide.message(args.get("onderwerp")))


@handles("status")
def status(ctx: Ctx, args: dict[str, Any]) -> Reply:
    target = args.get("doel")
    if target is None:
        return Reply.of(views.overview(ctx, register.overview(ctx)))
    result = register.resolve(ctx, target)
    if isinstance(result, register.Found):
        return Reply.of(views.found(result, target.zoekterm or ""))
    return Reply.of(views.card(ctx, result))


@handles("mijn")
def mijn(ctx: Ctx, args: dict[str, Any]) -> Reply:
    return Reply.of(views.mine(ctx, register.mine(ctx)))


@handles("zoek")
def zoek(ctx: Ctx, args: dict[str, Any]) -> Reply:
    term = args["zoekterm"]
    return Reply.of(views.found(register.search(ctx, term, args.get("page", 0)), term))


@handles("historie")
def historie(ctx: Ctx, args: dict[str, Any]) -> Reply:
    return Reply.of(views.history(ctx, register.history(ctx, args["code"], args.get("page", 0))))


@handles("nieuw")
def nieuw(ctx: Ctx, args: dict[str, Any]) -> Reply:
    titel = args.get("titel")
    if not titel:
        return forms.open_new_opgave(ctx)
    return Reply.of(views.created(register.create(ctx, register.NewOpgave(titel=titel))))
