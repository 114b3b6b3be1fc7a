"""Receives what people type to the bot in Mattermost direct messages.

Mattermost delivers new posts to a bot only over its WebSocket API, and a WebSocket loses
whatever is posted while it is down. So the listener keeps one connection open, hands each
user's post in the bot's direct channels to a callback, and after every (re)connect first
fetches over REST what was posted since the last post it saw. That catch-up deliberately
overlaps a little: the callback deduplicates, so a post handed over twice is harmless, one
never handed over is not. Everything past transport and filtering is the callback's work.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import websocket

from bot.dispatch import MaybeDelivered, RateLimited
from bot.platforms.mattermost.client import Client, MattermostError

log = logging.getLogger(__name__)

# A post can reach the database a little after a later one (clocks, slow transactions), so
# catch-up starts this long before the newest post seen.
CATCH_UP_MARGIN_MS = 60_000
# The server's cap on one ``since`` call.
SINCE_LIMIT = 1000
# Reads wake at least this often so that a set ``stop`` is noticed promptly.
READ_TIMEOUT = 1.0
# How long a closing handshake may take before the socket is simply shut.
CLOSE_TIMEOUT = 1.0

# What a lost network or an unhappy server raises. Anything else is a bug: it is logged
# with its traceback, but it must not end the listener either.
_EXPECTED_FAILURES: tuple[type[Exception], ...] = (
    OSError,  # includes requests' RequestException
    websocket.WebSocketException,
    MattermostError,
    RateLimited,
    MaybeDelivered,
    ValueError,  # a body that is not JSON
)

Post = dict[str, Any]


def default_backoff(attempt: int) -> float:
    """Seconds before reconnect attempt ``attempt`` (1, 2, …): doubling, at most a minute."""
    return float(min(2 ** max(attempt - 1, 0), 60))


def _log_failure(what: str, error: Exception) -> None:
    if isinstance(error, _EXPECTED_FAILURES):
        log.warning("%s: %s", what, error)
    else:
        log.error("%s", what, exc_info=error)


def _create_at(post: Post) -> int:
    return int(post.get("create_at") or 0)


def _direct_post(event: Any) -> Post | None:
    """The post of a ``posted`` event in a direct channel; None for any other event."""
    if not isinstance(event, dict) or event.get("event") != "posted":
        return None
    data = event.get("data")
    if not isinstance(data, dict) or data.get("channel_type") != "D":
        return None
    try:
        post = json.loads(data["post"])  # the event carries the post as a JSON string
    except (KeyError, TypeError, ValueError):
        log.warning("Mattermost sent a posted event without a readable post: %.300r", event)
        return None
    return post if isinstance(post, dict) else None


def _posts_changed_since(client: Client, channel_id: str, since_ms: int) -> list[Post]:
    """Every post of the channel created or changed after ``since_ms``, following the
    server past its cap per call."""
    posts: list[Post] = []
    after = since_ms
    while True:
        batch = list((client.posts_since(channel_id, after).get("posts") or {}).values())
        posts.extend(batch)
        # The server adds the root posts of threads to its 1,000, so a full call can be more.
        if len(batch) < SINCE_LIMIT:
            return posts
        newest = max(int(post.get("update_at") or 0) for post in batch)
        if newest <= after:
            # A full call that moves nothing forward would be repeated for ever.
            log.warning("Mattermost channel %s: over %d posts changed at %d; some may be "
                        "missed", channel_id, SINCE_LIMIT, after)
            return posts
        after = newest


class Listener:
    """Hands each user's post in the bot's direct channels to ``handle``, on the thread
    that calls ``run``, in the order the posts arrive (over REST: in create order)."""

    def __init__(self, client: Client, token: str, handle: Callable[[Post], None],
                 since_ms: int, stop: threading.Event,
                 connect: Callable[..., Any] | None = None,
                 backoff: Callable[[int], float] = default_backoff) -> None:
        self.client = client
        self.token = token
        self.handle = handle
        # The create time (Unix ms) of the newest post handed over; catch-up starts here.
        self.cursor = since_ms
        self.stop = stop
        self.connect = connect or websocket.create_connection
        self.backoff = backoff

    def run(self) -> None:
        """Connect, catch up, read events until ``stop`` is set; after any failure wait
        ``backoff(attempt)`` and start again. Returns only once ``stop`` is set."""
        attempt = 0
        while not self.stop.is_set():
            connection = self._connect_and_catch_up()
            if connection is not None:
                attempt = 0
                self._read_until_lost(connection)
            if self.stop.is_set():
                break
            attempt += 1
            delay = self.backoff(attempt)
            log.info("Mattermost: reconnecting in %.1f s (attempt %d)", delay, attempt)
            self.stop.wait(delay)
        log.info("Mattermost listener stopped")

    def catch_up(self) -> int:
        """Hand over, in create order, the user posts of the bot's direct channels created
        since the cursor less a margin; returns how many. REST failures propagate."""
        since = max(self.cursor - CATCH_UP_MARGIN_MS, 1)  # since=0 would get a plain page
        self.client.me()  # the filters need it; better it fails here than in the read loop
        found: dict[str, Post] = {}
        for channel_id in self._direct_channels(since):
            for post in _posts_changed_since(self.client, channel_id, since):
                found[str(post.get("id"))] = post
        # Posts created before ``since`` were only edited or deleted since: not new.
        fresh = sorted((post for post in found.values()
                        if _create_at(post) >= since and self._from_a_user(post)),
                       key=_create_at)
        for post in fresh:
            self._hand_over(post)
        return len(fresh)

    def _direct_channels(self, since_ms: int) -> list[str]:
        # Listed anew each time, so DM channels opened while away are found too.
        return [str(channel["id"]) for channel in self.client.my_channels()
                if channel.get("type") == "D"
                and int(channel.get("last_post_at") or since_ms) >= since_ms]

    def _from_a_user(self, post: Post) -> bool:
        """Not the bot's own, not a system message (those have a type), not deleted."""
        return (not post.get("type") and not post.get("delete_at")
                and post.get("user_id") != self.client.me())

    def _hand_over(self, post: Post) -> None:
        try:
            self.handle(post)
        except Exception:
            log.exception("Mattermost: handling post %s by user %s in channel %s failed",
                          post.get("id"), post.get("user_id"), post.get("channel_id"))
        # Advanced even after a failure: handing the same post over again on every
        # reconnect would most likely fail the same way.
        self.cursor = max(self.cursor, _create_at(post))

    def _connect_and_catch_up(self) -> websocket.WebSocket | None:
        """An open connection with the catch-up done, or None after a (logged) failure."""
        url = self.client.websocket_url
        try:
            connection = self.connect(url, header=[f"Authorization: Bearer {self.token}"],
                                      timeout=self.client.timeout)
        except Exception as error:
            _log_failure(f"Mattermost: cannot connect to {url}", error)
            return None
        # Events arriving meanwhile wait in the socket; catching up first keeps the order.
        try:
            count = self.catch_up()
        except Exception as error:
            _log_failure("Mattermost: catching up failed; retrying after a reconnect", error)
            connection.close(timeout=CLOSE_TIMEOUT)
            return None
        log.info("Mattermost: connected to %s; %d posts caught up", url, count)
        connection.settimeout(READ_TIMEOUT)
        return connection

    def _read_until_lost(self, connection: websocket.WebSocket) -> None:
        try:
            while not self.stop.is_set():
                try:
                    # Also answers the server's pings, which keeps the connection alive.
                    opcode, data = connection.recv_data()
                except websocket.WebSocketTimeoutException:
                    continue
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    log.warning("Mattermost closed the WebSocket")
                    return
                self._on_frame(data)
        except Exception as error:
            _log_failure("Mattermost: WebSocket lost", error)
        finally:
            connection.close(timeout=CLOSE_TIMEOUT)

    def _on_frame(self, data: bytes | str) -> None:
        try:
            event = json.loads(data)
        except ValueError:
            log.warning("Mattermost sent a frame that is not JSON: %.300r", data)
            return
        post = _direct_post(event)
        if post is not None and self._from_a_user(post):
            self._hand_over(post)
