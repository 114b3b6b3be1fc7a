"""Milestones: add, close, move, remove, and mark who decides (*besluit door*)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from bot.context import Ctx
from bot.dates import format_date, format_short, next_occurrence
from bot.errors import NotFound, UserError
from bot.grammar import MijlpaalRef
from bot.permissions import require
from bot.services import audit
from bot.services.changes import touch
from bot.services.register import get
from bot.texts import current_language, t
from storage.models import Mijlpaal, Opgave, Overleg
from storage.queries import refresh_first_open

TITLE_MAX = 200


def _describe(m: Mijlpaal) -> str:
    return f"{m.titel} ({format_short(m.datum)})"


def find(ctx: Ctx, ref: MijlpaalRef) -> tuple[Opgave, Mijlpaal]:
    opgave = get(ctx, ref.code)
    mijlpaal = ctx.session.scalar(select(Mijlpaal).where(
        Mijlpaal.opgave_id == opgave.id, Mijlpaal.volgnummer == ref.volgnummer))
    if mijlpaal is None:
        raise NotFound(t("mijlpaal.not_found", ref=str(ref), code=opgave.code))
    return opgave, mijlpaal


def find_overleg(ctx: Ctx, typed: str) -> Overleg:
    overleg = ctx.session.scalar(select(Overleg).where(
        Overleg.regio_id == ctx.regio.id, func.lower(Overleg.code) == typed.strip().lower()))
    if overleg is None:
        codes = ctx.session.scalars(select(Overleg.code).where(
            Overleg.regio_id == ctx.regio.id).order_by(Overleg.code))
        raise NotFound(t("overleg.not_found", word=typed, choices=", ".join(codes)))
    return overleg


def _audit(ctx: Ctx, opgave: Opgave, mijlpaal: Mijlpaal, veld: str, old: object,
           new: object) -> None:
    audit.record(ctx, "mijlpaal", mijlpaal.id, f"{opgave.code}#{mijlpaal.volgnummer} {veld}",
                 old, new, opgave_id=opgave.id)
    touch(ctx, opgave)


def _dates_changed(ctx: Ctx, opgave: Opgave) -> None:
    ctx.session.flush()
    refresh_first_open(ctx.session, [opgave.id])


def _not_past(ctx: Ctx, datum: date) -> None:
    """A milestone is planned ahead: a date in the past was a slip (the wrong year), so it is
    refused with the date it probably meant instead of being stored late without a word."""
    if datum >= ctx.today:
        return
    language = current_language()
    meant = next_occurrence(datum.month, datum.day, ctx.today, str(datum))
    raise UserError(t("mijlpaal.verleden", date=format_date(datum, language),
                      meant=format_date(meant, language), year=meant.year))


def add(ctx: Ctx, code: str, datum: date, titel: str, besluit_door: str | None = None) -> tuple[
        Opgave, Mijlpaal]:
    opgave = get(ctx, code)
    require(ctx, "opgave.mijlpalen", opgave)
    _not_past(ctx, datum)
    titel = " ".join(titel.split())
    if not titel or len(titel) > TITLE_MAX:
        raise UserError(t("mijlpaal.bad_title", max=TITLE_MAX))
    overleg = find_overleg(ctx, besluit_door) if besluit_door else None
    number = (ctx.session.scalar(select(func.max(Mijlpaal.volgnummer)).where(
        Mijlpaal.opgave_id == opgave.id)) or 0) + 1
    mijlpaal = Mijlpaal(opgave_id=opgave.id, volgnummer=number, titel=titel, datum=datum,
                        besluit_door_id=overleg.id if overleg else None)
    ctx.session.add(mijlpaal)
    ctx.session.flush()
    audit.record(ctx, "mijlpaal", mijlpaal.id, f"{opgave.code}#{number}", None,
                 _describe(mijlpaal), opgave_id=opgave.id)
    touch(ctx, opgave)
    _dates_changed(ctx, opgave)
    return opgave, mijlpaal


def done(ctx: Ctx, ref: MijlpaalRef) -> tuple[Opgave, Mijlpaal]:
    opgave, mijlpaal = find(ctx, ref)
    require(ctx, "opgave.mijlpalen", opgave)
    if mijlpaal.afgerond_op is not None:
        raise UserError(t("mijlpaal.already_done", ref=str(ref),
                          date=format_short(mijlpaal.afgerond_op.astimezone(ctx.tz).date())))
    mijlpaal.afgerond_op = ctx.now
    _audit(ctx, opgave, mijlpaal, "afgerond", None, format_short(ctx.today))
    _dates_changed(ctx, opgave)
    return opgave, mijlpaal


def move(ctx: Ctx, ref: MijlpaalRef, datum: date) -> tuple[Opgave, Mijlpaal, date]:
    opgave, mijlpaal = find(ctx, ref)
    require(ctx, "opgave.mijlpalen", opgave)
    if mijlpaal.afgerond_op is not None:
        raise UserError(t("mijlpaal.done_cannot_move", ref=str(ref)))
    old = mijlpaal.datum
    if old != datum:
        _not_past(ctx, datum)
        mijlpaal.datum = datum
        _audit(ctx, opgave, mijlpaal, "datum", format_short(old), format_short(datum))
        _dates_changed(ctx, opgave)
    return opgave, mijlpaal, old


def remove(ctx: Ctx, ref: MijlpaalRef) -> tuple[Opgave, str]:
    opgave, mijlpaal = find(ctx, ref)
    require(ctx, "opgave.mijlpalen", opgave)
    description = _describe(mijlpaal)
    _audit(ctx, opgave, mijlpaal, "verwijderd", description, None)
    ctx.session.delete(mijlpaal)
    _dates_changed(ctx, opgave)
    return opgave, description


def set_decision(ctx: Ctx, ref: MijlpaalRef, overleg_typed: str | None) -> tuple[
        Opgave, Mijlpaal, Overleg | None]:
    opgave, mijlpaal = find(ctx, ref)
    require(ctx, "opgave.mijlpalen", opgave)
    overleg = find_overleg(ctx, overleg_typed) if overleg_typed else None
    old = mijlpaal.besluit_door.naam if mijlpaal.besluit_door else None
    mijlpaal.besluit_door_id = overleg.id if overleg else None
    if old != (overleg.naam if overleg else None):
        _audit(ctx, opgave, mijlpaal, "besluit door", old, overleg.naam if overleg else None)
    return opgave, mijlpaal, overleg
