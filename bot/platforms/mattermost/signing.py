"""Our own signature on what Mattermost hands back unsigned.

Mattermost signs neither a button click nor a dialog submission, and the ``user_id`` in
them is whatever the caller sends. So every button's context and every dialog's state
is sealed here: an HMAC-SHA256 (``REGIOBOT_SECRET``) over the action, its arguments, the
channel, the message's delivery key, an expiry and — where the message was meant for one
person — that person's user id. Opening a seal checks the signature, the expiry, the
channel and the person against the request; the adapter then checks the delivery key
against the request's post and a channel button's clicker against the channel's members
(``MattermostAdapter.check_post``, ``member``). The trust model is in docs/security.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any

SIGNATURE = "s"
EXPIRES = "x"
CHANNEL = "c"
USER = "u"


class Refused(Exception):
    """A forged, altered, expired or misdirected request; ``reason`` is for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


class Seal:
    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("a seal needs a secret")
        self._key = hashlib.sha256(b"regiobot-mattermost:" + secret.encode()).digest()

    def _mac(self, fields: dict[str, Any]) -> str:
        return hmac.new(self._key, _canonical(fields), hashlib.sha256).hexdigest()

    def seal(self, fields: dict[str, Any], channel: str, user: str | None, now: datetime,
             ttl: timedelta) -> dict[str, Any]:
        """``fields`` bound to a channel, an optional person and an expiry, signed."""
        sealed = {**fields, CHANNEL: channel, USER: user or "",
                  EXPIRES: int((now + ttl).timestamp())}
        return {**sealed, SIGNATURE: self._mac(sealed)}

    def open(self, sealed: Any, channel: str, user: str, now: datetime) -> dict[str, Any]:
        """The fields of a seal that is ours, unaltered, unexpired, for this channel and
        (when bound) this user; else ``Refused``."""
        if not isinstance(sealed, dict) or not isinstance(sealed.get(SIGNATURE), str):
            raise Refused("unsigned")
        fields = {k: v for k, v in sealed.items() if k != SIGNATURE}
        if not hmac.compare_digest(self._mac(fields), sealed[SIGNATURE]):
            raise Refused("bad signature")
        if not isinstance(fields.get(EXPIRES), int) or fields[EXPIRES] < now.timestamp():
            raise Refused("expired")
        if fields.get(CHANNEL) != channel:
            raise Refused("other channel")
        if fields.get(USER) and fields[USER] != user:
            raise Refused("meant for someone else")
        # Whom it was bound to stays: a message meant for one person is theirs to update.
        return {k: v for k, v in fields.items() if k not in (CHANNEL, EXPIRES)}
