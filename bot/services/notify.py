"""Put messages in the outbox, in the caller's transaction (the transactional outbox).

A delivery key names kind, subject, recipient and occurrence, so the same notification
is stored once however often it is planned. Messages go to every platform the regio is
reached on; a person without an account there is served by their stand-in, else by the
PLO channel, never silently nowhere.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.context import Ctx
from bot.messages import Message
from storage import outbox
from storage.models import Identiteit, Overleg, Persoon, Werkruimte

PLO_CHANNEL_FALLBACK = "plo"


def platforms_of(ctx: Ctx) -> list[str]:
    found = ctx.session.scalars(
        select(Werkruimte.platform).where(Werkruimte.regio_id == ctx.regio.id).distinct()
    )
    return sorted(found) or [ctx.platform]


def plo_channel(ctx: Ctx) -> str:
    channel = ctx.session.scalar(
        select(Overleg.kanaal).where(Overleg.regio_id == ctx.regio.id, Overleg.is_plo)
    )
    return channel or PLO_CHANNEL_FALLBACK


def to_channel(ctx: Ctx, kanaal: str, message: Message, key: str) -> None:
    for platform in platforms_of(ctx):
        outbox.enqueue(
            ctx.session, delivery_key=f"{key}:#{kanaal}:{platform}", regio_id=ctx.regio.id,
            platform=platform, doel_soort="kanaal", doel=kanaal,
            bericht=message.model_dump(mode="json"), aangemaakt_op=ctx.now,
        )


def _has_account(ctx: Ctx, persoon_id: int, platform: str) -> bool:
    return ctx.session.scalar(select(Identiteit.id).where(
        Identiteit.persoon_id == persoon_id, Identiteit.platform == platform).limit(1)
    ) is not None


def to_person(ctx: Ctx, persoon: Persoon, message: Message, key: str) -> None:
    for platform in platforms_of(ctx):
        recipient: Persoon | None = persoon
        seen: set[int] = set()
        while recipient is not None and not _has_account(ctx, recipient.id, platform):
            seen.add(recipient.id)
            recipient = recipient.vervanger if recipient.vervanger_id not in seen else None
        if recipient is None:
            to_channel(ctx, plo_channel(ctx), message, f"{key}:@{persoon.id}")
            continue
        outbox.enqueue(
            ctx.session, delivery_key=f"{key}:@{persoon.id}:{platform}",
            regio_id=ctx.regio.id, platform=platform, doel_soort="persoon",
            doel=str(recipient.id), bericht=message.model_dump(mode="json"),
            aangemaakt_op=ctx.now,
        )
