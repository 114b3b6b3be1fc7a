"""The app manifest an admin pastes into Slack declares everything the code relies on."""

from __future__ import annotations

import json

from bot.commands import GRAMMARS
from config import DATA_DIR

MANIFEST = json.loads((DATA_DIR / "slack-manifest.json").read_text(encoding="utf-8"))


def test_every_command_is_declared_with_escaping_so_mentions_arrive_as_ids() -> None:
    declared = {c["command"]: c for c in MANIFEST["features"]["slash_commands"]}
    assert set(declared) == {f"/{root}" for root in GRAMMARS}
    assert all(c["should_escape"] and c["url"].endswith("/slack/events")
               for c in declared.values())


def test_scopes_events_and_the_messages_tab_are_declared() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    # users:read.email for first contact, im:* for the conversation, *:history for the
    # dispatcher to find its own messages before a resend, *:read to resolve a configured
    # channel to its ID (conversations.list / conversations.info).
    assert {"commands", "chat:write", "users:read", "users:read.email", "im:write",
            "im:history", "channels:history", "groups:history", "channels:read",
            "groups:read"} <= scopes
    assert set(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_home_opened", "message.im"}
    home = MANIFEST["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"]
    assert not home["messages_tab_read_only_enabled"]
    assert MANIFEST["settings"]["interactivity"]["is_enabled"]
