"""Decisions of a body, and following them through every gemeente (seed 001: decisions are
not fed back into the municipalities' own organisations; seed 000: a regional body
decides nothing final — each college, and often its raad, does).

A decision is recorded on its opgave during the meeting; closing the meeting posts the
besluitenlijst in the body's channel and each opgave's thread, and asks each gemeente's
PLO member to confirm it was fed back. Where local besluitvorming is needed the bot then
follows, per gemeente: voorgelegd aan college (planned date) → besluit college (conform
or afwijkend) → voorgelegd aan raad → besluit raad; whoever lags is reminded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from bot import besluitvorming
from bot.context import Ctx
from bot.dates import format_short
from bot.errors import UserError
from bot.messages import Button, Message, Section, line
from bot.permissions import require
from bot.services import audit, meetings, notify, register
from bot.services.milestones import find_overleg
from bot.texts import current_language, t
from bot.workdays import Calendar
from storage.models import (
    Besluit,
    BesluitStap,
    Deelname,
    Gemeente,
    Opgave,
    Overleg,
    Persoon,
    PloLid,
    Vergadering,
)

TEKST_MAX = 2000
FEEDBACK_AFTER = 2  # working days
LOKAAL = {None: "geen", "college": "college", "raad": "college_en_raad"}
# Followed for this long; older decisions are history.
FOLLOWED_FOR = timedelta(days=365)


def _held(ctx: Ctx, overleg: Overleg) -> Vergadering:
    """The meeting being held: the latest open one that started today or before."""
    end_of_day = datetime.combine(ctx.today + timedelta(days=1), time(0), tzinfo=ctx.tz)
    meeting = ctx.session.scalar(select(Vergadering).where(
        Vergadering.overleg_id == overleg.id, Vergadering.afgesloten_op.is_(None),
        Vergadering.begint_op < end_of_day).order_by(Vergadering.begint_op.desc()).limit(1))
    if meeting is None:
        raise UserError(t("besluit.geen_vergadering", overleg=overleg.naam))
    return meeting


def record(ctx: Ctx, overleg_code: str, opgave_code: str, lokaal: str | None,
           tekst: str) -> tuple[Besluit, Overleg, Opgave]:
    overleg = find_overleg(ctx, overleg_code)
    require(ctx, "overleg.besluiten", overleg_id=overleg.id)
    opgave = register.get(ctx, opgave_code)
    tekst = " ".join(tekst.split())
    if not tekst or len(tekst) > TEKST_MAX:
        raise UserError(t("besluit.tekst", max=TEKST_MAX))
    meeting = _held(ctx, overleg)
    besluit = Besluit(opgave_id=opgave.id, overleg_id=overleg.id, vergadering_id=meeting.id,
                      tekst=tekst, lokale_besluitvorming=LOKAAL[lokaal], genomen_op=ctx.now,
                      door_id=ctx.actor.id)
    ctx.session.add(besluit)
    ctx.session.flush()
    audit.record(ctx, "besluit", besluit.id, f"besluit {overleg.code.upper()}", None, tekst,
                 opgave_id=opgave.id)
    return besluit, overleg, opgave


def gemeenten_of(ctx: Ctx, opgave_id: int) -> list[Gemeente]:
    """The gemeenten that take part in the opgave (all of the regio when none is known)."""
    joined = list(ctx.session.scalars(select(Gemeente).join(
        Deelname, Deelname.gemeente_id == Gemeente.id).where(
        Deelname.opgave_id == opgave_id, Deelname.doet_mee).order_by(Gemeente.naam)))
    return joined or list(ctx.session.scalars(select(Gemeente).where(
        Gemeente.regio_id == ctx.regio.id).order_by(Gemeente.naam)))


def representatives(ctx: Ctx, gemeente: Gemeente) -> list[Persoon]:
    """Who follows decisions through in the gemeente: its PLO members, or the colleague a
    member delegated it to."""
    who = func.coalesce(PloLid.terugkoppeling_door_id, PloLid.persoon_id)
    return list(ctx.session.scalars(select(Persoon).join(PloLid, who == Persoon.id).where(
        PloLid.gemeente_id == gemeente.id, Persoon.actief).distinct().order_by(Persoon.naam)))


def delegate(ctx: Ctx, to: Persoon | None) -> list[Gemeente]:
    """``/overleg delegeer [@persoon]``: a PLO member hands the follow-through of their
    gemeente(n) to a colleague (or, naming nobody or themselves, takes it back)."""
    memberships = list(ctx.session.scalars(select(PloLid).where(
        PloLid.persoon_id == ctx.actor.id)))
    if not memberships:
        raise UserError(t("delegeer.geen_plo"))
    if to is not None and to.id == ctx.actor.id:
        to = None
    if to is not None and not to.actief:
        raise UserError(t("afwezig.vervanger_weg", naam=to.naam))
    before = {lid.terugkoppeling_door_id for lid in memberships} - {None}
    old = ", ".join(p.naam for p in ctx.session.scalars(
        select(Persoon).where(Persoon.id.in_(before))))
    gemeenten = []
    for lid in memberships:
        lid.terugkoppeling_door_id = to.id if to else None
        gemeente = ctx.session.get(Gemeente, lid.gemeente_id)
        assert gemeente is not None
        gemeenten.append(gemeente)
    audit.record(ctx, "persoon", ctx.actor.id, "terugkoppeling door", old or None,
                 to.naam if to else None)
    return gemeenten


def _feedback_request(ctx: Ctx, besluit: Besluit, opgave: Opgave, overleg: Overleg,
                      gemeente: Gemeente) -> Message:
    route = t(f"besluit.route.{besluit.lokale_besluitvorming}")
    return Message(
        heading=t("terugkoppeling.kop", gemeente=gemeente.naam, code=opgave.code),
        sections=[Section(lines=[line(t("terugkoppeling.vraag", overleg=overleg.naam,
                                        gemeente=gemeente.naam)),
                                 line(besluit.tekst), line(route)])],
        buttons=[Button(label=t("button.teruggekoppeld"), action="besluit.stap", style="primary",
                        args={"b": str(besluit.id), "g": str(gemeente.id),
                              "s": "teruggekoppeld"})])


@dataclass
class Closed:
    overleg: Overleg
    meeting: Vergadering
    besluiten: list[tuple[Besluit, Opgave]]


def close(ctx: Ctx, overleg_code: str) -> Closed:
    """Close the meeting: the besluitenlijst to the channel and each opgave's thread, and
    a feedback request to each gemeente's PLO member."""
    overleg = find_overleg(ctx, overleg_code)
    require(ctx, "overleg.besluiten", overleg_id=overleg.id)
    meeting = _held(ctx, overleg)
    meeting.afgesloten_op = ctx.now
    besluiten = list(ctx.session.execute(
        select(Besluit, Opgave).join(Opgave, Opgave.id == Besluit.opgave_id)
        .where(Besluit.vergadering_id == meeting.id).order_by(Opgave.agenda_volgorde,
                                                              Opgave.code, Besluit.id)).all())
    audit.record(ctx, "overleg", overleg.id, f"{overleg.code} vergadering afgesloten", None,
                 meetings.moment(ctx, meeting.begint_op))
    result = Closed(overleg, meeting, [(b, o) for b, o in besluiten])
    listing = besluitenlijst(ctx, result)
    if overleg.kanaal:
        notify.to_channel(ctx, overleg.kanaal, listing, f"besluitenlijst:v{meeting.id}")
    for besluit, opgave in result.besluiten:
        notify.to_thread(ctx, opgave, Message(
            heading=t("besluit.draad.kop", overleg=overleg.naam),
            sections=[Section(lines=[line(besluit.tekst)])]), f"besluit:{besluit.id}:draad")
        for gemeente in gemeenten_of(ctx, opgave.id):
            message = _feedback_request(ctx, besluit, opgave, overleg, gemeente)
            for persoon in representatives(ctx, gemeente):
                notify.to_person(ctx, persoon, message,
                                 f"besluit:{besluit.id}:g{gemeente.id}:terugkoppelen")
    return result


