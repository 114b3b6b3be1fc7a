"""The web process answers its health check from the database's reachability."""

from __future__ import annotations

import urllib.error
import urllib.request

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
