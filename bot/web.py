"""The web process: the platforms' HTTP endpoints and a health check, behind one small
WSGI router, served by waitress (threaded, so concurrent requests do not queue)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import text

from storage.db import Database

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


def serve(app: WsgiApp, port: int, threads: int = 8, host: str = "0.0.0.0") -> None:
    import waitress

    waitress.serve(app, host=host, port=port, threads=threads, ident="regiobot")


class Background:
    """The same server in a thread, stoppable (tests and benchmarks): the loop polls a
    stop flag and closes the server on its own thread, so no socket is pulled from
    under a running select."""

    def __init__(self, app: WsgiApp, port: int = 0, threads: int = 8) -> None:
        import threading

        import waitress

        self.server = waitress.create_server(app, host="127.0.0.1", port=port, threads=threads)
        self.port = self.server.effective_port
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.server.asyncore.loop(timeout=0.05, map=self.server._map, count=1)
        self.server.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
