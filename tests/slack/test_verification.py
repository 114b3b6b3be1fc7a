"""A request whose timestamp or signature header is missing or malformed is refused
with 401, like a wrong signature: never a 500 with a traceback, and nothing is written."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest

from tests.e2e.outside import raw_post, row_counts
from tests.slack.conftest import SlackClient, sign

BODY = urlencode({"token": "legacy", "team_id": "T1", "user_id": "U0PM", "command": "/opgave",
                  "text": "status", "channel_id": "C0PLO", "trigger_id": "t",
                  "response_url": "http://127.0.0.1:1/none"}).encode()
FORM = "application/x-www-form-urlencoded"


def port(slack: SlackClient) -> int:
    return int(slack.base.rsplit(":", 1)[1])


@pytest.mark.parametrize("timestamp", [
    "abc", "", "1700000000.5", None, " ", "-1", "1e9", "0x10", "9" * 5000, "١٧٠٠٠٠٠٠٠٠",
    "NaN", "inf", "now",
])
def test_a_malformed_or_missing_timestamp_is_refused_with_401(
    slack: SlackClient, timestamp: str | None,
) -> None:
    before = row_counts(slack.db)
    headers = {"Content-Type": FORM, "X-Slack-Signature": sign(BODY, int(time.time()))}
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    answer = raw_post(port(slack), "/slack/events", BODY, headers)
    assert answer.status == 401, answer.body
    assert row_counts(slack.db) == before


@pytest.mark.parametrize("signature", [
    None, "", "v0=", "v0=é", "v0=" + "0" * 64, "v1=abc", "garbage", "v0=" + "ü" * 64,
    "v0=" + "a" * 100_00,
])
def test_a_missing_or_garbled_signature_is_refused_with_401(
    slack: SlackClient, signature: str | None,
) -> None:
    before = row_counts(slack.db)
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": str(int(time.time()))}
    if signature is not None:
        headers["X-Slack-Signature"] = signature
    answer = raw_post(port(slack), "/slack/events", BODY, headers)
    assert answer.status == 401, answer.body
    assert row_counts(slack.db) == before


def test_a_correctly_signed_request_still_passes(slack: SlackClient) -> None:
    now = int(time.time())
    answer = raw_post(port(slack), "/slack/events", BODY, {
        "Content-Type": FORM, "X-Slack-Request-Timestamp": str(now),
        "X-Slack-Signature": sign(BODY, now)})
    assert answer.status == 200
    assert b"Lekstroom: 12 opgaven" in answer.body
