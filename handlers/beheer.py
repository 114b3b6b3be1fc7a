"""``/opgave beheer …``: the roster and accounts (programmamanager)."""

from __future__ import annotations

from typing import Any

from bot import paging
from bot.context import Ctx
from bot.messages import Message, Section, line
from bot.replies import Reply
from bot.services import roster
from bot.texts import t, tn
from handlers import views
from handlers.registry import handles

# One line per person without buttons: a longer page still reads well and fits.
ROSTER_PAGE = 25


@handles("beheer.rooster")
def rooster(ctx: Ctx, args: dict[str, Any]) -> Reply:
    rows = roster.listing(ctx)
    lines = []
    for row in rows:
        accounts = ", ".join(row.accounts) if row.accounts else t("roster.no_account")
        roles = ", ".join(row.roles) or t("roster.lid")
        lines.append(line(f"@{row.persoon.handle} · ", row.persoon.naam,
                          f" · {roles} · {accounts}"))
    page = paging.page_of(len(lines), args.get("page", 0), ROSTER_PAGE)
    rest, more = paging.more(ctx, "opgave", "beheer rooster", page, "persoon")
    return Reply.of(Message(heading=tn("roster.heading", len(rows)),
                            sections=[Section(lines=lines[page.start:page.stop] + rest)],
                            buttons=more))


@handles("beheer.koppel")
def koppel(ctx: Ctx, args: dict[str, Any]) -> Reply:
    persoon = roster.resolve(ctx, args["persoon"])
    roster.link(ctx, persoon, args["account"])
    return Reply.of(views.note(t("done.koppel", naam=persoon.naam, account=args["account"].raw,
                                 platform=ctx.platform)))


@handles("beheer.persoon.toevoegen")
def persoon_toevoegen(ctx: Ctx, args: dict[str, Any]) -> Reply:
    persoon = roster.add(ctx, args["handle"], args["naam"])
    return Reply.of(views.note(t("done.persoon.toevoegen", naam=persoon.naam,
                                 handle=persoon.handle)))


@handles("beheer.persoon.wijzig")
def persoon_wijzig(ctx: Ctx, args: dict[str, Any]) -> Reply:
    persoon = roster.edit(ctx, roster.resolve(ctx, args["persoon"]), args["veld"],
                          args.get("waarde"))
    done = views.note(t("done.persoon.wijzig", naam=persoon.naam,
                        veld=t(f"veld.zin.{args['veld']}")))
    warning = roster.standin_warning(ctx, persoon) if args["veld"] == "vervanger" else None
    return Reply.of(done, views.note(warning)) if warning else Reply.of(done)


@handles("beheer.persoon.vertrek")
def persoon_vertrek(ctx: Ctx, args: dict[str, Any]) -> Reply:
    persoon = roster.resolve(ctx, args["persoon"])
    successor = roster.resolve(ctx, args["opvolger"]) if args.get("opvolger") else None
    handed = roster.leave(ctx, persoon, successor)
    lines = [line(f"{h.opgave.code} {h.rol}") for h in handed]
    heading = (t("done.vertrek.to", naam=persoon.naam, opvolger=successor.naam) if successor
               else t("done.vertrek.vacant", naam=persoon.naam))
    return Reply.of(Message(heading=heading, sections=[Section(lines=lines)] if lines else []))


@handles("beheer.werkruimte")
def werkruimte(ctx: Ctx, args: dict[str, Any]) -> Reply:
    # Reached only when the workspace already belongs to a regio (the app links new ones).
    return Reply.of(views.note(t("workspace.already", naam=ctx.regio.naam)))
