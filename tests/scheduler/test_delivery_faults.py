"""Delivering the outbox to a Slack that misbehaves: calls fail, time out after the
message landed, say "too many", or nobody answers at all; workers restart and die with
rows claimed. Every message still arrives, and arrives once.

The Slack here is the chat stand-in on a local port (``tests/slack/chat_stand_in.py``),
reached through the same client and sender the worker uses. The dispatcher's clock is
the test's: after a failure the test moves it past the backoff instead of waiting."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from bot.cli import main
from bot.dispatch import Delivery, Dispatcher, DispatchResult, Pacer
from bot.messages import Message
from bot.platforms.slack.sender import SlackSender, sending_client
from config.settings import Settings
from storage import outbox
from storage.db import Database
from storage.migrate import upgrade
from tests.scheduler.world import (
    T0,
    TEAM,
    Clock,
    PacerTime,
    Seeded,
    reminder,
    rows_by_key,
    seed,
    statuses,
    unfinished,
)
from tests.slack import chat_stand_in
from tests.slack.chat_stand_in import ChatStandIn

CHANNELS = ("plo", "jeugd", "wmo")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind, as a URL a restarted worker (or the command line)
    can open again: on PostgreSQL a fresh schema, named in the URL, dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'regiobot.db'}"
        return
    postgres_url = request.getfixturevalue("postgres_url")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(postgres_url).update_query_dict(
            {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def stand_ins() -> Iterator[list[ChatStandIn]]:
    """Stand-ins a test starts; all stopped at its end."""
    started: list[ChatStandIn] = []
    yield started
    for stand_in in started:
        stand_in.stop()


def slack_at(url: str, db: Database, timeout: float = 5.0) -> SlackSender:
    """The worker's Slack sender, talking to ``url``."""
    settings = Settings(slack_bot_token="xoxb-test", slack_api_url=url,
                        send_timeout_seconds=timeout, database_url=db.url)
    return SlackSender(sending_client(settings), db)


def unreachable_url() -> str:
    """Where a Slack answered a moment ago and nothing listens now."""
    gone = chat_stand_in.start()
    gone.stop()
    return gone.url


def drain_until_done(dispatcher: Dispatcher, clock: Clock, db: Database,
                     rounds: int = 40) -> DispatchResult:
    """Dispatch, then let an hour pass so every backoff runs out; until nothing waits."""
    total = DispatchResult()
    for _ in range(rounds):
        total.add(dispatcher.drain())
        if unfinished(db) == 0:
            return total
        clock.advance(hours=1)
    pytest.fail(f"still undelivered after {rounds} rounds: {statuses(db)}; {total}")


def assert_each_delivered_once(stand_in: ChatStandIn, db: Database, seeded: Seeded) -> None:
    arrived = stand_in.delivery_keys()
    twice = sorted(key for key, count in arrived.items() if count > 1)
    assert twice == [], f"posted more than once: {twice[:10]}"
    assert set(arrived) == set(seeded.keys)
    rows = rows_by_key(db)
    assert {row.status for row in rows.values()} == {"sent"}
    # The id the outbox keeps for each is that of the one message that arrived.
    # (a bundle's post is that of every row it carries)
    ts_of = {key: p.ts for p in stand_in.posted() for key in (
        (p.metadata or {})["event_payload"].get("bundle")
        or [(p.metadata or {})["event_payload"]["delivery_key"]])}
    assert {key: row.extern_id for key, row in rows.items()} == ts_of


def test_with_30_percent_of_calls_failing_every_message_arrives_exactly_once(
        db: Database, stand_ins: list[ChatStandIn]) -> None:
    seeded = seed(db, people=50, messages=200, channels=CHANNELS)
    slack = chat_stand_in.start(fault_rate=0.3, hang_seconds=0.4, seed=7)
    stand_ins.append(slack)
    clock = Clock()
    pacer_time = PacerTime()
    dispatcher = Dispatcher(db, slack_at(slack.url, db, timeout=0.2), clock, worker="worker-1",
                            max_attempts=50,
                            pacer=Pacer(per_address=100, total=1000, clock=pacer_time.monotonic),
                            sleep=pacer_time.sleep)

    result = drain_until_done(dispatcher, clock, db)

    assert_each_delivered_once(slack, db, seeded)
    # Slack really misbehaved, in each of its ways …
    assert {fault: slack.refused[fault] > 0 for fault in chat_stand_in.FAULTS} == {
        fault: True for fault in chat_stand_in.FAULTS}
    assert result.failed > 0
    # … and what timed out after it had landed was found, not posted again.
    assert result.found > 0
    assert result.sent + result.found == len(seeded.keys)
    # A "too many" waited out its Retry-After within the claim, costing no attempt.
    assert pacer_time.slept > 0


