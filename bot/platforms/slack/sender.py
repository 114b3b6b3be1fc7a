"""Deliver outbox messages on Slack. Each message carries its delivery key in its
``metadata`` (Slack takes no idempotency key), so a send that timed out can be looked up
(``conversations.history``, or ``conversations.replies`` in a thread) before it is sent
again.

Slack wants a conversation ID, not a name, in nearly every method (a name in
``conversations.history`` is ``channel_not_found``). A configured channel is resolved
once — ``conversations.list``, or ``conversations.info`` when it already is an ID — and
its ID kept in the database; only IDs go to Slack.

The client given here must not retry by itself (``retry_handlers=[]``): slack_sdk's
default handler resends a request whose connection broke, which may post twice; the
dispatcher retries instead, after looking.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from typing import Any, NoReturn
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.dispatch import Delivery, MaybeDelivered, RateLimited, UnknownChannel, marked
from bot.messages import Message, people_in
from bot.platforms.channels import ChannelIds
from bot.platforms.slack import blocks
from bot.services import people
from config.settings import Settings
from storage.db import Database

EVENT_TYPE = "regiobot_delivery"
# How far back a lookup reads: a conversation gets about one post a second at most, and
# a timed-out row is looked up within minutes.
LOOKUP_PAGES = 5
LOOKUP_PAGE_SIZE = 200
PLATFORM = "slack"
# A conversation ID: C (channel), G (private channel, group DM) or D (DM), then upper
# case letters and digits. A channel name is lower case, so it never looks like one.
CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]+")
LIST_PAGE_SIZE = 1000
# chat.postMessage's answers for a channel that is no more (deleted, or archived).
CHANNEL_GONE = ("channel_not_found", "is_archived")


def sending_client(settings: Settings) -> WebClient:
    """A client for the outbox: no retries of its own, and a timeout well inside the
    dispatcher's lease."""
    return WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url,
                     retry_handlers=[], timeout=settings.send_timeout_seconds)


def _timed_out(error: BaseException) -> bool:
    if isinstance(error, TimeoutError | socket.timeout):
        return True
    return isinstance(error, URLError) and isinstance(error.reason, TimeoutError | socket.timeout)


class SlackSender:
    platform = PLATFORM

    def __init__(self, client: WebClient, db: Database) -> None:
        self.client = client
        self.db = db
        # (user id, team id) of people who received something: their App Home is stale.
        self.reached: set[tuple[str, str]] = set()
        self._dm: dict[str, str] = {}
        self.channel_id = ChannelIds(db, PLATFORM, self._resolve)

    def fits(self, message: Message) -> bool:
        return blocks.whole(message)

    def channel_for(self, delivery: Delivery) -> str:
        if delivery.kind != "persoon":
            return self.channel_id(delivery.team_id or "", delivery.address.lstrip("#"))
        if delivery.address not in self._dm:
            opened = self._call(self.client.conversations_open, users=delivery.address)
            self._dm[delivery.address] = str(opened["channel"]["id"])
        return self._dm[delivery.address]

    def _forget(self, delivery: Delivery, channel: str, error: str) -> NoReturn:
        """The kept ID of a channel Slack no longer has: drop it (a retry looks the name
        up again) and fail the delivery, saying which channel."""
        team_id, name = delivery.team_id or "", delivery.address.lstrip("#")
        self.channel_id.forget(team_id, name)
        raise UnknownChannel(PLATFORM, team_id, name, f"{channel}: {error}")

    def _resolve(self, team_id: str, channel: str) -> str:
        if CHANNEL_ID.fullmatch(channel):
            try:
                info = self._call(self.client.conversations_info, channel=channel)
            except SlackApiError as error:
                if error.response.get("error") == "channel_not_found":
                    raise UnknownChannel(PLATFORM, team_id, channel) from None
                raise
            return str(info["channel"]["id"])
        cursor: str | None = None
        while True:
            page = self._call(self.client.conversations_list, limit=LIST_PAGE_SIZE,
                              types="public_channel,private_channel", exclude_archived=True,
                              cursor=cursor)
            for found in page.get("channels") or []:
                if found.get("name") == channel:
                    return str(found["id"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                raise UnknownChannel(PLATFORM, team_id, channel)

    def _call(self, method: Callable[..., SlackResponse], **kwargs: Any) -> SlackResponse:
        """One Web API call, its failures in the dispatcher's terms."""
        try:
            return method(**kwargs)
        except SlackApiError as error:
            if error.response.status_code == 429:
                raise RateLimited(float(error.response.headers.get("Retry-After", 1))) from None
            raise
        except (TimeoutError, URLError) as error:
            if _timed_out(error):
                raise MaybeDelivered(repr(error)) from None
            raise

    def deliver(self, delivery: Delivery) -> str | None:
        with self.db.read() as session:
            users = people.accounts(session, self.platform, people_in(delivery.message))
        body = blocks.payload(delivery.message, users)
        if delivery.thread:
            body["thread_ts"] = delivery.thread
        channel = self.channel_for(delivery)
        payload: dict[str, object] = {"delivery_key": delivery.delivery_key}
        if delivery.bundled:
            payload["bundle"] = list(delivery.bundled)
        try:
            response = self._call(
                self.client.chat_postMessage, channel=channel, **body,
                metadata={"event_type": EVENT_TYPE, "event_payload": payload},
            )
        except SlackApiError as error:
            if delivery.kind == "persoon" or error.response.get("error") not in CHANNEL_GONE:
                raise
            self._forget(delivery, channel, str(error.response.get("error")))
        if delivery.kind == "persoon":
            self.reached.add((delivery.address, delivery.team_id or ""))
        return str(response["ts"])

    def find(self, delivery: Delivery) -> str | None:
        """The ts of the message that carries this delivery key, among the conversation's
        recent messages (or its thread's), else None."""
        channel = self.channel_for(delivery)
        cursor: str | None = None
        for _ in range(LOOKUP_PAGES):
            if delivery.thread:
                page = self._call(self.client.conversations_replies, channel=channel,
                                  ts=delivery.thread, limit=LOOKUP_PAGE_SIZE, cursor=cursor,
                                  include_all_metadata=True)
            else:
                page = self._call(self.client.conversations_history, channel=channel,
                                  limit=LOOKUP_PAGE_SIZE, cursor=cursor,
                                  include_all_metadata=True)
            for message in page.get("messages", []):
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                if marked(delivery, payload.get("delivery_key"), payload.get("bundle")):
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return None