def besluitenlijst(ctx: Ctx, closed: Closed) -> Message:
    lines = [line(f"{o.code} ", b.tekst, f" ({t('besluit.route.kort.' + b.lokale_besluitvorming)})"
                  if b.lokale_besluitvorming != "geen" else "") for b, o in closed.besluiten]
    return Message(heading=t("besluitenlijst.kop", overleg=closed.overleg.naam,
                             when=meetings.moment(ctx, closed.meeting.begint_op)),
                   sections=[Section(lines=lines or [line(t("besluitenlijst.leeg"))])],
                   context=[t("besluitenlijst.context")])


# --- following through every gemeente ------------------------------------------------------


def steps(ctx: Ctx, besluit: Besluit) -> dict[tuple[int, str], BesluitStap]:
    return {(s.gemeente_id, s.stap): s for s in ctx.session.scalars(
        select(BesluitStap).where(BesluitStap.besluit_id == besluit.id))}


def next_step(besluit: Besluit, done: set[str]) -> str | None:
    """The step a gemeente owes next, or None when it is through."""
    return besluitvorming.next_step(besluit.lokale_besluitvorming, done)


def record_step(ctx: Ctx, besluit_id: int, gemeente_id: int, stap: str,
                datum: date | None = None, uitkomst: str | None = None,
                toelichting: str | None = None) -> tuple[Besluit, Gemeente, str | None]:
    """A gemeente's step; returns the step it owes next."""
    besluit = ctx.session.get(Besluit, besluit_id)
    gemeente = ctx.session.get(Gemeente, gemeente_id)
    if besluit is None or gemeente is None or gemeente.regio_id != ctx.regio.id:
        raise UserError(t("action.unknown"))
    if not (ctx.actor.is_programmamanager or any(
            p.id == ctx.actor.id for p in representatives(ctx, gemeente))):
        raise UserError(t("besluit.niet_jouw_gemeente", gemeente=gemeente.naam))
    done = steps(ctx, besluit)
    owed = next_step(besluit, {s for g, s in done if g == gemeente.id})
    if (gemeente.id, stap) in done:
        raise UserError(t("besluit.stap.al", stap=t(f"besluit.stap.{stap}"),
                          gemeente=gemeente.naam))
    if stap != owed:
        raise UserError(t("besluit.stap.volgorde", stap=t(f"besluit.stap.{stap}"),
                          eerst=t(f"besluit.stap.{owed}") if owed else "–"))
    if stap in ("voorgelegd", "raad_voorgelegd") and datum is None:
        raise UserError(t("besluit.stap.datum"))
    if stap in ("college", "raad") and uitkomst not in ("conform", "afwijkend"):
        raise UserError(t("besluit.stap.uitkomst"))
    if uitkomst == "afwijkend" and not toelichting:
        raise UserError(t("besluit.stap.toelichting"))
    ctx.session.add(BesluitStap(besluit_id=besluit.id, gemeente_id=gemeente.id, stap=stap,
                                datum=datum or ctx.today, uitkomst=uitkomst,
                                toelichting=toelichting, door_id=ctx.actor.id,
                                vastgelegd_op=ctx.now))
    shown = t(f"besluit.stap.{stap}") + (f" ({uitkomst})" if uitkomst else "") + (
        f" {format_short(datum, current_language())}" if datum else "")
    audit.record(ctx, "besluit", besluit.id, f"besluit {gemeente.naam}", None, shown,
                 opgave_id=besluit.opgave_id)
    return besluit, gemeente, next_step(besluit, {s for g, s in done if g == gemeente.id}
                                         | {stap})


