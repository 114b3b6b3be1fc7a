"""Plain-text rendering of the message model, for the console and logs.

Buttons are numbered by the caller (the console keeps the numbers so ``#1`` presses one).
Control characters in user text are dropped so nothing typed can move the cursor or
clear the screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.forms import Form, FormField
from bot.messages import Button, Line, Message, Part, PersonRef, Strong

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x1b]")

ButtonLabel = Callable[[Button], str]


def clean(text: str) -> str:
    return _CONTROL.sub("", text)


def part_text(part: Part) -> str:
    if isinstance(part, Strong):
        return clean(part.text)
    if isinstance(part, PersonRef):
        return clean(part.naam)
    return clean(part)


def line_text(item: Line, button: ButtonLabel) -> str:
    text = "".join(part_text(p) for p in item.parts)
    return f"{text}  {button(item.button)}" if item.button else text


def render(message: Message, button: ButtonLabel) -> str:
    out: list[str] = []
    if message.heading:
        out.append(f"*{clean(message.heading)}*")
    for section in message.sections:
        if section.title:
            out.append(f"{clean(section.title)}:")
        indent = "  " if section.title else ""
        bullet = "• " if section.title else ""
        out += [f"{indent}{bullet}{line_text(item, button)}" for item in section.lines]
        out += [f"{indent}{clean(f.label)}: {''.join(part_text(p) for p in f.value)}"
                for f in section.facts]
        if section.buttons:
            out.append(indent + " ".join(button(b) for b in section.buttons))
    if message.buttons:
        out.append(" ".join(button(b) for b in message.buttons))
    out += [f"({clean(c)})" for c in message.context]
    return "\n".join(out)


def field_prompt(form_field: FormField, required_word: str, choices_word: str,
                 multi_word: str, current_word: str) -> str:
    bits = [clean(form_field.label)]
    notes = []
    if form_field.required:
        notes.append(required_word)
    if form_field.hint:
        notes.append(clean(form_field.hint))
    if isinstance(form_field.initial, str) and form_field.initial:
        notes.append(f"{current_word}: {clean(form_field.initial[:60])}")
    elif isinstance(form_field.initial, list) and form_field.initial:
        chosen = [i for i, o in enumerate(form_field.options, 1) if o.value in form_field.initial]
        notes.append(f"{current_word}: {', '.join(map(str, chosen))}")
    if form_field.options:
        listed = ", ".join(f"{i} {clean(o.label)}" for i, o in enumerate(form_field.options, 1))
        notes.append(f"{choices_word}: {listed}")
        if form_field.kind == "multi_choice":
            notes.append(multi_word)
    if notes:
        bits.append(f"({'; '.join(notes)})")
    return " ".join(bits) + ": "


def form_heading(form: Form) -> str:
    return f"*{clean(form.title)}*"
