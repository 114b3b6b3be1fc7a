"""What Slack's Web API refuses, for both stand-ins (``stand_in.py`` and
``chat_stand_in.py``): a channel *name* where Slack wants a conversation ID, an unknown
method, too many blocks, and any block or element that Block Kit does not accept
(checked with slack_sdk's own models, which carry Slack's documented limits).

The workspace has a small channel directory (ID <-> name): the demo region's channels,
the ones the tests use, and any a test adds."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block, Option, OptionGroup
from slack_sdk.models.views import View

# Every method a stand-in answers; anything else is ``unknown_method`` (HTTP 200, like
# Slack).
KNOWN_METHODS = frozenset({
    "auth.test", "apps.connections.open", "users.info",
    "chat.postMessage", "chat.postEphemeral", "chat.update", "chat.delete",
    "conversations.open", "conversations.history", "conversations.replies",
    "conversations.list", "conversations.info",
    "reactions.add", "reactions.remove", "reactions.get",
    "views.open", "views.update", "views.publish", "views.push",
})
# Methods whose ``channel`` must be a conversation ID (a name is channel_not_found).
ID_ONLY = frozenset({
    "conversations.history", "conversations.replies", "conversations.info", "chat.update",
    "chat.delete", "reactions.add", "reactions.remove", "reactions.get"})
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100

# The demo region's channels (config/demo/lekstroom.toml) and those the tests and
# benchmarks post to.
CHANNEL_NAMES = (
    "plo", "bpsdl", "gso", "ao-jeugd", "wo-jeugd", "ao-wmo", "ao-onderwijs", "rto",
    "wg-financien", "wg-juridisch", "jeugd", "wmo", "inkoop", "beschermd-wonen",
    "algemeen", "bench-kanaal-1", "bench-kanaal-2", "bench-kanaal-3", "bench-kanaal-4")
_ID = re.compile(r"[CGD][A-Z0-9]+")
_USER = re.compile(r"[UW][A-Z0-9]+")


def channel_id_for(name: str) -> str:
    """The ID the stand-ins give a channel: ``plo`` -> ``C0PLO``, ``ao-jeugd`` ->
    ``C0AOJEUGD`` (Slack's IDs are upper case letters and digits; names never are)."""
    return "C0" + re.sub(r"[^A-Z0-9]", "", name.upper())


def looks_like_id(value: str) -> bool:
    return bool(_ID.fullmatch(value))


class Directory:
    """The workspace's channels: ID <-> name, in the order they were created."""

    def __init__(self, names: Iterable[str] = CHANNEL_NAMES,
                 extra: dict[str, str] | None = None) -> None:
        self.by_id: dict[str, str] = {channel_id_for(n): n for n in names}
        self.by_id.update(extra or {})
        self.by_name = {name: channel_id for channel_id, name in self.by_id.items()}

    def add(self, channel_id: str, name: str) -> None:
        self.by_id[channel_id] = name
        self.by_name[name] = channel_id

    def remove(self, channel_id: str) -> None:
        """The channel is deleted (or archived): Slack knows it no more."""
        name = self.by_id.pop(channel_id)
        self.by_name.pop(name, None)

    def name_of(self, channel_id: str) -> str | None:
        return self.by_id.get(channel_id)

    def known_id(self, value: Any) -> str | None:
        """``value`` when it is the ID of a conversation Slack knows, else None: a
        channel of the directory, or a DM (``D`` + user id, as conversations.open gives)
        or group DM the stand-in opened."""
        channel = str(value or "")
        if channel in self.by_id:
            return channel
        if channel[:1] in ("D", "G") and looks_like_id(channel):
            return channel
        return None

    def for_posting(self, value: Any) -> tuple[str | None, bool]:
        """(conversation ID, whether it was given by name) for chat.postMessage, which
        on real Slack also takes ``#name``/``name`` and a user id (the app's DM)."""
        channel = str(value or "").strip()
        if _USER.fullmatch(channel):
            return "D" + channel, False
        if (known := self.known_id(channel)) is not None:
            return known, False
        return self.by_name.get(channel.removeprefix("#")), True

    def info(self, channel_id: str) -> dict[str, Any]:
        """A channel object as conversations.list/info show one."""
        name = self.by_id.get(channel_id)
        if name is None:  # a DM
            return {"id": channel_id, "is_im": True, "is_channel": False,
                    "is_private": True, "is_archived": False}
        return {"id": channel_id, "name": name, "name_normalized": name, "is_channel": True,
                "is_group": False, "is_im": False, "is_private": False, "is_archived": False,
                "is_member": True, "created": 1700000000, "num_members": 12}

    def page(self, cursor: str, limit: int) -> tuple[list[dict[str, Any]], str] | None:
        """One page of conversations.list (cursor: the index to start at, as text);
        None for a cursor that is not one of ours."""
        ids = list(self.by_id)
        try:
            start = int(cursor) if cursor else 0
        except ValueError:
            return None
        if not 0 <= start <= len(ids):
            return None
        end = start + limit
        return [self.info(i) for i in ids[start:end]], (str(end) if end < len(ids) else "")


OPTIONS_MAX = 100


def _options_problem(value: Any) -> str | None:
    """slack_sdk keeps a select's options as the dicts it was given: check each (text at
    most 75 characters, value 150; at most 100 options), wherever they are."""
    if isinstance(value, list):
        return next((p for v in value if (p := _options_problem(v)) is not None), None)
    if not isinstance(value, dict):
        return None
    for key, inner in value.items():
        if key in ("options", "option_groups") and isinstance(inner, list):
            if len(inner) > OPTIONS_MAX:
                return f"{key}: no more than {OPTIONS_MAX} items allowed"
            parse = Option if key == "options" else OptionGroup
            for item in inner:
                if parse(**item).to_dict() != item:
                    return f"{key}: unsupported or malformed field in {item}"
        elif key == "initial_option" and isinstance(inner, dict):
            Option(**inner).to_dict()
        elif (problem := _options_problem(inner)) is not None:
            return problem
    return None


FIELD_TEXT_MAX = 2000


def _fields_problem(block: dict[str, Any]) -> str | None:
    """A section's fields hold at most 2,000 characters each (slack_sdk checks only
    how many there are)."""
    for number, field in enumerate(block.get("fields") or []):
        if isinstance(field, dict) and len(str(field.get("text", ""))) > FIELD_TEXT_MAX:
            return f"fields/{number}: text must be at most {FIELD_TEXT_MAX} characters"
    return None


def block_problem(block: Any) -> str | None:
    """Why Block Kit refuses this block (or an element inside it), else None."""
    if not isinstance(block, dict):
        return f"a block must be an object, not {type(block).__name__}"
    try:
        model = Block.parse(block)
        if model is None:
            return f"unknown block type {block.get('type')!r}"
        # to_dict() validates the block and, recursively, every element and text object
        # in it; parse drops what it does not know, so a difference is a field Slack
        # would not accept either.
        rendered = model.to_dict()
        if (problem := _options_problem(block) or _fields_problem(block)) is not None:
            return f"{block.get('type')}: {problem}"
    except (SlackObjectFormationError, KeyError, TypeError, ValueError) as error:
        return f"{block.get('type')}: {error}"
    if rendered != block:
        return f"{block.get('type')}: unsupported or malformed field in {block}"
    return None


def blocks_problem(blocks: Any, most: int = MESSAGE_BLOCKS_MAX) -> str | None:
    """Why Slack refuses a message's ``blocks`` (at most 50), else None."""
    if blocks is None:
        return None
    if not isinstance(blocks, list):
        return "blocks must be an array"
    if len(blocks) > most:
        return f"no more than {most} items allowed [json-pointer:/blocks]"
    for number, block in enumerate(blocks):
        if (problem := block_problem(block)) is not None:
            return f"[json-pointer:/blocks/{number}] {problem}"
    return None


def view_problem(view: Any) -> str | None:
    """Why Slack refuses a view (modal or Home tab; at most 100 blocks), else None."""
    if not isinstance(view, dict):
        return "view must be an object"
    if (problem := blocks_problem(view.get("blocks") or [], VIEW_BLOCKS_MAX)) is not None:
        return problem
    try:
        View(**view).to_dict()
    except (SlackObjectFormationError, KeyError, TypeError, ValueError) as error:
        return f"view: {error}"
    return None


def refusal(error: str, problem: str | None = None) -> dict[str, Any]:
    """Slack's error body; invalid_blocks says why, as Slack does."""
    body: dict[str, Any] = {"ok": False, "error": error}
    if problem:
        body["errors"] = [problem]
        body["response_metadata"] = {"messages": [f"[ERROR] {problem}"]}
    return body