def plan_followup(ctx: Ctx, calendar: Calendar) -> int:
    """Remind who lags: no feedback two working days after the meeting, or a planned
    college or raad date that has passed without its decision."""
    sent = 0
    for besluit, opgave in ctx.session.execute(
            select(Besluit, Opgave).join(Opgave, Opgave.id == Besluit.opgave_id)
            .join(Vergadering, Vergadering.id == Besluit.vergadering_id)
            .where(Opgave.regio_id == ctx.regio.id, Vergadering.afgesloten_op.is_not(None),
                   Besluit.genomen_op >= ctx.now - FOLLOWED_FOR)).all():
        done = steps(ctx, besluit)
        closed_on = besluit.genomen_op.astimezone(ctx.tz).date()
        for gemeente in gemeenten_of(ctx, opgave.id):
            owed = next_step(besluit, {s for g, s in done if g == gemeente.id})
            late = _late(ctx, calendar, besluit, done, gemeente.id, owed, closed_on)
            if late is None:
                continue
            message = Message(heading=t("besluit.herinnering.kop", gemeente=gemeente.naam,
                                        code=opgave.code),
                              sections=[Section(lines=[line(late), line(besluit.tekst)])],
                              buttons=step_buttons(besluit, gemeente, owed))
            for persoon in representatives(ctx, gemeente):
                sent += notify.to_person(ctx, persoon, message,
                                         f"besluit:{besluit.id}:g{gemeente.id}:herinnering:{owed}")
    return sent


