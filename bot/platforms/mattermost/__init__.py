"""The Mattermost adapter: markdown and sealed buttons from the message model, the outbox
sender on the REST API v4, the HTTP endpoints for slash commands, buttons and dialogs,
and the WebSocket listener for what people type in a DM to the bot."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.app import Regiobot
    from bot.platforms.mattermost.render import Buttons
    from config.settings import Settings
    from storage.db import Database


def callback_url(settings: Settings, endpoint: str) -> str:
    """Where Mattermost calls us back: ``action`` (buttons) or ``dialog``."""
    return f"{(settings.public_url or '').rstrip('/')}/mattermost/{endpoint}"


def buttons(settings: Settings, clock: Callable[[], datetime]) -> Buttons | None:
    """Sealed buttons that call back to ``REGIOBOT_PUBLIC_URL``; None (text only) when
    the secret or the public URL is not set."""
    from bot.platforms.mattermost.render import Buttons
    from bot.platforms.mattermost.signing import Seal

    if not settings.secret or not settings.public_url:
        return None
    return Buttons(Seal(settings.secret), callback_url(settings, "action"), clock)


def sender(settings: Settings, db: Database, clock: Callable[[], datetime]) -> Any:
    """The outbox sender for Mattermost, for the worker."""
    from bot.platforms.mattermost.client import Client
    from bot.platforms.mattermost.sender import MattermostSender

    assert settings.mattermost_url and settings.mattermost_bot_token
    return MattermostSender(Client(settings.mattermost_url, settings.mattermost_bot_token,
                                   settings.send_timeout_seconds), db, buttons(settings, clock))


def wsgi_app(bot: Regiobot, db: Database, settings: Settings,
             clock: Callable[[], datetime]) -> Any:
    """The endpoints under ``/mattermost``: command, action and dialog."""
    from bot.errors import UserError
    from bot.platforms.mattermost.app import MattermostAdapter
    from bot.texts import t

    if not settings.mattermost_command_tokens:  # every command would be refused
        raise UserError(t("mattermost.not_configured"))
    return MattermostAdapter(bot, db, settings, clock)


def listen(bot: Regiobot, db: Database, settings: Settings, clock: Callable[[], datetime],
           stop: threading.Event) -> None:
    """Receive DMs to the bot over the WebSocket API until ``stop`` is set."""
    from bot.platforms.mattermost.app import MattermostAdapter
    from bot.platforms.mattermost.listener import Listener

    adapter = MattermostAdapter(bot, db, settings, clock)
    assert settings.mattermost_bot_token
    Listener(adapter.client, settings.mattermost_bot_token, adapter.on_post,
             adapter.listen_since(), stop).run()
