"""The worker's peak memory over a register of 1,000,000 milestones (target: 150 MB):
one ``regiobot tick`` (a planning pass and a console dispatch of what it planned) in a
subprocess, against a process that only imports the worker module (baseline).

Each command runs under a small runner process (this file with ``--measure``) that
reports ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` (KB on Linux) after the
command ends, so every figure is that one command's peak and nothing else's.

Two registers, as in bench/planning.py: one opgave per ten milestones (100,000 opgaven)
and a fixed 1,000 opgaven; 1,000 milestones due at the planning instant (a digest day).

    python bench/worker_rss.py [sqlite|postgres|all]      (default: sqlite)
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

TOTAL = 1_000_000
DUE = 1_000
TARGET_MB = 150
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


def run_backend(backend: str) -> None:
    from sqlalchemy import func, select

    from bench.scheduler_data import PLANNING_NOW, build_register, discard, fresh_database
    from storage.db import Database
    from storage.models import OutboxBericht

    print(f"\n== worker peak RSS on {backend}: {TOTAL:,} mijlpalen, {DUE:,} due; "
          f"regiobot tick --now {PLANNING_NOW.isoformat()}")
    with tempfile.TemporaryDirectory() as cwd:  # no .env of the project's
        for label, opgaven in SERIES:
            db = fresh_database(backend, "worker-rss")
            built = build_register(db, TOTAL, DUE, opgaven)
            url = db.url
            db.dispose()
            env = clean_env(url)
            baseline = run_measured([sys.executable, "-c", "import bot.worker"], env, cwd)
            tick = run_measured([*regiobot(), "tick", "--now", PLANNING_NOW.isoformat()],
                                env, cwd)
            db = Database(url)
            with db.read() as session:
                sent = session.scalar(select(func.count()).select_from(OutboxBericht).where(
                    OutboxBericht.status == "sent"))
            discard(db)
            verdict = "within" if tick.mb <= TARGET_MB else "OVER"
            print(f"  -- {label} ({int(built['opgaven']):,} opgaven; loaded in "
                  f"{built['seconds']:.0f} s)")
            print(f"  baseline (import bot.worker): {baseline.mb:6.1f} MB")
            print(f"  regiobot tick:                {tick.mb:6.1f} MB  ratio "
                  f"{tick.mb / baseline.mb:.1f}x  {verdict} the {TARGET_MB} MB target; exit "
                  f"{tick.returncode}, {tick.seconds:.1f} s, {sent or 0:,} outbox rows sent")
            if tick.error:
                print(f"  tick failed: {tick.error}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        measure(sys.argv[2:])
        return
    from bench.scheduler_data import run_each

    run_each(sys.argv, "worker peak RSS", run_backend)


if __name__ == "__main__":
    main()
