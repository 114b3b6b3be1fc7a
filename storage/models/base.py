from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Connection, Index, MetaData, Table, event, text
from sqlalchemy.orm import DeclarativeBase

from storage.types import UTCDateTime

# A person's, a body's or a regio's name, a chat username, what an audit line is about:
# platforms allow display names this long, and a name that does not fit must never stop
# someone from being onboarded.
NAME_LENGTH = 255

# Named constraints let Alembic's batch mode rebuild SQLite tables and drop them by name.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON(),
    }


def partial_index(name: str, *columns: str, where: str) -> Index:
    """An index over only the rows where ``where`` (SQL) holds, on SQLite and PostgreSQL.

    The condition reaches the dialect when the table is created, not when the model is
    defined: ``postgresql_where=`` in the model makes SQLAlchemy load the whole PostgreSQL
    dialect in every process, the console on SQLite included (about 25 ms of its start).
    Migrations spell the condition out themselves."""
    index = Index(name, *columns, info={"where": where})
    event.listen(index, "after_parent_attach", _where_on_create)
    return index


def _where_on_create(index: Index, table: Table) -> None:
    def add_where(_table: Table, connection: Connection, **_: Any) -> None:
        # Both dialects know ``<dialect>_where``; naming it loads only the dialect in use.
        index.dialect_kwargs[f"{connection.dialect.name}_where"] = text(index.info["where"])

    event.listen(table, "before_create", add_where)


# Every process that has the models counts its changes to what planning reads.
import storage.planning_counter  # noqa: E402, F401
