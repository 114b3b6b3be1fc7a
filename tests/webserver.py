"""The web app in a thread of the test process, on a free port (waitress): the real
HTTP path, without starting a server process per test."""

from __future__ import annotations

import threading

import waitress

from bot.web import WsgiApp


class Background:
    """The same server in a thread, stoppable (tests and benchmarks): the loop polls a
    stop flag and closes the server on its own thread, so no socket is pulled from
    under a running select."""

    def __init__(self, app: WsgiApp, port: int = 0, threads: int = 8) -> None:
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
