"""The roster: people, their chat accounts and their leaving. Programmamanager only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import get_close_matches

from sqlalchemy import delete, func, select, update

from bot.context import Ctx
from bot.errors import NotFound, UserError
from bot.grammar import Mention
from bot.messages import Message, Section, line
from bot.permissions import require
from bot.roles import Role, general_roles
from bot.services import audit, notify
from bot.services.changes import ROLE_COLUMNS, find_gemeente, touch
from bot.texts import t
from storage.models import (
    NAME_LENGTH,
    Identiteit,
    Mijlpaal,
    Opgave,
    OverlegLid,
    Persoon,
    PloLid,
)

HANDLE = re.compile(r"^[a-z0-9][a-z0-9.\-_]{1,59}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
YES = {"ja", "yes", "true", "1", "aan"}
NO = {"nee", "no", "false", "0", "uit", "geen"}


def resolve(ctx: Ctx, mention: Mention) -> Persoon:
    """A person as typed: a Slack mention by account, else a roster handle or a
    platform username (Mattermost, console)."""
    persoon: Persoon | None = None
    if mention.platform_user_id:
        persoon = ctx.session.scalar(select(Persoon).join(Identiteit).where(
            Identiteit.platform == ctx.platform, Identiteit.extern_id == mention.platform_user_id,
            Persoon.regio_id == ctx.regio.id))
    if persoon is None and mention.handle:
        handle = mention.handle.lower()
        persoon = ctx.session.scalar(select(Persoon).where(
            Persoon.regio_id == ctx.regio.id, Persoon.actief,
            func.lower(Persoon.handle) == handle))
        if persoon is None:
            persoon = ctx.session.scalar(select(Persoon).join(Identiteit).where(
                Persoon.regio_id == ctx.regio.id, Persoon.actief,
                Identiteit.platform == ctx.platform,
                func.lower(Identiteit.gebruikersnaam) == handle))
    if persoon is None or not persoon.actief:
        raise NotFound(t("roster.unknown", who=mention.raw[:60]) + _did_you_mean(ctx, mention))
    return persoon


def _did_you_mean(ctx: Ctx, mention: Mention) -> str:
    """A near-miss handle gets the handle meant, as a near-miss command does."""
    if not mention.handle:
        return ""
    handles = list(ctx.session.scalars(select(Persoon.handle).where(
        Persoon.regio_id == ctx.regio.id, Persoon.actief)))
    close = get_close_matches(mention.handle.lower(), handles, n=1)
    return t("grammar.did_you_mean", suggestion=f"@{close[0]}") if close else ""


@dataclass
class RosterRow:
    persoon: Persoon
    roles: list[str]
    accounts: list[str]


def listing(ctx: Ctx) -> list[RosterRow]:
    require(ctx, "beheer.rooster")
    people = ctx.session.scalars(select(Persoon).where(
        Persoon.regio_id == ctx.regio.id, Persoon.actief).order_by(Persoon.handle))
    rows = []
    for persoon in people:
        roles = sorted(r.value for r in general_roles(ctx.session, persoon) if r != Role.LID)
        accounts = sorted({i.platform for i in persoon.identiteiten})
        rows.append(RosterRow(persoon, roles, accounts))
    return rows


def add(ctx: Ctx, handle: str, naam: str) -> Persoon:
    require(ctx, "beheer.rooster")
    handle = handle.lower().lstrip("@")
    if not HANDLE.match(handle):
        raise UserError(t("roster.bad_handle", handle=handle))
    exists = ctx.session.scalar(select(Persoon.id).where(
        Persoon.regio_id == ctx.regio.id, func.lower(Persoon.handle) == handle))
    if exists:
        raise UserError(t("roster.handle_taken", handle=handle))
    naam = " ".join(naam.split())
    if not naam or len(naam) > NAME_LENGTH:
        raise UserError(t("roster.bad_name", max=NAME_LENGTH))
    persoon = Persoon(regio_id=ctx.regio.id, handle=handle, naam=naam)
    ctx.session.add(persoon)
    ctx.session.flush()
    audit.record(ctx, "persoon", persoon.id, "toegevoegd", None, f"{naam} (@{handle})")
    return persoon


def edit(ctx: Ctx, persoon: Persoon, veld: str, waarde: str | None) -> Persoon:
    require(ctx, "beheer.rooster")
    value = (waarde or "").strip()
    if veld == "naam":
        if not value or len(value) > NAME_LENGTH:
            raise UserError(t("roster.bad_name", max=NAME_LENGTH))
        _set(ctx, persoon, "naam", value)
    elif veld == "functie":
        _set(ctx, persoon, "functie", value[:NAME_LENGTH] or None)
    elif veld == "email":
        if value and (not EMAIL.match(value) or len(value) > NAME_LENGTH):
            raise UserError(t("roster.bad_email", word=value[:60]))
        _set(ctx, persoon, "email", value.lower() or None)
    elif veld == "gemeente":
        gemeente = find_gemeente(ctx, value) if value else None
        _set(ctx, persoon, "gemeente_id", gemeente.id if gemeente else None,
             shown=(persoon.gemeente.naam if persoon.gemeente else None,
                    gemeente.naam if gemeente else None))
    elif veld == "vervanger":
        other = resolve(ctx, Mention(raw=value, handle=value.lstrip("@").lower())) if value \
            else None
        if other is not None and other.id == persoon.id:
            raise UserError(t("roster.self_standin"))
        _set(ctx, persoon, "vervanger_id", other.id if other else None,
             shown=(persoon.vervanger.naam if persoon.vervanger else None,
                    other.naam if other else None))
    elif veld == "plo":
        _set_plo(ctx, persoon, value)
    elif veld == "programmamanager":
        if value.lower() not in YES | NO:
            raise UserError(t("roster.bad_yes_no", word=value))
        _set(ctx, persoon, "is_programmamanager", value.lower() in YES)
    return persoon


def standin_warning(ctx: Ctx, persoon: Persoon) -> str | None:
    """A warning when a person's messages still reach no one after setting their stand-in:
    neither they nor anyone in their chain of stand-ins has a chat account."""
    ctx.session.flush()
    ctx.session.expire(persoon, ["vervanger"])  # the id was just set; load who it is
    if persoon.vervanger is None or notify.reaches_someone(ctx, persoon):
        return None
    return t("roster.standin_no_account", vervanger=persoon.vervanger.naam, naam=persoon.naam)


def _set(ctx: Ctx, persoon: Persoon, attribute: str, value: object,
         shown: tuple[object, object] | None = None) -> None:
    old = getattr(persoon, attribute)
    if old == value:
        return
    setattr(persoon, attribute, value)
    before, after = shown or (old, value)
    audit.record(ctx, "persoon", persoon.id, f"@{persoon.handle} {attribute.removesuffix('_id')}",
                 before, after)


def _set_plo(ctx: Ctx, persoon: Persoon, value: str) -> None:
    current = [p.gemeente.naam for p in persoon.plo_gemeenten]
    ctx.session.execute(delete(PloLid).where(PloLid.persoon_id == persoon.id))
    new: str | None = None
    if value.lower() in YES:
        # "plo ja", as the roster file says it: a PLO seat for the person's own gemeente.
        if persoon.gemeente is None:
            raise UserError(t("roster.plo_needs_gemeente", naam=persoon.naam))
        gemeente = persoon.gemeente
        ctx.session.add(PloLid(persoon_id=persoon.id, gemeente_id=gemeente.id))
        new = gemeente.naam
    elif value and value.lower() not in NO:
        gemeente = find_gemeente(ctx, value)
        ctx.session.add(PloLid(persoon_id=persoon.id, gemeente_id=gemeente.id))
        new = gemeente.naam
    ctx.session.expire(persoon, ["plo_gemeenten"])
    audit.record(ctx, "persoon", persoon.id, f"@{persoon.handle} plo", ", ".join(current) or None,
                 new)


def link(ctx: Ctx, persoon: Persoon, account: Mention) -> Identiteit:
    """Link a chat account on this platform to a roster entry. An account the bot met
    before as an unlinked `lid` moves over, and that placeholder entry is retired."""
    require(ctx, "beheer.rooster")
    extern_id = account.platform_user_id or account.handle
    if not extern_id:
        raise UserError(t("roster.bad_account", word=account.raw))
    team_id = ctx.session.scalar(select(Identiteit.team_id).where(
        Identiteit.persoon_id == ctx.actor.id, Identiteit.platform == ctx.platform).limit(1))
    identity = ctx.session.scalar(select(Identiteit).where(
        Identiteit.platform == ctx.platform, Identiteit.extern_id == extern_id))
    if identity is not None and identity.persoon_id == persoon.id:
        raise UserError(t("roster.already_linked", who=account.raw, naam=persoon.naam))
    old_owner = identity.persoon if identity is not None else None
    if identity is None:
        identity = Identiteit(persoon_id=persoon.id, platform=ctx.platform,
                              team_id=team_id or ctx.regio.slug, extern_id=extern_id,
                              gebruikersnaam=account.handle)
        ctx.session.add(identity)
    else:
        identity.persoon_id = persoon.id
    if old_owner is not None and _is_placeholder(ctx, old_owner):
        old_owner.actief = False
    ctx.session.flush()
    audit.record(ctx, "persoon", persoon.id, f"@{persoon.handle} account {ctx.platform}",
                 old_owner.naam if old_owner else None, account.raw)
    return identity


def _is_placeholder(ctx: Ctx, persoon: Persoon) -> bool:
    """Someone created on first contact, holding no role: safe to retire once linked."""
    roles = general_roles(ctx.session, persoon)
    return roles == {Role.LID} and not ctx.session.scalar(select(OverlegLid.persoon_id).where(
        OverlegLid.persoon_id == persoon.id).limit(1))


@dataclass
class Handover:
    opgave: Opgave
    rol: str


def leave(ctx: Ctx, persoon: Persoon, successor: Persoon | None) -> list[Handover]:
    """Someone leaves: their driehoek roles, milestones, PLO seat and body roles go to the
    successor, or become vacant; their accounts are unlinked; the PLO is told."""
    require(ctx, "beheer.rooster")
    if successor is not None and successor.id == persoon.id:
        raise UserError(t("roster.self_successor"))
    handed: list[Handover] = []
    new_id = successor.id if successor else None
    for rol, column in ROLE_COLUMNS.items():
        attribute = getattr(Opgave, column)
        for opgave in ctx.session.scalars(select(Opgave).where(
                Opgave.regio_id == ctx.regio.id, attribute == persoon.id)):
            setattr(opgave, column, new_id)
            audit.record(ctx, "opgave", opgave.id, rol, persoon.naam,
                         successor.naam if successor else None, opgave_id=opgave.id)
            touch(ctx, opgave)
            handed.append(Handover(opgave, rol))
    for mijlpaal in ctx.session.scalars(select(Mijlpaal).where(Mijlpaal.eigenaar_id == persoon.id)):
        mijlpaal.eigenaar_id = new_id
    _hand_over_seats(ctx, persoon, successor)
    ctx.session.execute(delete(Identiteit).where(Identiteit.persoon_id == persoon.id))
    ctx.session.execute(delete(PloLid).where(PloLid.persoon_id == persoon.id))
    ctx.session.execute(delete(OverlegLid).where(OverlegLid.persoon_id == persoon.id))
    ctx.session.execute(update(Persoon).where(Persoon.vervanger_id == persoon.id)
                        .values(vervanger_id=new_id))
    persoon.actief = False
    audit.record(ctx, "persoon", persoon.id, f"@{persoon.handle} vertrokken", None,
                 successor.naam if successor else t("role.vacant"))
    ctx.session.flush()
    _tell_plo(ctx, persoon, successor, handed)
    return handed


def _hand_over_seats(ctx: Ctx, persoon: Persoon, successor: Persoon | None) -> None:
    if successor is None:
        return
    for seat in persoon.plo_gemeenten:
        if ctx.session.get(PloLid, (successor.id, seat.gemeente_id)) is None:
            ctx.session.add(PloLid(persoon_id=successor.id, gemeente_id=seat.gemeente_id))
    for member in ctx.session.scalars(select(OverlegLid).where(
            OverlegLid.persoon_id == persoon.id)):
        existing = ctx.session.get(OverlegLid, (member.overleg_id, successor.id))
        if existing is None:
            ctx.session.add(OverlegLid(overleg_id=member.overleg_id, persoon_id=successor.id,
                                       rol=member.rol))
        elif member.rol != "lid":
            existing.rol = member.rol
    ctx.session.flush()


def _tell_plo(ctx: Ctx, persoon: Persoon, successor: Persoon | None,
              handed: list[Handover]) -> None:
    lines = [line(f"{h.opgave.code} {h.rol}") for h in handed] or [line(t("leave.no_roles"))]
    heading = (t("leave.heading.to", naam=persoon.naam, opvolger=successor.naam) if successor
               else t("leave.heading.vacant", naam=persoon.naam))
    notify.to_channel(ctx, notify.plo_channel(ctx), Message(
        heading=heading, sections=[Section(title=t("leave.roles"), lines=lines)],
        context=[] if successor else [t("leave.vacant_hint")],
    ), key=f"vertrek:{persoon.id}")
