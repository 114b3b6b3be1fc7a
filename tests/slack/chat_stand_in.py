"""A stand-in for the part of Slack's Web API that the outbox dispatcher talks to, on a
local port: ``chat.postMessage`` (stored, with rate limits and injected faults),
``chat.update``, ``chat.delete``, ``reactions.*``, ``conversations.open``,
``conversations.history``, ``conversations.replies``, ``conversations.list``,
``conversations.info`` and ``auth.test``. slack_sdk's WebClient speaks urllib, so point it
here with ``WebClient(token=..., base_url=stand_in.url)``.

It is as strict as Slack (``tests/slack/strict.py``): a channel name where Slack wants a
conversation ID is ``channel_not_found`` (chat.postMessage takes a name, as Slack does,
and notes it in ``names_used``: the product must send IDs), an unknown method is
``unknown_method``, and a message over 50 blocks or with any block or element Block Kit
refuses is ``invalid_blocks``. Every such refusal is kept in ``rejections``.

Answers follow the shapes of Slack's Web API spec. Faults are drawn from
``random.Random(seed)`` with probability ``fault_rate``, evenly over four kinds (or
queued for the next posts with ``fault_next``):

- ``"429"``: HTTP 429, ``Retry-After: 1``; nothing stored;
- ``"500"``: HTTP 500 ``internal_error``; nothing stored;
- ``"timeout_before"``: hangs ``hang_seconds``, then HTTP 500; nothing stored;
- ``"timeout_after"``: stores the message, hangs ``hang_seconds``, then answers as usual
  (a client with a shorter timeout has given up: it does not know the message landed).

Faults are decided before the rate limits (``per_channel_per_second``,
``total_per_second``: posts accepted in any sliding one-second window; a rate below 1
means one post per ``1 / rate`` seconds). A refused post gets HTTP 429 with
``Retry-After`` (whole seconds, rounded up, at least 1) and is not stored.

Run it as a process for tests and benchmarks in another process::

    python -m tests.slack.chat_stand_in --port 8765 [--fault-rate 0.3] [--per-channel 1]
        [--total 50] [--hang-seconds 1] [--seed 0] [--host 127.0.0.1]

It says where it listens on stderr, answers ``GET /stats`` with its counts, and on
SIGTERM (or SIGINT) prints one JSON line ``{"posted": n, "keys": n_distinct,
"duplicates": n_surplus}`` to stdout and exits.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import collections
import json
import math
import random
import signal
import sys
import threading
import time
import traceback
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.slack.strict import (
    ID_ONLY,
    KNOWN_METHODS,
    Directory,
    blocks_problem,
    refusal,
    view_problem,
)

TEAM_ID = "T1"
BOT_USER = "UBOT"
BOT_ID = "BBOT"
FAULTS = ("429", "500", "timeout_before", "timeout_after")
DEFAULT_LIMIT = 100
MAX_LIMIT = 999
TS_SECONDS = 1_700_000_000


@dataclass
class Posted:
    """One stored message, as it was posted (``channel``: the conversation's ID)."""

    channel: str
    ts: str
    text: str
    blocks: list[Any] | None
    metadata: dict[str, Any] | None
    thread_ts: str | None

    @property
    def top_level(self) -> bool:
        return self.thread_ts is None or self.thread_ts == self.ts


@dataclass
class _Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to hang before answering


class _Window:
    """At most ``capacity`` accepted posts in any sliding ``span`` seconds."""

    def __init__(self, per_second: float) -> None:
        if per_second <= 0:
            raise ValueError(f"a rate limit must be positive, not {per_second}")
        if per_second >= 1:
            self.capacity, self.span = int(per_second), 1.0
        else:
            self.capacity, self.span = 1, 1.0 / per_second
        self.times: collections.deque[float] = collections.deque()

    def wait(self, now: float) -> float:
        """Seconds until one more post fits; 0 when it fits now."""
        while self.times and self.times[0] + self.span <= now:
            self.times.popleft()
        surplus = len(self.times) - self.capacity
        if surplus < 0:
            return 0.0
        # The post at index ``surplus`` must leave the window to free a slot.
        return self.times[surplus] + self.span - now

    def take(self, now: float) -> None:
        self.times.append(now)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return value is True or value == 1


def _limit(value: Any) -> int:
    try:
        limit = int(value)
    except (TypeError, ValueError):
        return DEFAULT_LIMIT
    return DEFAULT_LIMIT if limit < 1 else min(limit, MAX_LIMIT)


def _timestamp(value: Any) -> Decimal | None:
    """A ``latest``/``oldest`` parameter; raises ValueError when it is no number."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise ValueError(value) from error
    if not number.is_finite():
        raise ValueError(value)
    return number


def _json_field(value: Any) -> Any:
    """``blocks``/``metadata`` arrive as JSON strings in form bodies; raises ValueError."""
    if isinstance(value, str):
        return json.loads(value) if value.strip() else None
    return value


def _cursor(kind: str, ts: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{ts}".encode()).decode()


def _uncursor(kind: str, cursor: Any) -> str | None:
    """The ts a cursor of ``kind`` continues after; None for no cursor; ValueError if bad."""
    if cursor is None or cursor == "":
        return None
    try:
        decoded = base64.urlsafe_b64decode(str(cursor).encode()).decode()
    except (binascii.Error, UnicodeDecodeError) as error:
        raise ValueError(cursor) from error
    found, _, ts = decoded.partition(":")
    if found != kind or _timestamp(ts) is None:
        raise ValueError(cursor)
    return ts


def _delivery_keys(posted: list[Posted]) -> collections.Counter[str]:
    keys: collections.Counter[str] = collections.Counter()
    for message in posted:
        payload = (message.metadata or {}).get("event_payload")
        if isinstance(payload, dict) and isinstance(payload.get("bundle"), list):
            # A bundle carries several outbox rows: each of them arrived once.
            keys.update(str(key) for key in payload["bundle"])
        elif isinstance(payload, dict) and payload.get("delivery_key") is not None:
            keys[str(payload["delivery_key"])] += 1
    return keys


def _error(error: str, status: int = 200, **headers: str) -> _Answer:
    return _Answer(status, {"ok": False, "error": error}, dict(headers))


class ChatStandIn:
    """The store and the rules; the HTTP server in a daemon thread hands requests here."""

    url: str

    def __init__(self, *, per_channel_per_second: float | None = None,
                 total_per_second: float | None = None, fault_rate: float = 0.0,
                 hang_seconds: float = 1.0, seed: int = 0, host: str = "127.0.0.1",
                 port: int = 0, channels: dict[str, str] | None = None) -> None:
        if not 0.0 <= fault_rate <= 1.0:
            raise ValueError(f"fault_rate must be within 0..1, not {fault_rate}")
        self._per_channel = per_channel_per_second
        self._total = _Window(total_per_second) if total_per_second is not None else None
        self._channel_windows: dict[str, _Window] = {}
        if per_channel_per_second is not None and per_channel_per_second <= 0:
            raise ValueError(f"a rate limit must be positive, not {per_channel_per_second}")
        self._fault_rate = fault_rate
        self._hang = hang_seconds
        self._random = random.Random(seed)
        self.directory = Directory(extra=channels)
        self._planned: collections.deque[str] = collections.deque()

        self._changed = threading.Condition()  # its lock guards everything below
        self._posted: list[Posted] = []
        self._top: dict[str, list[Posted]] = {}  # channel -> top-level messages, oldest first
        self._top_keys: dict[str, list[Decimal]] = {}  # their ts as numbers, for bisect
        self._by_ts: dict[tuple[str, str], Posted] = {}
        self._replies: dict[tuple[str, str], list[Posted]] = {}  # (channel, thread_ts)
        self._calls: collections.Counter[str] = collections.Counter()
        self.refused: collections.Counter[str] = collections.Counter()
        # Channels chat.postMessage was given by name ("plo", "#plo"), and every request
        # refused for what Slack refuses: (method, error, why).
        self.names_used: list[str] = []
        self.rejections: list[tuple[str, str, str]] = []
        self._counter = 0

        self._stopping = threading.Event()
        self._server = _Server((host, port), _Handler, self)
        bound_host, bound_port = self._server.server_address[:2]
        if bound_host in ("0.0.0.0", "::", ""):
            bound_host = "127.0.0.1"
        self.url = f"http://{bound_host}:{bound_port}/api/"
        self._serving = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        name="chat-stand-in", daemon=True)
        self._serving.start()

    # -- reading what arrived --------------------------------------------------------------

    def stop(self) -> None:
        """Stop serving; requests still hanging answer at once."""
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._serving.join(timeout=5)

    def posted(self) -> list[Posted]:
        with self._changed:
            return list(self._posted)

    def delivery_keys(self) -> collections.Counter[str]:
        """``metadata["event_payload"]["delivery_key"]`` of every stored message."""
        return _delivery_keys(self.posted())

    def calls(self, method: str) -> int:
        """How many requests of ``method`` arrived, refused ones included."""
        with self._changed:
            return self._calls[method]

    def wait_for_posted(self, count: int, timeout: float = 30.0) -> bool:
        """Wait until at least ``count`` messages are stored; False when time ran out."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self._posted) >= count, timeout=timeout)

    def stats(self) -> dict[str, Any]:
        """What ``GET /stats`` answers: counts, up to 20 duplicated keys, refusals, calls."""
        with self._changed:
            posted = list(self._posted)
            refused = dict(self.refused)
            calls = dict(self._calls)
        keys = _delivery_keys(posted)
        return {"posted": len(posted), "distinct_keys": len(keys),
                "duplicate_keys": [key for key, n in keys.items() if n > 1][:20],
                "refused": refused, "calls": calls}

    def summary(self) -> dict[str, int]:
        """The line printed on SIGTERM; ``duplicates`` counts surplus copies of a key
        (a key stored three times adds 2)."""
        posted = self.posted()
        keys = _delivery_keys(posted)
        return {"posted": len(posted), "keys": len(keys),
                "duplicates": sum(n - 1 for n in keys.values())}

    # -- answering ---------------------------------------------------------------------------

    def fault_next(self, *faults: str) -> None:
        """The next posts meet these faults (one of ``FAULTS`` each), in order, before
        any drawn at random."""
        unknown = set(faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults: {sorted(unknown)}")
        with self._changed:
            self._planned.extend(faults)

    def channel_name(self, channel_id: str) -> str | None:
        """The name of a channel of the directory (None for a DM or an unknown ID)."""
        return self.directory.name_of(channel_id)

    def _reject(self, method: str, error: str, why: str = "") -> _Answer:
        with self._changed:
            self.rejections.append((method, error, why))
        return _Answer(200, refusal(error, why if error == "invalid_blocks" else None))

    def answer(self, method: str, params: dict[str, Any]) -> _Answer:
        with self._changed:
            self._calls[method] += 1
        if method not in KNOWN_METHODS:
            return self._reject(method, "unknown_method", method)
        if method in ID_ONLY and self.directory.known_id(params.get("channel")) is None:
            return self._reject(method, "channel_not_found", str(params.get("channel")))
        match method:
            case "auth.test":
                return _Answer(200, {"ok": True, "url": "https://lekstroom.slack.com/",
                                     "team": "Lekstroom", "user": "regiobot",
                                     "team_id": TEAM_ID, "user_id": BOT_USER, "bot_id": BOT_ID,
                                     "is_enterprise_install": False})
            case "conversations.open":
                return self._open(params)
            case "chat.postMessage":
                return self._post(params)
            case "conversations.history":
                return self._conversation_history(params)
            case "conversations.replies":
                return self._conversation_replies(params)
            case "conversations.list":
                return self._conversation_list(params)
            case "conversations.info":
                channel = self.directory.info(str(params["channel"]))
                return _Answer(200, {"ok": True, "channel": channel})
            case "chat.update":
                return self._update(params)
            case "chat.delete":
                return self._delete(params)
            case "chat.postEphemeral":
                return self._ephemeral(params)
            case "reactions.add" | "reactions.remove" | "reactions.get":
                return self._reaction(method, params)
            case "views.open" | "views.update" | "views.publish" | "views.push":
                try:
                    problem = view_problem(_json_field(params.get("view")))
                except ValueError:
                    problem = "view is no JSON"
                if problem is not None:
                    return self._reject(method, "invalid_blocks", problem)
                return _Answer(200, {"ok": True, "view": {"id": "V1", "type": "modal"}})
        return _Answer(200, {"ok": True})

    def _blocks(self, method: str, params: dict[str, Any]) -> list[Any] | _Answer | None:
        """The request's blocks, or the refusal of them."""
        try:
            blocks = _json_field(params.get("blocks"))
        except ValueError:
            return self._reject(method, "invalid_blocks", "blocks are no JSON")
        if (problem := blocks_problem(blocks)) is not None:
            return self._reject(method, "invalid_blocks", problem)
        return blocks

    def _posting_channel(self, method: str, params: dict[str, Any]) -> str | _Answer:
        """The conversation ID a post goes to (a name is noted in ``names_used``)."""
        given = str(params.get("channel") or "")
        channel, by_name = self.directory.for_posting(given)
        if channel is None:
            return self._reject(method, "channel_not_found", given)
        if by_name:
            with self._changed:
                self.names_used.append(given)
        return channel

    def _ephemeral(self, params: dict[str, Any]) -> _Answer:
        channel = self._posting_channel("chat.postEphemeral", params)
        if isinstance(channel, _Answer):
            return channel
        blocks = self._blocks("chat.postEphemeral", params)
        if isinstance(blocks, _Answer):
            return blocks
        return _Answer(200, {"ok": True, "message_ts": "1700000000.000001"})

    def _message(self, params: dict[str, Any]) -> Posted | None:
        with self._changed:
            return self._by_ts.get((str(params.get("channel")), str(params.get("ts")
                                                                  or params.get("timestamp"))))

    def _update(self, params: dict[str, Any]) -> _Answer:
        blocks = self._blocks("chat.update", params)
        if isinstance(blocks, _Answer):
            return blocks
        posted = self._message(params)
        if posted is None:
            return self._reject("chat.update", "message_not_found")
        with self._changed:
            if "text" in params:
                posted.text = str(params.get("text") or "")
            if blocks is not None:
                posted.blocks = blocks
            self._changed.notify_all()
        return _Answer(200, {"ok": True, "channel": posted.channel, "ts": posted.ts,
                             "text": posted.text})

    def _delete(self, params: dict[str, Any]) -> _Answer:
        posted = self._message(params)
        if posted is None:
            return self._reject("chat.delete", "message_not_found")
        with self._changed:
            self._posted.remove(posted)
            del self._by_ts[(posted.channel, posted.ts)]
            if posted.top_level:
                index = self._top[posted.channel].index(posted)
                del self._top[posted.channel][index]
                del self._top_keys[posted.channel][index]
            else:
                self._replies[(posted.channel, str(posted.thread_ts))].remove(posted)
            self._changed.notify_all()
        return _Answer(200, {"ok": True, "channel": posted.channel, "ts": posted.ts})

    def _reaction(self, method: str, params: dict[str, Any]) -> _Answer:
        if self._message(params) is None:
            return self._reject(method, "message_not_found")
        return _Answer(200, {"ok": True})

    def _conversation_list(self, params: dict[str, Any]) -> _Answer:
        page = self.directory.page(str(params.get("cursor") or ""), _limit(params.get("limit")))
        if page is None:
            return self._reject("conversations.list", "invalid_cursor")
        channels, next_cursor = page
        return _Answer(200, {"ok": True, "channels": channels,
                             "response_metadata": {"next_cursor": next_cursor}})

    def _open(self, params: dict[str, Any]) -> _Answer:
        users = [u.strip() for u in str(params.get("users") or "").split(",") if u.strip()]
        if len(users) == 1:
            return _Answer(200, {"ok": True, "channel": {"id": "D" + users[0]}})
        if users:
            return _Answer(200, {"ok": True, "channel": {"id": "G" + "".join(sorted(users))}})
        if params.get("channel"):
            return _Answer(200, {"ok": True, "channel": {"id": str(params["channel"])}})
        return _error("users_list_not_supplied")

    def _post(self, params: dict[str, Any]) -> _Answer:
        channel = self._posting_channel("chat.postMessage", params)
        if isinstance(channel, _Answer):
            return channel
        blocks = self._blocks("chat.postMessage", params)
        if isinstance(blocks, _Answer):
            return blocks
        try:
            metadata = _json_field(params.get("metadata"))
        except ValueError:
            return _error("invalid_metadata_format")
        if metadata is not None and not isinstance(metadata, dict):
            return _error("invalid_metadata_format")
        text = str(params.get("text") or "")
        if not text and not blocks and not params.get("attachments"):
            return _error("no_text")
        thread_ts = str(params.get("thread_ts") or "") or None

        with self._changed:
            now = time.monotonic()  # read under the lock: the windows stay in order
            fault = self._fault()
            if fault is not None:
                self.refused[fault] += 1
            if fault == "429":
                return _error("ratelimited", 429, **{"Retry-After": "1"})
            if fault in ("500", "timeout_before"):
                delay = self._hang if fault == "timeout_before" else 0.0
                return _Answer(500, {"ok": False, "error": "internal_error"}, delay=delay)
            if fault is None and (refusal := self._rate_limited(channel, now)) is not None:
                return refusal
            self._take_slot(channel, now)  # a timeout_after post takes a slot, unchecked
            posted = self._store(channel, text, blocks, metadata, thread_ts)
            body = {"ok": True, "channel": channel, "ts": posted.ts,
                    "message": self._render(posted, include_metadata=True)}
        return _Answer(200, body, delay=self._hang if fault == "timeout_after" else 0.0)

    def _fault(self) -> str | None:
        if self._planned:
            return self._planned.popleft()
        if self._fault_rate <= 0 or self._random.random() >= self._fault_rate:
            return None
        return self._random.choice(FAULTS)

    def _rate_limited(self, channel: str, now: float) -> _Answer | None:
        """A 429 when a window is full (the channel's is reported first); else None."""
        waits: list[tuple[str, float]] = []
        if self._per_channel is not None:
            window = self._channel_windows.get(channel)
            if window is not None:
                waits.append(("rate_channel", window.wait(now)))
        if self._total is not None:
            waits.append(("rate_total", self._total.wait(now)))
        full = [(reason, wait) for reason, wait in waits if wait > 0]
        if not full:
            return None
        self.refused[full[0][0]] += 1
        retry_after = max(1, math.ceil(max(wait for _, wait in full)))
        return _error("ratelimited", 429, **{"Retry-After": str(retry_after)})

    def _take_slot(self, channel: str, now: float) -> None:
        if self._per_channel is not None:
            window = self._channel_windows.get(channel)
            if window is None:
                window = self._channel_windows[channel] = _Window(self._per_channel)
            window.take(now)
        if self._total is not None:
            self._total.take(now)

    def _store(self, channel: str, text: str, blocks: list[Any] | None,
               metadata: dict[str, Any] | None, thread_ts: str | None) -> Posted:
        self._counter += 1
        seconds, micros = divmod(self._counter, 1_000_000)
        ts = f"{TS_SECONDS + seconds}.{micros:06d}"
        posted = Posted(channel, ts, text, blocks, metadata, thread_ts)
        self._posted.append(posted)
        self._by_ts[(channel, ts)] = posted
        if posted.top_level:
            self._top.setdefault(channel, []).append(posted)
            self._top_keys.setdefault(channel, []).append(Decimal(ts))
        else:
            self._replies.setdefault((channel, str(thread_ts)), []).append(posted)
        self._changed.notify_all()
        return posted

    def _render(self, posted: Posted, *, include_metadata: bool) -> dict[str, Any]:
        """A stored message as the API shows it (call with the lock held)."""
        message: dict[str, Any] = {
            "type": "message", "ts": posted.ts, "text": posted.text, "user": BOT_USER,
            "bot_id": BOT_ID, "team": TEAM_ID,
            "blocks": posted.blocks if posted.blocks is not None else []}
        if not posted.top_level:
            message["thread_ts"] = posted.thread_ts
            message["parent_user_id"] = BOT_USER
        else:
            replies = self._replies.get((posted.channel, posted.ts))
            if replies:
                message.update(thread_ts=posted.ts, reply_count=len(replies),
                               reply_users_count=1, reply_users=[BOT_USER],
                               latest_reply=replies[-1].ts, subscribed=False)
        if include_metadata and posted.metadata is not None:
            message["metadata"] = posted.metadata
        return message

    def _conversation_history(self, params: dict[str, Any]) -> _Answer:
        channel = str(params.get("channel"))
        limit = _limit(params.get("limit"))
        include_metadata = _truthy(params.get("include_all_metadata"))
        inclusive = _truthy(params.get("inclusive"))
        try:
            oldest = _timestamp(params.get("oldest"))
        except ValueError:
            return _error("invalid_ts_oldest")
        try:
            latest = _timestamp(params.get("latest"))
        except ValueError:
            return _error("invalid_ts_latest")
        try:
            before = _uncursor("history", params.get("cursor"))
        except ValueError:
            return _error("invalid_cursor")

        with self._changed:
            keys = self._top_keys.get(channel, [])
            messages = self._top.get(channel, [])
            low = 0
            if oldest is not None:
                low = bisect_left(keys, oldest) if inclusive else bisect_right(keys, oldest)
            high = len(keys)
            if latest is not None:
                high = bisect_right(keys, latest) if inclusive else bisect_left(keys, latest)
            if before is not None:
                high = min(high, bisect_left(keys, Decimal(before)))
            start = max(low, high - limit)
            page = messages[start:high][::-1]  # newest first
            rendered = [self._render(p, include_metadata=include_metadata) for p in page]
        has_more = start > low
        return _Answer(200, {
            "ok": True, "messages": rendered, "has_more": has_more, "pin_count": 0,
            "channel_actions_ts": None, "channel_actions_count": 0,
            "response_metadata": {
                "next_cursor": _cursor("history", page[-1].ts) if has_more else ""}})

    def _conversation_replies(self, params: dict[str, Any]) -> _Answer:
        channel = str(params.get("channel"))
        ts = str(params.get("ts") or "")
        limit = _limit(params.get("limit"))
        include_metadata = _truthy(params.get("include_all_metadata"))
        try:
            after = _uncursor("replies", params.get("cursor"))
        except ValueError:
            return _error("invalid_cursor")

        with self._changed:
            parent = self._by_ts.get((channel, ts))
            if parent is None:
                return _error("thread_not_found")
            thread = [parent]
            if parent.top_level:
                thread += self._replies.get((channel, ts), [])
            start = 0
            if after is not None:
                seen = [i for i, p in enumerate(thread) if p.ts == after]
                if not seen:
                    return _error("invalid_cursor")
                start = seen[0] + 1
            page = thread[start:start + limit]
            rendered = [self._render(p, include_metadata=include_metadata) for p in page]
        has_more = start + limit < len(thread)
        return _Answer(200, {
            "ok": True, "messages": rendered, "has_more": has_more,
            "response_metadata": {
                "next_cursor": _cursor("replies", page[-1].ts) if has_more else ""}})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler],
                 stand_in: ChatStandIn) -> None:
        self.stand_in = stand_in
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # a client that timed out and hung up
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        try:
            body = self._body()
        except ValueError:
            self._send(_error("invalid_json"))
            return
        self._serve(body)

    def do_GET(self) -> None:
        self._serve({})

    def _body(self) -> dict[str, Any]:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            body = json.loads(raw or "{}")
            if not isinstance(body, dict):
                raise ValueError("json_not_object")
            return body
        return dict(parse_qsl(raw, keep_blank_values=True))

    def _serve(self, body: dict[str, Any]) -> None:
        parts = urlsplit(self.path)
        params: dict[str, Any] = dict(parse_qsl(parts.query, keep_blank_values=True))
        params.update(body)
        stand_in = self.server.stand_in
        if parts.path.rstrip("/") == "/stats":
            self._send(_Answer(200, stand_in.stats()))
        elif parts.path.startswith("/api/"):
            try:
                answer = stand_in.answer(parts.path.removeprefix("/api/"), params)
            except Exception:  # a bug here: say so, and answer like Slack's own trouble
                traceback.print_exc()
                answer = _error("internal_error", 500)
            self._send(answer)
        else:
            self._send(_error("unknown_method", 404))

    def _send(self, answer: _Answer) -> None:
        if answer.delay > 0:
            self.server.stand_in._stopping.wait(answer.delay)
        data = json.dumps(answer.body).encode()
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up waiting

    def log_message(self, format: str, *args: Any) -> None:
        pass


