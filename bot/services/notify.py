"""Put messages in the outbox, in the caller's transaction (the transactional outbox).

A delivery key names kind, subject, recipient and occurrence, so the same notification
is stored once however often it is planned. Messages go to every platform the regio is
reached on; a person without an account there is served by their stand-in by DM. A
channel is never anyone's personal inbox: what reaches nobody is stored as such (status
``niemand``, never sent) and counted for the programmamanager in the digest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select

from bot.context import Ctx
from bot.messages import Message
from bot.texts import t
from storage import outbox
from storage.models import Identiteit, Opgave, Overleg, Persoon, Werkruimte

PLO_CHANNEL_FALLBACK = "plo"
# An outbox row that reached nobody: kept (so planning again adds nothing and the digest
# can count it) but never claimed by a dispatcher, which only takes "pending" rows.
NOBODY = "niemand"


_KNOWN = "notify.known"


def _query_platforms(ctx: Ctx) -> list[str]:
    found = ctx.session.scalars(
        select(Werkruimte.platform).where(Werkruimte.regio_id == ctx.regio.id).distinct()
    )
    return sorted(found) or [ctx.platform]


def platforms_of(ctx: Ctx) -> list[str]:
    known = ctx.session.info.get(_KNOWN)
    return known.platforms if known else _query_platforms(ctx)


def plo_channel(ctx: Ctx) -> str:
    channel = ctx.session.scalar(
        select(Overleg.kanaal).where(Overleg.regio_id == ctx.regio.id, Overleg.is_plo)
    )
    return channel or PLO_CHANNEL_FALLBACK


def home_channel(ctx: Ctx, opgave: Opgave) -> str:
    """The opgave's own channel: its overleg's, else the PLO's."""
    if opgave.overleg is not None and opgave.overleg.kanaal:
        return opgave.overleg.kanaal
    return plo_channel(ctx)


class _Known:
    """Platforms and chat accounts looked up once for a planning run that addresses
    thousands of people (a command addresses a few and asks each time)."""

    def __init__(self, ctx: Ctx, persoon_ids: set[int]) -> None:
        self.platforms = _query_platforms(ctx)
        self.people = set(persoon_ids)
        self.accounts = {(persoon_id, platform) for persoon_id, platform in ctx.session.execute(
            select(Identiteit.persoon_id, Identiteit.platform)
            .where(Identiteit.persoon_id.in_(self.people)).distinct())}


def know_accounts(ctx: Ctx, persoon_ids: set[int]) -> None:
    """Look up the accounts of these people (and the regio's platforms) in one query for
    the rest of this unit of work."""
    ctx.session.info[_KNOWN] = _Known(ctx, persoon_ids)


def to_channel(ctx: Ctx, kanaal: str, message: Message, key: str) -> int:
    """Post in a channel on every platform; returns how many rows were new."""
    stored = 0
    for platform in platforms_of(ctx):
        stored += outbox.enqueue(
            ctx.session, delivery_key=f"{key}:#{kanaal}:{platform}", regio_id=ctx.regio.id,
            platform=platform, doel_soort="kanaal", doel=kanaal,
            bericht=message.model_dump(mode="json"), aangemaakt_op=ctx.now,
        )
    return stored


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
    known = ctx.session.info.get(_KNOWN)
    if known is not None and persoon_id in known.people:
        return (persoon_id, platform) in known.accounts
    return ctx.session.scalar(select(Identiteit.id).where(
        Identiteit.persoon_id == persoon_id, Identiteit.platform == platform).limit(1)
    ) is not None


def reachable(ctx: Ctx, persoon: Persoon) -> bool:
    """Whether the person has a chat account on one of the regio's platforms."""
    return any(_has_account(ctx, persoon.id, p) for p in platforms_of(ctx))


def _stand_in(ctx: Ctx, persoon: Persoon, platform: str, circle: set[int] | None,
              skip: frozenset[int] = frozenset()) -> Persoon | None:
    """The person themselves, else the first stand-in in the chain who has an account
    (and, for something confidential, is inside its circle). A stand-in in ``skip`` (who
    caused the message) is passed over, so it does not land back with them."""
    recipient: Persoon | None = persoon
    seen: set[int] = set()
    while recipient is not None and recipient.id not in seen:
        allowed = (circle is None or recipient.id in circle or recipient is persoon) \
            and recipient.id not in skip
        if allowed and _has_account(ctx, recipient.id, platform):
            return recipient
        seen.add(recipient.id)
        recipient = recipient.vervanger
    return None


