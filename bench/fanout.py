"""A fan-out of 1,000 outbox messages to Slack: 900 DMs to distinct people and 100
posts over 4 busy channels (25 each), sent by one paced dispatcher against the chat
stand-in (tests/slack/chat_stand_in.py) that enforces Slack's rates: 1 post a second per
conversation and 50 a second in all.

The floor: the stand-in admits at most 50 posts in any sliding second, so the k-th
window of 50 posts opens at least k seconds after the first post: the 1,000th post comes
at least (1000 - 50) / 50 = 19 s after the first. A channel admits one post a second, so
its 25th post comes at least 24 s after its first. The floor is the larger: 24 s (the
rough max(1000/50, 25/1) = 25 s counts one interval too many). Prints the wall time and
its ratio to the floor (target <= 1.05x), lost and duplicated delivery keys, the 429s,
and when each conversation's posts went out; three runs per backend, as a table row.

PostgreSQL: a schema ``fanout_coldstart`` of its own in the database ``bench`` (other
benchmarks use ``public``), made afresh for every run.

    python bench/fanout.py [sqlite|postgres|all]      (default: all)
"""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Table, func, insert, select  # noqa: E402

from bench.report import RUNS, Row, backends_from, row, show  # noqa: E402
from bench.scheduler_data import (  # noqa: E402
    discard,
    fresh_database,
    pg_available,
    regio_and_people,
)
from bot.dispatch import Delivery, Dispatcher, DispatchResult, Pacer  # noqa: E402
from bot.messages import Message, Section, Strong, line  # noqa: E402
from bot.platforms.slack.sender import SlackSender, sending_client  # noqa: E402
from config.settings import Settings  # noqa: E402
from storage import outbox  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import OutboxBericht  # noqa: E402
from tests.slack.chat_stand_in import start  # noqa: E402

DMS = 900
CHANNELS = 4
PER_CHANNEL = 25
PER_CONVERSATION = 1.0  # posts a second
TOTAL = 50.0
TEAM = "T1"
GIVE_UP = 300.0  # seconds: something is stuck
TARGET = 1.05
PG_SCHEMA = "bench_fanout"


def floor_seconds(total: int, per_channel: int) -> tuple[float, float]:
    """(precise, rough) lower bounds of the makespan, first post to last."""
    by_total = (total - 1) // int(TOTAL)  # windows after the first
    by_channel = (per_channel - 1) / PER_CONVERSATION
    return max(by_total, by_channel), max(total / TOTAL, per_channel / PER_CONVERSATION)


def enqueue(db: Database, now: datetime) -> list[str]:
    """The 1,000 rows, in the order planning would write them: the channel posts spread
    among the DMs (every tenth row). Returns the delivery keys."""
    people = regio_and_people(db, "slack", TEAM, DMS, extern="U{id:05d}")
    channel_posts = CHANNELS * PER_CHANNEL
    rows: list[dict[str, Any]] = []
    dm, post = 0, 0
    for n in range(DMS + channel_posts):
        if n % ((DMS + channel_posts) // channel_posts) == 9 and post < channel_posts:
            kind, target = "kanaal", f"bench-kanaal-{post % CHANNELS + 1}"
            post += 1
        else:
            kind, target = "persoon", str(people[dm])
            dm += 1
        message = Message(heading=f"Benchmarkbericht {n}", sections=[
            Section(lines=[line("Dit is bericht ", Strong(text=str(n)), " van de fan-out.")])])
        rows.append({"delivery_key": f"bench:fanout:{n}:{kind}:{target}", "regio_id": 1,
                     "platform": "slack", "doel_soort": kind, "doel": target,
                     "bericht": message.model_dump(mode="json"), "status": "pending",
                     "pogingen": 0, "volgende_poging_op": now, "aangemaakt_op": now,
                     "onzeker": False})
    assert dm == DMS and post == channel_posts
    with db.engine.begin() as connection:
        connection.execute(insert(cast(Table, OutboxBericht.__table__)), rows)
    return [r["delivery_key"] for r in rows]


def outstanding(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(OutboxBericht).where(
            OutboxBericht.status.in_(("pending", "sending")))) or 0)


def database(backend: str) -> Database:
    """A fresh, migrated database: SQLite's file, or PostgreSQL's own schema."""
    return fresh_database(backend, "fanout", PG_SCHEMA)


