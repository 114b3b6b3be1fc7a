"""Absence (``/opgave afwezig``) and *Herinner me later*: whom the reminders reach and when."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.context import Ctx
from bot.dates import format_short
from bot.errors import UserError
from bot.grammar import MijlpaalRef
from bot.services import audit, milestones
from bot.texts import current_language, t
from bot.workdays import of_regio
from storage.models import Afwezigheid, Mijlpaal, Opgave, Persoon, Uitstel

LONGEST = timedelta(days=366)


def _short(day: date) -> str:
    return format_short(day, current_language())


def _describe(van: date, tot: date, vervanger: Persoon | None) -> str:
    text = f"{_short(van)} – {_short(tot)}"
    return f"{text} ({vervanger.naam})" if vervanger else text


def current(ctx: Ctx, persoon: Persoon) -> Afwezigheid | None:
    """The absence of ``persoon`` that covers today or starts later, the first one."""
    return ctx.session.scalar(select(Afwezigheid).where(
        Afwezigheid.persoon_id == persoon.id, Afwezigheid.tot >= ctx.today)
        .order_by(Afwezigheid.van).limit(1))


def register(ctx: Ctx, van: date, tot: date, vervanger: Persoon | None) -> Afwezigheid:
    """Record that the actor is away; a new registration replaces what overlaps it."""
    if tot < van:
        raise UserError(t("afwezig.omgekeerd", van=_short(van), tot=_short(tot)))
    if tot < ctx.today:
        raise UserError(t("afwezig.voorbij", tot=_short(tot)))
    if tot - van > LONGEST:
        raise UserError(t("afwezig.te_lang"))
    if vervanger is not None and vervanger.id == ctx.actor.id:
        raise UserError(t("afwezig.zelf"))
    if vervanger is not None and not vervanger.actief:
        raise UserError(t("afwezig.vervanger_weg", naam=vervanger.naam))
    for old in ctx.session.scalars(select(Afwezigheid).where(
            Afwezigheid.persoon_id == ctx.actor.id, Afwezigheid.tot >= van,
            Afwezigheid.van <= tot)):
        ctx.session.delete(old)
    absence = Afwezigheid(persoon_id=ctx.actor.id, van=van, tot=tot,
                          vervanger_id=vervanger.id if vervanger else None,
                          aangemaakt_op=ctx.now)
    ctx.session.add(absence)
    ctx.session.flush()
    audit.record(ctx, "persoon", ctx.actor.id, "afwezig", None,
                 _describe(van, tot, vervanger))
    return absence


def end(ctx: Ctx) -> Afwezigheid:
    """``/opgave terug``: the absence that covers today ends yesterday (a future one is
    called off)."""
    absence = current(ctx, ctx.actor)
    if absence is None:
        raise UserError(t("afwezig.niet"))
    before = _describe(absence.van, absence.tot, absence.vervanger)
    if absence.van >= ctx.today:
        ctx.session.delete(absence)
    else:
        absence.tot = ctx.today - timedelta(days=1)
    audit.record(ctx, "persoon", ctx.actor.id, "afwezig", before, None)
    return absence


def snooze_day(ctx: Ctx, keuze: str, datum: date | None) -> date:
    """*Herinner me later*: tomorrow (the next working day), next week, or a date."""
    calendar = of_regio(ctx.regio.instellingen)
    if keuze == "morgen":
        return calendar.add(ctx.today, 1)
    if keuze == "week":
        return calendar.on_or_after(ctx.today + timedelta(weeks=1))
    if datum is None:
        raise UserError(t("later.geen_datum"))
    if datum <= ctx.today:
        raise UserError(t("later.verleden", date=_short(datum)))
    return datum


def snooze(ctx: Ctx, ref: MijlpaalRef, until: date) -> tuple[Opgave, Mijlpaal]:
    """No reminders of this milestone to the actor before ``until``; one on that day."""
    opgave, mijlpaal = milestones.find(ctx, ref)
    if mijlpaal.afgerond_op is not None:
        raise UserError(t("later.afgerond", ref=str(ref)))
    if ctx.actor.id is None:
        raise UserError(t("digest.niet_voor_bot"))
    row = ctx.session.scalar(select(Uitstel).where(Uitstel.persoon_id == ctx.actor.id,
                                                   Uitstel.mijlpaal_id == mijlpaal.id))
    if row is None:
        ctx.session.add(Uitstel(persoon_id=ctx.actor.id, mijlpaal_id=mijlpaal.id, tot=until))
    else:
        row.tot = until
    return opgave, mijlpaal
