from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, MetaData
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


# Every process that has the models counts its changes to what planning reads.
import storage.planning_counter  # noqa: E402, F401
