"""The Mattermost adapter (issue #15, in progress): the rendering of the message model as
Mattermost markdown, and the outbox sender on the REST API v4. The endpoints, dialogs,
signed buttons and the DM listener are still to come."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from config.settings import Settings
    from storage.db import Database


def sender(settings: Settings, db: Database) -> Any:
    """The outbox sender for Mattermost, for the worker."""
    from bot.platforms.mattermost.client import Client
    from bot.platforms.mattermost.sender import MattermostSender

    assert settings.mattermost_url and settings.mattermost_bot_token
    return MattermostSender(Client(settings.mattermost_url, settings.mattermost_bot_token,
                                   settings.send_timeout_seconds), db)
