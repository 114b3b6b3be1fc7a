"""The Mattermost listener: DMs to the bot arrive over a real WebSocket (a local stand-in),
the catch-up after each (re)connect over a mocked REST API v4 (``responses``)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest
import responses
import websocket
from responses.matchers import query_param_matcher

from bot.platforms.mattermost.client import Client
from bot.platforms.mattermost.listener import CATCH_UP_MARGIN_MS, SINCE_LIMIT, Listener
from tests.mattermost.ws_stand_in import MattermostWsStandIn

URL = "https://mm.example.org"
API = URL + "/api/v4"
TOKEN = "tok"
BOT, ANOUK = "bot1", "user1"
T0 = 1_796_112_000_000  # Unix ms
WAIT = 30.0  # seconds; only reached when a test fails (generous: CI may be loaded)


def post(post_id: str, create_at: int, message: str = "hallo", *, user_id: str = ANOUK,
         channel_id: str = "dm1", type_: str = "", update_at: int | None = None,
         delete_at: int = 0) -> dict[str, Any]:
    return {"id": post_id, "create_at": create_at, "update_at": update_at or create_at,
            "edit_at": 0, "delete_at": delete_at, "user_id": user_id,
            "channel_id": channel_id, "root_id": "", "message": message, "type": type_,
            "props": {}}


def posted(the_post: dict[str, Any], channel_type: str = "D") -> dict[str, Any]:
    return {"event": "posted",
            "data": {"channel_type": channel_type, "post": json.dumps(the_post),
                     "sender_name": "@anouk", "team_id": ""},
            "broadcast": {"channel_id": the_post["channel_id"], "omit_users": None,
                          "user_id": "", "team_id": ""}}


def post_list(*posts: dict[str, Any]) -> dict[str, Any]:
    newest_first = sorted(posts, key=lambda p: -p["create_at"])
    return {"order": [p["id"] for p in newest_first], "posts": {p["id"]: p for p in posts},
            "next_post_id": "", "prev_post_id": ""}


def channel(channel_id: str, type_: str, last_post_at: int) -> dict[str, Any]:
    return {"id": channel_id, "type": type_, "last_post_at": last_post_at}


def mock_posts_since(api: responses.RequestsMock, channel_id: str, since: int,
                     *posts: dict[str, Any]) -> None:
    api.get(f"{API}/channels/{channel_id}/posts", json=post_list(*posts),
            match=[query_param_matcher({"since": str(since)})])


def requested(api: responses.RequestsMock) -> list[str]:
    paths = (urlsplit(call.request.url or "") for call in api.calls)
    return [path.path.removeprefix("/api/v4") + (f"?{path.query}" if path.query else "")
            for path in paths]


class Handed:
    """The callback: records each post handed over, so a test can wait for them."""

    def __init__(self, failing: frozenset[str] = frozenset()) -> None:
        self.posts: list[dict[str, Any]] = []
        self.failing = failing
        self._arrived = threading.Condition()

    def __call__(self, the_post: dict[str, Any]) -> None:
        with self._arrived:
            self.posts.append(the_post)
            self._arrived.notify_all()
        if the_post["id"] in self.failing:
            raise RuntimeError("the handler broke")

    def wait_for(self, count: int) -> list[str]:
        with self._arrived:
            assert self._arrived.wait_for(lambda: len(self.posts) >= count, WAIT), self.ids
            return self.ids

    @property
    def ids(self) -> list[str]:
        return [p["id"] for p in self.posts]


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(f"{API}/users/me", json={"id": BOT, "username": "regiobot"})
        yield mock


@pytest.fixture
def server() -> Iterator[MattermostWsStandIn]:
    stand_in = MattermostWsStandIn()
    yield stand_in
    stand_in.close()


@contextmanager
def listening(server: MattermostWsStandIn, handle: Callable[[dict[str, Any]], None],
              backoff: Callable[[int], float] = lambda attempt: 0.0,
              ) -> Iterator[list[str]]:
    """The listener running on its own thread against the stand-in; yields the URLs it
    asked to connect to, and on leaving stops it and checks that it ended."""
    asked: list[str] = []

    def connect(url: str, **options: Any) -> websocket.WebSocket:
        asked.append(url)
        return websocket.create_connection(server.url, **options)

    stop = threading.Event()
    listener = Listener(Client(URL, TOKEN), TOKEN, handle, T0, stop, connect=connect,
                        backoff=backoff)
    thread = threading.Thread(target=listener.run, daemon=True)
    thread.start()
    try:
        yield asked
    finally:
        stop.set()
        thread.join(WAIT)
        assert not thread.is_alive()


def test_a_dm_typed_to_the_bot_is_handed_over_once_with_its_text_and_author(
        api: responses.RequestsMock, server: MattermostWsStandIn) -> None:
    # Quiet since long before the cursor: no posts to fetch.
    api.get(f"{API}/users/me/channels", json=[channel("dm1", "D", T0 - 10 * CATCH_UP_MARGIN_MS)])
    handed = Handed()
    with listening(server, handed) as asked:
        assert server.wait_for_connections(1)
        server.send(posted(post("p1", T0 + 1000, "status JGD-03")))
        handed.wait_for(1)
    assert [(p["id"], p["message"], p["user_id"]) for p in handed.posts] == [
        ("p1", "status JGD-03", ANOUK)]
    assert server.authorizations == [f"Bearer {TOKEN}"]
    assert asked == ["wss://mm.example.org/api/v4/websocket"]


def test_channels_group_messages_own_and_system_posts_and_edits_are_not_handed_over(
        api: responses.RequestsMock, server: MattermostWsStandIn) -> None:
    api.get(f"{API}/users/me/channels", json=[])
    handed = Handed()
    with listening(server, handed):
        assert server.wait_for_connections(1)
        for channel_type in "OPG":
            server.send(posted(post(f"in-{channel_type}", T0 + 1, channel_id="c1"),
                               channel_type))
        server.send(posted(post("own", T0 + 2, user_id=BOT)))
        server.send(posted(post("join", T0 + 3, type_="system_join_channel")))
        edited = post("p0", T0 - 5000, "bewerkt", update_at=T0 + 4)
        server.send({"event": "post_edited", "data": {"post": json.dumps(edited)},
                     "broadcast": {"channel_id": "dm1"}})
        server.send({"event": "post_deleted",
                     "data": {"post": json.dumps(post("p0", T0 - 5000, delete_at=T0 + 5))},
                     "broadcast": {"channel_id": "dm1"}})
        server.send({"event": "typing", "data": {"parent_id": "", "user_id": ANOUK},
                     "broadcast": {"channel_id": "dm1"}})
        # Events are read in order: once this one is here, the others were passed over.
        server.send(posted(post("last", T0 + 6)))
        handed.wait_for(1)
    assert handed.ids == ["last"]


def test_after_a_dropped_connection_it_reconnects_and_catches_up_in_create_order(
        api: responses.RequestsMock, server: MattermostWsStandIn) -> None:
    first_since = T0 - CATCH_UP_MARGIN_MS
    api.get(f"{API}/users/me/channels", json=[channel("dm1", "D", T0 - 1000)])
    mock_posts_since(api, "dm1", first_since)
    # Seen live before the drop, so the cursor moves to its create time.
    p1 = post("p1", T0 + 10_000, "eerst")
    second_since = p1["create_at"] - CATCH_UP_MARGIN_MS
    api.get(f"{API}/users/me/channels", json=[
        channel("dm1", "D", T0 + 40_000),
        channel("dm2", "D", T0 + 30_000),  # opened while the listener was away
        channel("dm3", "D", second_since - 1),  # nothing new there
        channel("town", "O", T0 + 40_000),
        channel("grp", "G", T0 + 40_000),
    ])
    mock_posts_since(
        api, "dm1", second_since,
        p1,  # the overlap; the callback dedupes
        post("older-edited", second_since - 1, "bewerkt", update_at=T0 + 20_000),
        post("deleted", T0 + 15_000, delete_at=T0 + 16_000),
        post("own", T0 + 25_000, user_id=BOT),
        post("join", T0 + 12_000, type_="system_join_channel"),
        post("p4", T0 + 40_000, "vierde"))
    mock_posts_since(api, "dm2", second_since,
                     post("p3", T0 + 30_000, "derde", channel_id="dm2"),
                     post("p2", T0 + 20_000, "tweede", channel_id="dm2"))
    handed = Handed()
    with listening(server, handed):
        assert server.wait_for_connections(1)
        server.send(posted(p1))
        handed.wait_for(1)
        server.drop()
        assert server.wait_for_connections(2)
        assert handed.wait_for(5) == ["p1", "p1", "p2", "p3", "p4"]
        server.send(posted(post("p5", T0 + 50_000, "weer live")))
        handed.wait_for(6)
    assert handed.ids == ["p1", "p1", "p2", "p3", "p4", "p5"]
    assert server.authorizations == [f"Bearer {TOKEN}"] * 2
    assert requested(api) == [
        "/users/me", "/users/me/channels", f"/channels/dm1/posts?since={first_since}",
        "/users/me/channels", f"/channels/dm1/posts?since={second_since}",
        f"/channels/dm2/posts?since={second_since}"]


def test_a_full_catch_up_call_is_followed_by_one_since_its_newest_change(
        api: responses.RequestsMock) -> None:
    since = T0 - CATCH_UP_MARGIN_MS
    api.get(f"{API}/users/me/channels", json=[channel("dm1", "D", T0 + 10_000)])
    full = [post(f"p{i:04}", T0 + i) for i in range(SINCE_LIMIT - 1)]
    full.append(post("older-edited", since - 1, update_at=T0 + 5000))
    mock_posts_since(api, "dm1", since, *full)
    mock_posts_since(api, "dm1", T0 + 5000,
                     post("late", T0 + 6000),
                     post("p0998", T0 + 998, "nogmaals bewerkt", update_at=T0 + 7000))
    handed = Handed()
    listener = Listener(Client(URL, TOKEN), TOKEN, handed, T0, threading.Event())

    assert listener.catch_up() == SINCE_LIMIT
    assert handed.ids == [f"p{i:04}" for i in range(SINCE_LIMIT - 1)] + ["late"]
    assert listener.cursor == T0 + 6000
    assert requested(api)[-2:] == [f"/channels/dm1/posts?since={since}",
                                   f"/channels/dm1/posts?since={T0 + 5000}"]


def test_a_handler_that_raises_is_logged_and_the_next_post_still_arrives(
        api: responses.RequestsMock, server: MattermostWsStandIn,
        caplog: pytest.LogCaptureFixture) -> None:
    api.get(f"{API}/users/me/channels", json=[])
    handed = Handed(failing=frozenset({"p1"}))
    with caplog.at_level(logging.ERROR), listening(server, handed):
        assert server.wait_for_connections(1)
        server.send(posted(post("p1", T0 + 1)))
        server.send(posted(post("p2", T0 + 2)))
        handed.wait_for(2)
    assert handed.ids == ["p1", "p2"]
    assert len(server.authorizations) == 1  # no reconnect either
    failure = next(r for r in caplog.records if r.name.endswith("listener"))
    assert "p1" in failure.getMessage() and "dm1" in failure.getMessage()
    assert failure.exc_info is not None


def test_a_failed_catch_up_is_retried_after_a_reconnect(
        api: responses.RequestsMock, server: MattermostWsStandIn) -> None:
    api.get(f"{API}/users/me/channels", status=503, body="onderhoud")
    api.get(f"{API}/users/me/channels", json=[channel("dm1", "D", T0 + 1000)])
    mock_posts_since(api, "dm1", T0 - CATCH_UP_MARGIN_MS, post("missed", T0 + 1000))
    attempts: list[int] = []
    handed = Handed()
    with listening(server, handed, backoff=lambda attempt: attempts.append(attempt) or 0.0):
        handed.wait_for(1)
        server.send(posted(post("live", T0 + 2000)))
        handed.wait_for(2)
    assert handed.ids == ["missed", "live"]
    assert len(server.authorizations) == 2
    assert attempts == [1]


def test_setting_stop_ends_run_promptly_while_connected(
        api: responses.RequestsMock, server: MattermostWsStandIn) -> None:
    api.get(f"{API}/users/me/channels", json=[])
    handed = Handed()
    stop = threading.Event()
    listener = Listener(Client(URL, TOKEN), TOKEN, handed, T0, stop,
                        connect=lambda url, **options: websocket.create_connection(
                            server.url, **options))
    thread = threading.Thread(target=listener.run, daemon=True)
    thread.start()
    assert server.wait_for_connections(1)
    server.send(posted(post("p1", T0 + 1)))
    handed.wait_for(1)  # so it is past the catch-up, waiting for the next event
    stop.set()
    # It ends after one read timeout and a closing handshake; without the stop it would
    # wait for the next event for ever. The bound is a safety net, not a budget.
    thread.join(WAIT)
    assert not thread.is_alive()


def test_setting_stop_ends_run_promptly_while_waiting_to_reconnect() -> None:
    tried = threading.Event()

    def refuse(url: str, **options: Any) -> websocket.WebSocket:
        tried.set()
        raise ConnectionRefusedError("no server")

    stop = threading.Event()
    listener = Listener(Client(URL, TOKEN), TOKEN, Handed(), T0, stop, connect=refuse,
                        backoff=lambda attempt: 3600.0)
    thread = threading.Thread(target=listener.run, daemon=True)
    thread.start()
    assert tried.wait(WAIT)
    stop.set()
    thread.join(WAIT)  # its back-off is an hour: only the stop ends it
    assert not thread.is_alive()
