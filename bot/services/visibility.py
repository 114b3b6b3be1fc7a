"""Who may see a vertrouwelijk dilemma: the driehoek, the programmamanager and the members
of the body it is escalated to. One definition, used by every rendering."""

from __future__ import annotations

from sqlalchemy import ColumnElement, bindparam, or_, select, true

from bot.context import Ctx
from storage.models import Dilemma, Opgave, OverlegLid


def circle(opgave: Opgave) -> set[int]:
    return {p for p in (opgave.projectleider_id, opgave.ambtelijk_opdrachtgever_id,
                        opgave.bestuurlijk_opdrachtgever_id) if p is not None}


def dilemmas_of(ctx: Ctx, opgave: Opgave) -> ColumnElement[bool]:
    """SQL condition: the dilemmas of ``opgave`` the actor may see."""
    if ctx.actor.is_programmamanager or ctx.actor.id in circle(opgave):
        return true()
    bodies = select(OverlegLid.overleg_id).where(OverlegLid.persoon_id == ctx.actor.id)
    return or_(Dilemma.vertrouwelijk.is_(False), Dilemma.geescaleerd_naar_overleg_id.in_(bodies))


def dilemmas_anywhere(ctx: Ctx) -> ColumnElement[bool]:
    """SQL condition over the dilemmas of any opgave (lists, search, digests)."""
    if ctx.actor.is_programmamanager:
        return true()
    me = ctx.actor.id
    in_circle = Dilemma.opgave_id.in_(select(Opgave.id).where(or_(
        Opgave.projectleider_id == me, Opgave.ambtelijk_opdrachtgever_id == me,
        Opgave.bestuurlijk_opdrachtgever_id == me)))
    bodies = select(OverlegLid.overleg_id).where(OverlegLid.persoon_id == me)
    return or_(Dilemma.vertrouwelijk.is_(False), in_circle,
               Dilemma.geescaleerd_naar_overleg_id.in_(bodies))


_OPEN = select(Dilemma).where(Dilemma.opgave_id == bindparam("opgave"),
                              Dilemma.status != "opgelost").order_by(Dilemma.volgnummer)


def open_for(ctx: Ctx, opgave: Opgave, loaded: list[Dilemma] | None = None) -> list[Dilemma]:
    """The open dilemmas of ``opgave`` the actor may see (shown on every card);
    ``loaded``: the open ones, when the card's query brought them along."""
    found = loaded if loaded is not None else ctx.session.scalars(_OPEN, {"opgave": opgave.id})
    if ctx.actor.is_programmamanager or ctx.actor.id in circle(opgave):
        return list(found)
    rows = list(found)
    if not any(d.vertrouwelijk for d in rows):
        return rows
    return list(ctx.session.scalars(select(Dilemma).where(
        Dilemma.id.in_([d.id for d in rows]), dilemmas_of(ctx, opgave))
        .order_by(Dilemma.volgnummer)))
