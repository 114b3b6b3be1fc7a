"""The outbox stores each delivery key once and hands each due row to one claimer."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage import outbox
from storage.db import Database
from storage.models import OutboxBericht, Regio

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def _setup(db: Database, rows: int) -> None:
    with db.write() as s:
        regio = Regio(slug="lekstroom", naam="Lekstroom", instellingen={})
        s.add(regio)
        s.flush()
        for n in range(rows):
            outbox.enqueue(s, delivery_key=f"k{n}", regio_id=regio.id, platform="console",
                           doel_soort="kanaal", doel="plo", bericht={"n": n}, aangemaakt_op=T0)


def test_enqueueing_the_same_key_twice_stores_it_once(any_db: Database) -> None:
    _setup(any_db, 1)
    with any_db.write() as s:
        regio_id = s.scalar(select(Regio.id))
        again = outbox.enqueue(s, delivery_key="k0", regio_id=regio_id, platform="console",
                               doel_soort="kanaal", doel="plo", bericht={}, aangemaakt_op=T0)
    assert again is False
    with any_db.read() as s:
        assert len(s.scalars(select(OutboxBericht)).all()) == 1


def test_a_claimed_row_is_not_claimed_again_until_its_lease_runs_out(any_db: Database) -> None:
    _setup(any_db, 3)
    with any_db.write() as s:
        first = outbox.claim(s, "console", T0, "a", lease=timedelta(minutes=2))
    with any_db.write() as s:
        second = outbox.claim(s, "console", T0 + timedelta(minutes=1), "b")
    with any_db.write() as s:
        third = outbox.claim(s, "console", T0 + timedelta(minutes=3), "c")
    assert [r.delivery_key for r in first] == ["k0", "k1", "k2"]
    assert second == []
    assert [r.delivery_key for r in third] == ["k0", "k1", "k2"]
    assert {r.geclaimd_door for r in third} == {"c"}
    assert {r.pogingen for r in third} == {2}


def test_sent_rows_are_done_and_failed_rows_wait_for_their_retry(any_db: Database) -> None:
    _setup(any_db, 2)
    with any_db.write() as s:
        rows = outbox.claim(s, "console", T0, "a")
        outbox.mark_sent(s, rows[0].id, T0, "ts-1")
        outbox.mark_failed(s, rows[1].id, "HTTP 500", T0 + timedelta(minutes=5))
    with any_db.write() as s:
        assert outbox.claim(s, "console", T0 + timedelta(minutes=4), "b") == []
    with any_db.write() as s:
        retried = outbox.claim(s, "console", T0 + timedelta(minutes=5), "b")
    assert [r.delivery_key for r in retried] == ["k1"]
    with any_db.read() as s:
        sent = s.scalar(select(OutboxBericht).where(OutboxBericht.delivery_key == "k0"))
    assert sent is not None
    assert (sent.status, sent.extern_id) == ("sent", "ts-1")


def test_concurrent_claimers_never_share_a_row(any_db: Database) -> None:
    _setup(any_db, 60)
    claimed: dict[str, list[str]] = {}
    barrier = threading.Barrier(3)

    def claimer(name: str) -> None:
        barrier.wait()
        mine: list[str] = []
        while True:
            with any_db.write() as s:
                rows = outbox.claim(s, "console", T0, name, limit=7)
            if not rows:
                break
            mine += [r.delivery_key for r in rows]
        claimed[name] = mine

    threads = [threading.Thread(target=claimer, args=(f"w{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    everything = [key for keys in claimed.values() for key in keys]
    assert len(everything) == 60
    assert len(set(everything)) == 60


def test_a_fan_out_is_claimed_fairly_every_conversations_first_message_first(
        any_db: Database) -> None:
    _setup(any_db, 6)  # six to #plo, then one DM each to three people
    with any_db.write() as s:
        for n in range(3):
            outbox.enqueue(s, delivery_key=f"dm{n}", regio_id=1, platform="console",
                           doel_soort="persoon", doel=str(n), bericht={}, aangemaakt_op=T0)
    with any_db.write() as s:
        claimed = [r.delivery_key for r in outbox.claim(s, "console", T0, "a", limit=5)]
    assert claimed == ["k0", "dm0", "dm1", "dm2", "k1"]


def test_a_row_taken_over_from_a_dead_worker_is_marked_uncertain(any_db: Database) -> None:
    _setup(any_db, 1)
    with any_db.write() as s:
        assert not outbox.claim(s, "console", T0, "dead", lease=timedelta(seconds=5))[0].onzeker
    with any_db.write() as s:
        taken = outbox.claim(s, "console", T0 + timedelta(seconds=6), "alive")
    assert [(r.geclaimd_door, r.onzeker) for r in taken] == [("alive", True)]
