"""The dispatcher keeps the platform's pace: one post a second per conversation, a
total per second, and a 429's Retry-After — on a fake clock, so no test waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

from sqlalchemy import select

from bot.dispatch import Delivery, Dispatcher, MaybeDelivered, Pacer, RateLimited
from bot.messages import Message
from storage import outbox
from storage.db import Database
from storage.models import Base, OutboxBericht, Regio

T0 = datetime(2026, 12, 1, 8, 5, tzinfo=UTC)


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class Platform:
    """Records (time, channel, key); refuses or times out as told."""

    platform = "console"

    def __init__(self, time: FakeTime) -> None:
        self.time = time
        self.posted: list[tuple[float, str, str]] = []
        self.refuse: dict[str, float] = {}
        self.time_out_after_posting: set[str] = set()

    def deliver(self, delivery: Delivery) -> str:
        if delivery.delivery_key in self.refuse:
            raise RateLimited(self.refuse.pop(delivery.delivery_key))
        self.posted.append((self.time.now, delivery.address, delivery.delivery_key))
        if delivery.delivery_key in self.time_out_after_posting:
            self.time_out_after_posting.discard(delivery.delivery_key)
            raise MaybeDelivered("read timed out")
        return f"ts-{len(self.posted)}"

    def find(self, delivery: Delivery) -> str | None:
        return next((f"ts-{i + 1}" for i, (_, _, key) in enumerate(self.posted)
                     if key == delivery.delivery_key), None)


def database(tmp_path: Path, messages: list[tuple[str, str]]) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'dispatch.db'}")
    Base.metadata.create_all(db.engine)
    with db.write() as s:
        s.add(Regio(slug="r", naam="R", instellingen={}))
        s.flush()
        for key, channel in messages:
            outbox.enqueue(s, delivery_key=key, regio_id=1, platform="console",
                           doel_soort="kanaal", doel=channel,
                           bericht=Message(heading=key).model_dump(mode="json"),
                           aangemaakt_op=T0)
    return db


def dispatcher(db: Database, platform: Platform, time: FakeTime) -> Dispatcher:
    return Dispatcher(db, platform, lambda: T0, "w", pacer=Pacer(1, 50, clock=time.clock),
                      sleep=time.sleep)


def test_one_busy_channel_gets_one_post_a_second_while_others_go_at_once(
        tmp_path: Path) -> None:
    time = FakeTime()
    db = database(tmp_path, [(f"c{n}", "plo") for n in range(3)] +
                  [(f"d{n}", f"dm{n}") for n in range(5)])
    platform = Platform(time)
    dispatcher(db, platform, time).drain()
    plo = [at for at, channel, _ in platform.posted if channel == "plo"]
    others = [at for at, channel, _ in platform.posted if channel != "plo"]
    assert plo == [0.0, 1.0, 2.0] and others == [0.0] * 5


def test_at_most_the_total_a_second(tmp_path: Path) -> None:
    time = FakeTime()
    db = database(tmp_path, [(f"d{n}", f"dm{n}") for n in range(120)])
    platform = Platform(time)
    dispatcher(db, platform, time).drain()
    seconds = [int(at) for at, _, _ in platform.posted]
    assert [seconds.count(s) for s in range(3)] == [50, 50, 20]


class SlowPlatform(Platform):
    """Each post takes 30 ms: a second's worth of posts (50) takes 1.5 s to send."""

    def deliver(self, delivery: Delivery) -> str:
        self.time.now += 0.03
        return super().deliver(delivery)


def test_a_busy_channel_keeps_its_second_when_sending_falls_behind(tmp_path: Path) -> None:
    time = FakeTime()
    db = database(tmp_path, [(f"c{n}", "plo") for n in range(5)] +
                  [(f"d{n}", f"dm{n}") for n in range(150)])
    platform = SlowPlatform(time)
    dispatcher(db, platform, time).drain()
    plo = [at for at, channel, _ in platform.posted if channel == "plo"]
    assert [key for _, _, key in platform.posted if key.startswith("c")] == [
        f"c{n}" for n in range(5)]
    assert all(0.99 < b - a < 1.1 for a, b in pairwise(plo))
    assert sorted(key for _, _, key in platform.posted) == sorted(
        [f"c{n}" for n in range(5)] + [f"d{n}" for n in range(150)])


def test_a_429_is_obeyed_for_its_conversation_and_does_not_count_as_an_attempt(
        tmp_path: Path) -> None:
    time = FakeTime()
    db = database(tmp_path, [("c0", "plo"), ("c1", "plo"), ("d0", "dm0")])
    platform = Platform(time)
    platform.refuse["c0"] = 3.0
    dispatcher(db, platform, time).drain()
    assert [(at, key) for at, _, key in platform.posted] == [
        (0.0, "d0"), (3.0, "c0"), (4.0, "c1")]
    with db.read() as s:
        assert set(s.scalars(select(OutboxBericht.pogingen))) == {1}


def test_a_long_retry_after_gives_the_row_back_for_later(tmp_path: Path) -> None:
    time = FakeTime()
    db = database(tmp_path, [("c0", "plo")])
    platform = Platform(time)
    platform.refuse["c0"] = 60.0
    result = dispatcher(db, platform, time).drain()
    assert result.deferred == 1 and platform.posted == []
    with db.read() as s:
        row = s.scalars(select(OutboxBericht)).one()
    assert (row.status, row.pogingen) == ("pending", 0)
    assert row.volgende_poging_op == T0 + timedelta(seconds=60)


def test_a_timeout_after_posting_is_found_and_not_posted_again(tmp_path: Path) -> None:
    time = FakeTime()
    db = database(tmp_path, [("c0", "plo")])
    platform = Platform(time)
    platform.time_out_after_posting.add("c0")
    first = dispatcher(db, platform, time).drain()
    assert first.failed == 1
    later = Dispatcher(db, platform, lambda: T0 + timedelta(hours=1), "w").drain()
    assert later.found == 1 and [key for _, _, key in platform.posted] == ["c0"]
    with db.read() as s:
        assert s.scalars(select(OutboxBericht.status)).one() == "sent"
