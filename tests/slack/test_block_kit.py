"""Every block shape we build is one Block Kit accepts: slack_sdk's own models parse it,
validate it and give back the same dict."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

from bot.app import Caller, Regiobot
from bot.platforms.slack import blocks
from storage.db import Database
from tests.conftest import AMS, NOW


def assert_valid(rendered: list[dict[str, Any]]) -> None:
    for block in rendered:
        model = Block.parse(block)
        assert model is not None, block
        model.validate_json()
        assert model.to_dict() == block


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
