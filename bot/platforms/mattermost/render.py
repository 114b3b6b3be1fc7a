"""The message model as Mattermost markdown.

User text is neutralised: markdown characters are escaped, and an ``@`` or ``~`` gets a
zero-width space after it, so a title like ``@channel`` or ``@here`` never notifies
anyone and ``~town-square`` links nowhere. Only people the bot names on purpose
(``PersonRef`` with a known account) are written as ``@username``. Buttons are not text:
the adapter turns them into the post's attachment actions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.messages import Line, Message, Part, PersonRef, Strong

Usernames = Mapping[int, str]  # persoon id → Mattermost username

# Characters Mattermost's markdown would read as formatting, and the line starts that
# make a list, a heading or a quote.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~<-])")
_MENTION = re.compile(r"([@~])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_USERNAME = re.compile(r"^[a-z0-9.\-_]{1,64}$")
ZWSP = "\u200b"


def escape(text: str) -> str:
    """User text, shown as typed and inert."""
    text = _CONTROL.sub("", text).replace("\n", " ")
    text = _SPECIAL.sub(r"\\\1", text)
    return _MENTION.sub(lambda m: m[1] + ZWSP, text)


def _part(part: Part, usernames: Usernames) -> str:
    if isinstance(part, Strong):
        return f"**{escape(part.text)}**"
    if isinstance(part, PersonRef):
        username = usernames.get(part.persoon_id)
        return f"@{username}" if username and _USERNAME.match(username) else escape(part.naam)
    return escape(part)


def line_text(item: Line, usernames: Usernames) -> str:
    return "".join(_part(p, usernames) for p in item.parts)


def message_text(message: Message, usernames: Usernames) -> str:
    """The post's text: a bold heading, each section with its title, lines as a list,
    facts as ``label: value``, and the context in italics."""
    out: list[str] = []
    if message.heading:
        out.append(f"**{escape(message.heading)}**")
    for section in message.sections:
        if section.title:
            out.append(f"**{escape(section.title)}**")
        bullet = "- " if section.title else ""
        out += [bullet + line_text(item, usernames) for item in section.lines]
        out += [f"**{escape(f.label)}:** " + "".join(_part(p, usernames) for p in f.value)
                for f in section.facts]
    out += [f"_{escape(c)}_" for c in message.context]
    return "\n".join(out)
