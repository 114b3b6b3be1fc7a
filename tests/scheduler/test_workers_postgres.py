"""Three ``regiobot worker`` processes share one PostgreSQL outbox of 10,000 due
messages; one of them is killed (SIGKILL: no goodbye, its claim left behind) mid-claim:
a proxy lets its post reach Slack and keeps the answer, so it is certainly holding
claimed rows, one of them posted without its knowing. Every message still reaches the
stand-in Slack exactly once, and the survivors stop cleanly on SIGTERM.

The test waits for conditions, never for a time: it gives up only when nothing moves
for a long while (a stalled run), so a machine under load takes longer but passes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import create_engine, func, make_url, select, text

from storage.db import Database
from storage.migrate import upgrade
from storage.models import OutboxBericht
from tests.scheduler.holding_proxy import HoldingProxy
from tests.scheduler.world import seed_in_bulk, statuses, unfinished
from tests.slack import chat_stand_in
from tests.slack.chat_stand_in import ChatStandIn

pytestmark = pytest.mark.postgres

MESSAGES = 10_000
PEOPLE = 1_000
CHANNELS = ("plo", "jeugd", "wmo", "inkoop", "beschermd-wonen")
LEASE_SECONDS = 3


@pytest.fixture
def workers_database(postgres_url: str) -> Iterator[str]:
    """A database of its own (the workers connect by URL alone), dropped afterwards."""
    name = f"regiobot_workers_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Workers:
    """``regiobot worker`` processes, their output in files (a full pipe would stall them)."""

    def __init__(self, directory: Path, env: dict[str, str]) -> None:
        self.directory = directory
        self.env = env
        self.processes: list[subprocess.Popen[bytes]] = []
        self._files: list[IO[bytes]] = []

    def start(self, count: int, **env: str) -> None:
        """``count`` workers more; ``env`` overrides settings for these ones."""
        for n in range(len(self.processes), len(self.processes) + count):
            out = (self.directory / f"worker-{n}.out").open("wb")
            err = (self.directory / f"worker-{n}.err").open("wb")
            self._files += [out, err]
            self.processes.append(subprocess.Popen(
                [sys.executable, "-m", "bot", "worker"], cwd=self.directory,
                env={**self.env, **env},
                stdout=out, stderr=err))

    def stderr(self, n: int) -> str:
        return (self.directory / f"worker-{n}.err").read_text(errors="replace")

    def report(self) -> str:
        """Every worker's exit code and the end of its stderr, for a failure message."""
        parts = []
        for n, process in enumerate(self.processes):
            parts.append(f"--- worker {n} (pid {process.pid}, exit {process.poll()}):\n"
                         + self.stderr(n)[-3000:])
        return "\n".join(parts)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)
        for file in self._files:
            file.close()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], Workers]]:
    made: list[Workers] = []

    def make(settings: dict[str, str]) -> Workers:
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGIOBOT_")}
        made.append(Workers(tmp_path, {**env, **settings}))
        return made[-1]

    yield make
    for group in made:
        group.stop_all()


# A run that shows no progress for this long has stalled; a slow one keeps moving.
STALL_SECONDS = 120
# The safety net for a run that moves but never ends (a worker re-sending in a loop).
GIVE_UP_SECONDS = 1800


def wait_while_moving(condition: Callable[[], bool], progress: Callable[[], object],
                      slack: ChatStandIn) -> bool:
    """Wait until ``condition()`` holds. Fail only when ``progress()`` has not changed
    for STALL_SECONDS (or after GIVE_UP_SECONDS in all): how long a run takes depends on
    the machine's load, whether it moves does not. Each round waits for the next post to
    arrive (or half a second), so no time is slept away blindly."""
    started = last_move = time.monotonic()
    seen = progress()
    while not condition():
        now = time.monotonic()
        if now - last_move > STALL_SECONDS or now - started > GIVE_UP_SECONDS:
            return False
        slack.wait_for_posted(len(slack.posted()) + 1, timeout=0.5)
        moved = progress()
        if moved != seen:
            seen, last_move = moved, time.monotonic()
    return True


