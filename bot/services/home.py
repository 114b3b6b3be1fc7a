"""What one person needs to see first: their opgaven, what is due, what waits for them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import or_, select

from bot.context import Ctx
from bot.services.register import mine, vacant_roles
from bot.services.visibility import dilemmas_anywhere
from storage.models import Dilemma, Mijlpaal, Opgave

HORIZON = timedelta(days=14)


@dataclass
class Home:
    per_role: dict[str, list[Opgave]]
    upcoming: list[tuple[Opgave, Mijlpaal]] = field(default_factory=list)
    late: list[tuple[Opgave, Mijlpaal]] = field(default_factory=list)
    vacant: list[Opgave] = field(default_factory=list)
    dilemmas: list[tuple[Opgave, Dilemma]] = field(default_factory=list)


def home(ctx: Ctx) -> Home:
    per_role = mine(ctx)
    mine_ids = {o.id for opgaven in per_role.values() for o in opgaven}
    me = ctx.actor.id
    concerns_me = or_(Mijlpaal.opgave_id.in_(mine_ids), Mijlpaal.eigenaar_id == me)
    rows = ctx.session.execute(
        select(Opgave, Mijlpaal).join(Mijlpaal, Mijlpaal.opgave_id == Opgave.id).where(
            concerns_me, Mijlpaal.afgerond_op.is_(None),
            Mijlpaal.datum <= ctx.today + HORIZON).order_by(Mijlpaal.datum, Opgave.code)).all()
    result = Home(per_role)
    for opgave, mijlpaal in rows:
        (result.late if mijlpaal.datum < ctx.today else result.upcoming).append(
            (opgave, mijlpaal))
    sponsored = per_role.get("ambtelijk_opdrachtgever", []) + per_role.get(
        "bestuurlijk_opdrachtgever", [])
    result.vacant = [o for o in sponsored if vacant_roles(o)]
    result.dilemmas = [tuple(row) for row in ctx.session.execute(  # type: ignore[misc]
        select(Opgave, Dilemma).join(Dilemma, Dilemma.opgave_id == Opgave.id).where(
            Opgave.id.in_(mine_ids), Dilemma.status != "opgelost", dilemmas_anywhere(ctx))
        .order_by(Opgave.code, Dilemma.volgnummer))]
    return result
