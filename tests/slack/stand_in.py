"""A stand-in for Slack's Web API on a local port (slack_sdk speaks urllib, so
`responses` cannot see it). It records every call and answers with the documented
response shapes, or with an error on demand.

It refuses what Slack refuses (``tests/slack/strict.py``): a channel name where Slack
wants a conversation ID, an unknown method, a message over 50 blocks or a view over 100,
and any block or element Block Kit does not accept (also in what is posted to a
``response_url``). Each refusal is kept in ``rejections``; the test fixture fails a test
that caused one it did not expect. A channel name given to chat.postMessage is accepted,
as Slack does, and kept in ``names_used``: the product must send IDs."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from tests.slack.strict import (
    ID_ONLY,
    KNOWN_METHODS,
    Directory,
    blocks_problem,
    refusal,
    view_problem,
)


@dataclass
class Call:
    method: str  # "chat.postMessage", or "response_url" for posts to a response_url
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class StandIn:
    server: ThreadingHTTPServer
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    changed: threading.Condition = field(default_factory=threading.Condition)
    ts: int = 0
    socket_url: str = "ws://127.0.0.1:1/none"
    directory: Directory = field(default_factory=Directory)
    names_used: list[str] = field(default_factory=list)
    # (method, error, why) of every request refused for what Slack refuses.
    rejections: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/"

    @property
    def response_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/response/1"

    def fail_next(self, method: str, status: int, headers: dict[str, str] | None = None) -> None:
        self.failures.setdefault(method, []).append((status, headers or {}))

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait (without sleeping blindly) until ``count`` calls of ``method`` arrived."""
        with self.changed:
            self.changed.wait_for(lambda: len(self.of(method)) >= count, timeout=timeout)
        found = self.of(method)
        assert len(found) >= count, f"{method}: {len(found)} of {count} calls; {self.methods()}"
        return found

    def wait_for_total(self, count: int, timeout: float = 10.0) -> list[Call]:
        """Wait until ``count`` calls in all arrived; return every call so far."""
        with self.changed:
            self.changed.wait_for(lambda: len(self.calls) >= count, timeout=timeout)
            return list(self.calls)

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    def record(self, call: Call) -> None:
        with self.changed:
            self.calls.append(call)
            self.changed.notify_all()

    def channel_name(self, channel_id: str) -> str | None:
        return self.directory.name_of(channel_id)

    def refuse(self, method: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """Slack's refusal of this request, or None when Slack would accept it."""
        error, why = self._problem(method, body)
        if error is None:
            return None
        with self.changed:
            self.rejections.append((method, error, why))
        return refusal(error, why if error == "invalid_blocks" else None)

    def _problem(self, method: str, body: dict[str, Any]) -> tuple[str | None, str]:
        if method == "response_url":
            return self._blocks_problem(body)
        if method not in KNOWN_METHODS:
            return "unknown_method", method
        channel = body.get("channel")
        if method in ID_ONLY and self.directory.known_id(channel) is None:
            return "channel_not_found", str(channel)
        if method in ("chat.postMessage", "chat.postEphemeral", "chat.update"):
            found, by_name = self.directory.for_posting(channel)
            if found is None:
                return "channel_not_found", str(channel)
            if by_name:
                with self.changed:
                    self.names_used.append(str(channel))
            return self._blocks_problem(body)
        if method.startswith("views."):
            problem = view_problem(body.get("view"))
            return ("invalid_blocks", problem) if problem else (None, "")
        return None, ""

    def _blocks_problem(self, body: dict[str, Any]) -> tuple[str | None, str]:
        problem = blocks_problem(body.get("blocks"))
        return ("invalid_blocks", problem) if problem else (None, "")

    def answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        self.ts += 1
        ts = f"1700000000.{self.ts:06d}"
        match method:
            case "auth.test":
                return {"ok": True, "url": "https://lekstroom.slack.com/", "team": "Lekstroom",
                        "user": "regiobot", "team_id": "T1", "user_id": "UBOT",
                        "bot_id": "BBOT", "is_enterprise_install": False}
            case "chat.postMessage":
                channel = self.directory.for_posting(body.get("channel"))[0]
                return {"ok": True, "channel": channel, "ts": ts,
                        "message": {"type": "message", "text": body.get("text", ""),
                                    "ts": ts, "bot_id": "BBOT"}}
            case "chat.postEphemeral":
                return {"ok": True, "message_ts": ts}
            case "conversations.open":
                return {"ok": True, "channel": {"id": "D" + str(body.get("users", "X"))}}
            case "views.open" | "views.publish" | "views.update":
                return {"ok": True, "view": {"id": f"V{self.ts}", "type": "modal"}}
            case "apps.connections.open":
                return {"ok": True, "url": self.socket_url}
            case "users.info":
                user = str(body.get("user"))
                return {"ok": True, "user": {"id": user, "name": user.lower(),
                                             "real_name": f"Gebruiker {user}",
                                             "profile": {"real_name": f"Gebruiker {user}",
                                                         "email": f"{user.lower()}@example.org"}}}
            case "conversations.info":
                return {"ok": True, "channel": self.directory.info(str(body["channel"]))}
            case "conversations.list":
                page = self.directory.page(str(body.get("cursor") or ""),
                                           int(body.get("limit") or 100))
                if page is None:
                    return {"ok": False, "error": "invalid_cursor"}
                return {"ok": True, "channels": page[0],
                        "response_metadata": {"next_cursor": page[1]}}
            case "conversations.history" | "conversations.replies":
                return {"ok": True, "messages": [], "has_more": False,
                        "response_metadata": {"next_cursor": ""}}
        return {"ok": True}


def start() -> StandIn:
    stand_in: StandIn

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            if self.headers.get("Content-Type", "").startswith("application/json"):
                body = json.loads(raw or "{}")
            else:
                body = dict(parse_qsl(raw))
                for key in ("blocks", "metadata", "view"):
                    if isinstance(body.get(key), str):
                        body[key] = json.loads(body[key])
            method = ("response_url" if self.path.startswith("/response/")
                      else self.path.removeprefix("/api/"))
            stand_in.record(Call(method, body, dict(self.headers)))
            failures = stand_in.failures.get(method)
            if failures:
                status, headers = failures.pop(0)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(b'{"ok": false, "error": "ratelimited"}')
                return
            refused = stand_in.refuse(method, body)
            if refused is not None and method == "response_url":
                # A response_url answers a bad message with HTTP 400 and the error name.
                self.send_response(400)
                self.end_headers()
                self.wfile.write(str(refused["error"]).encode())
                return
            answer = b"ok" if method == "response_url" else json.dumps(
                refused or stand_in.answer(method, body)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stand_in = StandIn(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return stand_in
