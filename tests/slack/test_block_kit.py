"""Every block shape we build is one Block Kit accepts, down to each element inside a
block (buttons, their text and value, text objects, fields, options): slack_sdk's own
models parse it, validate it and give back the same dict — the check the Slack
stand-ins make of everything the bot sends (``tests/slack/strict.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import Caller, Regiobot
from bot.messages import Button, Fact, Line, Message, Section, line
from bot.platforms.slack import blocks
from storage.db import Database
from tests.conftest import AMS, NOW
from tests.slack.strict import blocks_problem


def assert_valid(rendered: list[dict[str, Any]]) -> None:
    problem = blocks_problem(rendered)
    assert problem is None, problem


def test_every_view_renders_to_valid_block_kit(demo_db: Database) -> None:
    bot = Regiobot(demo_db, AMS)
    pl = Caller("console", "lekstroom", "pl-jeugdinkoop")
    bot.command(pl, "opgave", "dilemma JGD-03 vertrouwelijk <b>Geheim</b> & meer", NOW)
    texts = ["status", "status JGD-03", "status jeugd", "zoek e", "historie JGD-03", "mijn",
             "help", "help mijlpaal", "status JGD-99", "update JGD-03 fout"]
    messages = [m for text in texts for m in bot.command(pl, "opgave", text, NOW).messages]
    messages += bot.home(pl, NOW).messages
    messages += bot.command(pl, "overleg", "lijst", NOW).messages
    assert len(messages) >= 12
    for message in messages:
        assert_valid(blocks.message_blocks(message, {5: "U0AO"}))


def test_elements_stay_within_block_kits_limits_whatever_their_content() -> None:
    long = "x" * 10_000
    message = Message(
        heading=long,
        sections=[Section(title=long, lines=[
            line(long), Line(parts=[long], button=Button(label=long, action="a"))],
            facts=[Fact(label=f"feit {n}", value=[long]) for n in range(12)])],
        buttons=[Button(label=long, action="b", args={"n": str(n)}) for n in range(30)],
        context=[long] * 12)
    assert_valid(blocks.message_blocks(message, {}))


@pytest.mark.parametrize(("where", "bad"), [
    ("a button's value over 2,000", {"value": "v" * 2001}),
    ("an action_id over 255", {"action_id": "a" * 256}),
    ("a button's text over 75", {"text": {"type": "plain_text", "text": "x" * 76}}),
])
def test_the_check_looks_inside_blocks_at_each_element(where: str, bad: dict[str, Any]) -> None:
    rendered = blocks.message_blocks(Message(heading="Kop", buttons=[
        Button(label="Klik", action="a")]), {})
    assert_valid(rendered)
    actions = rendered[-1]
    actions["elements"][0].update(bad)
    assert blocks_problem(rendered) is not None, where
