"""Every command's handler, keyed by the command table's names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.context import Ctx
from bot.replies import Reply

Handler = Callable[[Ctx, dict[str, Any]], Reply]
HANDLERS: dict[str, Handler] = {}


def handles(name: str) -> Callable[[Handler], Handler]:
    def register_handler(function: Handler) -> Handler:
        HANDLERS[name] = function
        return function

    return register_handler
