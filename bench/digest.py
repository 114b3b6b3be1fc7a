"""The weekly digest at 500, 5,000 and 20,000 opgaven: ``digest.gather`` for the PLO
channel and the message made of it, against the same at 500 opgaven in the same run
(target: the 20,000 figure at most 1.5× the 500 figure).

Each register is the benchmark register (bench/register_data.py: ten milestones per
opgave around today) plus the week's news in proportion: a status change on one opgave
in eight (one in five of them undone again), an open dilemma on one in twenty-five (a
quarter of them vertrouwelijk, and as many solved ones), an open afweging with three
respondents on one in a hundred. SQLite in a temporary file; PostgreSQL in a schema of
its own (``bench_digest``) in the test database.

    python bench/digest.py [sqlite|postgres|all]      (default: all)
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text  # noqa: E402

from bench.register_data import build  # noqa: E402
from bench.report import RUNS, Row, backends_from, row, show  # noqa: E402
from bench.scheduler_data import discard, fresh_database  # noqa: E402
from bot.context import Ctx, system_actor  # noqa: E402
from bot.schedule import Rules  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import (  # noqa: E402
    Afweging,
    AuditRegel,
    Dilemma,
    Opgave,
    Persoon,
    Regio,
    Respondent,
    VragenlijstVersie,
)
from tests.conftest import AMS  # noqa: E402

SIZES = (500, 5_000, 20_000)
MIJLPALEN_PER_OPGAVE = 10
# A Monday, the digest's day, just after it is planned.
NOW = datetime(2026, 11, 30, 9, 5, tzinfo=AMS)
SCHEMA = "bench_digest"
MAX_RATIO = 1.5
# Gathers per run; a run's figure is the fastest (the least disturbed on a shared box).
TRIES = 5


def add_news(db: Database, now: datetime, seed: int = 11) -> dict[str, int]:
    """The week's news on the benchmark opgaven (see the module's docstring)."""
    rng = random.Random(seed)
    counts = {"wijzigingen": 0, "dilemmas": 0, "afwegingen": 0}
    with db.write() as session:
        opgaven = list(session.execute(select(Opgave.id, Opgave.status).where(
            Opgave.code.like("BEN-%")).order_by(Opgave.id)))
        people = list(session.scalars(select(Persoon.id)))
        lijst = session.scalar(select(VragenlijstVersie.id).limit(1))
        if lijst is None:
            lijst = session.scalar(insert(VragenlijstVersie).values(
                sleutel="bench", versie=1, titel="Bench", inhoud={}).returning(
                VragenlijstVersie.id))
        audit: list[dict[str, Any]] = []
        dilemmas: list[dict[str, Any]] = []
        for opgave_id, status in opgaven:
            when = now - timedelta(hours=rng.randint(1, 6 * 24))
            if rng.random() < 1 / 8:
                new = rng.choice(["op koers", "aandacht", "risico", "geblokkeerd"])
                audit.append(_status_change(opgave_id, when, status, new))
                if rng.random() < 1 / 5:  # and back again: no net change
                    audit.append(_status_change(opgave_id, when + timedelta(hours=1), new,
                                                status))
            roll = rng.random()
            if roll < 2 / 25:
                dilemmas.append({
                    "opgave_id": opgave_id, "volgnummer": 1, "tekst": "Benchmarkdilemma",
                    "vertrouwelijk": rng.random() < 1 / 4,
                    "status": "open" if roll < 1 / 25 else "opgelost",
                    "ingediend_op": now - timedelta(days=rng.randint(1, 90))})
            if rng.random() < 1 / 100:
                afweging = session.scalar(insert(Afweging).values(
                    opgave_id=opgave_id, vragenlijst_id=lijst, gestart_op=now - timedelta(days=3),
                    status="open").returning(Afweging.id))
                session.execute(insert(Respondent), [
                    {"afweging_id": afweging, "persoon_id": p,
                     "status": rng.choice(["uitgenodigd", "bezig", "bevestigd"])}
                    for p in rng.sample(people, 3)])
                counts["afwegingen"] += 1
        regio = session.scalar(select(Regio.id).limit(1))
        for entry in audit:
            entry["regio_id"] = regio
        if audit:
            session.execute(insert(AuditRegel), audit)
        if dilemmas:
            session.execute(insert(Dilemma), dilemmas)
        counts["wijzigingen"], counts["dilemmas"] = len(audit), len(dilemmas)
    return counts


def _status_change(opgave_id: int, when: datetime, old: str | None,
                   new: str | None) -> dict[str, Any]:
    return {"op": when, "entiteit": "opgave", "entiteit_id": opgave_id, "opgave_id": opgave_id,
            "veld": "status", "oud": old, "nieuw": new}


def one_digest(db: Database) -> tuple[float, int]:
    """Seconds for one gather and its message, and how many sections it has."""
    from bot.services import digest
    from bot.services import digest_messages as render

    with db.read() as session:
        regio = session.scalars(select(Regio).order_by(Regio.id)).first()
        assert regio is not None
        ctx = Ctx(session=session, regio=regio, actor=system_actor(regio), now=NOW, tz=AMS,
                  platform="console")
        started = time.perf_counter()
        message = render.digest(digest.gather(ctx, NOW.astimezone(AMS).date(), Rules()))
        return time.perf_counter() - started, len(message.sections)


def fastest_ms(db: Database) -> float:
    return min(one_digest(db)[0] for _ in range(TRIES)) * 1000


@contextmanager
def database(backend: str, name: str) -> Iterator[Database]:
    """An empty database: a SQLite file, or a PostgreSQL schema of this benchmark's."""
    db = fresh_database(backend, f"digest-{name}", f"{SCHEMA}_{name}")
    try:
        yield db
    finally:
        discard(db)


def prepare(db: Database, opgaven: int) -> None:
    started = time.perf_counter()
    build(db, NOW, opgaven, opgaven * MIJLPALEN_PER_OPGAVE)
    news = add_news(db, NOW)
    if not db.is_sqlite:
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    seconds, sections = one_digest(db)  # warm: the first gather compiles its statements
    print(f"  {db.engine.dialect.name} {opgaven:,} opgaven: built in "
          f"{time.perf_counter() - started:.0f} s; {news}; {sections} sections "
          f"({seconds * 1000:.0f} ms cold)", flush=True)


def rows_of(backend: str) -> list[Row]:
    with database(backend, "s") as small, database(backend, "m") as medium, \
            database(backend, "l") as large:
        dbs = dict(zip(SIZES, (small, medium, large), strict=True))
        for size, db in dbs.items():
            prepare(db, size)
        figures: dict[int, list[float]] = {size: [] for size in SIZES}
        for _ in range(RUNS):  # each run measures every size: ratios within one run
            for size, db in dbs.items():
                figures[size].append(fastest_ms(db))
    floor = figures[SIZES[0]]
    found = [row(f"digest, {SIZES[0]:,} opgaven ({backend})", "ms", floor)]
    for size in SIZES[1:]:
        found.append(row(f"digest, {size:,} opgaven ({backend})", "ms", figures[size],
                         floors=floor, floor_name=f"{SIZES[0]:,}",
                         max_ratio=MAX_RATIO if size == SIZES[-1] else None))
    return found


def rows(backends: list[str]) -> list[Row]:
    return [r for backend in backends for r in rows_of(backend)]


def main() -> None:
    show(rows(backends_from(sys.argv)))


if __name__ == "__main__":
    main()