def test_messages_waiting_for_a_retry_survive_a_restart_of_the_worker(
        database_url: str, db: Database, stand_ins: list[ChatStandIn]) -> None:
    seeded = seed(db, people=10, messages=30, channels=CHANNELS)
    clock = Clock()
    nobody_home = Dispatcher(db, slack_at(unreachable_url(), db), clock,
                             worker="worker-1")

    first = nobody_home.drain()

    assert (first.sent, first.failed) == (0, 30)
    waiting = rows_by_key(db)
    assert {row.status for row in waiting.values()} == {"pending"}
    assert all(row.fout and "refused" in row.fout.lower() for row in waiting.values())
    assert all(row.volgende_poging_op > T0 and row.pogingen == 1 for row in waiting.values())
    db.dispose()

    restarted = Database(database_url)
    try:
        slack = chat_stand_in.start()
        stand_ins.append(slack)
        clock.advance(minutes=1)
        result = Dispatcher(restarted, slack_at(slack.url, restarted), clock,
                            worker="worker-2").drain()

        assert (result.sent, result.failed, result.found) == (30, 0, 0)
        assert_each_delivered_once(slack, restarted, seeded)
    finally:
        restarted.dispose()


def test_a_lease_that_ran_out_is_taken_over_and_what_the_dead_worker_posted_is_not_posted_again(
        db: Database, stand_ins: list[ChatStandIn]) -> None:
    seeded = seed(db, people=10, messages=40, channels=CHANNELS)
    slack = chat_stand_in.start()
    stand_ins.append(slack)
    sender = slack_at(slack.url, db)
    # Worker 1 claims everything, posts a third of it and dies before marking any sent.
    with db.write() as session:
        claimed = outbox.claim(session, "slack", T0, "worker-1", lease=timedelta(seconds=30),
                               limit=100)
    assert len(claimed) == 40
    posted_by_the_dead = [row for n, row in enumerate(claimed) if n % 3 == 0]
    for row in posted_by_the_dead:
        persoon = row.doel_soort == "persoon"
        sender.deliver(Delivery(row.delivery_key, row.doel_soort,
                                seeded.users[int(row.doel)] if persoon else row.doel,
                                Message.model_validate(row.bericht), TEAM if persoon else None))
    clock = Clock(T0 + timedelta(seconds=10))
    survivor = Dispatcher(db, slack_at(slack.url, db), clock, worker="worker-2",
                          lease=timedelta(seconds=30))

    assert survivor.drain() == DispatchResult()  # the lease still holds: hands off

    clock.advance(seconds=21)
    result = survivor.drain()

    assert (result.found, result.sent, result.failed) == (len(posted_by_the_dead),
                                                          40 - len(posted_by_the_dead), 0)
    assert_each_delivered_once(slack, db, seeded)
    rows = rows_by_key(db).values()
    assert {row.geclaimd_door for row in rows} == {"worker-2"}
    assert {row.pogingen for row in rows} == {2}


def test_a_worker_whose_sends_outlast_its_lease_leaves_the_rest_to_the_one_taking_over(
        db: Database, stand_ins: list[ChatStandIn]) -> None:
    seeded = seed(db, people=6, messages=6, every_nth_to_a_channel=100)
    slack = chat_stand_in.start()
    stand_ins.append(slack)
    clock = Clock()
    lease = timedelta(seconds=30)
    other = Dispatcher(db, slack_at(slack.url, db), clock, worker="worker-2", lease=lease)
    meanwhile = DispatchResult()

    class SlowSlack(SlackSender):
        """Every post takes ten seconds; meanwhile the other worker looks for work."""

        def deliver(self, delivery: Delivery) -> str | None:
            extern_id = super().deliver(delivery)
            clock.advance(seconds=10)
            meanwhile.add(other.drain())
            return extern_id

    slow = Dispatcher(db, SlowSlack(slack_at(slack.url, db).client, db), clock,
                      worker="worker-1", lease=lease)

    first = slow.run_once()
    clock.advance(seconds=1)
    rest = other.drain()

    # The slow worker stopped well before its lease ran out and gave its other rows back
    # (no attempt counted); the other worker sent them, and took over nothing it was
    # still sending.
    assert meanwhile == DispatchResult()
    assert (first.sent, first.deferred) == (2, 4)
    assert (rest.sent, rest.found) == (4, 0)
    assert_each_delivered_once(slack, db, seeded)
    assert {row.pogingen for row in rows_by_key(db).values()} == {1}


