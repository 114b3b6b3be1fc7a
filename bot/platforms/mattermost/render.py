"""The message model as Mattermost markdown.

User text is neutralised: markdown characters are escaped, and an ``@`` or ``~`` gets a
zero-width space after it, so a title like ``@channel`` or ``@here`` never notifies
anyone and ``~town-square`` links nowhere. Only people the bot names on purpose
(``PersonRef`` with a known account) are written as ``@username``. Buttons are not text:
they become the actions of one attachment below the text, each sealed (``signing``) so a
click can be trusted; a button beside a line is labelled with the start of that line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.messages import Button, Line, Message, Part, PersonRef, Strong
from bot.platforms.mattermost.signing import Seal
from bot.texts import t, tn

Usernames = Mapping[int, str]  # persoon id → Mattermost username

# Characters Mattermost's markdown reads as formatting anywhere in a line, and what makes
# a heading, a list or a quote only at the start of one; elsewhere those are left alone,
# so codes like JGD-03 read as typed in the raw text of a notification too.
_SPECIAL = re.compile(r"([\\`*_\[\]|<>~])")
_LEADING = re.compile(r"^(\s*(?:\d+(?=[.)]))?)([#+\-.)])")
_MENTION = re.compile(r"([@~])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_USERNAME = re.compile(r"^[a-z0-9.\-_]{1,64}$")
ZWSP = "\u200b"


def escape(text: str) -> str:
    """User text, shown as typed and inert."""
    text = _CONTROL.sub("", text).replace("\n", " ")
    text = _LEADING.sub(r"\1\\\2", _SPECIAL.sub(r"\\\1", text))
    return _MENTION.sub(lambda m: m[1] + ZWSP, text)


def inert(text: str) -> str:
    """Plain text (a button's label) that can name no one."""
    return _MENTION.sub(lambda m: m[1] + ZWSP, _CONTROL.sub("", text))


def _part(part: Part, usernames: Usernames) -> str:
    if isinstance(part, Strong):
        return f"**{escape(part.text)}**"
    if isinstance(part, PersonRef):
        username = usernames.get(part.persoon_id)
        return f"@{username}" if username and _USERNAME.match(username) else escape(part.naam)
    return escape(part)


def line_text(item: Line, usernames: Usernames) -> str:
    return "".join(_part(p, usernames) for p in item.parts)


# A bundle's sections whose buttons were used: section index → the pressed button's label.
Spent = Mapping[int, str]
NONE_SPENT: Spent = {}


def done(label: str) -> str:
    """The line that says a button did its work (its buttons are gone)."""
    return "_" + t("mattermost.spent", label=escape(label)) + "_"


def message_text(message: Message, usernames: Usernames, spent: Spent = NONE_SPENT) -> str:
    """The post's text: a bold heading, each section with its title, lines as a list,
    facts as ``label: value`` (and, a spent section of a bundle, what was done), and the
    context in italics."""
    out: list[str] = []
    if message.heading:
        out.append(f"**{escape(message.heading)}**")
    for index, section in enumerate(message.sections):
        if section.title:
            out.append(f"**{escape(section.title)}**")
        bullet = "- " if section.title else ""
        out += [bullet + line_text(item, usernames) for item in section.lines]
        out += [f"**{escape(f.label)}:** " + "".join(_part(p, usernames) for p in f.value)
                for f in section.facts]
        if index in spent:
            out.append(done(spent[index]))
    out += [f"_{escape(c)}_" for c in message.context]
    return "\n".join(out)


# The longest message Mattermost stores in a post, in characters (its
# PostMessageMaxRunesV2); a longer post or patch is refused with 400.
MAX_MESSAGE = 16_383


def fit(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` as it is when it fits in a post; else its first whole lines and a last
    line saying how many lines are left out. The views page long lists themselves; this
    is the last guard, so a message that grew too long still arrives."""
    if len(text) <= limit:
        return text
    lines = text.split("\n")
    # Room for the last line, at the largest count it can say.
    room = limit - len(_more(len(lines))) - 1
    kept: list[str] = []
    used = 0
    for item in lines:
        if used + len(item) + 1 > room:
            break
        kept.append(item)
        used += len(item) + 1
    if not kept:  # one line longer than a post: cut short, never inside an escape
        kept = [lines[0][:room - 1].rstrip("\\") + "…"]
    left = sum(1 for item in lines[len(kept):] if item.strip())
    return "\n".join([*kept, _more(left)] if left else kept)


def _more(count: int) -> str:
    return f"_{escape(tn('mattermost.more_lines', count))}_"


# How long a button keeps working: a delivered message's for a month (a reminder is acted
# on days later), a reply's for a day (it is ephemeral and gone after a reload anyway).
POST_BUTTONS = timedelta(days=30)
REPLY_BUTTONS = timedelta(days=1)
LABEL = 60


def _labelled(messages: list[Message]) -> list[tuple[Button, str, int | None]]:
    """Every button with the label it shows and the index of the section it goes with
    (None: the message's own): a line's button names its line."""
    found: list[tuple[Button, str, int | None]] = []
    for message in messages:
        for index, section in enumerate(message.sections):
            for item in section.lines:
                if item.button is not None:
                    # A label is plain text, not markdown: only mentions need defusing.
                    context = inert(item.plain.strip())
                    label = f"{item.button.label}: {context}" if context else item.button.label
                    if len(label) > LABEL:
                        label = label[:LABEL - 1] + "…"
                    found.append((item.button, label, index))
            found += [(b, inert(b.label)[:LABEL], index) for b in section.buttons]
        found += [(b, inert(b.label)[:LABEL], None) for b in message.buttons]
    return found


@dataclass(frozen=True)
class Buttons:
    """Turns buttons into sealed attachment actions that call ``url`` (our action
    endpoint): bound to the channel, the message's key and, for a message meant for one
    person, that person."""

    seal: Seal
    url: str
    clock: Callable[[], datetime]

    def actions(self, messages: list[Message], channel: str, user: str | None, key: str,
                ttl: timedelta, ephemeral: bool = False, in_response: bool = False,
                sectioned: bool = False, spent: Spent = NONE_SPENT,
                ) -> list[tuple[int | None, dict[str, Any]]]:
        """Each button's section index and its action. ``ephemeral``: the buttons of an
        ephemeral reply (a click may replace it in place); ``in_response``: of an answer
        Mattermost posts from our HTTP response, whose post id we never learn. Either way
        no post of ours holds them. ``sectioned``: a bundle's, each sealed with its
        section (``n``) so a click spends that section alone; a ``spent`` section has
        none. An action's id is its place among all buttons, spent ones included, so it
        names the same button after a section is spent."""
        now = self.clock()
        actions = []
        for index, (button, label, section) in enumerate(_labelled(messages)):
            if section in spent:
                continue
            fields: dict[str, Any] = {"a": button.action, "g": button.args, "k": key,
                                      "l": button.label}
            if ephemeral:
                fields["e"] = 1
            elif in_response:
                fields["r"] = 1
            if sectioned and section is not None:
                fields["n"] = section
            actions.append((section if sectioned else None, {
                "id": f"rb{index}", "type": "button", "name": label,
                "style": {"primary": "primary", "danger": "danger"}.get(button.style or "",
                                                                        "default"),
                "integration": {"url": self.url,
                                "context": self.seal.seal(fields, channel, user, now, ttl)}}))
        return actions


def post(messages: list[Message], usernames: Usernames, buttons: Buttons | None,
         channel: str, user: str | None, key: str, ttl: timedelta,
         ephemeral: bool = False, in_response: bool = False, sectioned: bool = False,
         spent: Spent = NONE_SPENT) -> tuple[str, list[dict[str, Any]]]:
    """The text (at most ``MAX_MESSAGE`` characters) and the attachments of one post
    holding ``messages``: one attachment with every button, or — ``sectioned``, a
    bundle — one per section with buttons, titled with that section's title."""
    text = fit("\n\n".join(message_text(m, usernames, spent) for m in messages))
    if buttons is None:
        return text, []
    actions = buttons.actions(messages, channel, user, key, ttl, ephemeral, in_response,
                              sectioned, spent)
    attachments: list[dict[str, Any]] = []
    for section in dict.fromkeys(s for s, _ in actions):
        titled = messages[0].sections[section].title if section is not None else None
        attachment: dict[str, Any] = {"fallback": inert(titled or "")[:300] or text[:300],
                                      "actions": [a for s, a in actions if s == section]}
        if titled:
            attachment["title"] = inert(titled)[:300]
        attachments.append(attachment)
    return text, attachments
