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

from collections.abc import Iterator
from dataclasses import dataclass, field
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
    Agendapunt,
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
        PloLid.gemeente_id == gemeente.id, Persoon.actief).distinct().order_by(Persoon.naam,
                                                                       Persoon.id)))


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
    # Agenda items the meeting did not handle, now on the next meeting's agenda.
    moved: list[Agendapunt] = field(default_factory=list)


def close(ctx: Ctx, overleg_code: str, day: date | None = None) -> Closed:
    """Close the meeting (the most recent, or the one on ``day``): the besluitenlijst to
    the channel and each opgave's thread, a feedback request to each gemeente's PLO
    member, and what it did not handle to the next meeting."""
    overleg = find_overleg(ctx, overleg_code)
    require(ctx, "overleg.besluiten", overleg_id=overleg.id)
    meeting = meetings.to_close(ctx, overleg, day)
    besluiten = list(ctx.session.execute(
        select(Besluit, Opgave).join(Opgave, Opgave.id == Besluit.opgave_id)
        .where(Besluit.vergadering_id == meeting.id).order_by(Opgave.agenda_volgorde,
                                                              Opgave.code, Besluit.id)).all())
    moved = meetings.carry_over(ctx, overleg, meeting, {o.id for _, o in besluiten})
    meeting.afgesloten_op = ctx.now
    audit.record(ctx, "overleg", overleg.id, f"{overleg.code} vergadering afgesloten", None,
                 meetings.moment(ctx, meeting.begint_op))
    result = Closed(overleg, meeting, [(b, o) for b, o in besluiten], moved)
    listing = besluitenlijst(ctx, result)
    if overleg.kanaal:
        notify.to_channel(ctx, overleg.kanaal, listing, f"besluitenlijst:v{meeting.id}")
    for besluit, opgave in result.besluiten:
        notify.to_thread(ctx, opgave, Message(
            heading=t("besluit.draad.kop", overleg=overleg.naam),
            sections=[Section(lines=[line(besluit.tekst)])]), f"besluit:{besluit.id}:draad")
        for gemeente in gemeenten_of(ctx, opgave.id):
            message = _feedback_request(ctx, besluit, opgave, overleg, gemeente)
            notify.to_people(ctx, representatives(ctx, gemeente), message,
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


def _taken(ctx: Ctx, besluit: Besluit, gemeente: Gemeente) -> set[str]:
    """The steps the gemeente took on the decision."""
    return set(ctx.session.scalars(select(BesluitStap.stap).where(
        BesluitStap.besluit_id == besluit.id, BesluitStap.gemeente_id == gemeente.id)))


def next_step(besluit: Besluit, done: set[str]) -> str | None:
    """The step a gemeente owes next, or None when it is through."""
    return besluitvorming.next_step(besluit.lokale_besluitvorming, done)


def owed_step(ctx: Ctx, besluit_id: int, gemeente_id: int) -> tuple[
        Besluit, Gemeente, str | None]:
    """A decision of the regio, a gemeente, and the step it owes next (None: through)."""
    besluit = ctx.session.get(Besluit, besluit_id)
    gemeente = ctx.session.get(Gemeente, gemeente_id)
    if besluit is None or gemeente is None or gemeente.regio_id != ctx.regio.id:
        raise UserError(t("action.unknown"))
    return besluit, gemeente, next_step(besluit, _taken(ctx, besluit, gemeente))


def record_step(ctx: Ctx, besluit_id: int, gemeente_id: int, stap: str,
                datum: date | None = None, uitkomst: str | None = None,
                toelichting: str | None = None) -> tuple[Besluit, Gemeente, str | None]:
    """A gemeente's step; returns the step it owes next."""
    besluit, gemeente, owed = owed_step(ctx, besluit_id, gemeente_id)
    if not (ctx.actor.is_programmamanager or any(
            p.id == ctx.actor.id for p in representatives(ctx, gemeente))):
        raise UserError(t("besluit.niet_jouw_gemeente", gemeente=gemeente.naam))
    taken = _taken(ctx, besluit, gemeente)
    if stap in taken:
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
    if uitkomst == "afwijkend":
        _tell_deviation(ctx, besluit, gemeente, stap, toelichting or "")
    return besluit, gemeente, next_step(besluit, taken | {stap})


def _tell_deviation(ctx: Ctx, besluit: Besluit, gemeente: Gemeente, stap: str,
                    toelichting: str) -> int:
    """A college (or raad) that decides otherwise than the regional advice: the
    programmamanager and the opgave's ambtelijk opdrachtgever hear it, with the reasons
    — once each, also when one person holds both roles, and not the one who recorded it."""
    opgave = ctx.session.get(Opgave, besluit.opgave_id)
    overleg = ctx.session.get(Overleg, besluit.overleg_id)
    assert opgave is not None and overleg is not None
    message = Message(
        heading=t(f"besluit.afwijkend.kop.{stap}", gemeente=gemeente.naam, code=opgave.code),
        sections=[Section(lines=[
            line(t("besluit.afwijkend.opgave", code=opgave.code, titel=opgave.titel)),
            line(t("besluit.afwijkend.advies", overleg=overleg.naam, tekst=besluit.tekst)),
            line(t("besluit.afwijkend.reden", toelichting=toelichting))])],
        context=[t("besluit.afwijkend.door", naam=ctx.actor.naam)])
    wanted = [*ctx.session.scalars(select(Persoon).where(
        Persoon.regio_id == ctx.regio.id, Persoon.is_programmamanager, Persoon.actief)
        .order_by(Persoon.id))]
    if opgave.ambtelijk_opdrachtgever is not None:
        wanted.append(opgave.ambtelijk_opdrachtgever)
    return notify.to_people(ctx, wanted, message,
                            f"besluit:{besluit.id}:g{gemeente.id}:afwijkend:{stap}",
                            skip={ctx.actor.id})


@dataclass(frozen=True)
class Owed:
    """A gemeente that still owes a step on a decision being followed."""

    besluit: Besluit
    opgave: Opgave
    gemeente: Gemeente
    stap: str
    done: dict[tuple[int, str], BesluitStap]


def owing(ctx: Ctx, opgave_id: int | None = None) -> Iterator[Owed]:
    """Every step still owed on the decisions of the past year (of one opgave, or of the
    regio), in agenda order: the steps of all those decisions in one query, and the
    gemeenten of each opgave once."""
    query = (select(Besluit, Opgave).join(Opgave, Opgave.id == Besluit.opgave_id)
             .join(Vergadering, Vergadering.id == Besluit.vergadering_id)
             .where(Opgave.regio_id == ctx.regio.id, Vergadering.afgesloten_op.is_not(None),
                    Besluit.genomen_op >= ctx.now - FOLLOWED_FOR)
             .order_by(Opgave.agenda_volgorde, Opgave.code, Besluit.id))
    if opgave_id is not None:
        query = query.where(Opgave.id == opgave_id)
    followed = ctx.session.execute(query).all()
    taken: dict[int, dict[tuple[int, str], BesluitStap]] = {b.id: {} for b, _ in followed}
    for stap in ctx.session.scalars(select(BesluitStap).where(
            BesluitStap.besluit_id.in_(list(taken)))):
        taken[stap.besluit_id][(stap.gemeente_id, stap.stap)] = stap
    scopes: dict[int, list[Gemeente]] = {}
    for besluit, opgave in followed:
        if opgave.id not in scopes:
            scopes[opgave.id] = gemeenten_of(ctx, opgave.id)
        done = taken[besluit.id]
        for gemeente in scopes[opgave.id]:
            stap = next_step(besluit, {s for g, s in done if g == gemeente.id})
            if stap is not None:
                yield Owed(besluit, opgave, gemeente, stap, done)


def plan_followup(ctx: Ctx, calendar: Calendar) -> int:
    """Remind who lags: no feedback two working days after the meeting, or a planned
    college or raad date that has passed without its decision."""
    sent = 0
    for owed in owing(ctx):
        late = _late(ctx, calendar, owed)
        if late is None:
            continue
        besluit, gemeente = owed.besluit, owed.gemeente
        message = Message(heading=t("besluit.herinnering.kop", gemeente=gemeente.naam,
                                    code=owed.opgave.code),
                          sections=[Section(lines=[line(late), line(besluit.tekst)])],
                          buttons=step_buttons(besluit, gemeente, owed.stap))
        sent += notify.to_people(
            ctx, representatives(ctx, gemeente), message,
            f"besluit:{besluit.id}:g{gemeente.id}:herinnering:{owed.stap}")
    return sent


def _late(ctx: Ctx, calendar: Calendar, owed: Owed) -> str | None:
    if owed.stap == "teruggekoppeld":
        closed_on = owed.besluit.genomen_op.astimezone(ctx.tz).date()
        if calendar.add(closed_on, FEEDBACK_AFTER) <= ctx.today:
            return t("besluit.herinnering.terug")
        return None
    planned = {"college": "voorgelegd", "raad": "raad_voorgelegd"}.get(owed.stap)
    step = owed.done.get((owed.gemeente.id, planned)) if planned else None
    if step is not None and step.datum is not None and step.datum < ctx.today:
        return t(f"besluit.herinnering.{owed.stap}",
                 date=format_short(step.datum, current_language()))
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
    for owed in owing(ctx):
        found.setdefault(owed.gemeente.naam, []).append((owed.opgave, owed.stap))
    return dict(sorted(found.items()))


def owed_by_me(ctx: Ctx, opgave_code: str) -> list[tuple[Besluit, Gemeente, str]]:
    """What the actor's gemeente(n) still owe on the opgave's decisions."""
    opgave = register.get(ctx, opgave_code)
    mine = set(ctx.session.scalars(select(PloLid.gemeente_id).where(
        PloLid.persoon_id == ctx.actor.id)))
    return [(o.besluit, o.gemeente, o.stap) for o in owing(ctx, opgave.id)
            if o.gemeente.id in mine]
