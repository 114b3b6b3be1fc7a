"""Shared by the scheduler benchmarks (planning, fan-out, worker RSS): a fresh database
per backend and a large milestone register loaded in bulk.

SQLite: a fresh file under /tmp. PostgreSQL: the database ``bench`` on the local server
(created when absent; the test suite uses ``test``), a schema of the benchmark's own
(``public`` unless it names one, so benchmarks run side by side do not drop each other's
data) dropped and made again for every dataset. Both are migrated with ``storage.migrate.upgrade``.

The register: one regio reached on the console, a few hundred people with console
accounts, one opgave per ten milestones with its whole driehoek filled in, and
``due`` open milestones exactly seven working days after the planning day (their "7"
reminder is due then). Every other milestone is either closed (in the past) or open but
two to five years ahead: planning must not read them.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Table, create_engine, insert, text  # noqa: E402

from bench.report import backends_from  # noqa: E402
from bot.workdays import Calendar  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Identiteit, Mijlpaal, Opgave, Persoon, Regio, Werkruimte  # noqa: E402

AMS = ZoneInfo("Europe/Amsterdam")
# A Tuesday and a working day, just after the send time (09:00); the weekly digest
# (Monday's, sent on the working day after at the latest) is due too.
PLANNING_NOW = datetime(2027, 3, 9, 9, 5, tzinfo=AMS)
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_BENCH_URL = f"{PG_SERVER}/bench"
SQLITE_DIR = Path("/tmp/regiobot-bench")
PEOPLE = 300
MILESTONES_PER_OPGAVE = 10
LEAD = 7  # working days: the reminder that is due on the planning day
SLUG = "bench"
CHUNK = 50_000


# The PostgreSQL schema of each open benchmark database.
_SCHEMAS: dict[int, str] = {}


def fresh_database(backend: str, name: str, schema: str = "public") -> Database:
    """An empty, migrated database for one dataset (on PostgreSQL in ``schema``)."""
    if backend == "sqlite":
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
        path = SQLITE_DIR / f"{name}.db"
        _unlink_sqlite(path)
        db = Database(f"sqlite:///{path}")
    else:
        _ensure_pg_database("bench")
        db = Database(PG_BENCH_URL, connect_args={"options": f"-csearch_path={schema}"})
        _SCHEMAS[id(db)] = schema
        _empty_pg_schema(db)
    upgrade(db)
    return db


def discard(db: Database) -> None:
    """Done with a dataset: close it and free its disk space."""
    db.dispose()
    if db.is_sqlite:
        database = db.engine.url.database
        if database:
            _unlink_sqlite(Path(database))
    else:
        _empty_pg_schema(db)
        db.dispose()
        _SCHEMAS.pop(id(db), None)


def _unlink_sqlite(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-wal"),
                     path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)


def _empty_pg_schema(db: Database) -> None:
    schema = _SCHEMAS.get(id(db), "public")
    with db.engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))


def _ensure_pg_database(name: str) -> None:
    admin = create_engine(f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                        {"n": name}).scalar()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def load(db: Database, table: Table, columns: Sequence[str],
         rows: Iterable[Sequence[Any]]) -> int:
    """Bulk insert: COPY on PostgreSQL, executemany of Core ``insert()`` on SQLite."""
    count = 0
    if db.is_sqlite:
        with db.engine.begin() as connection:
            for chunk in _chunks(rows, CHUNK):
                connection.execute(insert(table), [dict(zip(columns, row, strict=True))
                                                   for row in chunk])
                count += len(chunk)
        return count
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
            with cursor.copy(statement) as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
                    count += 1
        raw.commit()
    finally:
        raw.close()
    return count


def _chunks(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    chunk: list[Sequence[Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def analyze(db: Database) -> None:
    """Statistics for PostgreSQL's planner after a bulk load (autovacuum would do it
    later). SQLite is left as the bot leaves it: without ANALYZE."""
    if db.is_sqlite:
        return
    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def fix_sequences(db: Database, tables: Iterable[str]) -> None:
    """Rows were loaded with explicit ids: move PostgreSQL's sequences past them."""
    if db.is_sqlite:
        return
    with db.engine.begin() as connection:
        for name in tables:
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {name}))"))


