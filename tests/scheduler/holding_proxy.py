"""A proxy between one worker process and the stand-in Slack that can catch the worker
mid-claim for certain: it passes every request on, and once ``ready()`` says so it passes
the next ``chat.postMessage`` on (Slack stores it) but keeps the answer. The worker then
waits for that answer with the rest of its claim in hand — the moment to kill it, with
the worst case built in: a message posted that the worker never learned was posted."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

# Headers a Web API call needs to arrive as it was sent.
_PASSED = ("Content-Type", "Authorization", "User-Agent")


class HoldingProxy:
    url: str

    def __init__(self, target: str, ready: Callable[[], bool]) -> None:
        self.target = target.rstrip("/") + "/"
        self.ready = ready
        self.held = threading.Event()  # a post went through and its answer is kept
        self.held_key: str | None = None  # that post's delivery key
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.proxy = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/api/"
        self._serving = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="holding-proxy", daemon=True)
        self._serving.start()

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._serving.join(timeout=5)

    def forward(self, method: str, path: str, body: bytes,
                headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(self.target + path, data=body or None,
                                         headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as refused:
            return refused.code, dict(refused.headers), refused.read()

    def keep_answer(self, path: str, body: bytes, content_type: str) -> bool:
        """After passing a post on: keep its answer (once ready), holding the caller."""
        if path != "chat.postMessage" or self.held.is_set() or not self.ready():
            return False
        self.held_key = _delivery_key(body, content_type)
        self.held.set()
        self._release.wait()  # until the test ends; the worker is killed long before
        return True


def _delivery_key(body: bytes, content_type: str) -> str | None:
    text = body.decode()
    params: dict[str, Any] = json.loads(text or "{}") if content_type.startswith(
        "application/json") else dict(parse_qsl(text, keep_blank_values=True))
    metadata = params.get("metadata")
    if isinstance(metadata, str):
        metadata = json.loads(metadata)
    if not isinstance(metadata, dict):
        return None
    key = (metadata.get("event_payload") or {}).get("delivery_key")
    return str(key) if key is not None else None


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self._pass()

    def do_GET(self) -> None:
        self._pass()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _pass(self) -> None:
        proxy: HoldingProxy = self.server.proxy  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.removeprefix("/api/")
        headers = {name: self.headers[name] for name in _PASSED if self.headers.get(name)}
        status, answer_headers, answer = proxy.forward(self.command, path, body, headers)
        if proxy.keep_answer(path.split("?")[0], body, headers.get("Content-Type", "")):
            return  # released only when the test ends: the worker is gone by then
        self.send_response(status)
        for name in ("Content-Type", "Retry-After"):
            if answer_headers.get(name):
                self.send_header(name, answer_headers[name])
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the worker went away meanwhile
            self.wfile.write(answer)
