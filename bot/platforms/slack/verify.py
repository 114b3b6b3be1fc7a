"""Is this request Slack's? Slack signs ``v0:<timestamp>:<body>`` with the app's signing
secret (HMAC-SHA256) and sends the timestamp and the signature as headers.

Checked here before anything reads the body, over its raw bytes: a timestamp that is not
whole seconds (``abc``, empty, ``1700000000.5``, 5,000 digits), a signature that is not
ASCII, a body that is not UTF-8 or too large is refused as an outsider is (401, 400, 413),
where Bolt's own check and parser would raise and answer 500. Bolt's check is replaced
by the same function, so the Bolt app is strict on its own too.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.middleware import Middleware

log = logging.getLogger(__name__)

# Slack's limit for a request it signs is far below this (a modal's state is the largest).
MAX_BODY = 1_000_000
# Slack refuses to let a request be replayed after five minutes; so do we.
MAX_AGE_SECONDS = 5 * 60
_SECONDS = re.compile(r"[0-9]{1,12}")
PATH = "/slack/events"


def signed(secret: str, body: bytes, timestamp: str | None, signature: str | None,
           now: float) -> bool:
    """True when ``signature`` is Slack's for ``body`` at ``timestamp`` and the timestamp
    lies within five minutes of ``now`` (the wall clock: Slack's clock, not the bot's)."""
    if timestamp is None or signature is None or not _SECONDS.fullmatch(timestamp):
        return False
    if not signature.isascii() or abs(now - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body,
                                hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode())


class StrictVerification(Middleware):
    """Bolt's request verification, with ``signed`` (Socket Mode needs none: the socket
    is the app's own connection)."""

    def __init__(self, secret: str, wall_clock: Callable[[], float] = time.time) -> None:
        self.secret = secret
        self.wall_clock = wall_clock  # Slack's clock, which the timestamp is compared with

    def process(self, *, req: BoltRequest, resp: BoltResponse,
                next: Callable[[], BoltResponse]) -> BoltResponse | None:
        if req.mode == "socket_mode":
            return next()
        timestamp = (req.headers.get("x-slack-request-timestamp") or [None])[0]
        signature = (req.headers.get("x-slack-signature") or [None])[0]
        if signed(self.secret, req.raw_body.encode(), timestamp, signature,
                  self.wall_clock()):
            return next()
        return BoltResponse(status=401, body={"error": "invalid request"})


def _answer(start_response: Callable[..., Any], status: str, error: str) -> list[bytes]:
    data = json.dumps({"error": error}).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(data)))])
    return [data]


class SlackEndpoint:
    """``POST /slack/events`` for a web server: the checks above on the raw request, then
    Bolt. A request Bolt cannot even parse (signed, so Slack's, yet malformed) is a 400."""

    def __init__(self, app: App, secret: str,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.bolt = SlackRequestHandler(app, PATH)
        self.secret = secret
        self.wall_clock = wall_clock  # Slack's clock, which the timestamp is compared with

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != PATH:
            return self.bolt(environ, start_response)  # its own 404
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _answer(start_response, "400 Bad Request", "bad content length")
        if length > MAX_BODY or length < 0:
            return _answer(start_response, "413 Payload Too Large", "too large")
        body = environ["wsgi.input"].read(length)
        if not signed(self.secret, body, environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
                      environ.get("HTTP_X_SLACK_SIGNATURE"), self.wall_clock()):
            return _answer(start_response, "401 Unauthorized", "invalid request")
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return _answer(start_response, "400 Bad Request", "body is not UTF-8")
        environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        try:
            return self.bolt(environ, start_response)
        except Exception as error:  # Bolt could not parse what Slack signed
            log.warning("malformed Slack request: %r", error)
            return _answer(start_response, "400 Bad Request", "malformed request")
