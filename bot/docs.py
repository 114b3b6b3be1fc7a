"""The README's command and permission tables, generated from the code's own tables.

``python -m bot.docs`` prints them; a test keeps README.md in step.
"""

from __future__ import annotations

from bot.commands import GRAMMARS
from bot.permissions import PERMISSIONS, who_may
from bot.texts import t

BEGIN, END = "<!-- commands:begin -->", "<!-- commands:end -->"


def markdown() -> str:
    out = [BEGIN]
    for root, grammar in GRAMMARS.items():
        out += ["", f"| /{root} | what it does |", "|---|---|"]
        for command in grammar.commands:
            usage = command.usage(root).replace("|", "\\|")
            out.append(f"| `{usage}` | {t(command.summary)} |")
    out += ["", "| action | who may |", "|---|---|"]
    out += [f"| {t(f'action.{action}')} | {who_may(action)} |" for action in PERMISSIONS]
    out.append(END)
    return "\n".join(out)


def in_readme(text: str) -> str:
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[start:end]


if __name__ == "__main__":
    print(markdown())
