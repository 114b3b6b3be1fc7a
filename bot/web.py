"""The web process: the platforms' HTTP endpoints and a health check, behind one small
WSGI router, served by gunicorn (processes × threads, so concurrent requests neither
queue behind one another nor behind one interpreter lock)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from bot.errors import UserError
from storage.db import Database

if TYPE_CHECKING:
    from config.settings import Settings

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _plain(start_response: Callable[..., Any], status: str, body: str) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
    return [body.encode()]


class Router:
    def __init__(self, db: Database, routes: dict[str, WsgiApp]) -> None:
        self.db = db
        self.routes = routes

    def healthy(self) -> bool:
        try:
            with self.db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[
            bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            if self.healthy():
                return _plain(start_response, "200 OK", "ok")
            return _plain(start_response, "503 Service Unavailable", "database unreachable")
        for prefix, app in self.routes.items():
            if path == prefix or path.startswith(prefix + "/"):
                return app(environ, start_response)
        return _plain(start_response, "404 Not Found", "not found")


def build(settings: Settings, clock: Callable[[], datetime]) -> Router:
    """The WSGI app for the platforms that are configured."""
    from bot.app import Regiobot
    from bot.texts import t
    from storage.migrate import ensure_current

    db = Database(settings.database_url)
    ensure_current(db)
    bot = Regiobot(db, settings.tz)
    routes: dict[str, WsgiApp] = {}
    if settings.slack_bot_token or settings.slack_signing_secret:
        from bot.platforms import slack

        routes["/slack"] = slack.wsgi_app(bot, db, settings, clock)
    if settings.mattermost_url or settings.mattermost_command_tokens:
        from bot.platforms import mattermost

        routes["/mattermost"] = mattermost.wsgi_app(bot, db, settings, clock)
    if not routes:
        raise UserError(t("web.no_platform"))
    return Router(db, routes)


def serve(settings: Settings, application: Callable[[], WsgiApp]) -> None:
    """gunicorn, several processes of several threads: Python runs one thread at a time
    per process, so a second process is what lets two cores answer Slack at once."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"0.0.0.0:{settings.port}")
            self.cfg.set("workers", settings.web_processes)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", settings.web_threads)
            self.cfg.set("accesslog", "-")

        def load(self) -> WsgiApp:
            return application()

    Server().run()
