"""A stand-in for Slack's Socket Mode server: one WebSocket connection on a local port
(the handshake and frames of RFC 6455, no more), sending envelopes and reading acks."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
from typing import Any

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


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
        request = b""
        while b"\r\n\r\n" not in request:
            request += connection.recv(4096)
        key = next(line.split(":", 1)[1].strip() for line in request.decode().split("\r\n")
                   if line.lower().startswith("sec-websocket-key:"))
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        connection.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            "Connection: Upgrade\r\n"
                            f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
        self.connection = connection
        self.send({"type": "hello", "num_connections": 1,
                   "debug_info": {"host": "stand-in"}, "connection_info": {"app_id": "A1"}})
        self.connected.set()

    def send(self, message: dict[str, Any]) -> None:
        assert self.connection is not None
        data = json.dumps(message).encode()
        header = bytes([0x81])  # FIN + text; a server does not mask
        if len(data) < 126:
            header += bytes([len(data)])
        elif len(data) < 65536:
            header += bytes([126]) + struct.pack(">H", len(data))
        else:
            header += bytes([127]) + struct.pack(">Q", len(data))
        self.connection.sendall(header + data)

    def _read(self, count: int) -> bytes:
        assert self.connection is not None
        data = b""
        while len(data) < count:
            chunk = self.connection.recv(count - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def receive_text(self, timeout: float = 10.0) -> dict[str, Any]:
        """The next text frame from the client (pings and pongs are passed over)."""
        assert self.connection is not None
        self.connection.settimeout(timeout)
        while True:
            first, second = self._read(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if second & 0x80 else b"\0\0\0\0"
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read(length)))
            if opcode == 0x1:
                return json.loads(payload)
            if opcode == 0x9:  # ping: answer with a pong
                self.connection.sendall(bytes([0x8A, len(payload)]) + payload)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.listener.close()
