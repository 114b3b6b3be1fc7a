"""The Slack adapter: Bolt listeners, Block Kit rendering, the outbox sender.

The two ways to serve it are here too, so the entry points never import Bolt themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.app import Regiobot
    from config.settings import Settings
    from storage.db import Database


def wsgi_app(bot: Regiobot, db: Database, settings: Settings,
             clock: Callable[[], datetime]) -> Any:
    """The Bolt app behind ``POST /slack/events``, verified before Bolt parses a byte."""
    from bot.platforms.slack.app import SlackAdapter

    return SlackAdapter(bot, db, settings, clock).endpoint()


def socket_mode(bot: Regiobot, db: Database, settings: Settings,
                clock: Callable[[], datetime]) -> Any:
    """The same app over Socket Mode, for municipalities without a public URL: the
    handler's ``start()`` connects and serves until stopped."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.platforms.slack.app import SlackAdapter

    return SocketModeHandler(SlackAdapter(bot, db, settings, clock).app,
                             settings.slack_app_token)


def sender(settings: Settings, db: Database) -> Any:
    """The outbox sender for Slack, for the worker."""
    from bot.platforms.slack.sender import SlackSender, sending_client

    return SlackSender(sending_client(settings), db)