def run_backend(backend: str) -> float:
    """One fan-out; prints what happened and returns its wall time in seconds."""
    precise, rough = floor_seconds(DMS + CHANNELS * PER_CHANNEL, PER_CHANNEL)
    print(f"\n== fan-out on {backend}: {DMS} DMs + {CHANNELS} channels x {PER_CHANNEL} posts; "
          f"stand-in {PER_CONVERSATION:g}/s per conversation, {TOTAL:g}/s in all")
    db = database(backend)
    keys = enqueue(db, datetime.now(UTC))
    stand_in = start(per_channel_per_second=PER_CONVERSATION, total_per_second=TOTAL)
    settings = Settings(database_url=db.url, slack_bot_token="xoxb-test",
                        slack_api_url=stand_in.url)
    sender = SlackSender(sending_client(settings), db)
    posted: dict[str, list[float]] = defaultdict(list)
    started = time.perf_counter()
    deliver = sender.deliver

    def timed_deliver(delivery: Delivery) -> str | None:
        extern_id = deliver(delivery)
        posted[f"{delivery.kind}:{delivery.address}"].append(time.perf_counter() - started)
        return extern_id

    sender.deliver = timed_deliver  # type: ignore[method-assign]
    # What each claim held: (seconds since the start, rows, channel rows).
    claims: list[tuple[float, int, int]] = []
    claim = outbox.claim

    def watched_claim(*args: Any, **kwargs: Any) -> list[OutboxBericht]:
        rows = claim(*args, **kwargs)
        claims.append((time.perf_counter() - started, len(rows),
                       sum(r.doel_soort == "kanaal" for r in rows)))
        return rows

    outbox.claim = watched_claim  # type: ignore[assignment]
    dispatcher = Dispatcher(db, sender, clock=lambda: datetime.now(UTC), worker="bench",
                            pacer=Pacer(PER_CONVERSATION, TOTAL), lease=timedelta(minutes=2))
    total = DispatchResult()
    drains = idle = 0
    try:
        while True:
            result = dispatcher.drain()
            drains += 1
            total.add(result)
            if outstanding(db) == 0:
                break
            if result.sent + result.found == 0:
                idle += 1
                time.sleep(0.05)
            if time.perf_counter() - started > GIVE_UP:
                print(f"  GAVE UP after {GIVE_UP:.0f} s: {outstanding(db)} rows outstanding")
                break
        wall = time.perf_counter() - started
        arrived = stand_in.delivery_keys()
        refused = Counter(stand_in.refused)
    finally:
        stand_in.stop()
        outbox.claim = claim  # type: ignore[assignment]
    with db.read() as session:
        statuses = dict(session.execute(select(OutboxBericht.status, func.count())
                                        .group_by(OutboxBericht.status)).all())
    if db.is_sqlite:
        discard(db)
    else:
        db.dispose()

    lost = len(set(keys) - set(arrived))
    twice = sum(n - 1 for n in arrived.values() if n > 1)
    print(f"  floor: {precise:.0f} s (the 25 posts of one channel, 1 s apart; the 1,000 posts "
          f"at 50/s need >= 19 s; rough max(1000/50, 25/1) = {rough:.0f} s)")
    print(f"  wall {wall:.1f} s   ratio wall/floor {wall / precise:.2f}x (target <= {TARGET}x)")
    print(f"  lost {lost}   twice {twice}   429s {sum(refused.values())} {dict(refused)}")
    print(f"  dispatcher: sent {total.sent}, found {total.found}, failed {total.failed}, "
          f"deferred {total.deferred}; {drains} drain() calls ({idle} idle); outbox {statuses}")
    print("  claims (at s: rows/channel rows): " + ", ".join(
        f"{at:.1f}: {rows}/{channel}" for at, rows, channel in claims if rows))
    dm_times = sorted(t for address, ts in posted.items() if address.startswith("persoon")
                      for t in ts)
    if dm_times:
        print(f"  DMs: first at {dm_times[0]:.1f} s, half at {dm_times[len(dm_times) // 2]:.1f}"
              f" s, last at {dm_times[-1]:.1f} s ({len(dm_times) / dm_times[-1]:.0f}/s)")
    for address in sorted(a for a in posted if a.startswith("kanaal")):
        times = posted[address]
        gaps = [b - a for a, b in pairwise(times)]
        print(f"  {address}: {len(times)} posts, first at {times[0]:.1f} s, second at "
              f"{times[1] if len(times) > 1 else float('nan'):.1f} s, last at {times[-1]:.1f} s"
              f"; longest gap {max(gaps, default=0):.1f} s")


    return wall


def rows(backends: list[str]) -> list[Row]:
    precise, _ = floor_seconds(DMS + CHANNELS * PER_CHANNEL, PER_CHANNEL)
    result: list[Row] = []
    for backend in backends:
        if backend == "postgres" and (why := pg_available()) is not None:
            print(f"\n== fan-out on postgres skipped: {why}")
            continue
        walls = [run_backend(backend) for _ in range(RUNS)]
        result.append(row(f"fan-out of 1,000 messages ({backend})", "s", walls,
                          floors=[precise] * len(walls), floor_name="rate-limit floor",
                          max_ratio=TARGET))
    return result


def main() -> None:
    show(rows(backends_from(sys.argv)))


if __name__ == "__main__":
    main()
