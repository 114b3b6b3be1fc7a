"""The server side of RFC 6455 on a plain socket, just enough for the tests' WebSocket
stand-ins: the opening handshake, and frames (a server sends them unmasked and unmasks the
client's). Kept apart so that each platform's stand-in only says what its server says."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
from typing import Any

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


def accept_handshake(connection: socket.socket) -> dict[str, str]:
    """Read the client's upgrade request and agree to it; returns the request's headers,
    names in lower case."""
    request = b""
    while b"\r\n\r\n" not in request:
        chunk = connection.recv(4096)
        if not chunk:
            raise ConnectionError("closed during the handshake")
        request += chunk
    lines = request.split(b"\r\n\r\n", 1)[0].decode().split("\r\n")[1:]
    headers = {name.strip().lower(): value.strip()
               for name, value in (line.split(":", 1) for line in lines if ":" in line)}
    digest = hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()
    connection.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\n"
                        f"Sec-WebSocket-Accept: {base64.b64encode(digest).decode()}\r\n\r\n"
                        ).encode())
    return headers


def frame(opcode: int, payload: bytes) -> bytes:
    """One final, unmasked frame."""
    header = bytes([0x80 | opcode])
    if len(payload) < 126:
        header += bytes([len(payload)])
    elif len(payload) < 65536:
        header += bytes([126]) + struct.pack(">H", len(payload))
    else:
        header += bytes([127]) + struct.pack(">Q", len(payload))
    return header + payload


def send_json(connection: socket.socket, message: dict[str, Any]) -> None:
    connection.sendall(frame(TEXT, json.dumps(message).encode()))


def _read_exactly(connection: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def read_frame(connection: socket.socket) -> tuple[int, bytes]:
    """The next frame from the client: its opcode and unmasked payload."""
    first, second = _read_exactly(connection, 2)
    length = second & 0x7F
    if length == 126:
        length = struct.unpack(">H", _read_exactly(connection, 2))[0]
    elif length == 127:
        length = struct.unpack(">Q", _read_exactly(connection, 8))[0]
    mask = _read_exactly(connection, 4) if second & 0x80 else b"\0\0\0\0"
    payload = bytes(b ^ mask[i % 4] for i, b in enumerate(_read_exactly(connection, length)))
    return first & 0x0F, payload
