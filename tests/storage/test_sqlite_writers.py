"""Web, worker and console share one SQLite file: concurrent writers must all succeed."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from storage.db import Database
from storage.models import AuditRegel, Base, Regio

WRITES = 40


def _writer(url: str, name: str, start: multiprocessing.synchronize.Event) -> None:
    db = Database(url)
    start.wait()
    for n in range(WRITES):
        with db.write() as session:
            # Read then write in one unit: the pattern that fails under deferred BEGIN.
            regio_id = session.scalar(select(Regio.id))
            count = session.scalar(select(func.count()).select_from(AuditRegel))
            session.add(AuditRegel(
                regio_id=regio_id, op=datetime.now(UTC), entiteit=name, entiteit_id=n,
                veld="teller", oud=str(count), nieuw=str(count + 1)))
    db.dispose()


def test_two_processes_writing_the_same_file_both_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    db = Database(url)
    Base.metadata.create_all(db.engine)
    with db.write() as session:
        session.add(Regio(slug="lekstroom", naam="Lekstroom", instellingen={}))
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=_writer, args=(url, name, start))
               for name in ("web", "worker")]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    with db.read() as session:
        rows = session.scalars(select(AuditRegel)).all()
    assert len(rows) == 2 * WRITES
    # Every unit saw the count the previous one left: writes were serialised, none lost.
    assert sorted(int(r.nieuw or 0) for r in rows) == list(range(1, 2 * WRITES + 1))


def test_the_file_runs_in_wal_mode(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'wal.db'}")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
