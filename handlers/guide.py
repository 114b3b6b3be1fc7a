"""``help``, generated from the command table and the permission table."""

from __future__ import annotations

from bot.commands import OPGAVE
from bot.messages import Message, Section, line
from bot.permissions import PERMISSIONS, who_may
from bot.texts import t


def message(topic: str | None) -> Message:
    commands = OPGAVE.commands
    if topic:
        wanted = topic.lower()
        commands = tuple(c for c in commands
                         if any(p.startswith(wanted) for p in (*c.words, *c.aliases)))
    if not commands:
        return Message(heading=t("help.heading"), sections=[Section(lines=[
            line(t("help.unknown_topic", topic=topic))])])
    lines = [line(f"{c.usage(OPGAVE.root)} — {t(c.summary)}") for c in commands]
    sections = [Section(lines=lines)]
    if topic:
        examples = [line(c.example) for c in commands if c.example]
        if examples:
            sections.append(Section(title=t("help.examples"), lines=examples))
    else:
        sections.append(Section(title=t("help.permissions"), lines=[
            line(f"{t(f'action.{action}')}: {who_may(action)}") for action in PERMISSIONS]))
    return Message(heading=t("help.heading"), sections=sections,
                   context=[t("help.context")])
