"""Changes to an opgave: fields, status, fase, driehoek roles, deelname and inzet.

Each change checks the permission table for this opgave, writes an audit entry per
changed field and bumps the opgave's versie (buttons and forms carry it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from bot import amounts
from bot.context import Ctx
from bot.errors import UserError
from bot.messages import Message, Section, line
from bot.permissions import require
from bot.services import audit, notify, register
from bot.services.register import check_title, fases, get, themas
from bot.texts import t
from bot.vocab import NEEDS_ATTENTION, NIVEAUS, REIKWIJDTES, VORMEN
from storage.models import Deelname, FaseWijziging, Gemeente, Inzet, Opgave, Persoon, StatusUpdate

ROLE_COLUMNS = {
    "projectleider": "projectleider_id",
    "ambtelijk opdrachtgever": "ambtelijk_opdrachtgever_id",
    "bestuurlijk opdrachtgever": "bestuurlijk_opdrachtgever_id",
}
LONG_TEXT_MAX = 3000


def touch(ctx: Ctx, opgave: Opgave) -> None:
    opgave.versie += 1
    opgave.gewijzigd_op = ctx.now
    register.region_changed(ctx)


def check_version(opgave: Opgave, versie: int | None) -> None:
    """A form or button made for an older versie of the opgave must not overwrite newer
    changes: the person is told and can look again."""
    if versie is not None and versie != opgave.versie:
        raise UserError(t("opgave.stale", code=opgave.code))


def set_field(ctx: Ctx, opgave: Opgave, veld: str, value: Any) -> bool:
    old = getattr(opgave, veld)
    if old == value:
        return False
    setattr(opgave, veld, value)
    audit.record(ctx, "opgave", opgave.id, veld, old, value, opgave_id=opgave.id)
    return True


def edit(ctx: Ctx, code: str, values: dict[str, Any], versie: int | None = None) -> Opgave:
    opgave = get(ctx, code)
    require(ctx, "opgave.wijzigen", opgave)
    check_version(opgave, versie)
    changed = [veld for veld, value in values.items() if set_field(ctx, opgave, veld, value)]
    if changed:
        touch(ctx, opgave)
    return opgave


def clean_field(ctx: Ctx, veld: str, raw: str | None) -> Any:
    """A value typed after ``wijzig <code> <veld>``, checked like the form checks it."""
    text = (raw or "").strip()
    if veld == "titel":
        return check_title(text)
    if not text:
        return None
    if veld == "thema":
        return _one_of(text, list(themas(ctx)), veld)
    if veld in ("niveau", "vorm", "reikwijdte"):
        return _one_of(text, {"niveau": NIVEAUS, "vorm": VORMEN, "reikwijdte": REIKWIJDTES}[veld],
                       veld)
    if veld == "jaar":
        if not text.isdigit() or not 2000 <= int(text) <= 2100:
            raise UserError(t("form.out_of_range", low=2000, high=2100))
        return int(text)
    if veld == "budget":
        return parse_amount(text)
    if len(text) > LONG_TEXT_MAX:
        raise UserError(t("form.too_long", max=LONG_TEXT_MAX, length=len(text)))
    return text


def _one_of(text: str, options: list[str] | tuple[str, ...], veld: str) -> str:
    for option in options:
        if option.lower() == text.lower():
            return option
    raise UserError(t("change.bad_value", field=veld, word=text, choices=", ".join(options)))


def parse_amount(text: str) -> Decimal:
    amount = amounts.parse_amount(text)
    if amount is None:
        raise UserError(t("change.bad_amount", word=text))
    return amount


def update_status(ctx: Ctx, code: str, status: str, toelichting: str | None,
                  versie: int | None = None) -> Opgave:
    opgave = get(ctx, code)
    require(ctx, "opgave.status", opgave)
    check_version(opgave, versie)
    if toelichting and len(toelichting) > LONG_TEXT_MAX:
        raise UserError(t("form.too_long", max=LONG_TEXT_MAX, length=len(toelichting)))
    old = opgave.status
    set_field(ctx, opgave, "status", status)
    set_field(ctx, opgave, "status_toelichting", toelichting)
    opgave.status_op = ctx.now
    ctx.session.add(StatusUpdate(opgave_id=opgave.id, status=status, toelichting=toelichting,
                                 op=ctx.now, door_id=ctx.actor.id))
    touch(ctx, opgave)
    if status in NEEDS_ATTENTION and old != status:
        _tell_sponsors(ctx, opgave, old)
    return opgave


def _tell_sponsors(ctx: Ctx, opgave: Opgave, old: str | None) -> None:
    message = Message(
        heading=t("notice.status.heading", code=opgave.code, status=opgave.status),
        sections=[Section(lines=[line(opgave.titel),
                                 line(opgave.status_toelichting or t("notice.status.none"))])],
        context=[t("notice.status.by", naam=ctx.actor.naam, old=old or t("status.none"))],
    )
    for persoon in (opgave.ambtelijk_opdrachtgever, opgave.bestuurlijk_opdrachtgever):
        if persoon is not None and persoon.id != ctx.actor.id:
            notify.to_person(ctx, persoon, message,
                             key=f"status:{opgave.id}:{opgave.versie}")


def set_fase(ctx: Ctx, code: str, typed: str) -> Opgave:
    opgave = get(ctx, code)
    require(ctx, "opgave.fase", opgave)
    if opgave.is_account:
        raise UserError(t("change.account_has_no_fase", code=opgave.code))
    options = fases(ctx)
    lowered = typed.strip().lower()
    matches = [f for f in options if f == lowered] or [f for f in options if f.startswith(lowered)]
    if len(matches) != 1:
        raise UserError(t("change.bad_fase", word=typed, choices=", ".join(options)))
    if set_field(ctx, opgave, "fase", matches[0]):
        ctx.session.add(FaseWijziging(opgave_id=opgave.id, fase=matches[0], op=ctx.now,
                                      door_id=ctx.actor.id))
        touch(ctx, opgave)
    return opgave


def set_role(ctx: Ctx, code: str, rol: str,
             persoon: Persoon | None) -> tuple[Opgave, Persoon | None]:
    opgave = get(ctx, code)
    require(ctx, "opgave.rollen", opgave)
    column = ROLE_COLUMNS[rol]
    old_id = getattr(opgave, column)
    new_id = persoon.id if persoon else None
    if old_id == new_id:
        return opgave, persoon
    old = ctx.session.get(Persoon, old_id) if old_id else None
    setattr(opgave, column, new_id)
    audit.record(ctx, "opgave", opgave.id, rol, old.naam if old else None,
                 persoon.naam if persoon else None, opgave_id=opgave.id)
    touch(ctx, opgave)
    ctx.session.flush()
    if persoon is not None and persoon.id != ctx.actor.id:
        def notice(heading: str, by: str) -> Message:
            return Message(heading=heading, sections=[Section(lines=[
                line(opgave.titel), line(t(by, naam=ctx.actor.naam, code=opgave.code))])])

        notify.to_person(
            ctx, persoon, notice(t("notice.role.heading", rol=rol, code=opgave.code),
                                 "notice.role.by"),
            key=f"rol:{opgave.id}:{column}:{opgave.versie}",
            about=lambda wie: notice(t("notice.role.heading.vervanger", wie=wie, rol=rol,
                                       code=opgave.code), "notice.role.by.vervanger"))
    return opgave, persoon


def find_gemeente(ctx: Ctx, typed: str) -> Gemeente:
    gemeenten = list(ctx.session.scalars(
        select(Gemeente).where(Gemeente.regio_id == ctx.regio.id).order_by(Gemeente.naam)))
    lowered = typed.strip().lower()
    exact = [g for g in gemeenten if g.naam.lower() == lowered]
    matches = exact or [g for g in gemeenten if g.naam.lower().startswith(lowered)]
    if len(matches) != 1:
        raise UserError(t("change.bad_gemeente", word=typed,
                          choices=", ".join(g.naam for g in gemeenten)))
    return matches[0]


ALL_GEMEENTEN = {"alle", "allemaal", "all"}


def find_gemeenten(ctx: Ctx, typed: str) -> list[Gemeente]:
    """One gemeente as typed, or every gemeente of the regio for "alle"."""
    if typed.strip().lower() in ALL_GEMEENTEN:
        return list(ctx.session.scalars(select(Gemeente).where(
            Gemeente.regio_id == ctx.regio.id).order_by(Gemeente.naam)))
    return [find_gemeente(ctx, typed)]


def _deelname_text(deelname: Deelname | None) -> str | None:
    if deelname is None:
        return None
    if deelname.doet_mee:
        return t("deelname.mee")
    text = t("deelname.niet")
    if deelname.reden:
        text += f" ({deelname.reden})"
    if deelname.negatief_effect_besproken:
        text += ", " + t("deelname.besproken")
    return text


def set_deelname(ctx: Ctx, code: str, gemeente_typed: str, keuze: str,
                 reden: str | None) -> tuple[Opgave, list[Gemeente]]:
    """Whether a gemeente (or, for "alle", every gemeente) takes part; "besproken" for
    "alle" records it for each gemeente that does not take part."""
    opgave = get(ctx, code)
    require(ctx, "opgave.deelname", opgave)
    gemeenten = find_gemeenten(ctx, gemeente_typed)
    if keuze == "besproken" and len(gemeenten) > 1:
        gemeenten = [g for g in gemeenten if _takes_no_part(ctx, opgave, g)]
        if not gemeenten:
            raise UserError(t("change.besproken_needs_niet.alle", code=opgave.code))
    for gemeente in gemeenten:
        _set_one_deelname(ctx, opgave, gemeente, keuze, reden)
    touch(ctx, opgave)
    return opgave, gemeenten


def _takes_no_part(ctx: Ctx, opgave: Opgave, gemeente: Gemeente) -> bool:
    deelname = ctx.session.get(Deelname, (opgave.id, gemeente.id))
    return deelname is not None and not deelname.doet_mee


def _set_one_deelname(ctx: Ctx, opgave: Opgave, gemeente: Gemeente, keuze: str,
                      reden: str | None) -> None:
    deelname = ctx.session.get(Deelname, (opgave.id, gemeente.id))
    before = _deelname_text(deelname)
    if keuze == "besproken":
        if deelname is None or deelname.doet_mee:
            raise UserError(t("change.besproken_needs_niet", gemeente=gemeente.naam))
        deelname.negatief_effect_besproken = True
    else:
        if deelname is None:
            deelname = Deelname(opgave_id=opgave.id, gemeente_id=gemeente.id, doet_mee=True)
            ctx.session.add(deelname)
        deelname.doet_mee = keuze == "mee"
        deelname.reden = None if keuze == "mee" else reden
        deelname.negatief_effect_besproken = None if keuze == "mee" else False
    audit.record(ctx, "opgave", opgave.id, f"deelname {gemeente.naam}", before,
                 _deelname_text(deelname), opgave_id=opgave.id)


def parse_hours(typed: str) -> Decimal:
    """Hours as typed (``120``, ``120,5``): a negative number or more than one decimal
    is refused with the reason."""
    hours = amounts.parse_number(typed)
    if hours is None:
        raise UserError(t("grammar.bad_getal", word=typed[:40]))
    if hours < 0:
        raise UserError(t("change.negative_hours", word=typed[:40]))
    if hours != hours.quantize(Decimal("0.1")):
        raise UserError(t("change.hours_decimals", word=typed[:40]))
    return hours


def set_inzet(ctx: Ctx, code: str, gemeente_typed: str, uren: Decimal | int | str,
              jaar: int | None) -> tuple[Opgave, list[Gemeente], int, Decimal]:
    """The hours a gemeente (or each, for "alle") puts into an opgave in a year."""
    opgave = get(ctx, code)
    require(ctx, "opgave.inzet", opgave)
    hours = parse_hours(uren) if isinstance(uren, str) else Decimal(uren)
    gemeenten = find_gemeenten(ctx, gemeente_typed)
    year = jaar or ctx.today.year
    if not 2000 <= year <= 2100 or hours > 100_000:
        raise UserError(t("change.bad_inzet"))
    for gemeente in gemeenten:
        inzet = ctx.session.get(Inzet, (opgave.id, gemeente.id, year))
        old = inzet.uren if inzet else None
        if inzet is None:
            ctx.session.add(Inzet(opgave_id=opgave.id, gemeente_id=gemeente.id, jaar=year,
                                  uren=hours))
        else:
            inzet.uren = hours
        audit.record(ctx, "opgave", opgave.id, f"inzet {gemeente.naam} {year}",
                     t("inzet.uren", uren=amounts.shown(old)) if old is not None else None,
                     t("inzet.uren", uren=amounts.shown(hours)), opgave_id=opgave.id)
    touch(ctx, opgave)
    return opgave, gemeenten, year, hours
