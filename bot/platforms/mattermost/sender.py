"""Deliver outbox messages on Mattermost as the bot account. Each post carries its
delivery key in ``props``, and a ``pending_post_id`` derived from it (Mattermost drops a
repeat within about 30 s); a post whose call timed out is looked up among the channel's
recent posts before it is sent again."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from bot.dispatch import Delivery
from bot.messages import people_in
from bot.platforms.mattermost.client import Client
from bot.platforms.mattermost.render import message_text
from storage.db import Database
from storage.models import Identiteit

PROP = "regiobot_delivery"
LOOKUP_PAGES = 5


class MattermostSender:
    platform = "mattermost"

    def __init__(self, client: Client, db: Database) -> None:
        self.client = client
        self.db = db

    def channel_for(self, delivery: Delivery) -> str:
        if delivery.kind == "persoon":
            return self.client.direct_channel(delivery.address)
        if not delivery.team_id:
            raise LookupError(f"no Mattermost team to find ~{delivery.address} in")
        return self.client.channel_by_name(delivery.team_id, delivery.address.lstrip("#~"))

    def pending_post_id(self, delivery: Delivery) -> str:
        """Mattermost's ``user_id:timestamp`` shape, the same for every attempt."""
        digest = hashlib.sha256(delivery.delivery_key.encode()).hexdigest()
        return f"{self.client.me()}:{int(digest[:12], 16)}"

    def usernames(self, delivery: Delivery) -> dict[int, str]:
        """The Mattermost usernames of the people the message names (for @mentions)."""
        ids = people_in(delivery.message)
        if not ids:
            return {}
        with self.db.read() as session:
            return {persoon_id: name for persoon_id, name in session.execute(
                select(Identiteit.persoon_id, Identiteit.gebruikersnaam).where(
                    Identiteit.platform == self.platform, Identiteit.persoon_id.in_(ids),
                    Identiteit.gebruikersnaam.is_not(None))) if name}

    def deliver(self, delivery: Delivery) -> str | None:
        names = self.usernames(delivery)
        return self.client.create_post(
            self.channel_for(delivery), message_text(delivery.message, names),
            {PROP: delivery.delivery_key}, root_id=delivery.thread,
            pending_post_id=self.pending_post_id(delivery))

    def find(self, delivery: Delivery) -> str | None:
        channel = self.channel_for(delivery)
        for page in range(LOOKUP_PAGES):
            found = self.client.channel_posts(channel, page=page)
            posts = found.get("posts") or {}
            for post_id in found.get("order") or []:
                if (posts.get(post_id, {}).get("props") or {}).get(PROP) == \
                        delivery.delivery_key:
                    return str(post_id)
            if len(found.get("order") or []) < 200:
                break
        return None
