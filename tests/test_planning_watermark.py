"""Planning runs every minute and skips the milestones when nothing they depend on
changed since its last full pass (bot.planner._Stand, storage.planning_counter). What
changes between two passes on the same day must still be planned by the second: an
edited milestone, a new role holder, an absence, a change made with a bulk UPDATE, a
closing day, and of course a new day. Demo region, SQLite and PostgreSQL; see
tests/test_planning.py for the demo's JGD-03#2."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from bot.planner import plan
from bot.schedule import Rules
from storage.db import Database
from storage.models import Afwezigheid, Mijlpaal, Opgave, OutboxBericht, Persoon, Regio
from storage.models.planning import PlanningTeller
from tests.conftest import AMS

RULES = Rules()
TUESDAY = datetime(2026, 12, 1, 9, 5, tzinfo=AMS)  # "7 working days before" JGD-03#2
LATER = TUESDAY + timedelta(minutes=1)


def keys(db: Database, prefix: str) -> list[str]:
    with db.read() as session:
        return sorted(session.scalars(select(OutboxBericht.delivery_key).where(
            OutboxBericht.delivery_key.like(f"{prefix}%"))))


def person(db: Database, handle: str) -> int:
    with db.read() as session:
        found = session.scalar(select(Persoon.id).where(Persoon.handle == handle))
    assert found is not None
    return found


def milestone(db: Database, ref: str = "JGD-03#2") -> Mijlpaal:
    code, nr = ref.split("#")
    with db.read() as session:
        found = session.scalar(select(Mijlpaal).join(Opgave).where(
            Opgave.code == code, Mijlpaal.volgnummer == int(nr)))
    assert found is not None
    return found


def counter(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(PlanningTeller.teller)) or 0


def test_a_second_pass_with_nothing_changed_adds_nothing(any_demo_db: Database) -> None:
    first = plan(any_demo_db, TUESDAY, AMS, RULES)
    count = counter(any_demo_db)
    again = plan(any_demo_db, LATER, AMS, RULES)
    assert first.herinneringen > 0 and again.herinneringen == 0
    assert counter(any_demo_db) == count, "planning itself changes nothing it reads"


def test_a_new_role_holder_after_pass_one_is_reminded_in_pass_two(
        any_demo_db: Database) -> None:
    plan(any_demo_db, TUESDAY, AMS, RULES)
    target = milestone(any_demo_db)
    newcomer = person(any_demo_db, "plo-houten")
    with any_demo_db.write() as session:
        opgave = session.get(Opgave, target.opgave_id)
        assert opgave is not None
        opgave.projectleider_id = newcomer
    planned = plan(any_demo_db, LATER, AMS, RULES)
    assert planned.herinneringen >= 1
    assert any(f":@{newcomer}:" in k for k in keys(any_demo_db, f"herinnering:m{target.id}:"))


def test_a_milestone_moved_after_pass_one_is_reminded_in_pass_two(
        any_demo_db: Database) -> None:
    plan(any_demo_db, TUESDAY, AMS, RULES)
    target = milestone(any_demo_db)
    moved = date(2026, 12, 2)  # tomorrow: its "1" reminder is due today
    with any_demo_db.write() as session:
        found = session.get(Mijlpaal, target.id)
        assert found is not None
        found.datum = moved
    plan(any_demo_db, LATER, AMS, RULES)
    assert keys(any_demo_db, f"herinnering:m{target.id}:{moved.isoformat()}:1:")


def test_an_absence_registered_after_pass_one_reaches_the_vervanger_in_pass_two(
        any_demo_db: Database) -> None:
    plan(any_demo_db, TUESDAY, AMS, RULES)
    target = milestone(any_demo_db)
    away, stand_in = person(any_demo_db, "plo-nieuwegein"), person(any_demo_db, "plo-houten")
    with any_demo_db.write() as session:
        session.add(Afwezigheid(persoon_id=away, van=date(2026, 12, 1), tot=date(2026, 12, 4),
                                vervanger_id=stand_in, aangemaakt_op=TUESDAY))
    # The absent person's own reminder went out in pass 1; a stand-in's copy is not due
    # for what reached them already, so move the milestone to make a new one due.
    with any_demo_db.write() as session:
        session.execute(update(Mijlpaal).where(Mijlpaal.id == target.id)
                        .values(datum=date(2026, 12, 2)))
    plan(any_demo_db, LATER, AMS, RULES)
    found = keys(any_demo_db, f"herinnering:m{target.id}:2026-12-02:1:")
    assert any(f"afwezig@{away}:@{stand_in}:{stand_in}:" in k for k in found)


def test_a_bulk_update_after_pass_one_is_counted(any_demo_db: Database) -> None:
    plan(any_demo_db, TUESDAY, AMS, RULES)
    before = counter(any_demo_db)
    target = milestone(any_demo_db)
    with any_demo_db.write() as session:
        session.execute(update(Mijlpaal).where(Mijlpaal.id == target.id)
                        .values(datum=date(2026, 12, 2)))
    assert counter(any_demo_db) == before + 1
    plan(any_demo_db, LATER, AMS, RULES)
    assert keys(any_demo_db, f"herinnering:m{target.id}:2026-12-02:1:")


def test_a_closing_day_added_after_pass_one_brings_a_reminder_forward(
        any_demo_db: Database) -> None:
    # A milestone 8 working days ahead: its "7" is due tomorrow, not today, until a
    # closing day in between makes today 7 working days before it.
    target = milestone(any_demo_db)
    with any_demo_db.write() as session:
        session.add(Mijlpaal(opgave_id=target.opgave_id, volgnummer=99, titel="Nieuw",
                             datum=date(2026, 12, 11)))
    plan(any_demo_db, TUESDAY, AMS, RULES)
    added = milestone(any_demo_db, "JGD-03#99")
    prefix = f"herinnering:m{added.id}:2026-12-11:"
    assert not keys(any_demo_db, f"{prefix}7:")
    with any_demo_db.write() as session:
        regio = session.scalars(select(Regio)).first()
        assert regio is not None
        regio.instellingen = {**regio.instellingen, "sluitingsdagen": ["2026-12-07"]}
    plan(any_demo_db, LATER, AMS, RULES)
    assert keys(any_demo_db, f"{prefix}7:")


def test_the_next_day_is_planned_in_full(any_demo_db: Database) -> None:
    plan(any_demo_db, TUESDAY, AMS, RULES)
    target = milestone(any_demo_db)
    plan(any_demo_db, TUESDAY + timedelta(days=8), AMS, RULES)  # Wednesday 9 December
    assert keys(any_demo_db, f"herinnering:m{target.id}:2026-12-10:1:")
