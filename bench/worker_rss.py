"""The worker's peak memory over a register of 1,000,000 milestones (target: 150 MB):
one ``regiobot tick`` (a planning pass and a console dispatch of what it planned) in a
subprocess, against a process that only imports the worker module (baseline).

Each command runs under a small runner process (this file with ``--measure``) that
reports ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` (KB on Linux) after the
command ends, so every figure is that one command's peak and nothing else's.

Two registers, as in bench/planning.py: one opgave per ten milestones (100,000 opgaven)
and a fixed 1,000 opgaven; 1,000 milestones due at the planning instant (a digest day).
Each is measured in three runs (the outbox emptied before each), and reported as a
report.Row: the tick's peak against the import baseline of the same run, target 150 MB.
PostgreSQL: the schema ``bench_worker_rss`` of the ``bench`` database.

    python bench/worker_rss.py [sqlite|postgres|all]      (default: all)
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, func, select  # noqa: E402

from bench.report import RUNS, Row, backends_from, row, show  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import OutboxBericht  # noqa: E402

TOTAL = 1_000_000
DUE = 1_000
TARGET_MB = 150
SCHEMA = "bench_worker_rss"
SERIES: tuple[tuple[str, int | None], ...] = (
    ("1 opgave per 10 mijlpalen", None),
    ("1,000 opgaven", 1_000),
)


def measure(command: list[str]) -> None:
    """Runner: run ``command`` (stdout to /dev/null) and print its peak RSS as JSON."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=errors, check=False)
        errors.seek(0)
        lines = errors.read().decode(errors="replace").strip().splitlines()
    # The exception's own line (SQLAlchemy adds the statement and a link after it).
    raised = [line for line in lines if re.match(r"[\w.]+(Error|Exception)\b", line)]
    print(json.dumps({"maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                      "returncode": done.returncode, "seconds": time.perf_counter() - started,
                      "error": (raised or lines or [""])[-1][:240] if done.returncode else ""}))


@dataclass
class Measured:
    maxrss_kb: int
    returncode: int
    seconds: float
    error: str

    @property
    def mb(self) -> float:
        return self.maxrss_kb / 1024


def run_measured(command: list[str], env: dict[str, str], cwd: str) -> Measured:
    runner = [sys.executable, str(Path(__file__).resolve()), "--measure", *command]
    done = subprocess.run(runner, env=env, cwd=cwd, capture_output=True, text=True, check=True)
    return Measured(**json.loads(done.stdout))


def regiobot() -> list[str]:
    script = Path(sys.executable).with_name("regiobot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def clean_env(database_url: str) -> dict[str, str]:
    """The environment without any REGIOBOT_* of the caller's (no Slack token: the tick
    dispatches to the console only)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGIOBOT_")}
    env["REGIOBOT_DATABASE_URL"] = database_url
    return env


def _database(backend: str) -> Database:
    """The dataset's database: a fresh SQLite file, or on PostgreSQL this benchmark's own
    schema in the ``bench`` database (other benchmarks empty ``public`` there)."""
    from bench.scheduler_data import fresh_database

    return fresh_database(backend, "worker-rss", SCHEMA)


def _url(db: Database) -> str:
    """The URL a subprocess reaches the dataset with (the schema in it, on PostgreSQL)."""
    if db.is_sqlite:
        return db.url
    return f"{db.url}?options=-csearch_path%3D{SCHEMA}"


def rows_of(backend: str) -> list[Row]:
    from bench.scheduler_data import PLANNING_NOW, build_register, discard

    found: list[Row] = []
    with tempfile.TemporaryDirectory() as cwd:  # no .env of the project's
        for label, opgaven in SERIES:
            db = _database(backend)
            built = build_register(db, TOTAL, DUE, opgaven)
            env = clean_env(_url(db))
            baselines: list[float] = []
            ticks: list[float] = []
            for _ in range(RUNS):
                # Every run plans the same day from scratch: what an earlier run planned
                # is taken out again (planning asks the outbox what it did already).
                with db.write() as session:
                    session.execute(delete(OutboxBericht))
                baseline = run_measured([sys.executable, "-c", "import bot.worker"], env, cwd)
                tick = run_measured([*regiobot(), "tick", "--now", PLANNING_NOW.isoformat()],
                                    env, cwd)
                with db.read() as session:
                    sent = session.scalar(select(func.count()).select_from(OutboxBericht)
                                          .where(OutboxBericht.status == "sent"))
                print(f"  {backend}, {label} ({int(built['opgaven']):,} opgaven, loaded in "
                      f"{built['seconds']:.0f} s): import {baseline.mb:.1f} MB, tick "
                      f"{tick.mb:.1f} MB, exit {tick.returncode}, {tick.seconds:.1f} s, "
                      f"{sent or 0:,} sent" + (f"; failed: {tick.error}" if tick.error else ""),
                      flush=True)
                if tick.returncode:
                    raise SystemExit(f"regiobot tick failed on {backend}: {tick.error}")
                baselines.append(baseline.mb)
                ticks.append(tick.mb)
            discard(db)
            found.append(row(f"worker RSS, {TOTAL:,} mijlpalen, {label} ({backend})", "MB",
                             ticks, floors=baselines, floor_name="import bot.worker",
                             max_value=TARGET_MB))
    return found


def rows(backends: list[str]) -> list[Row]:
    return [r for backend in backends for r in rows_of(backend)]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        measure(sys.argv[2:])
        return
    show(rows(backends_from(sys.argv)))


if __name__ == "__main__":
    main()
