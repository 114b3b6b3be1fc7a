"""Dilemmas: raised by the driehoek, escalated to the bestuurlijk opdrachtgever or a body,
resolved. A vertrouwelijk dilemma is seen only by the driehoek, the programmamanager and
the members of the body it is escalated to — in every rendering, history included."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.context import Ctx
from bot.errors import NotFound, UserError
from bot.grammar import DilemmaRef
from bot.messages import Message, Section, line
from bot.permissions import require
from bot.services import audit, notify
from bot.services.changes import touch
from bot.services.milestones import find_overleg
from bot.services.register import get
from bot.services.visibility import circle, dilemmas_of
from bot.texts import t
from storage.models import Dilemma, Opgave, Overleg, Persoon

TEXT_MAX = 2000


def find(ctx: Ctx, ref: DilemmaRef) -> tuple[Opgave, Dilemma]:
    opgave = get(ctx, ref.code)
    dilemma = ctx.session.scalar(select(Dilemma).where(
        Dilemma.opgave_id == opgave.id, Dilemma.volgnummer == ref.volgnummer,
        dilemmas_of(ctx, opgave)))
    if dilemma is None:  # an invisible one is "not found", so its existence does not leak
        raise NotFound(t("dilemma.not_found", ref=str(ref)))
    return opgave, dilemma


def _record(ctx: Ctx, opgave: Opgave, dilemma: Dilemma, veld: str, old: Any, new: Any) -> None:
    audit.record(ctx, "dilemma", dilemma.id, f"dilemma #D{dilemma.volgnummer} {veld}".strip(),
                 old, new, opgave_id=opgave.id, dilemma_id=dilemma.id)
    touch(ctx, opgave)


def _notice(ctx: Ctx, opgave: Opgave, dilemma: Dilemma, heading_key: str) -> Message:
    context = [t("dilemma.vertrouwelijk_notice")] if dilemma.vertrouwelijk else []
    return Message(heading=t(heading_key, ref=f"{opgave.code}#D{dilemma.volgnummer}"),
                   sections=[Section(lines=[line(opgave.titel), line(dilemma.tekst),
                                            line(t("dilemma.by", naam=ctx.actor.naam))])],
                   context=context)


def raise_dilemma(ctx: Ctx, code: str, tekst: str, vertrouwelijk: bool) -> tuple[Opgave, Dilemma]:
    opgave = get(ctx, code)
    require(ctx, "dilemma.melden", opgave)
    tekst = tekst.strip()
    if len(tekst) > TEXT_MAX:
        raise UserError(t("form.too_long", max=TEXT_MAX, length=len(tekst)))
    number = (ctx.session.scalar(select(func.max(Dilemma.volgnummer)).where(
        Dilemma.opgave_id == opgave.id)) or 0) + 1
    dilemma = Dilemma(opgave_id=opgave.id, volgnummer=number, tekst=tekst,
                      vertrouwelijk=vertrouwelijk, ingediend_door_id=ctx.actor.id,
                      ingediend_op=ctx.now)
    ctx.session.add(dilemma)
    ctx.session.flush()
    _record(ctx, opgave, dilemma, "", None, tekst)
    message = _notice(ctx, opgave, dilemma, "dilemma.notice.raised")
    notify.to_people(ctx, (opgave.ambtelijk_opdrachtgever, opgave.bestuurlijk_opdrachtgever),
                     message, key=f"dilemma:{dilemma.id}:gemeld",
                     circle=circle(opgave) if vertrouwelijk else None, skip={ctx.actor.id})
    return opgave, dilemma


def escalate(ctx: Ctx, ref: DilemmaRef, naar: str) -> tuple[Opgave, Dilemma, str]:
    opgave, dilemma = find(ctx, ref)
    require(ctx, "dilemma.escaleren", opgave)
    if dilemma.status == "opgelost":
        raise UserError(t("dilemma.already_resolved", ref=str(ref)))
    message = _notice(ctx, opgave, dilemma, "dilemma.notice.escalated")
    if naar.lower() in ("bestuurder", "bo", "bestuurlijk"):
        bestuurder: Persoon | None = opgave.bestuurlijk_opdrachtgever
        if bestuurder is None:
            raise UserError(t("dilemma.no_bestuurder", code=opgave.code))
        dilemma.geescaleerd_naar_bestuurder = True
        target = bestuurder.naam
        # The one who escalates (perhaps the bestuurder's own stand-in) knows already.
        notify.to_people(ctx, [bestuurder], message, key=f"dilemma:{dilemma.id}:bestuurder",
                         circle=circle(opgave) if dilemma.vertrouwelijk else None,
                         skip={ctx.actor.id})
    else:
        overleg: Overleg = find_overleg(ctx, naar)
        dilemma.geescaleerd_naar_overleg_id = overleg.id
        target = overleg.naam
        if overleg.kanaal:
            notify.to_channel(ctx, overleg.kanaal, message,
                              key=f"dilemma:{dilemma.id}:overleg:{overleg.id}")
    dilemma.status = "geescaleerd"
    _record(ctx, opgave, dilemma, "geëscaleerd naar", None, target)
    return opgave, dilemma, target


def resolve(ctx: Ctx, ref: DilemmaRef, toelichting: str | None) -> tuple[Opgave, Dilemma]:
    opgave, dilemma = find(ctx, ref)
    require(ctx, "dilemma.oplossen", opgave)
    if dilemma.status == "opgelost":
        raise UserError(t("dilemma.already_resolved", ref=str(ref)))
    old = dilemma.status
    dilemma.status = "opgelost"
    dilemma.opgelost_op = ctx.now
    dilemma.oplossing = toelichting
    _record(ctx, opgave, dilemma, "status", old, "opgelost")
    return opgave, dilemma


