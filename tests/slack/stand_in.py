"""A stand-in for Slack's Web API on a local port (slack_sdk speaks urllib, so
`responses` cannot see it). It records every call and answers with the documented
response shapes, or with an error on demand."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


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

    def answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        self.ts += 1
        ts = f"1700000000.{self.ts:06d}"
        match method:
            case "auth.test":
                return {"ok": True, "url": "https://lekstroom.slack.com/", "team": "Lekstroom",
                        "user": "regiobot", "team_id": "T1", "user_id": "UBOT",
                        "bot_id": "BBOT", "is_enterprise_install": False}
            case "chat.postMessage":
                return {"ok": True, "channel": body.get("channel"), "ts": ts,
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
            answer = b"ok" if method == "response_url" else json.dumps(
                stand_in.answer(method, body)).encode()
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
