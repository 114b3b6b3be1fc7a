"""Text typed by users never pings anyone on Slack: not through commands, not through
modals, not in notifications."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.slack.conftest import SlackClient

ATTACKS = ["<!channel>", "<!here>", "@channel", "<@U0BO>", "<!subteam^S1|@team>",
           "<https://evil.example|klik>"]
# A real mention in mrkdwn: <@U…>, <!…> or <#C…>; escaped text shows &lt; instead.
LIVE = re.compile(r"<[@!#][^>]*>")


def texts(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every text object in the blocks."""
    found = []
    for block in blocks:
        for key in ("text",):
            if isinstance(block.get(key), dict):
                found.append(block[key])
        found += block.get("fields", [])
        found += [e for e in block.get("elements", []) if e.get("type") in ("mrkdwn",
                                                                              "plain_text")]
    return found


def assert_inert(blocks: list[dict[str, Any]], allowed: set[str] = frozenset()) -> None:
    for obj in texts(blocks):
        if obj["type"] == "mrkdwn":
            assert obj.get("verbatim") is True, obj
            live = set(LIVE.findall(obj["text"])) - {f"<@{u}>" for u in allowed}
            assert not live, obj["text"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_title_typed_in_a_command_is_shown_not_executed(slack: SlackClient, attack: str) -> None:
    answer = slack.command("U0PLO", f"nieuw Inkoop {attack} jeugd")
    assert_inert(answer.json()["blocks"])
    post = slack.stand_in.wait_for("chat.postMessage")[0]  # the PLO channel notice
    assert_inert(post.body["blocks"], allowed={"U0PLO"})
    assert attack.replace("<", "&lt;").replace(">", "&gt;") in json.dumps(
        post.body["blocks"], ensure_ascii=False)
    assert "<!" not in post.body["text"]


def test_toelichting_dilemma_and_milestone_texts_are_inert(slack: SlackClient) -> None:
    attack = "<!channel> kijk even <@U0BO>"
    slack.command("U0PL", f"update JGD-03 geblokkeerd {attack}")
    slack.command("U0PL", f"mijlpaal toevoegen JGD-03 1 maart 2027 Besluit {attack}")
    slack.command("U0PL", f"dilemma JGD-03 {attack}")
    card = slack.command("U0PL", "status JGD-03").json()["blocks"]
    assert_inert(card, allowed={"U0PL", "U0AO", "U0BO"})
    rendered = json.dumps(card, ensure_ascii=False)
    assert rendered.count("&lt;!channel&gt; kijk even &lt;@U0BO&gt;") == 3
    for call in slack.stand_in.wait_for("chat.postMessage", 4):
        assert_inert(call.body["blocks"], allowed={"U0PL", "U0AO", "U0BO"})
    history = slack.command("U0PL", "historie JGD-03").json()["blocks"]
    assert_inert(history)


def test_text_entered_in_a_modal_is_inert(slack: SlackClient) -> None:
    slack.command("U0AO", "wijzig JGD-03")
    view = slack.stand_in.wait_for("views.open")[0].body["view"]
    slack.submit("U0AO", view, {
        "titel": {"v": {"type": "plain_text_input", "value": "<!here> Kosten"}},
        "opdracht": {"v": {"type": "plain_text_input", "value": "@channel <!everyone>"}}})
    slack.stand_in.wait_for("chat.postEphemeral")
    card = slack.command("U0AO", "status JGD-03").json()["blocks"]
    assert card[0]["text"] == {"type": "plain_text", "text": "JGD-03 · <!here> Kosten",
                               "emoji": True}  # a header is plain text: never a mention
    assert_inert(card, allowed={"U0PL", "U0AO", "U0BO"})
    found = slack.command("U0AO", "zoek kosten").json()["blocks"]
    assert_inert(found)
    assert "&lt;!here&gt; Kosten" in json.dumps(found, ensure_ascii=False)
