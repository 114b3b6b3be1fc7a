"""Errors the user can fix. They carry a Dutch sentence (from the text catalogue) saying
what was wrong and how to write it; adapters show them only to the person who typed it."""

from __future__ import annotations


class UserError(Exception):
    def __init__(self, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


class NotFound(UserError):
    pass


class NotAllowed(UserError):
    pass


class FormInvalid(UserError):
    """A form submission with per-field errors; nothing was stored."""

    def __init__(self, errors: dict[str, str], message: str) -> None:
        super().__init__(message)
        self.errors = errors
