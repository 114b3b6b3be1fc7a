"""The command/interaction stand-in (``stand_in.py``) refuses what Slack refuses, and
keeps each refusal so a test fails when the bot sent one."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.slack.stand_in import StandIn, start


@pytest.fixture
def bare() -> Iterator[StandIn]:
    """A stand-in without the check at the end: these tests make it refuse on purpose."""
    server = start()
    yield server
    server.server.shutdown()


def section(n: int) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": str(n)}}


def test_names_unknown_methods_and_bad_blocks_are_refused(bare: StandIn) -> None:
    slack = WebClient(token="xoxb-test", base_url=bare.url, retry_handlers=[])
    for method, params in (("conversations.history", {"channel": "plo"}),
                           ("chat.update", {"channel": "#plo", "ts": "1.0", "text": "x"}),
                           ("chat.postMessages", {"channel": "C0PLO", "text": "x"}),
                           ("chat.postMessage", {"channel": "C0PLO", "text": "x",
                                                 "blocks": [section(n) for n in range(51)]}),
                           ("views.publish", {"user_id": "U0PL", "view": {
                               "type": "home", "blocks": [section(n) for n in range(101)]}})):
        with pytest.raises(SlackApiError):
            slack.api_call(method, json=params)
    assert [(m, e) for m, e, _ in bare.rejections] == [
        ("conversations.history", "channel_not_found"), ("chat.update", "channel_not_found"),
        ("chat.postMessages", "unknown_method"), ("chat.postMessage", "invalid_blocks"),
        ("views.publish", "invalid_blocks")]

    assert slack.chat_postMessage(channel="plo", text="x")["channel"] == "C0PLO"
    assert bare.names_used == ["plo"]
    assert slack.conversations_info(channel="C0PLO")["channel"]["name"] == "plo"


def test_a_response_url_refuses_blocks_slack_would_not_show(bare: StandIn) -> None:
    body = json.dumps({"blocks": [{"type": "header", "text": {
        "type": "plain_text", "text": "x" * 151}}]}).encode()
    request = urllib.request.Request(bare.response_url, data=body,
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert (refused.value.code, refused.value.read()) == (400, b"invalid_blocks")
    assert bare.rejections[0][:2] == ("response_url", "invalid_blocks")