def start(*, per_channel_per_second: float | None = None, total_per_second: float | None = None,
          fault_rate: float = 0.0, hang_seconds: float = 1.0, seed: int = 0,
          host: str = "127.0.0.1", port: int = 0,
          channels: dict[str, str] | None = None) -> ChatStandIn:
    """Serve a new stand-in in a daemon thread (``port=0``: a free port; see ``.url``);
    ``channels`` (ID -> name) adds to the channel directory."""
    return ChatStandIn(per_channel_per_second=per_channel_per_second,
                       total_per_second=total_per_second, fault_rate=fault_rate,
                       hang_seconds=hang_seconds, seed=seed, host=host, port=port,
                       channels=channels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.slack.chat_stand_in",
                                     description="A stand-in for Slack's chat Web API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port (see stderr)")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--per-channel", type=float, default=None,
                        help="posts per channel per second")
    parser.add_argument("--total", type=float, default=None, help="posts per second in all")
    parser.add_argument("--hang-seconds", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args(argv)

    stand_in = start(per_channel_per_second=options.per_channel, total_per_second=options.total,
                     fault_rate=options.fault_rate, hang_seconds=options.hang_seconds,
                     seed=options.seed, host=options.host, port=options.port)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    print(f"chat stand-in listening on {stand_in.url}", file=sys.stderr, flush=True)
    stopping.wait()
    stand_in.stop()
    print(json.dumps(stand_in.summary()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
