"""On PostgreSQL one worker plans a regio while the others skip it (an advisory lock).
That lock belongs to the deployment's schema: a regio with the same id in another schema
of the same database (another deployment, or a test running beside this one) is planned
independently. It was not, and ``test_decisions[postgresql]`` lost its reminders now and
then, whenever a test elsewhere was planning its own regio 1 at the same moment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import astuple

import pytest

from bot.planner import _claim_regio, plan
from bot.schedule import Rules
from storage.db import Database
from storage.models import Base
from tests.conftest import AMS, fresh_schema, load_demo
from tests.test_planning import TUESDAY

pytestmark = pytest.mark.postgres


@pytest.fixture
def other_schema(postgres_url: str) -> Iterator[Database]:
    """A second schema in the same database, with a regio 1 of its own."""
    with fresh_schema(postgres_url) as db:
        Base.metadata.create_all(db.engine)
        load_demo(db)
        yield db


def planned_anything(db: Database) -> bool:
    return sum(astuple(plan(db, TUESDAY, AMS, Rules()))) > 0


def test_a_regio_being_planned_in_another_schema_does_not_stop_ours(
        postgres_database: Database, other_schema: Database) -> None:
    Base.metadata.create_all(postgres_database.engine)
    load_demo(postgres_database)
    with other_schema.write() as session:  # its worker is planning its regio 1 right now
        assert _claim_regio(session, 1)
        assert planned_anything(postgres_database)


def test_a_regio_being_planned_by_another_worker_is_skipped_until_it_is_done(
        other_schema: Database) -> None:
    with other_schema.write() as session:
        assert _claim_regio(session, 1)
        assert not planned_anything(other_schema)
    assert planned_anything(other_schema)