def to_people(ctx: Ctx, people: Iterable[Persoon | None], message: Message, key: str,
              circle: set[int] | None = None, skip: Iterable[int] = ()) -> int:
    """Deliver one notification to several people, each person once: someone holding two
    roles, or standing in for a person who is also addressed, gets it a single time. Those
    reached in their own right come first, so a stand-in reads it as their own rather
    than on someone else's behalf. ``skip`` (the actor) is no recipient and no stand-in.
    Returns how many rows were new."""
    skipped = frozenset(skip)
    unique = {p.id: p for p in people if p is not None and p.id not in skipped}
    ordered = sorted(unique.values(), key=lambda p: not reachable(ctx, p))
    served: set[int] = set(skipped)
    return sum(to_person(ctx, p, message, key, circle=circle, served=served, skip=skipped)
               for p in ordered)


def to_person(ctx: Ctx, persoon: Persoon, message: Message, key: str,
              circle: set[int] | None = None, served: set[int] | None = None,
              skip: frozenset[int] = frozenset(),
              about: Callable[[str], Message] | None = None) -> int:
    """Deliver to a person or by DM to their stand-in (for something confidential: one
    inside its ``circle``, else the programmamanager). With no stand-in who has an
    account it reaches nobody: stored as such for the programmamanager's count, never
    posted in a channel. ``served`` collects who received this notification already: a
    stand-in who got it in their own right does not get it again on someone else's
    behalf; a stand-in in ``skip`` (who caused it) is passed over. Returns how many rows
    were new. ``about`` writes the message in the third person, given who it is about,
    for a message that speaks to its reader ("Je bent nu …"): a stand-in reads that."""
    stored = 0
    reached: set[int] = set()  # added to ``served`` after all platforms, each gets a copy
    for platform in platforms_of(ctx):
        target = _stand_in(ctx, persoon, platform, circle, skip)
        if target is not None:
            targets = [target]
        elif circle is not None and _stand_in(ctx, persoon, platform, None, skip) is not None:
            # The stand-in may not read it: the programmamanager (inside every circle) does.
            targets = _programme_managers(ctx, platform)
        else:
            stored += _nobody(ctx, persoon, message, key, platform)
            continue
        for target in targets:
            if served is not None and target.id != persoon.id and target.id in served:
                continue
            reached.add(target.id)
            sent = message if target.id == persoon.id else _for(message, persoon, about)
            stored += outbox.enqueue(
                ctx.session, delivery_key=f"{key}:@{persoon.id}:{target.id}:{platform}",
                regio_id=ctx.regio.id, platform=platform, doel_soort="persoon",
                doel=str(target.id), bericht=sent.model_dump(mode="json"),
                aangemaakt_op=ctx.now,
            )
    if served is not None:
        served |= reached
    return stored


def _programme_managers(ctx: Ctx, platform: str) -> list[Persoon]:
    managers = ctx.session.scalars(select(Persoon).where(
        Persoon.regio_id == ctx.regio.id, Persoon.is_programmamanager, Persoon.actief))
    return [m for m in managers if _has_account(ctx, m.id, platform)]


def _nobody(ctx: Ctx, persoon: Persoon, message: Message, key: str, platform: str) -> int:
    """Keep what could reach no one, addressed to the person it was meant for."""
    return outbox.enqueue(
        ctx.session, delivery_key=f"{key}:@{persoon.id}:niemand:{platform}",
        regio_id=ctx.regio.id, platform=platform, doel_soort=NOBODY, doel=str(persoon.id),
        bericht=message.model_dump(mode="json"), aangemaakt_op=ctx.now, status=NOBODY,
    )


def reaches_someone(ctx: Ctx, persoon: Persoon) -> bool:
    """Whether a message for this person reaches them or a stand-in on every platform."""
    return all(_stand_in(ctx, persoon, p, None) is not None for p in platforms_of(ctx))


def _for(message: Message, persoon: Persoon,
         about: Callable[[str], Message] | None = None) -> Message:
    """The same message in the third person for a stand-in: the heading says whom it is
    for ("Voor Karel Boer (Wethouder Houten, geen chataccount): …"), or, written about
    them by ``about``, names them itself ("Karel Boer (…) is nu projectleider …")."""
    who = (t("notice.standin.wie", naam=persoon.naam, functie=persoon.functie)
           if persoon.functie else t("notice.standin.wie_zonder_functie", naam=persoon.naam))
    if about is not None:
        message = about(who)
        heading = message.heading
    else:
        heading = (t("notice.standin.kop", wie=who, kop=message.heading) if message.heading
                   else t("notice.standin.kop_leeg", wie=who))
    return message.model_copy(update={
        "heading": heading, "context": [t("notice.standin", naam=persoon.naam),
                                        *message.context]})
