"""Alembic builds the same schema as the models, from empty, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.db import Database
from storage.migrate import HEAD_REVISION, alembic_config, ensure_current, upgrade
from storage.models import Base


def test_migrations_from_empty_match_the_models(empty_db: Database) -> None:
    upgrade(empty_db)
    with empty_db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    assert empty_db.schema_revision() == HEAD_REVISION


def test_head_revision_constant_is_alembics_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert script.get_current_head() == HEAD_REVISION


def test_ensure_current_migrates_once(empty_db: Database) -> None:
    ensure_current(empty_db)
    ensure_current(empty_db)
    assert empty_db.schema_revision() == HEAD_REVISION
