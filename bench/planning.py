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

    python bench/planning.py [sqlite|postgres|all]      (default: sqlite)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, select, text  # noqa: E402

from bench.scheduler_data import (  # noqa: E402
    AMS,
    PLANNING_NOW,
    build_register,
    discard,
    fresh_database,
    run_each,
)
from bot.planner import Planned, plan  # noqa: E402
from bot.schedule import Rules  # noqa: E402
from bot.services import afwegingen, digest, reminders  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import OutboxBericht  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)
DUE = 1_000
# (label, opgaven: None for one per ten milestones)
SERIES: tuple[tuple[str, int | None], ...] = (
    ("1 opgave per 10 mijlpalen", None),
    ("1,000 opgaven", 1_000),
)
# The machine may be busy with other work: each pass runs this often (the outbox
# emptied before each pass 1) and the fastest run counts.
REPEATS = 3
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


def fastest(db: Database, probe: Probe, empty_first: bool) -> Pass:
    runs = []
    for _ in range(REPEATS):
        if empty_first:
            probe.current = Pass()  # not part of any pass
            with db.write() as session:
                session.execute(text("DELETE FROM outbox"))
        runs.append(one_pass(db, probe))
        if runs[-1].planned is None:
            return runs[-1]  # failing again would say nothing new
    assert len({new_rows(r.planned) for r in runs if r.planned}) == 1, "runs differ"
    return min(runs, key=lambda r: r.seconds)


def ratio(case: Pass, base: Pass, step: str | None = None) -> str:
    if step is None:
        if case.planned is None or base.planned is None:
            return "  n/a"
        return f"{case.seconds / base.seconds:5.2f}x"
    if base.steps.get(step, 0.0) <= 0 or step not in case.steps:
        return "  n/a"
    return f"{case.steps[step] / base.steps[step]:5.2f}x"


def run_series(backend: str, label: str, opgaven: int | None, probe: Probe) -> None:
    print(f"\n  -- {label}")
    print(f"  {'mijlpalen':>10} {'opgaven':>8} {'load':>7} | {'pass 1':>8} {'new rows':>8} | "
          f"{'pass 2':>8} {'new rows':>8} | outbox")
    results: dict[int, tuple[Pass, Pass]] = {}
    for size in SIZES:
        db = fresh_database(backend, f"planning-{size}")
        built = build_register(db, size, DUE, opgaven)
        probe.watch(db)
        first = fastest(db, probe, empty_first=True)
        second = fastest(db, probe, empty_first=False)
        with db.read() as session:
            stored = session.scalar(select(func.count()).select_from(OutboxBericht))
        discard(db)
        results[size] = (first, second)
        print(f"  {size:>10,} {int(built['opgaven']):>8,} {built['seconds']:>6.1f}s | "
              f"{first.seconds * 1000:>6.0f}ms {first.rows:>8} | "
              f"{second.seconds * 1000:>6.0f}ms {second.rows:>8} | {stored:>6,}")
        if first.planned is not None:
            print(f"  {'':>11}planned: {first.planned}")
        print(f"  {'':>11}pass 1 {first.describe()}")
        print(f"  {'':>11}pass 2 {second.describe()}")
    base_first, base_second = results[SIZES[0]]
    for size in SIZES[1:]:
        first, second = results[size]
        print(f"  ratio {size // 1000:,}k/10k: pass 1 {ratio(first, base_first)}, pass 2 "
              f"{ratio(second, base_second)}; pass 1 steps: milestones "
              f"{ratio(first, base_first, 'milestones')}, digest "
              f"{ratio(first, base_first, 'digest')}")


def run_backend(backend: str, probe: Probe) -> None:
    print(f"\n== planning on {backend}: {DUE:,} milestones due at {PLANNING_NOW.isoformat()} "
          f"(3 recipients each; a digest day); fastest of {REPEATS} runs per pass")
    warm = fresh_database(backend, "planning-warm-up")
    build_register(warm, 1_000, 100)
    plan(warm, PLANNING_NOW, AMS, Rules())
    discard(warm)
    for label, opgaven in SERIES:
        run_series(backend, label, opgaven, probe)


def main() -> None:
    probe = Probe()
    run_each(sys.argv, "planning", lambda backend: run_backend(backend, probe))


if __name__ == "__main__":
    main()
