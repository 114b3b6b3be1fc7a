"""Engine and unit of work, behaving alike on SQLite and PostgreSQL.

SQLite: the web, worker and console processes share one file, so the database runs in
WAL mode and every writing unit of work starts with ``BEGIN IMMEDIATE``; a deferred
transaction that later wants to write can fail with "database is locked" instead of
waiting for the busy timeout. Reading units start a plain deferred ``BEGIN``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

_WRITE_OPTION = "regiobot_write"


def _sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us emit BEGIN ourselves (pysqlite's own transaction handling would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(_WRITE_OPTION, True)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **_pool(kwargs))
        _sqlite_hooks(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True, **_pool(kwargs))
    event.listen(engine, "connect", _no_jit)
    return engine


def _no_jit(connection: Any, _record: Any) -> None:
    """PostgreSQL's JIT compiler pays off for long analytic queries, never for this bot's
    short ones: it took 55 of 60 ms of a digest query that runs in 6 once its estimate
    passed the JIT threshold. Off for every pooled connection."""
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    connection.commit()


def _pool(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Enough pooled connections for the web server's threads: a connection opened
    beyond the pool is closed again after one use, and opening one costs more than a
    whole request."""
    return {"pool_size": 10, "max_overflow": 20, **kwargs}


class Database:
    """One engine and the two kinds of unit of work the application uses."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._writer = sessionmaker(
            bind=self.engine.execution_options(**{_WRITE_OPTION: True}), expire_on_commit=False
        )
        # On PostgreSQL a reading unit runs in autocommit: no BEGIN/COMMIT round trips for
        # a request that only reads (each statement still sees committed data). SQLite
        # keeps its deferred BEGIN: one snapshot for the unit, and no round trips anyway.
        reading: dict[str, object] = {_WRITE_OPTION: False}
        if not self.is_sqlite:
            reading["isolation_level"] = "AUTOCOMMIT"
        self._reader = sessionmaker(
            bind=self.engine.execution_options(**reading), expire_on_commit=False
        )

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A unit of work that commits when the block ends without an exception."""
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    def schema_revision(self) -> str | None:
        """The Alembic revision of the schema, or None for an empty database (one query:
        this runs at every start of the console)."""
        try:
            with self.engine.connect() as connection:
                return connection.exec_driver_sql(
                    "SELECT version_num FROM alembic_version"
                ).scalar_one_or_none()
        except DBAPIError:
            return None

    def dispose(self) -> None:
        self.engine.dispose()


def writes(session: Session) -> bool:
    """Whether ``session`` is a writing unit of work (a reading one must not write: on
    SQLite it holds no write lock, on PostgreSQL it runs in autocommit)."""
    return bool(session.get_bind().get_execution_options().get(_WRITE_OPTION, True))


def dialect_insert(session: Session) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (imported when first needed: the
    PostgreSQL dialect is not cheap to load, and the console never needs it)."""
    dialect = session.get_bind().dialect.name
    return import_module(f"sqlalchemy.dialects.{dialect}").insert
