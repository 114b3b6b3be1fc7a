"""A stand-in for Slack's Socket Mode server: one WebSocket connection on a local port
(the handshake and frames of RFC 6455, no more), sending envelopes and reading acks."""

from __future__ import annotations

import json
import socket
import threading
from typing import Any

from tests.ws_frames import PING, PONG, TEXT, accept_handshake, frame, read_frame, send_json


class SocketModeStandIn:
    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.connection: socket.socket | None = None
        self.connected = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link"

    def _accept(self) -> None:
        connection, _ = self.listener.accept()
        accept_handshake(connection)
        self.connection = connection
        self.send({"type": "hello", "num_connections": 1,
                   "debug_info": {"host": "stand-in"}, "connection_info": {"app_id": "A1"}})
        self.connected.set()

    def send(self, message: dict[str, Any]) -> None:
        assert self.connection is not None
        send_json(self.connection, message)

    def receive_text(self, timeout: float = 10.0) -> dict[str, Any]:
        """The next text frame from the client (pings and pongs are passed over)."""
        assert self.connection is not None
        self.connection.settimeout(timeout)
        while True:
            opcode, payload = read_frame(self.connection)
            if opcode == TEXT:
                return dict(json.loads(payload))
            if opcode == PING:
                self.connection.sendall(frame(PONG, payload))

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.listener.close()
