"""Shared fixtures. Storage tests run on SQLite and on a real PostgreSQL (one
parametrised fixture); PostgreSQL tests skip when no server answers, except in CI,
where a missing PostgreSQL is a failure."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from bot.app import Caller, Regiobot
from bot.texts import use_language
from storage.db import Database
from storage.models import Base

AMS = ZoneInfo("Europe/Amsterdam")
# A Tuesday; the demo data lies around it.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=AMS)
POSTGRES_URL = os.environ.get(
    "REGIOBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_available() -> bool:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_url() -> str:
    if not _postgres_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but does not answer at {POSTGRES_URL}")
        pytest.skip("PostgreSQL does not answer; set REGIOBOT_TEST_POSTGRES_URL")
    return POSTGRES_URL


@pytest.fixture(autouse=True)
def _dutch() -> None:
    use_language("nl")


def sqlite_database(tmp_path: Path) -> Database:
    return Database(f"sqlite:///{tmp_path / 'regiobot.db'}")


@contextmanager
def fresh_schema(postgres_url: str, options: str = "") -> Iterator[Database]:
    """A database on a schema of its own on the real server (``options``: more server
    settings for its sessions), dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(postgres_url,
                  connect_args={"options": f"-csearch_path={schema} {options}".strip()})
    try:
        yield db
    finally:
        db.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def postgres_database(postgres_url: str) -> Iterator[Database]:
    """A fresh schema per test on the real server, dropped afterwards."""
    with fresh_schema(postgres_url) as db:
        yield db


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database of each kind, without tables."""
    if request.param == "sqlite":
        db = sqlite_database(tmp_path)
        yield db
        db.dispose()
    else:
        yield request.getfixturevalue("postgres_database")


@pytest.fixture
def any_db(empty_db: Database) -> Database:
    """Both databases, with the schema created."""
    Base.metadata.create_all(empty_db.engine)
    return empty_db


def load_demo(db: Database, now: datetime = NOW) -> None:
    from bot import demo

    with db.write() as session:
        demo.load(session, now, AMS)


@pytest.fixture
def demo_db(tmp_path: Path) -> Iterator[Database]:
    """SQLite with the demo region loaded around NOW."""
    db = sqlite_database(tmp_path)
    Base.metadata.create_all(db.engine)
    load_demo(db)
    yield db
    db.dispose()


@pytest.fixture
def any_demo_db(any_db: Database) -> Database:
    load_demo(any_db)
    return any_db


class Chat:
    """Drive the core as the console does, without a terminal."""

    def __init__(self, db: Database, handle: str = "plo-houten", now: datetime = NOW) -> None:
        self.bot = Regiobot(db, AMS)
        self.db = db
        self.handle = handle
        self.now = now

    @property
    def caller(self) -> Caller:
        return Caller("console", "lekstroom", self.handle)

    def __call__(self, text: str, as_: str | None = None):  # type: ignore[no-untyped-def]
        caller = Caller("console", "lekstroom", as_) if as_ else self.caller
        return self.bot.command(caller, "opgave", text, self.now)

    def text(self, text: str, as_: str | None = None) -> str:
        from bot.render_text import render

        reply = self(text, as_)
        return "\n".join(render(m, lambda b: f"[{b.label}]") for m in reply.messages)


@pytest.fixture
def chat(demo_db: Database) -> Chat:
    return Chat(demo_db)
