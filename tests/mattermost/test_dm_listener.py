"""What people type to the bot in a DM reaches the conversation through the WebSocket
listener: a `posted` event as Mattermost sends it, handled once even when two listeners
both receive it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import websocket
from sqlalchemy import func, select

from bot.platforms.mattermost.listener import Listener
from storage.models import Antwoord, VerwerktEvent
from tests.mattermost.conftest import MattermostClient, dm_channel, user_id
from tests.mattermost.ws_stand_in import MattermostWsStandIn


def posted(post: dict[str, Any]) -> dict[str, Any]:
    """The WebSocket event, the post inside it as a JSON string (as the server sends it)."""
    return {"event": "posted", "seq": 7,
            "data": {"channel_display_name": "@plo-houten", "channel_name": "x__y",
                     "channel_type": "D", "post": json.dumps(post), "sender_name":
                     "@plo-houten", "set_online": True, "team_id": ""},
            "broadcast": {"channel_id": post["channel_id"], "omit_users": None,
                          "team_id": "", "user_id": ""}}


class Handled:
    """The adapter's DM entry point, counting the posts it has finished with."""

    def __init__(self, mm: MattermostClient) -> None:
        self.mm = mm
        self.count = 0
        self.done = threading.Condition()

    def __call__(self, post: dict[str, Any]) -> None:
        try:
            self.mm.adapter.on_post(post)
        finally:
            with self.done:
                self.count += 1
                self.done.notify_all()

    def wait_for(self, count: int) -> None:
        with self.done:
            assert self.done.wait_for(lambda: self.count >= count, timeout=30)


@contextmanager
def listener(mm: MattermostClient, handled: Handled) -> Iterator[MattermostWsStandIn]:
    """A listener feeding the adapter, against its own stand-in server."""
    server = MattermostWsStandIn()
    stop = threading.Event()
    run = Listener(mm.adapter.client, "bottoken", handled,
                   mm.adapter.listen_since(), stop,
                   connect=lambda url, **o: websocket.create_connection(server.url, **o))
    thread = threading.Thread(target=run.run, daemon=True)
    thread.start()
    try:
        assert server.wait_for_connections(1)
        yield server
    finally:
        stop.set()
        thread.join(timeout=30)
        server.close()


def _answers(mm: MattermostClient) -> int:
    with mm.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Antwoord)) or 0)


def test_a_typed_dm_through_two_listeners_is_answered_once(mm: MattermostClient) -> None:
    houten = user_id("plo-houten")
    mm.command("plo-houten", "afweging JGD-03 invullen")
    post = {"id": "p1", "create_at": 1764000000000, "update_at": 1764000000000,
            "edit_at": 0, "delete_at": 0, "user_id": houten, "channel_id": dm_channel(houten),
            "root_id": "", "message": "nee, niet wettelijk", "type": "", "props": {}}
    handled = Handled(mm)
    with ExitStack() as stack:
        first = stack.enter_context(listener(mm, handled))
        second = stack.enter_context(listener(mm, handled))
        first.send(posted(post))
        second.send(posted(post))
        handled.wait_for(2)
    replies = mm.api.posts_to(dm_channel(houten))
    assert len(replies) == 1 and "Vraag 2 van" in replies[0]["message"]
    assert _answers(mm) == 1
    with mm.db.read() as s:
        assert s.scalars(select(VerwerktEvent.event_id).where(
            VerwerktEvent.platform == "mattermost")).all() == ["post:p1"]