def test_three_workers_one_killed_mid_run_deliver_every_message_exactly_once(
        workers_database: str, workers: Callable[[dict[str, str]], Workers]) -> None:
    db = Database(workers_database)
    slack: ChatStandIn | None = None
    proxy: HoldingProxy | None = None
    try:
        upgrade(db)
        seeded = seed_in_bulk(db, PEOPLE, MESSAGES, CHANNELS, datetime.now(UTC))
        slack = chat_stand_in.start()
        three = workers({
            "REGIOBOT_DATABASE_URL": workers_database,
            "REGIOBOT_SLACK_BOT_TOKEN": "xoxb-test",
            "REGIOBOT_SLACK_SIGNING_SECRET": "x",
            "REGIOBOT_SLACK_API_URL": slack.url,
            "REGIOBOT_OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
            "REGIOBOT_SEND_TIMEOUT_SECONDS": "1",
            "REGIOBOT_DISPATCH_EVERY": "0.2",
            "REGIOBOT_PLAN_EVERY": "3600",
            "REGIOBOT_SEND_PER_CONVERSATION": "1000",
            "REGIOBOT_SEND_PER_SECOND": "100000",
        })
        started = time.monotonic()
        # The victim goes through the proxy, which catches it mid-claim once a quarter of
        # the messages arrived; its send waits up to a minute (the most a setting allows),
        # far longer than the test takes to notice and kill it.
        proxy = HoldingProxy(slack.url, ready=lambda: len(slack.posted()) >= MESSAGES // 4)
        three.start(1, REGIOBOT_SLACK_API_URL=proxy.url, REGIOBOT_SEND_TIMEOUT_SECONDS="60")
        three.start(2)

        def progress() -> tuple[int, int]:
            return len(slack.posted()), unfinished(db)

        assert wait_while_moving(lambda: proxy.held.is_set(), progress, slack), \
            f"the victim was never caught mid-claim; outbox {statuses(db)}\n" + three.report()
        victim = three.processes[0]
        with db.read() as session:
            left_claimed = session.scalar(select(func.count()).where(
                OutboxBericht.status == "sending",
                OutboxBericht.geclaimd_door.endswith(f"-{victim.pid}")))
        victim.send_signal(signal.SIGKILL)
        assert victim.wait(timeout=60) == -signal.SIGKILL
        killed_at = len(slack.posted())
        assert proxy.held_key is not None and slack.delivery_keys()[proxy.held_key] == 1

        expected = set(seeded.keys)

        def done() -> bool:
            return expected <= set(slack.delivery_keys()) and unfinished(db) == 0

        finished = wait_while_moving(done, progress, slack)
        elapsed = time.monotonic() - started
        arrived = slack.delivery_keys()
        twice = sorted(key for key, count in arrived.items() if count > 1)
        assert finished, (f"{len(expected & set(arrived))} of {MESSAGES} arrived, "
                          f"outbox {statuses(db)}\n" + three.report())
        assert twice == [], f"posted more than once: {twice[:10]}\n" + three.report()
        # What the workers planned themselves on starting (a digest, say) went out too.
        with db.read() as session:
            in_outbox = set(session.scalars(select(OutboxBericht.delivery_key)))
        assert expected <= in_outbox
        assert set(arrived) == in_outbox
        assert statuses(db) == {"sent": len(in_outbox)}
        # What the killed worker held was looked up before it was sent again: at least
        # the post it never heard back about, which is not posted a second time.
        lookups = slack.calls("conversations.history")
        assert lookups >= max(left_claimed, 1)
        assert arrived[proxy.held_key] == 1
        assert all(process.poll() is None for process in three.processes[1:]), three.report()

        for process in three.processes[1:]:
            process.send_signal(signal.SIGTERM)
        for process in three.processes[1:]:
            assert process.wait(timeout=15) == 0, three.report()
        for n in range(3):
            assert "Traceback" not in three.stderr(n), three.report()
        print(f"\n{MESSAGES} messages by 3 workers (one killed after {killed_at} had arrived,"
              f" holding {left_claimed} claimed rows) in {elapsed:.1f}s;"
              f" lookups {lookups}")
    finally:
        if proxy is not None:
            proxy.stop()
        if slack is not None:
            slack.stop()
        db.dispose()
