"""Schema migrations with Alembic, found through the package (works from any directory).

Alembic is imported only here, so the console's start-up does not pay for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

    from storage.db import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest revision. A test checks it against Alembic's head, so the console can tell
# whether the database is current without importing Alembic.
HEAD_REVISION = "0012"


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    from alembic import command

    config = alembic_config(db.url)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def ensure_current(db: Database) -> None:
    """Migrate only when needed; the check itself costs one query and no Alembic import."""
    if db.schema_revision() != HEAD_REVISION:
        upgrade(db)
