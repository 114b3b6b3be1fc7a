"""What an outsider sees of the web process: raw HTTP requests with any headers (or none),
and the number of rows in every table, to show that a refused request changed nothing."""

from __future__ import annotations

import http.client
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from bot.platforms.slack.app import SlackAdapter
from storage.db import Database
from storage.models import Base


@dataclass(frozen=True)
class Raw:
    status: int
    body: bytes


def raw_post(port: int, path: str, body: bytes, headers: dict[str, str],
             method: str = "POST") -> Raw:
    """A request exactly as given: no header is added but Host and Content-Length (which
    the server needs to read a body at all)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value.encode("latin-1", "replace"))
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return Raw(response.status, response.read())
    finally:
        connection.close()


def row_counts(db: Database, leave_out: frozenset[str] = frozenset()) -> dict[str, int]:
    """Rows per table, every table of the schema (except ``leave_out``)."""
    with db.read() as session:
        return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables if table.name not in leave_out}


class SettlingSlackAdapter(SlackAdapter):
    """Its lazy listeners (after the ack) can be waited for, so rows are counted after
    everything a request set off."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: list[Future[Any]] = []
        submit = self.executor.submit

        def tracked(fn: Callable[..., Any], /, *a: Any, **k: Any) -> Future[Any]:
            future = submit(fn, *a, **k)
            self.lazy.append(future)
            return future

        self.executor.submit = tracked  # type: ignore[method-assign]

    def settle(self) -> None:
        while pending := [f for f in self.lazy if not f.done()]:
            for future in pending:
                future.exception(timeout=30)  # a failure there is logged, not a response
