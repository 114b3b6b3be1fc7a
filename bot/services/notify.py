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
from bot.texts import t
from storage import outbox
from storage.models import Identiteit, Opgave, Overleg, Persoon, Werkruimte

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


def to_thread(ctx: Ctx, opgave: Opgave, message: Message, key: str) -> None:
    """Post in the opgave's thread; the first post opens it in the opgave's own channel
    (its overleg's, else the PLO's)."""
    for platform in platforms_of(ctx):
        outbox.enqueue(
            ctx.session, delivery_key=f"{key}:draad:{platform}", regio_id=ctx.regio.id,
            platform=platform, doel_soort="draad", doel=str(opgave.id),
            bericht=message.model_dump(mode="json"), aangemaakt_op=ctx.now,
        )


def _has_account(ctx: Ctx, persoon_id: int, platform: str) -> bool:
    return ctx.session.scalar(select(Identiteit.id).where(
        Identiteit.persoon_id == persoon_id, Identiteit.platform == platform).limit(1)
    ) is not None


def _stand_in(ctx: Ctx, persoon: Persoon, platform: str,
              circle: set[int] | None) -> Persoon | None:
    """The person themselves, else the first stand-in in the chain who has an account
    (and, for something confidential, is inside its circle)."""
    recipient: Persoon | None = persoon
    seen: set[int] = set()
    while recipient is not None and recipient.id not in seen:
        allowed = circle is None or recipient.id in circle or recipient is persoon
        if allowed and _has_account(ctx, recipient.id, platform):
            return recipient
        seen.add(recipient.id)
        recipient = recipient.vervanger
    return None


def _programme_managers(ctx: Ctx, platform: str) -> list[Persoon]:
    managers = ctx.session.scalars(select(Persoon).where(
        Persoon.regio_id == ctx.regio.id, Persoon.is_programmamanager, Persoon.actief))
    return [m for m in managers if _has_account(ctx, m.id, platform)]


def to_person(ctx: Ctx, persoon: Persoon, message: Message, key: str,
              circle: set[int] | None = None) -> None:
    """Deliver to a person, their stand-in, or — never silently nowhere — the PLO channel
    (for something confidential: the programmamanager instead of a channel)."""
    for platform in platforms_of(ctx):
        recipient = _stand_in(ctx, persoon, platform, circle)
        if recipient is None and circle is None:
            to_channel(ctx, plo_channel(ctx), _for(message, persoon), f"{key}:@{persoon.id}")
            continue
        recipients = [recipient] if recipient else _programme_managers(ctx, platform)
        for target in recipients:
            sent = message if target.id == persoon.id else _for(message, persoon)
            outbox.enqueue(
                ctx.session, delivery_key=f"{key}:@{persoon.id}:{target.id}:{platform}",
                regio_id=ctx.regio.id, platform=platform, doel_soort="persoon",
                doel=str(target.id), bericht=sent.model_dump(mode="json"),
                aangemaakt_op=ctx.now,
            )


def _for(message: Message, persoon: Persoon) -> Message:
    """The same message, saying whom it was meant for."""
    return message.model_copy(update={
        "context": [t("notice.standin", naam=persoon.naam), *message.context]})
