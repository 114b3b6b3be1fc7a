"""Planning's index over open milestones is partial on both databases, whether the
schema comes from the models or from the migrations (the models name the condition
without loading the PostgreSQL dialect; see storage.models.base.partial_index)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storage.db import Database
from storage.migrate import upgrade
from storage.models import Base

INDEX = "ix_mijlpaal_open_datum"


def index_definition(db: Database) -> str:
    query = ("SELECT sql FROM sqlite_master WHERE name = :name" if db.is_sqlite
             else "SELECT indexdef FROM pg_indexes WHERE indexname = :name "
                  "AND schemaname = current_schema()")
    with db.engine.connect() as connection:
        return str(connection.execute(text(query), {"name": INDEX}).scalar_one())


@pytest.mark.parametrize("build", ["models", "migrations"])
def test_the_open_milestone_index_covers_only_open_milestones(empty_db: Database,
                                                              build: str) -> None:
    if build == "models":
        Base.metadata.create_all(empty_db.engine)
    else:
        upgrade(empty_db)
    definition = index_definition(empty_db)
    assert "(datum, opgave_id)" in definition
    assert "WHERE" in definition and "afgerond_op IS NULL" in definition


def test_creating_the_tables_twice_keeps_one_condition(empty_db: Database) -> None:
    """The condition is attached at CREATE time: a second create (another engine, the
    other dialect in the same process) must not stack or clash."""
    Base.metadata.create_all(empty_db.engine)
    Base.metadata.drop_all(empty_db.engine)
    Base.metadata.create_all(empty_db.engine)
    assert index_definition(empty_db).count("afgerond_op IS NULL") == 1