def regio_and_people(db: Database, platform: str, team: str, people: int,
                     extern: str = "{handle}") -> list[int]:
    """Regio 1 with one workspace on ``platform`` and ``people`` roster entries, each
    with an account there; returns their ids."""
    with db.engine.begin() as connection:
        connection.execute(insert(Regio.__table__), [
            {"id": 1, "slug": SLUG, "naam": "Benchmarkregio", "instellingen": {}}])
        connection.execute(insert(Werkruimte.__table__), [
            {"regio_id": 1, "platform": platform, "team_id": team}])
    ids = list(range(1, people + 1))
    handles = {i: f"p{i:05d}" for i in ids}
    load(db, Persoon.__table__,
         ("id", "regio_id", "handle", "naam", "is_programmamanager", "digest_per_dm",
          "actief"),
         ((i, 1, handles[i], f"Persoon {i}", False, False, True) for i in ids))
    load(db, Identiteit.__table__,
         ("id", "persoon_id", "platform", "team_id", "extern_id", "gebruikersnaam"),
         ((i, i, platform, team, extern.format(handle=handles[i], id=i), handles[i])
          for i in ids))
    fix_sequences(db, ("persoon", "identiteit", "regio", "werkruimte"))
    return ids


def build_register(db: Database, total: int, due: int, opgaven: int | None = None,
                   now: datetime = PLANNING_NOW, seed: int = 7) -> dict[str, float]:
    """Load the register (see the module's docstring) into a fresh database: ``opgaven``
    opgaven (default: one per ten milestones, and at least ``due``); returns counts and
    the seconds it took."""
    started = time.perf_counter()
    today = now.astimezone(AMS).date()
    due_day = Calendar().add(today, LEAD)
    people = regio_and_people(db, "console", SLUG, PEOPLE)
    opgaven = max(due, opgaven or total // MILESTONES_PER_OPGAVE)
    per, extra = divmod(total, opgaven)

    def milestones(n: int) -> list[tuple[date, datetime | None]]:
        """Opgave ``n``'s milestones as (datum, afgerond_op), the same every time asked
        (generated twice rather than a million of them held in memory)."""
        rng = random.Random(seed * 1_000_003 + n)
        own: list[tuple[date, datetime | None]] = []
        for k in range(per + (1 if n < extra else 0)):
            if k == 0 and n < due:
                own.append((due_day, None))
            elif rng.random() < 0.5:
                day = today - timedelta(days=rng.randint(1, 5 * 365))
                own.append((day, datetime(day.year, day.month, day.day, 15, tzinfo=UTC)))
            else:
                own.append((today + timedelta(days=rng.randint(2 * 365, 5 * 365)), None))
        return own

    aangemaakt = now - timedelta(days=60)
    status_op = now - timedelta(days=1)  # fresh: no status requests in the way

    def opgave_rows() -> Iterator[tuple[Any, ...]]:
        for n in range(opgaven):
            own = milestones(n)
            first_open = min((d for d, closed in own if closed is None), default=None)
            yield (n + 1, 1, f"B-{n:06d}", f"Benchmarkopgave {n}", "Jeugd", "uitvoering",
                   "op koers", status_op, people[n % len(people)],
                   people[(n + 1) % len(people)], people[(n + 2) % len(people)],
                   100 + n, first_open, aangemaakt, aangemaakt, False, 1)

    def mijlpaal_rows() -> Iterator[tuple[Any, ...]]:
        ident = 0
        for n in range(opgaven):
            for k, (day, closed) in enumerate(milestones(n)):
                ident += 1
                yield (ident, n + 1, k + 1, f"Mijlpaal {k + 1}", day, closed)

    load(db, Opgave.__table__,
         ("id", "regio_id", "code", "titel", "thema", "fase", "status", "status_op",
          "projectleider_id", "ambtelijk_opdrachtgever_id", "bestuurlijk_opdrachtgever_id",
          "agenda_volgorde", "eerste_open_mijlpaal", "aangemaakt_op", "gewijzigd_op",
          "is_account", "versie"), opgave_rows())
    loaded = load(db, Mijlpaal.__table__,
                  ("id", "opgave_id", "volgnummer", "titel", "datum", "afgerond_op"),
                  mijlpaal_rows())
    fix_sequences(db, ("opgave", "mijlpaal"))
    analyze(db)
    return {"mijlpalen": loaded, "opgaven": opgaven, "due": due,
            "seconds": time.perf_counter() - started}


def pg_available() -> str | None:
    """None when the local PostgreSQL answers, else why not."""
    try:
        _ensure_pg_database("bench")
    except Exception as error:  # reported, and that backend skipped
        return f"{error.__class__.__name__}: {str(error).splitlines()[0]}"
    return None


def run_each(argv: Sequence[str], what: str, run: Callable[[str], None]) -> None:
    """Run one benchmark per chosen backend, skipping PostgreSQL when it does not answer,
    and say how long each took (and how busy the machine was)."""
    import os

    for backend in backends_from(argv, default="sqlite"):
        if backend == "postgres" and (why := pg_available()) is not None:
            print(f"\n== {what} on postgres skipped: {why}")
            continue
        started = time.perf_counter()
        run(backend)
        print(f"  ({backend} took {time.perf_counter() - started:.0f} s in all; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
