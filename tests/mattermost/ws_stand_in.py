"""A stand-in for Mattermost's WebSocket API on a local port. It accepts one connection
after another, so that reconnects can be tested, records each handshake's Authorization
header, greets with ``hello`` as the server does, sends events to the newest connection
and can drop it the way a failing network does."""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

from tests.ws_frames import CLOSE, PING, PONG, accept_handshake, frame, read_frame, send_json


class MattermostWsStandIn:
    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        self.authorizations: list[str] = []
        self._connection: socket.socket | None = None
        self._seq = 0
        self._changed = threading.Condition()
        threading.Thread(target=self._accept_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/api/v4/websocket"

    def _accept_forever(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed
            try:
                headers = accept_handshake(connection)
            except (OSError, KeyError):
                connection.close()
                continue
            with self._changed:
                self._connection = connection
                self.authorizations.append(headers.get("authorization", ""))
                self.send({"event": "hello", "data": {"server_version": "stand-in"},
                           "broadcast": {"user_id": "bot1"}})
                self._changed.notify_all()
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        """Answer pings and the client's close as a server must; ignore anything else."""
        try:
            while True:
                opcode, payload = read_frame(connection)
                if opcode == PING:
                    connection.sendall(frame(PONG, payload))
                elif opcode == CLOSE:
                    connection.sendall(frame(CLOSE, payload))
                    return
        except OSError:
            pass
        finally:
            connection.close()

    def wait_for_connections(self, count: int, timeout: float = 30.0) -> bool:
        """Whether ``count`` connections have been accepted (in all) within ``timeout``."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.authorizations) >= count, timeout)

    def send(self, event: dict[str, Any]) -> None:
        """An event to the newest connection, numbered as the server numbers them."""
        with self._changed:
            assert self._connection is not None, "no client connected"
            self._seq += 1
            send_json(self._connection, {**event, "seq": self._seq})

    def drop(self) -> None:
        """End the newest connection without a closing handshake."""
        with self._changed:
            connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def close(self) -> None:
        self.drop()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept
        self.listener.close()