def test_too_many_is_waited_out_and_costs_no_attempt(
        db: Database, stand_ins: list[ChatStandIn]) -> None:
    # Four messages for one channel, at one post a second; the dispatcher's own pacer
    # would allow more, so Slack says "too many" and names the wait.
    seeded = seed(db, people=1, messages=4, channels=("plo",), every_nth_to_a_channel=1)
    slack = chat_stand_in.start(per_channel_per_second=1)
    stand_ins.append(slack)
    dispatcher = Dispatcher(db, slack_at(slack.url, db), Clock(), worker="worker-1",
                            max_attempts=1, pacer=Pacer(per_address=100, total=1000))

    result = dispatcher.drain()

    assert slack.refused["rate_channel"] > 0
    assert (result.sent, result.failed, result.found) == (4, 0, 0)
    assert_each_delivered_once(slack, db, seeded)
    # One attempt each: a refusal with Retry-After is no failed attempt (with
    # max_attempts=1 a counted one would have parked the row as failed).
    assert {row.pogingen for row in rows_by_key(db).values()} == {1}


def test_the_operator_sees_a_failed_message_and_sends_it_again(
        database_url: str, db: Database, stand_ins: list[ChatStandIn],
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    seeded = seed(db, people=3, messages=3, every_nth_to_a_channel=100)
    clock = Clock()
    give_up_at_once = Dispatcher(db, slack_at(unreachable_url(), db), clock,
                                 worker="worker-1", max_attempts=1)
    assert give_up_at_once.drain().failed == 3
    failed = rows_by_key(db)[seeded.keys[1]]
    assert failed.status == "failed"
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("REGIOBOT_DATABASE_URL", database_url)
    capsys.readouterr()

    assert main(["outbox"]) == 0
    listing = capsys.readouterr().out
    entry = next(line for line in listing.splitlines() if seeded.keys[1] in line)
    assert entry.split()[:3] == [str(failed.id), "failed", "1x"]
    assert "Connection refused" in listing
    assert "0 wachten, 3 mislukt" in listing

    assert main(["outbox", "retry", str(failed.id)]) == 0
    assert f"Bericht {failed.id} wordt opnieuw verstuurd" in capsys.readouterr().out
    again = rows_by_key(db)[seeded.keys[1]]
    assert (again.status, again.pogingen) == ("pending", 0)

    slack = chat_stand_in.start()
    stand_ins.append(slack)
    clock.now = again.volgende_poging_op
    result = Dispatcher(db, slack_at(slack.url, db), clock, worker="worker-2",
                        max_attempts=1).drain()
    assert result.sent == 1
    assert set(slack.delivery_keys()) == {seeded.keys[1]}
    assert main(["outbox"]) == 0
    assert "0 wachten, 2 mislukt" in capsys.readouterr().out


def test_channel_messages_whose_first_send_was_uncertain_are_found_by_id_and_sent_once(
        db: Database, stand_ins: list[ChatStandIn]) -> None:
    # Issue 22: against a Slack that wants IDs, ten channel messages whose first send
    # timed out ended failed (channel_not_found from the history lookup by name), and
    # those that had not landed were never posted.
    seeded = seed(db, people=1, messages=10, channels=CHANNELS, every_nth_to_a_channel=1)
    slack = chat_stand_in.start(hang_seconds=0.4)
    stand_ins.append(slack)
    slack.fault_next(*["timeout_after"] * 5, *["timeout_before"] * 5)
    clock = Clock()
    dispatcher = Dispatcher(db, slack_at(slack.url, db, timeout=0.2), clock, worker="worker-1")

    first = dispatcher.drain()

    assert (first.sent, first.failed) == (0, 10)
    assert {(row.status, row.onzeker) for row in rows_by_key(db).values()} == {
        ("pending", True)}
    assert len(slack.posted()) == 5

    clock.advance(hours=1)
    second = dispatcher.drain()

    assert (second.found, second.sent, second.failed) == (5, 5, 0)
    assert_each_delivered_once(slack, db, seeded)
    assert {p.channel for p in slack.posted()} == {"C0PLO", "C0JEUGD", "C0WMO"}
    # Only IDs went to Slack, and each channel was looked up once.
    assert (slack.names_used, slack.rejections) == ([], [])
    assert slack.calls("conversations.list") == len(CHANNELS)


def test_an_uncertain_channel_message_that_failed_is_found_after_outbox_retry(
        database_url: str, db: Database, stand_ins: list[ChatStandIn],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seeded = seed(db, people=1, messages=3, channels=CHANNELS, every_nth_to_a_channel=1)
    slack = chat_stand_in.start(hang_seconds=0.4)
    stand_ins.append(slack)
    slack.fault_next("timeout_after", "timeout_after", "timeout_before")
    clock = Clock()
    give_up_at_once = Dispatcher(db, slack_at(slack.url, db, timeout=0.2), clock,
                                 worker="worker-1", max_attempts=1)
    assert give_up_at_once.drain().failed == 3
    failed = rows_by_key(db)
    assert {(row.status, row.onzeker) for row in failed.values()} == {("failed", True)}
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("REGIOBOT_DATABASE_URL", database_url)

    for row in failed.values():
        assert main(["outbox", "retry", str(row.id)]) == 0
    again = rows_by_key(db).values()
    assert {(row.status, row.onzeker) for row in again} == {("pending", True)}
    clock.now = max(row.volgende_poging_op for row in again)
    result = give_up_at_once.drain()

    assert (result.found, result.sent, result.failed) == (2, 1, 0)
    assert_each_delivered_once(slack, db, seeded)
    assert (slack.names_used, slack.rejections) == ([], [])


def test_a_channel_slack_does_not_know_fails_at_once_and_says_which(
        db: Database, stand_ins: list[ChatStandIn]) -> None:
    seed(db, people=1, messages=2, channels=("plo", "bestaat-niet"), every_nth_to_a_channel=1)
    slack = chat_stand_in.start()
    stand_ins.append(slack)
    clock = Clock()
    dispatcher = Dispatcher(db, slack_at(slack.url, db), clock, worker="worker-1")

    result = dispatcher.drain()

    assert (result.sent, result.failed) == (1, 1)
    rows = {row.doel: row for row in rows_by_key(db).values()}
    unknown = rows["bestaat-niet"]
    assert (unknown.status, unknown.pogingen) == ("failed", 1)  # no retries: not a loop
    assert "knows no channel 'bestaat-niet' (team T1)" in (unknown.fout or "")
    assert [p.channel for p in slack.posted()] == ["C0PLO"]
    clock.advance(hours=2)
    assert dispatcher.drain() == DispatchResult()

    # Once the channel exists, the operator sends it again.
    slack.directory.add("C0NIEUW", "bestaat-niet")
    with db.write() as session:
        assert outbox.retry(session, unknown.id, clock())
    assert dispatcher.drain().sent == 1
    assert [p.channel for p in slack.posted()] == ["C0PLO", "C0NIEUW"]


def test_a_channel_gone_after_its_id_was_kept_fails_at_once_and_is_looked_up_anew(
        db: Database, stand_ins: list[ChatStandIn]) -> None:
    seeded = seed(db, people=1, messages=1, channels=("plo",), every_nth_to_a_channel=1)
    slack = chat_stand_in.start()
    stand_ins.append(slack)
    clock = Clock()
    dispatcher = Dispatcher(db, slack_at(slack.url, db), clock, worker="worker-1")
    assert dispatcher.drain().sent == 1
    # The PLO's channel is deleted and made anew: the same name, another ID.
    slack.directory.remove("C0PLO")
    slack.directory.add("C0PLONIEUW", "plo")
    with db.write() as session:
        assert outbox.enqueue(session, delivery_key="digest:plo:later", regio_id=seeded.regio_id,
                              platform="slack", doel_soort="kanaal", doel="plo",
                              bericht=reminder(1), aangemaakt_op=T0)

    assert dispatcher.drain().failed == 1

    later = rows_by_key(db)["digest:plo:later"]
    assert (later.status, later.pogingen) == ("failed", 1)
    assert "knows no channel 'plo' (team T1) (C0PLO: channel_not_found)" in (later.fout or "")
    with db.write() as session:
        assert outbox.retry(session, later.id, clock())
    assert dispatcher.drain().sent == 1
    assert [p.channel for p in slack.posted()] == ["C0PLO", "C0PLONIEUW"]
    assert slack.names_used == []
