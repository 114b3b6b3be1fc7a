"""The platform-neutral message model that every adapter renders.

User text is kept raw here; each renderer escapes it for its platform (Slack mrkdwn,
Mattermost markdown, plain text). Formatting is structural (a heading, a field label,
``Strong``), never markup inside strings, so no user text can smuggle markup in.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Strong(BaseModel):
    kind: Literal["strong"] = "strong"
    text: str


class PersonRef(BaseModel):
    """A person, rendered as a mention where the platform knows them, else by name."""

    kind: Literal["persoon"] = "persoon"
    persoon_id: int
    naam: str


Part = str | Strong | PersonRef


class Button(BaseModel):
    label: str
    action: str
    args: dict[str, str] = Field(default_factory=dict)
    style: Literal["primary", "danger"] | None = None


class Line(BaseModel):
    parts: list[Part]
    button: Button | None = None

    @property
    def plain(self) -> str:
        return "".join(part if isinstance(part, str) else part.text if isinstance(
            part, Strong) else part.naam for part in self.parts)


class Fact(BaseModel):
    label: str
    value: list[Part]


class Section(BaseModel):
    title: str | None = None
    lines: list[Line] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    # Buttons shown after this section: in a bundle, each message's own buttons go with
    # its section, so a click can spend that section alone.
    buttons: list[Button] = Field(default_factory=list)


class Message(BaseModel):
    heading: str | None = None
    sections: list[Section] = Field(default_factory=list)
    buttons: list[Button] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)


def line(*parts: Part, button: Button | None = None) -> Line:
    return Line(parts=list(parts), button=button)


def fact(label: str, *parts: Part) -> Fact:
    return Fact(label=label, value=list(parts))


def people_in(message: Message) -> set[int]:
    """The ids of everyone a message names."""
    found: set[int] = set()
    for section in message.sections:
        for item in section.lines:
            found |= {p.persoon_id for p in item.parts if isinstance(p, PersonRef)}
        for f in section.facts:
            found |= {p.persoon_id for p in f.value if isinstance(p, PersonRef)}
    return found


def section_buttons(section: Section) -> list[Button]:
    """A section's buttons: those beside its lines, then its own."""
    return [*(item.button for item in section.lines if item.button is not None),
            *section.buttons]


def buttons_in(message: Message) -> list[Button]:
    """Every button of a message: each section's, in order, then the message's own."""
    return [*(b for section in message.sections for b in section_buttons(section)),
            *message.buttons]
