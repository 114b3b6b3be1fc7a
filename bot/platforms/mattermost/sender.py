"""Deliver outbox messages on Mattermost as the bot account. Each post carries its
delivery key in ``props``, and a ``pending_post_id`` derived from it (Mattermost drops a
repeat within about 30 s); a post whose call timed out is looked up among the channel's
recent posts before it is sent again.

A configured channel (a name) is looked up once in the regio's team and its ID kept in
the database; posts, lookups and threads use the ID."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from bot.dispatch import Delivery, UnknownChannel, marked
from bot.messages import Message, people_in
from bot.platforms.channels import ChannelIds
from bot.platforms.mattermost import render
from bot.platforms.mattermost.client import Client, MattermostError
from storage.db import Database
from storage.models import Identiteit

PLATFORM = "mattermost"
PROP = "regiobot_delivery"
# A bundle's post also names the delivery key of every outbox row it carries.
BUNDLE_PROP = "regiobot_bundle"
LOOKUP_PAGES = 5
USERNAME_MAX = 64


def usernames(db: Database, persoon_ids: set[int]) -> dict[int, str]:
    """The Mattermost usernames of these people (for @mentions), where they have one."""
    if not persoon_ids:
        return {}
    with db.read() as session:
        return {persoon_id: name for persoon_id, name in session.execute(
            select(Identiteit.persoon_id, Identiteit.gebruikersnaam).where(
                Identiteit.platform == PLATFORM, Identiteit.persoon_id.in_(persoon_ids),
                Identiteit.gebruikersnaam.is_not(None))) if name}


class MattermostSender:
    platform = PLATFORM

    def __init__(self, client: Client, db: Database,
                 buttons: render.Buttons | None = None) -> None:
        self.client = client
        self.db = db
        # Without buttons (no REGIOBOT_SECRET or public URL) a message is its text alone.
        self.buttons = buttons
        self.channel_id = ChannelIds(db, PLATFORM, self._resolve)

    def fits(self, message: Message) -> bool:
        """Whether ``message`` is posted whole, its text not cut (``render.fit``): counted
        with every person named by the longest username Mattermost allows."""
        named = len(people_in(message)) * USERNAME_MAX
        return len(render.message_text(message, {})) + named <= render.MAX_MESSAGE

    def channel_for(self, delivery: Delivery) -> str:
        if delivery.kind == "persoon":
            return self.client.direct_channel(delivery.address)
        if not delivery.team_id:
            raise LookupError(f"no Mattermost team to find ~{delivery.address} in")
        return self.channel_id(delivery.team_id, delivery.address.lstrip("#~"))

    def _resolve(self, team_id: str, channel: str) -> str:
        try:
            return self.client.channel_by_name(team_id, channel)
        except MattermostError as error:
            if error.status == 404:
                raise UnknownChannel(PLATFORM, team_id, channel) from None
            raise

    def pending_post_id(self, delivery: Delivery) -> str:
        """Mattermost's ``user_id:timestamp`` shape, the same for every attempt."""
        digest = hashlib.sha256(delivery.delivery_key.encode()).hexdigest()
        return f"{self.client.me()}:{int(digest[:12], 16)}"

    def deliver(self, delivery: Delivery) -> str | None:
        channel = self.channel_for(delivery)
        # A DM's buttons work for its recipient only; a channel's for anyone (the core
        # checks who may do what).
        user = delivery.address if delivery.kind == "persoon" else None
        text, attachments = render.post(
            [delivery.message], usernames(self.db, people_in(delivery.message)), self.buttons,
            channel, user, delivery.delivery_key, render.POST_BUTTONS,
            sectioned=bool(delivery.bundled))
        props: dict[str, object] = {PROP: delivery.delivery_key}
        if delivery.bundled:
            props[BUNDLE_PROP] = list(delivery.bundled)
        if attachments:
            props["attachments"] = attachments
        return self.client.create_post(channel, text, props, root_id=delivery.thread,
                                       pending_post_id=self.pending_post_id(delivery))

    def find(self, delivery: Delivery) -> str | None:
        channel = self.channel_for(delivery)
        for page in range(LOOKUP_PAGES):
            found = self.client.channel_posts(channel, page=page)
            posts = found.get("posts") or {}
            for post_id in found.get("order") or []:
                props = posts.get(post_id, {}).get("props") or {}
                if marked(delivery, props.get(PROP), props.get(BUNDLE_PROP)):
                    return str(post_id)
            if len(found.get("order") or []) < 200:
                break
        return None
