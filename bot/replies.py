from __future__ import annotations

from pydantic import BaseModel, Field

from bot.forms import Form
from bot.messages import Message


class Reply(BaseModel):
    """What the bot answers the person who acted: messages, a form to open, or the
    per-field errors of a form they submitted."""

    messages: list[Message] = Field(default_factory=list)
    form: Form | None = None
    errors: dict[str, str] = Field(default_factory=dict)
    # Fields whose date falls on a day off, with the warning without how to confirm it:
    # a platform that shows ``form`` again says how there (bot.dayoff.form_guard).
    day_off: dict[str, str] = Field(default_factory=dict)
    in_channel: bool = False
    # True when the bot said no (a UserError): nothing was changed.
    refused: bool = False
    # The chat accounts, on the platform asked, of the people the messages name, looked
    # up in the same unit of work (persoon id → the platform's user id), so an adapter
    # can write mentions without asking the database again.
    accounts: dict[int, str] = Field(default_factory=dict)

    @classmethod
    def of(cls, *messages: Message) -> Reply:
        return cls(messages=list(messages))
