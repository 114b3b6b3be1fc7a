"""Text from outside (typed, clicked, filled in, or a name the platform gives) without
control characters. PostgreSQL refuses a NUL in text, and no control character means
anything in a command, a name or a form; so typed text with one is refused with a clear
message, and names from the platform are stored without them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services.people import Account

# C0 controls but tab, newline and carriage return (people paste those), and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control(texts: Iterable[str | None]) -> bool:
    return any(text is not None and CONTROL.search(text) for text in texts)


def without_control(text: str | None) -> str | None:
    return None if text is None else CONTROL.sub("", text)


def clean_account(account: Account) -> Account:
    """The account with names and e-mail as a person would type them."""
    return replace(account, display_name=without_control(account.display_name),
                   username=without_control(account.username),
                   email=without_control(account.email))