def _late(ctx: Ctx, calendar: Calendar, besluit: Besluit,
          done: dict[tuple[int, str], BesluitStap], gemeente_id: int, owed: str | None,
          closed_on: date) -> str | None:
    if owed == "teruggekoppeld":
        if calendar.add(closed_on, FEEDBACK_AFTER) <= ctx.today:
            return t("besluit.herinnering.terug")
        return None
    planned = {"college": "voorgelegd", "raad": "raad_voorgelegd"}.get(owed or "")
    if planned and (gemeente_id, planned) in done:
        datum = done[(gemeente_id, planned)].datum
        if datum is not None and datum < ctx.today:
            return t(f"besluit.herinnering.{owed}", date=format_short(datum, current_language()))
    return None


def step_buttons(besluit: Besluit, gemeente: Gemeente, owed: str | None) -> list[Button]:
    if owed == "teruggekoppeld":
        return [Button(label=t("button.teruggekoppeld"), action="besluit.stap", style="primary",
                       args={"b": str(besluit.id), "g": str(gemeente.id), "s": owed})]
    if owed is None:
        return []
    return [Button(label=t("button.stap_vastleggen"), action="form",
                   args={"form": "besluit.stap", "b": str(besluit.id), "g": str(gemeente.id)})]


def open_per_gemeente(ctx: Ctx) -> dict[str, list[tuple[Opgave, str]]]:
    """For the digest: per gemeente, the decisions it has not taken through yet, with the
    step it owes."""
    found: dict[str, list[tuple[Opgave, str]]] = {}
    for besluit, opgave in ctx.session.execute(
            select(Besluit, Opgave).join(Opgave, Opgave.id == Besluit.opgave_id)
            .join(Vergadering, Vergadering.id == Besluit.vergadering_id)
            .where(Opgave.regio_id == ctx.regio.id, Vergadering.afgesloten_op.is_not(None),
                   Besluit.genomen_op >= ctx.now - FOLLOWED_FOR)
            .order_by(Opgave.agenda_volgorde, Opgave.code, Besluit.id)).all():
        done = steps(ctx, besluit)
        for gemeente in gemeenten_of(ctx, opgave.id):
            owed = next_step(besluit, {s for g, s in done if g == gemeente.id})
            if owed is not None:
                found.setdefault(gemeente.naam, []).append((opgave, owed))
    return dict(sorted(found.items()))


def owed_by_me(ctx: Ctx, opgave_code: str) -> list[tuple[Besluit, Gemeente, str]]:
    """What the actor's gemeente(n) still owe on the opgave's decisions."""
    opgave = register.get(ctx, opgave_code)
    mine = list(ctx.session.scalars(select(Gemeente).join(
        PloLid, PloLid.gemeente_id == Gemeente.id).where(PloLid.persoon_id == ctx.actor.id)
        .order_by(Gemeente.naam)))
    found = []
    for besluit in ctx.session.scalars(select(Besluit).join(
            Vergadering, Vergadering.id == Besluit.vergadering_id).where(
            Besluit.opgave_id == opgave.id, Vergadering.afgesloten_op.is_not(None),
            Besluit.genomen_op >= ctx.now - FOLLOWED_FOR).order_by(Besluit.id)):
        done = steps(ctx, besluit)
        scope = {g.id for g in gemeenten_of(ctx, opgave.id)}
        for gemeente in mine:
            owed = next_step(besluit, {s for g, s in done if g == gemeente.id})
            if gemeente.id in scope and owed is not None:
                found.append((besluit, gemeente, owed))
    return found
