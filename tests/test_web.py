"""The web process answers its health check from the database's reachability."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from bot.web import Router
from storage.db import Database
from tests.webserver import Background


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_healthz_is_200_with_a_database_and_503_without(demo_db: Database) -> None:
    unreachable = Database("postgresql+psycopg://nobody@127.0.0.1:1/none",
                           connect_args={"connect_timeout": 1})
    up = Background(Router(demo_db, {}))
    down = Background(Router(unreachable, {}))
    try:
        assert get(up.port, "/healthz") == (200, "ok")
        assert get(down.port, "/healthz") == (503, "database unreachable")
        assert get(up.port, "/elders")[0] == 404
    finally:
        up.stop()
        down.stop()


def test_the_web_process_serves_only_the_platforms_that_are_configured(
    tmp_path: Path,
) -> None:
    import pytest

    from bot.errors import UserError
    from bot.web import build
    from config.settings import Settings
    from tests.conftest import NOW
    from tests.mattermost.conftest import mattermost_settings

    fresh = Database(f"sqlite:///{tmp_path / 'web.db'}")  # build() migrates it
    mattermost_only = build(mattermost_settings(fresh), lambda: NOW)
    assert set(mattermost_only.routes) == {"/mattermost"}
    both = build(mattermost_settings(fresh).model_copy(update={
        "slack_bot_token": "xoxb-test", "slack_signing_secret": "s"}), lambda: NOW)
    assert set(both.routes) == {"/slack", "/mattermost"}
    without_tokens = mattermost_settings(fresh).model_copy(
        update={"mattermost_command_tokens": []})
    with pytest.raises(UserError, match="REGIOBOT_MATTERMOST_COMMAND_TOKENS"):
        build(without_tokens, lambda: NOW)
    with pytest.raises(UserError):
        build(Settings(database_url=fresh.url), lambda: NOW)
