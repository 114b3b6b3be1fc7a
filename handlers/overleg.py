"""``/overleg``: the region's bodies, and managing them (programmamanager)."""

from __future__ import annotations

from typing import Any

from bot import paging
from bot.context import Ctx
from bot.dates import format_moment
from bot.messages import Message, Section, line
from bot.replies import Reply
from bot.services import bodies, roster
from bot.texts import current_language, t, tn
from handlers import guide, views
from handlers.registry import handles


@handles("overleg.help")
def help_(ctx: Ctx, args: dict[str, Any]) -> Reply:
    return Reply.of(guide.message("overleg", args.get("onderwerp")))


@handles("overleg.lijst")
def lijst(ctx: Ctx, args: dict[str, Any]) -> Reply:
    sections = []
    for row in bodies.listing(ctx):
        parts = [t(f"overleg.soort.{row.overleg.soort}"), tn("overleg.leden", row.members)]
        if row.voorzitter:
            parts.append(t("overleg.voorzitter", naam=row.voorzitter))
        if row.secretaris:
            parts.append(t("overleg.secretaris", naam=row.secretaris))
        if row.next_meeting:
            parts.append(t("overleg.next", when=format_moment(row.next_meeting, ctx.tz,
                                                              current_language())))
        if row.overleg.kanaal:
            parts.append(f"#{row.overleg.kanaal}")
        sections.append(Section(title=f"{row.overleg.naam} ({row.overleg.code})",
                                lines=[line(" · ".join(parts))]))
    page = paging.page_of(paging.line_count(sections), args.get("page", 0))
    rest, more = paging.more(ctx, "overleg", "lijst", page, "overleg")
    sections = paging.sections_page(sections, page) + ([Section(lines=rest)] if rest else [])
    return Reply.of(Message(heading=t("overleg.heading", regio=ctx.regio.naam),
                            sections=sections, buttons=more))


@handles("overleg.beheer.nieuw")
def nieuw(ctx: Ctx, args: dict[str, Any]) -> Reply:
    overleg = bodies.create(ctx, args["overleg"], args["soort"], args["naam"])
    return Reply.of(views.note(t("done.overleg.nieuw", naam=overleg.naam, code=overleg.code)))


@handles("overleg.beheer.lid")
def lid(ctx: Ctx, args: dict[str, Any]) -> Reply:
    persoon = roster.resolve(ctx, args["persoon"])
    overleg = bodies.set_member(ctx, args["overleg"], persoon, args.get("rol"))
    return Reply.of(views.note(t("done.overleg.lid", naam=persoon.naam, overleg=overleg.naam,
                                 rol=args.get("rol") or "lid")))


@handles("overleg.beheer.verwijder")
def verwijder(ctx: Ctx, args: dict[str, Any]) -> Reply:
    persoon = roster.resolve(ctx, args["persoon"])
    overleg = bodies.remove_member(ctx, args["overleg"], persoon)
    return Reply.of(views.note(t("done.overleg.verwijder", naam=persoon.naam,
                                 overleg=overleg.naam)))


@handles("overleg.beheer.kanaal")
def kanaal(ctx: Ctx, args: dict[str, Any]) -> Reply:
    overleg = bodies.set_channel(ctx, args["overleg"], args["kanaal"])
    return Reply.of(views.note(t("done.overleg.kanaal", overleg=overleg.naam,
                                 kanaal=overleg.kanaal)))
