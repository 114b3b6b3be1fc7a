"""One planning pass (``bot.planner.plan``) over registers of 10k, 100k and 1M
milestones, of which the same 1,000 are due on the planning day: the time must stay flat
in the total (open milestones near today come from the partial index
``ix_mijlpaal_open_datum``; closed and far-off ones must not be read).

Two series per backend: one opgave per ten milestones (the register grows in opgaven
too), and a fixed 1,000 opgaven (only the milestones grow). The planning instant is a
Tuesday 09:05, so the weekly digest is planned as well.

Per size: a fresh database, loaded in bulk (see bench/scheduler_data.py); a throw-away
pass over a tiny register first warms imports and the holiday calendar. Pass 1 writes the
outbox rows, pass 2 (same instant) must write none. Prints both times, the new rows of
each, where the time went (per planning step; SQL time and its slowest statement), and
the ratios to the 10k case. A pass that fails is reported and the run goes on.

Each dataset is measured in RUNS runs (bench/report.py): per run the outbox and the
planning watermark are emptied, pass 1 and pass 2 are timed, and the floor is a bulk
insert (one executemany) of the rows pass 1 wrote into the emptied outbox. The rows of
the table: pass 1 per size against that floor (target ≤ 100 ms), pass 2 (≤ 50 ms), and
pass 1 at the largest size against the smallest (≤ 1.2×). 100k is left out by default
(it costs minutes and says nothing 10k and 1M do not); ``--sizes`` takes it back.

    python bench/planning.py [sqlite|postgres|all] [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert, select, text  # noqa: E402

from bench.report import BACKENDS, RUNS, Row, row, show  # noqa: E402
from bench.scheduler_data import (  # noqa: E402
    AMS,
    PLANNING_NOW,
    build_register,
    discard,
    fresh_database,
    pg_available,
)
from bot.planner import Planned, plan  # noqa: E402
from bot.schedule import Rules  # noqa: E402
from bot.services import afwegingen, digest, reminders  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import OutboxBericht  # noqa: E402

SIZES = (10_000, 1_000_000)
PG_SCHEMA = "bench_planning"
PASS_1_MS = 100
PASS_2_MS = 50
MAX_GROWTH = 1.2
DUE = 1_000
# (label, opgaven: None for one per ten milestones)
SERIES: tuple[tuple[str, int | None], ...] = (
    ("1 opgave per 10 mijlpalen", None),
    ("1,000 opgaven", 1_000),
)
# The steps of bot.planner.plan_regio, timed by wrapping them where the planner finds
# them (module attributes, looked up at each call).
STEPS: dict[str, tuple[Any, str]] = {
    "expire": (afwegingen, "expire"),
    "milestones": (reminders, "plan_milestones"),
    "status": (reminders, "plan_status_requests"),
    "welcome": (reminders, "plan_welcome_back"),
    "nudges": (afwegingen, "send_nudges"),
    "digest": (digest, "plan"),
}


@dataclass
class Pass:
    seconds: float = 0.0
    planned: Planned | None = None  # None: the pass failed (and was rolled back)
    steps: dict[str, float] = field(default_factory=dict)
    sql: float = 0.0
    sql_by_step: dict[str, float] = field(default_factory=dict)
    slowest: tuple[float, str] = (0.0, "")
    error: str = ""
    failed_in: str = ""

    @property
    def rows(self) -> str:
        return "failed" if self.planned is None else f"{new_rows(self.planned):,}"

    def describe(self) -> str:
        steps = ", ".join(f"{name} {seconds * 1000:.0f} (SQL "
                          f"{self.sql_by_step.get(name, 0.0) * 1000:.0f})"
                          for name, seconds in self.steps.items() if seconds >= 0.0005)
        told = (f"ms by step: {steps}; all SQL {self.sql * 1000:.0f} ms, slowest "
                f"{self.slowest[0] * 1000:.0f} ms: {short(self.slowest[1])}")
        if self.error:
            told += f"\n{'':>13}FAILED in step {self.failed_in or '?'}: {self.error}"
        return told


class Probe:
    """Times the planning steps and the SQL of one pass."""

    def __init__(self) -> None:
        self.current = Pass()
        self.active: list[str] = []
        for name, (module, attribute) in STEPS.items():
            setattr(module, attribute, self._timed(name, getattr(module, attribute)))

    def _timed(self, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            self.active.append(name)
            try:
                return original(*args, **kwargs)
            except Exception:
                self.current.failed_in = self.current.failed_in or name
                raise
            finally:
                self.active.pop()
                steps = self.current.steps
                steps[name] = steps.get(name, 0.0) + time.perf_counter() - started
        return run

    def watch(self, db: Database) -> None:
        event.listen(db.engine, "before_cursor_execute", self._before)
        event.listen(db.engine, "after_cursor_execute", self._after)
        event.listen(db.engine, "handle_error", self._error)

    def _before(self, connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        connection.info["bench.started"] = (time.perf_counter(), statement)

    def _after(self, connection: Any, *_: Any) -> None:
        started, statement = connection.info.pop("bench.started")
        took = time.perf_counter() - started
        self.current.sql += took
        step = self.active[-1] if self.active else "other"
        self.current.sql_by_step[step] = self.current.sql_by_step.get(step, 0.0) + took
        if took > self.current.slowest[0]:
            self.current.slowest = (took, " ".join(statement.split()))

    def _error(self, context: Any) -> None:
        if context.connection is not None:
            context.connection.info.pop("bench.started", None)


def short(statement: str) -> str:
    """Enough of a statement to recognise it."""
    head, _, rest = statement.partition(" FROM ")
    head = head[:40] + ("…" if len(head) > 40 else "")
    return head + (" FROM " + rest[:100] + "…" if rest else "")


def new_rows(planned: Planned) -> int:
    """Outbox rows written (afwegingen_verlopen counts closed afwegingen, not rows)."""
    return (planned.herinneringen + planned.statusvragen + planned.terug + planned.digests
            + planned.afweging_herinneringen)


def one_pass(db: Database, probe: Probe) -> Pass:
    probe.current = result = Pass()
    started = time.perf_counter()
    try:
        result.planned = plan(db, PLANNING_NOW, AMS, Rules())
    except Exception as error:  # reported; a failed pass writes nothing
        cause = getattr(error, "orig", None) or error
        result.error = f"{cause.__class__.__name__}: {str(cause).splitlines()[0][:160]}"
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class Measured:
    """One dataset's runs: pass 1, pass 2 and the floor (a bulk insert of pass 1's rows
    into an emptied outbox), in seconds, one of each per run."""

    first: list[Pass] = field(default_factory=list)
    second: list[Pass] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)


def forget_planning(db: Database) -> None:
    """Empty the outbox and the planning watermark, so the next pass plans in full (a
    delete with raw SQL is not counted as a change, which is why the watermark goes too)."""
    with db.write() as session:
        session.execute(text("DELETE FROM outbox"))
        session.execute(text("DELETE FROM planning_stand"))


def bulk_insert_floor(db: Database) -> float:
    """The same outbox rows as pass 1 wrote, inserted again in one executemany into the
    emptied outbox: what writing them costs at the least."""
    table = OutboxBericht.__table__
    with db.read() as session:
        rows = [{k: v for k, v in r.items() if k != "id"}
                for r in session.execute(select(table)).mappings()]
    forget_planning(db)
    started = time.perf_counter()
    with db.engine.begin() as connection:
        connection.execute(insert(OutboxBericht), rows)
    return time.perf_counter() - started


def measure(db: Database, probe: Probe) -> Measured:
    measured = Measured()
    for _ in range(RUNS):
        forget_planning(db)
        probe.current = Pass()  # the clean-up is part of no pass
        measured.first.append(one_pass(db, probe))
        measured.second.append(one_pass(db, probe))
        probe.current = Pass()  # nor is the floor
        if measured.first[-1].planned is None or measured.second[-1].planned is None:
            break  # failing again would say nothing new
        measured.floor.append(bulk_insert_floor(db))
    counts = {new_rows(r.planned) for r in measured.first if r.planned}
    assert len(counts) <= 1, "runs differ"
    return measured


def run_series(backend: str, label: str, opgaven: int | None, sizes: Sequence[int],
               probe: Probe) -> list[Row]:
    print(f"\n  -- {label}")
    print(f"  {'mijlpalen':>10} {'opgaven':>8} {'load':>7} | {'pass 1':>8} {'new rows':>8} | "
          f"{'pass 2':>8} {'new rows':>8} | {'floor':>7}")
    results: dict[int, Measured] = {}
    for size in sizes:
        db = fresh_database(backend, f"planning-{size}", schema=PG_SCHEMA)
        built = build_register(db, size, DUE, opgaven)
        probe.watch(db)
        results[size] = found = measure(db, probe)
        discard(db)
        first, second = min(found.first, key=lambda r: r.seconds), found.second[-1]
        floor = min(found.floor, default=0.0)
        print(f"  {size:>10,} {int(built['opgaven']):>8,} {built['seconds']:>6.1f}s | "
              f"{first.seconds * 1000:>6.0f}ms {first.rows:>8} | "
              f"{second.seconds * 1000:>6.0f}ms {second.rows:>8} | {floor * 1000:>5.0f}ms")
        if first.planned is not None:
            print(f"  {'':>11}planned: {first.planned}")
        print(f"  {'':>11}pass 1 {first.describe()}")
        print(f"  {'':>11}pass 2 {second.describe()}")
    return series_rows(backend, label, results)


def _ms(passes: Sequence[Pass]) -> list[float]:
    return [p.seconds * 1000 for p in passes]


def series_rows(backend: str, label: str, results: dict[int, Measured]) -> list[Row]:
    rows: list[Row] = []
    complete = {size: m for size, m in results.items() if len(m.floor) == RUNS}
    for size, found in results.items():
        name = f"planning {backend}, {label}, {size // 1000:,}k mijlpalen"
        if size not in complete:
            print(f"  {name}: FAILED, no row")
            continue
        rows.append(row(f"{name}: pass 1", "ms", _ms(found.first),
                        floors=[f * 1000 for f in found.floor],
                        floor_name="bulk insert of its rows", max_value=PASS_1_MS))
        rows.append(row(f"{name}: pass 2", "ms", _ms(found.second), max_value=PASS_2_MS))
    smallest = min(complete, default=None)
    for size in sorted(complete):
        if smallest is None or size == smallest:
            continue
        rows.append(row(f"planning {backend}, {label}: pass 1 {size // 1000:,}k / "
                        f"{smallest // 1000:,}k", "ms", _ms(complete[size].first),
                        floors=_ms(complete[smallest].first),
                        floor_name=f"pass 1 at {smallest // 1000:,}k", max_ratio=MAX_GROWTH))
    return rows


def rows(backends: list[str], sizes: Sequence[int] = SIZES) -> list[Row]:
    probe = Probe()
    found: list[Row] = []
    for backend in backends:
        if backend == "postgres" and (why := pg_available()) is not None:
            print(f"\n== planning on postgres skipped: {why}")
            continue
        print(f"\n== planning on {backend}: {DUE:,} milestones due at "
              f"{PLANNING_NOW.isoformat()} (a digest day); {RUNS} runs per dataset")
        warm = fresh_database(backend, "planning-warm-up", schema=PG_SCHEMA)
        build_register(warm, 1_000, 100)
        plan(warm, PLANNING_NOW, AMS, Rules())
        discard(warm)
        for label, opgaven in SERIES:
            found += run_series(backend, label, opgaven, sizes, probe)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("backend", nargs="?", default="all", choices=(*BACKENDS, "all"))
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES),
                        help="milestone counts, comma-separated (also 100000)")
    args = parser.parse_args()
    chosen = list(BACKENDS) if args.backend == "all" else [args.backend]
    show(rows(chosen, [int(n) for n in args.sizes.split(",")]))


if __name__ == "__main__":
    main()
