"""The chat stand-in itself, driven through a real slack_sdk WebClient."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.slack.chat_stand_in import FAULTS, ChatStandIn, start

ROOT = Path(__file__).resolve().parents[2]
Start = Callable[..., ChatStandIn]
# Short channel IDs for these tests, beside the directory's own (C0PLO <-> plo, …).
TEST_CHANNELS = {"C0": "nul", "C1": "een", "C2": "twee", "C3": "drie"}


@pytest.fixture
def serve() -> Iterator[Start]:
    started: list[ChatStandIn] = []

    def make(**options: Any) -> ChatStandIn:
        options.setdefault("channels", TEST_CHANNELS)
        started.append(start(**options))
        return started[-1]

    yield make
    for stand_in in started:
        stand_in.stop()


def client(stand_in: ChatStandIn, timeout: float = 5.0) -> WebClient:
    return WebClient(token="xoxb-test", base_url=stand_in.url, timeout=timeout,
                     retry_handlers=[])


def metadata(key: str) -> dict[str, Any]:
    return {"event_type": "regiobot_delivery", "event_payload": {"delivery_key": key}}


def test_auth_open_and_unknown_methods(serve: Start) -> None:
    stand_in = serve()
    slack = client(stand_in)
    auth = slack.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T1", "UBOT", "BBOT")
    assert slack.conversations_open(users="U0PL")["channel"]["id"] == "DU0PL"
    ts = slack.chat_postMessage(channel="C1", text="hoi")["ts"]
    assert slack.reactions_add(channel="C1", name="eyes", timestamp=ts)["ok"] is True
    empty = slack.conversations_history(channel="DU0NEW")
    assert (empty["messages"], empty["has_more"]) == ([], False)
    # Like Slack: HTTP 200 and unknown_method.
    with pytest.raises(SlackApiError) as unknown:
        slack.api_call("chat.postMessages", json={"channel": "C1", "text": "hoi"})
    assert (unknown.value.response.status_code, unknown.value.response["error"]) == (
        200, "unknown_method")
    assert stand_in.rejections == [("chat.postMessages", "unknown_method",
                                    "chat.postMessages")]


def test_metadata_is_shown_only_when_asked(serve: Start) -> None:
    stand_in = serve()
    slack = client(stand_in)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Nieuwe opgave"}}]
    sent = slack.chat_postMessage(channel="C1", text="Nieuwe opgave", blocks=blocks,
                                  metadata=metadata("k1"))
    assert re.fullmatch(r"\d{10}\.\d{6}", sent["ts"])
    assert sent["message"]["metadata"] == metadata("k1")

    found = slack.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    assert [(m["ts"], m["text"], m["blocks"], m["metadata"]) for m in found] == [
        (sent["ts"], "Nieuwe opgave", blocks, metadata("k1"))]
    assert (found[0]["user"], found[0]["bot_id"]) == ("UBOT", "BBOT")
    plain = slack.conversations_history(channel="C1")["messages"]
    assert len(plain) == 1 and "metadata" not in plain[0]
    assert stand_in.delivery_keys() == Counter({"k1": 1})
    assert stand_in.posted()[0].metadata == metadata("k1")


def test_form_bodies_and_validation(serve: Start) -> None:
    stand_in = serve()
    form = {"channel": "#plo", "text": "hoi", "blocks": json.dumps([{"type": "divider"}]),
            "metadata": json.dumps(metadata("f1"))}
    request = urllib.request.Request(stand_in.url + "chat.postMessage",
                                     data=urlencode(form).encode())
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.load(response)["channel"] == "C0PLO"  # Slack answers with the ID
    [posted] = stand_in.posted()
    assert (posted.channel, posted.blocks, posted.metadata) == (
        "C0PLO", [{"type": "divider"}], metadata("f1"))
    assert stand_in.names_used == ["#plo"]

    slack = client(stand_in)
    with pytest.raises(SlackApiError) as missing:
        slack.api_call("chat.postMessage", json={"text": "waarheen?"})
    assert missing.value.response.status_code == 200
    assert missing.value.response["error"] == "channel_not_found"
    assert stand_in.calls("chat.postMessage") == 2
    assert not stand_in.wait_for_posted(2, timeout=0.05)


def test_thread_replies_are_not_in_history(serve: Start) -> None:
    slack = client(serve())
    parent = slack.chat_postMessage(channel="C1", text="draad")["ts"]
    reply = slack.chat_postMessage(channel="C1", text="antwoord", thread_ts=parent,
                                   metadata=metadata("r1"))["ts"]
    assert float(reply) > float(parent) and reply > parent

    history = slack.conversations_history(channel="C1")["messages"]
    assert [m["ts"] for m in history] == [parent]
    assert (history[0]["reply_count"], history[0]["latest_reply"]) == (1, reply)
    thread = slack.conversations_replies(channel="C1", ts=parent, include_all_metadata=True)
    assert [m["ts"] for m in thread["messages"]] == [parent, reply]
    assert thread["messages"][1]["thread_ts"] == parent
    assert thread["messages"][1]["metadata"] == metadata("r1")
    with pytest.raises(SlackApiError) as unknown:
        slack.conversations_replies(channel="C1", ts="1600000000.000001")
    assert unknown.value.response["error"] == "thread_not_found"


def test_per_channel_limit_answers_429_with_retry_after(serve: Start) -> None:
    stand_in = serve(per_channel_per_second=1)
    slack = client(stand_in)
    slack.chat_postMessage(channel="C1", text="een")
    with pytest.raises(SlackApiError) as refused:
        slack.chat_postMessage(channel="C1", text="twee")
    response = refused.value.response
    assert (response.status_code, response["error"]) == (429, "ratelimited")
    assert int(response.headers["Retry-After"]) >= 1
    slack.chat_postMessage(channel="C2", text="elders")
    assert [p.text for p in stand_in.posted()] == ["een", "elders"]
    assert stand_in.refused == Counter({"rate_channel": 1})
    assert stand_in.calls("chat.postMessage") == 3


def test_total_limit_spans_channels(serve: Start) -> None:
    stand_in = serve(total_per_second=2)
    slack = client(stand_in)
    slack.chat_postMessage(channel="C1", text="een")
    slack.chat_postMessage(channel="C2", text="twee")
    with pytest.raises(SlackApiError) as refused:
        slack.chat_postMessage(channel="C3", text="drie")
    assert refused.value.response.status_code == 429
    assert int(refused.value.response.headers["Retry-After"]) >= 1
    assert stand_in.refused == Counter({"rate_total": 1})


def test_every_fault_kind_occurs_and_only_timeout_after_stores(serve: Start) -> None:
    stand_in = serve(fault_rate=1.0, seed=3, hang_seconds=0.6)
    slack = client(stand_in, timeout=0.3)

    def post(n: int) -> str:
        try:
            slack.chat_postMessage(channel=f"C{n % 3}", text=f"m{n}", metadata=metadata(f"k{n}"))
        except SlackApiError as error:
            return str(error.response.status_code)
        except (TimeoutError, urllib.error.URLError):
            return "timeout"
        return "ok"

    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = dict(zip(range(40), pool.map(post, range(40)), strict=True))

    assert set(stand_in.refused) == set(FAULTS)
    assert stand_in.refused.total() == 40 == stand_in.calls("chat.postMessage")
    seen = Counter(outcomes.values())
    assert seen == Counter({"429": stand_in.refused["429"], "500": stand_in.refused["500"],
                            "timeout": stand_in.refused["timeout_before"]
                            + stand_in.refused["timeout_after"]})
    stored = {p.text for p in stand_in.posted()}
    assert len(stored) == stand_in.refused["timeout_after"] > 0
    assert stored < {f"m{n}" for n, outcome in outcomes.items() if outcome == "timeout"}


def test_history_pages_return_every_message_once(serve: Start) -> None:
    stand_in = serve()
    slack = client(stand_in)
    sent = [slack.chat_postMessage(channel="C1", text=f"m{n}")["ts"] for n in range(5)]
    slack.chat_postMessage(channel="C2", text="elders")
    slack.chat_postMessage(channel="C1", text="antwoord", thread_ts=sent[0])

    # slack_sdk follows response_metadata.next_cursor; it yields one response, refilled.
    pages = [(list(page["messages"]), page["has_more"])
             for page in slack.conversations_history(channel="C1", limit=2)]
    assert [(len(messages), more) for messages, more in pages] == [
        (2, True), (2, True), (1, False)]
    assert [m["ts"] for messages, _ in pages for m in messages] == sent[::-1]

    between = slack.conversations_history(channel="C1", oldest=sent[1], latest=sent[3])
    assert [m["ts"] for m in between["messages"]] == [sent[2]]
    inclusive = slack.conversations_history(channel="C1", oldest=sent[1], latest=sent[3],
                                            inclusive=True)
    assert [m["ts"] for m in inclusive["messages"]] == sent[3:0:-1]


def test_stats_counts_duplicate_keys(serve: Start) -> None:
    stand_in = serve()
    slack = client(stand_in)
    for key in ("k1", "k2", "k1"):
        slack.chat_postMessage(channel="C1", text=key, metadata=metadata(key))
    stats_url = stand_in.url.replace("/api/", "/stats")
    with urllib.request.urlopen(stats_url, timeout=5) as response:
        stats = json.load(response)
    assert stats["posted"] == 3
    assert (stats["distinct_keys"], stats["duplicate_keys"]) == (2, ["k1"])
    assert stats["refused"] == {}
    assert stand_in.summary() == {"posted": 3, "keys": 2, "duplicates": 1}


def test_runs_as_a_process_until_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.slack.chat_stand_in", "--port", "0", "--per-channel", "5"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        url = process.stderr.readline().split()[-1]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/api/")
        slack = WebClient(token="xoxb-test", base_url=url, timeout=5, retry_handlers=[])
        for key in ("k1", "k1", "k2"):
            slack.chat_postMessage(channel="C0PLO", text=key, metadata=metadata(key))
        with urllib.request.urlopen(url.replace("/api/", "/stats"), timeout=5) as response:
            assert json.load(response)["duplicate_keys"] == ["k1"]
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert json.loads(out) == {"posted": 3, "keys": 2, "duplicates": 1}


def test_a_rate_below_one_widens_the_window(serve: Start) -> None:
    slack = client(serve(per_channel_per_second=0.5))
    slack.chat_postMessage(channel="C1", text="een")
    with pytest.raises(SlackApiError) as refused:
        slack.chat_postMessage(channel="C1", text="twee")
    assert refused.value.response.headers["Retry-After"] == "2"


def test_a_channel_name_where_slack_wants_an_id_is_channel_not_found(serve: Start) -> None:
    stand_in = serve()
    slack = client(stand_in)
    ts = slack.chat_postMessage(channel="C0PLO", text="draad")["ts"]
    refused = {
        "conversations.history": {"channel": "plo"},
        "conversations.replies": {"channel": "#plo", "ts": ts},
        "conversations.info": {"channel": "plo"},
        "chat.update": {"channel": "plo", "ts": ts, "text": "nieuw"},
        "chat.delete": {"channel": "#plo", "ts": ts},
        "reactions.add": {"channel": "plo", "timestamp": ts, "name": "eyes"},
        "reactions.remove": {"channel": "plo", "timestamp": ts, "name": "eyes"},
        "reactions.get": {"channel": "plo", "timestamp": ts},
    }
    for method, params in refused.items():
        with pytest.raises(SlackApiError) as error:
            slack.api_call(method, params=params)
        assert error.value.response["error"] == "channel_not_found", method
    with pytest.raises(SlackApiError) as nowhere:
        slack.chat_postMessage(channel="bestaat-niet", text="hoi")
    assert nowhere.value.response["error"] == "channel_not_found"

    # With the ID each of them works.
    assert slack.conversations_history(channel="C0PLO")["messages"][0]["ts"] == ts
    assert slack.conversations_replies(channel="C0PLO", ts=ts)["messages"][0]["ts"] == ts
    assert slack.conversations_info(channel="C0PLO")["channel"]["name"] == "plo"
    assert slack.chat_update(channel="C0PLO", ts=ts, text="nieuw")["ok"]
    assert slack.reactions_add(channel="C0PLO", timestamp=ts, name="eyes")["ok"]
    assert [p.text for p in stand_in.posted()] == ["nieuw"]
    assert slack.chat_delete(channel="C0PLO", ts=ts)["ok"]
    assert stand_in.posted() == []
    assert stand_in.names_used == []  # the name posts were refused before they counted
    assert len(stand_in.rejections) == len(refused) + 1


def test_conversations_list_pages_and_info_name_each_channel(serve: Start) -> None:
    stand_in = serve(channels={})
    slack = client(stand_in)
    # slack_sdk follows next_cursor, refilling one response: read each page as it comes.
    pages = [list(page["channels"]) for page in slack.conversations_list(
        limit=5, types="public_channel,private_channel")]
    assert all(len(page) <= 5 for page in pages) and len(pages) > 2
    listed = {c["id"]: c["name"] for page in pages for c in page}
    assert listed == stand_in.directory.by_id
    assert (listed["C0PLO"], listed["C0AOJEUGD"]) == ("plo", "ao-jeugd")
    assert stand_in.channel_name("C0PLO") == "plo"
    with pytest.raises(SlackApiError) as bad:
        slack.conversations_list(cursor="zzz")
    assert bad.value.response["error"] == "invalid_cursor"
    with pytest.raises(SlackApiError) as unknown:
        slack.conversations_info(channel="C0NOPE")
    assert unknown.value.response["error"] == "channel_not_found"


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(action_id: str = "a", value: str = "v") -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "value": value,
            "text": {"type": "plain_text", "text": "Klik"}}


OPTION = {"text": {"type": "plain_text", "text": "x" * 76}, "value": "1"}
# Each is refused by Slack for one thing inside a block, not for the block's shape.
BAD_ELEMENTS = {
    "section text over 3,000": section("x" * 3001),
    "button value over 2,000": {"type": "actions", "elements": [button(value="v" * 2001)]},
    "action_id over 255": {"type": "actions", "elements": [button(action_id="a" * 256)]},
    "26 elements in actions": {"type": "actions",
                               "elements": [button(f"a{n}") for n in range(26)]},
    "option text over 75": {"type": "actions", "elements": [{
        "type": "static_select", "action_id": "s",
        "placeholder": {"type": "plain_text", "text": "Kies"}, "options": [OPTION]}]},
    "header over 150": {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}},
    "11 section fields": {"type": "section", "fields": [
        {"type": "mrkdwn", "text": str(n)} for n in range(11)]},
    "an unknown block type": {"type": "banner", "text": "hoi"},
    "an unknown field": {**section("hoi"), "colour": "red"},
}


@pytest.mark.parametrize("why", list(BAD_ELEMENTS))
def test_every_element_of_a_message_is_validated(serve: Start, why: str) -> None:
    stand_in = serve()
    slack = client(stand_in)
    for method in ("chat.postMessage", "chat.postEphemeral"):
        with pytest.raises(SlackApiError) as refused:
            slack.api_call(method, json={"channel": "C0PLO", "user": "U0PL", "text": "hoi",
                                         "blocks": [section("goed"), BAD_ELEMENTS[why]]})
        assert refused.value.response["error"] == "invalid_blocks", why
        assert "/blocks/1" in refused.value.response["errors"][0]
    assert stand_in.posted() == []


def test_a_message_over_50_blocks_and_a_view_over_100_are_refused(serve: Start) -> None:
    stand_in = serve()
    slack = client(stand_in)
    fifty = [section(str(n)) for n in range(50)]
    slack.chat_postMessage(channel="C0PLO", text="vijftig", blocks=fifty)
    with pytest.raises(SlackApiError) as too_many:
        slack.chat_postMessage(channel="C0PLO", text="51", blocks=[*fifty, section("51")])
    assert too_many.value.response["error"] == "invalid_blocks"
    ts = stand_in.posted()[0].ts
    with pytest.raises(SlackApiError) as update:
        slack.chat_update(channel="C0PLO", ts=ts, text="51", blocks=[*fifty, section("51")])
    assert update.value.response["error"] == "invalid_blocks"

    def view(blocks: int) -> dict[str, Any]:
        return {"type": "home", "blocks": [section(str(n)) for n in range(blocks)]}

    assert slack.views_publish(user_id="U0PL", view=view(100))["ok"]
    with pytest.raises(SlackApiError) as big_view:
        slack.views_publish(user_id="U0PL", view=view(101))
    assert big_view.value.response["error"] == "invalid_blocks"
    with pytest.raises(SlackApiError) as bad_element:
        slack.views_open(trigger_id="t", view={
            "type": "modal", "title": {"type": "plain_text", "text": "Formulier"},
            "blocks": [BAD_ELEMENTS["button value over 2,000"]]})
    assert bad_element.value.response["error"] == "invalid_blocks"
    assert [p.text for p in stand_in.posted()] == ["vijftig"]


def test_a_planned_fault_hits_the_next_post(serve: Start) -> None:
    stand_in = serve(hang_seconds=0.4)
    slack = client(stand_in, timeout=0.2)
    stand_in.fault_next("timeout_after", "500")
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        slack.chat_postMessage(channel="C0PLO", text="landt toch", metadata=metadata("k1"))
    with pytest.raises(SlackApiError) as failed:
        slack.chat_postMessage(channel="C0PLO", text="landt niet")
    assert failed.value.response.status_code == 500
    slack.chat_postMessage(channel="C0PLO", text="gewoon")
    assert [p.text for p in stand_in.posted()] == ["landt toch", "gewoon"]
    assert stand_in.refused == Counter({"timeout_after": 1, "500": 1})
