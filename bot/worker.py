"""The worker process: APScheduler 3 runs two jobs defined in code, one that plans and
one that dispatches.

APScheduler's job stores must never be shared between schedulers, so each worker has
its own in-memory scheduler and the database is the only coordination: unique delivery
keys make planning idempotent, and dispatchers claim outbox rows with a lease (``FOR
UPDATE SKIP LOCKED`` on PostgreSQL). Any number of workers may run; a second one on
SQLite waits for the file's write lock instead of sending twice.

SIGTERM (or Ctrl-C) lets the message in flight finish, gives the rest of the claim
back, and stops.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import TextIO

from bot.dispatch import Dispatcher, DispatchResult, Pacer, Sender
from bot.planner import Planned, plan
from bot.schedule import WEEKDAYS, Rules
from config.settings import Settings
from storage.db import Database

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def rules_of(settings: Settings) -> Rules:
    """The deployment's default schedule; a regio's settings may override it."""
    return Rules(reminder_days=tuple(sorted(set(settings.reminder_days), reverse=True)),
                 status_cadence_weeks=settings.status_cadence_weeks,
                 digest_weekday=WEEKDAYS.index(settings.digest_day),
                 send_time=time.fromisoformat(settings.send_time))


def senders(settings: Settings, db: Database, out: TextIO, clock: Clock) -> list[Sender]:
    """One sender per platform this deployment reaches; the console prints."""
    from bot.platforms.console import ConsoleSender

    found: list[Sender] = [ConsoleSender(lambda text: print(text, file=out, flush=True))]
    if settings.slack_bot_token:
        from bot.platforms import slack

        found.append(slack.sender(settings, db))
    if settings.mattermost_url and settings.mattermost_bot_token:
        from bot.platforms import mattermost

        found.append(mattermost.sender(settings, db, clock))
    return found


class Worker:
    def __init__(self, settings: Settings, db: Database, clock: Clock,
                 out: TextIO, name: str | None = None,
                 paced: bool = True) -> None:
        self.settings = settings
        self.db = db
        self.clock = clock
        self.rules = rules_of(settings)
        self.stop = threading.Event()
        self.name = name or f"worker-{socket.gethostname()}-{os.getpid()}"
        self.dispatchers = [
            Dispatcher(db, sender, clock, worker=self.name,
                       max_attempts=settings.outbox_max_attempts,
                       lease=timedelta(seconds=settings.outbox_lease_seconds),
                       pacer=Pacer(settings.send_per_conversation, settings.send_per_second)
                       if paced and sender.platform != "console" else None,
                       stopping=self.stop.is_set)
            for sender in senders(settings, db, out, clock)]

    def plan(self) -> Planned:
        planned = plan(self.db, self.clock(), self.settings.tz, self.rules)
        log.info("planned: %s", planned)
        return planned

    def dispatch(self) -> DispatchResult:
        total = DispatchResult()
        for dispatcher in self.dispatchers:
            total.add(dispatcher.drain())
        return total

    def run(self) -> None:
        """Serve until SIGTERM or SIGINT."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        # A long dispatch makes the scheduler skip the next runs of that job, which
        # is intended (max_instances=1) and not worth a warning each time.
        logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
        scheduler = BackgroundScheduler(timezone=UTC,
                                        executors={"default": ThreadPoolExecutor(2)})
        now = self.clock()  # the first runs start at once
        common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 30,
                  "replace_existing": True, "next_run_time": now}
        scheduler.add_job(self._guarded(self.plan), "interval", id="plan",
                          seconds=self.settings.plan_every, **common)
        scheduler.add_job(self._guarded(self.dispatch), "interval", id="dispatch",
                          seconds=self.settings.dispatch_every, **common)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stop.set())
        scheduler.start()
        log.info("%s started", self.name)
        while not self.stop.wait(0.5):
            pass
        scheduler.shutdown(wait=True)  # the job in flight finishes its message
        log.info("%s stopped", self.name)

    def _guarded(self, job: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            if self.stop.is_set():
                return
            try:
                job()
            except Exception:  # the next run tries again; nothing is lost meanwhile
                log.exception("job %s failed", getattr(job, "__name__", job))

        return run
