"""Deliver outbox messages on Slack. Each message carries its delivery key in its
``metadata`` (Slack takes no idempotency key), so a send that timed out can be looked up
before it is sent again."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.dispatch import Delivery
from bot.messages import people_in
from bot.platforms.slack import blocks
from bot.services import people
from storage.db import Database

EVENT_TYPE = "regiobot_delivery"


class SlackSender:
    platform = "slack"

    def __init__(self, client: WebClient, db: Database) -> None:
        self.client = client
        self.db = db
        # (user id, team id) of people who received something: their App Home is stale.
        self.reached: set[tuple[str, str]] = set()

    def channel_for(self, delivery: Delivery) -> str:
        if delivery.kind == "persoon":
            opened = self.client.conversations_open(users=delivery.address)
            return str(opened["channel"]["id"])
        return delivery.address.lstrip("#")

    def deliver(self, delivery: Delivery) -> str | None:
        with self.db.read() as session:
            users = people.accounts(session, self.platform, people_in(delivery.message))
        body = blocks.payload(delivery.message, users)
        if delivery.thread:
            body["thread_ts"] = delivery.thread
        response = self.client.chat_postMessage(
            channel=self.channel_for(delivery), **body,
            metadata={"event_type": EVENT_TYPE,
                      "event_payload": {"delivery_key": delivery.delivery_key}},
        )
        if delivery.kind == "persoon":
            self.reached.add((delivery.address, delivery.team_id or ""))
        return str(response["ts"])
