"""Bodies (overleggen) as configuration: members, voorzitter, secretaris, channel."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.context import Ctx
from bot.errors import UserError
from bot.permissions import require
from bot.services import audit
from bot.services.milestones import find_overleg
from bot.texts import t
from storage.models import NAME_LENGTH, Overleg, OverlegLid, Persoon, Vergadering

CODE = re.compile(r"^[a-z0-9][a-z0-9\-]{1,29}$")
CHANNEL = re.compile(r"^[#~]?[\w\-]{1,80}$")
# A channel picked with # in Slack arrives escaped as <#C0123ABCD|name> (the name may be
# left out): its name is kept, or its ID when there is no name; both resolve to the ID.
SLACK_CHANNEL = re.compile(r"^<#([A-Z0-9]{2,80})(?:\|([\w\-]{0,80}))?>$")


@dataclass
class BodyRow:
    overleg: Overleg
    members: int
    voorzitter: str | None
    secretaris: str | None
    next_meeting: datetime | None


def listing(ctx: Ctx) -> list[BodyRow]:
    bodies = ctx.session.scalars(select(Overleg).where(Overleg.regio_id == ctx.regio.id)
                                 .order_by(Overleg.soort, Overleg.code))
    rows = []
    for overleg in bodies:
        chairs = dict(ctx.session.execute(select(OverlegLid.rol, Persoon.naam).join(Persoon).where(
            OverlegLid.overleg_id == overleg.id, OverlegLid.rol != "lid")).all())
        members = ctx.session.scalar(select(func.count()).where(
            OverlegLid.overleg_id == overleg.id)) or 0
        upcoming = ctx.session.scalar(select(func.min(Vergadering.begint_op)).where(
            Vergadering.overleg_id == overleg.id, Vergadering.begint_op >= ctx.now))
        rows.append(BodyRow(overleg, members, chairs.get("voorzitter"), chairs.get("secretaris"),
                            upcoming))
    return rows


def create(ctx: Ctx, code: str, soort: str, naam: str) -> Overleg:
    require(ctx, "beheer.overleggen")
    code = code.lower()
    if not CODE.match(code):
        raise UserError(t("overleg.bad_code", code=code))
    if ctx.session.scalar(select(Overleg.id).where(Overleg.regio_id == ctx.regio.id,
                                                   Overleg.code == code)):
        raise UserError(t("overleg.code_taken", code=code))
    overleg = Overleg(regio_id=ctx.regio.id, code=code, naam=" ".join(naam.split())[:NAME_LENGTH],
                      soort=soort, kanaal=code)
    ctx.session.add(overleg)
    ctx.session.flush()
    audit.record(ctx, "overleg", overleg.id, "aangemaakt", None, f"{overleg.naam} ({code})")
    return overleg


def set_member(ctx: Ctx, overleg_code: str, persoon: Persoon, rol: str | None) -> Overleg:
    require(ctx, "beheer.overleggen")
    overleg = find_overleg(ctx, overleg_code)
    rol = rol or "lid"
    member = ctx.session.get(OverlegLid, (overleg.id, persoon.id))
    old = member.rol if member else None
    if rol in ("voorzitter", "secretaris"):
        # One voorzitter and one secretaris per body: the previous one stays a member.
        for other in ctx.session.scalars(select(OverlegLid).where(
                OverlegLid.overleg_id == overleg.id, OverlegLid.rol == rol,
                OverlegLid.persoon_id != persoon.id)):
            other.rol = "lid"
    if member is None:
        ctx.session.add(OverlegLid(overleg_id=overleg.id, persoon_id=persoon.id, rol=rol))
    else:
        member.rol = rol
    audit.record(ctx, "overleg", overleg.id, f"{overleg.code} @{persoon.handle}", old, rol)
    return overleg


def remove_member(ctx: Ctx, overleg_code: str, persoon: Persoon) -> Overleg:
    require(ctx, "beheer.overleggen")
    overleg = find_overleg(ctx, overleg_code)
    member = ctx.session.get(OverlegLid, (overleg.id, persoon.id))
    if member is None:
        raise UserError(t("overleg.not_member", naam=persoon.naam, overleg=overleg.naam))
    audit.record(ctx, "overleg", overleg.id, f"{overleg.code} @{persoon.handle}", member.rol,
                 None)
    ctx.session.delete(member)
    return overleg


def set_channel(ctx: Ctx, overleg_code: str, kanaal: str) -> Overleg:
    require(ctx, "beheer.overleggen")
    overleg = find_overleg(ctx, overleg_code)
    if picked := SLACK_CHANNEL.match(kanaal):
        kanaal = picked.group(2) or picked.group(1)
    if not CHANNEL.match(kanaal):
        raise UserError(t("overleg.bad_channel", word=kanaal))
    new = kanaal.lstrip("#~")
    audit.record(ctx, "overleg", overleg.id, f"{overleg.code} kanaal", overleg.kanaal, new)
    overleg.kanaal = new
    return overleg
