"""``help``, generated from the command table and the permission table."""

from __future__ import annotations

from bot.commands import GRAMMARS
from bot.messages import Message, Section, line
from bot.permissions import PERMISSIONS, who_may
from bot.texts import t


def message(root: str, topic: str | None) -> Message:
    grammar = GRAMMARS[root]
    commands = grammar.commands
    if topic:
        wanted = topic.lower()
        commands = tuple(c for c in commands if c.topic == wanted or any(
            p.startswith(wanted) for p in (*c.words, *c.aliases)))
    if not commands:
        return Message(heading=t(f"help.heading.{root}"), sections=[Section(lines=[
            line(t("help.unknown_topic", topic=topic, root=root))])])
    lines = [line(f"{c.usage(grammar.root)} — {t(c.summary)}") for c in commands]
    sections = [Section(lines=lines)]
    if topic:
        examples = [line(c.example) for c in commands if c.example]
        if examples:
            sections.append(Section(title=t("help.examples"), lines=examples))
    elif root == "opgave":
        sections.append(Section(title=t("help.permissions"), lines=[
            line(f"{t(f'action.{action}')}: {who_may(action)}") for action in PERMISSIONS]))
    return Message(heading=t(f"help.heading.{root}"), sections=sections,
                   context=[t("help.context")])
