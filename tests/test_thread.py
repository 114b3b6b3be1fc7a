"""Posts for an opgave go to its thread: the first opens it in the opgave's channel,
the next ones answer in it, on every platform the regio uses."""

from __future__ import annotations

from sqlalchemy import select

from bot.context import Ctx
from bot.dispatch import Delivery, dispatch
from bot.messages import Message
from bot.services import notify
from storage.db import Database
from storage.models import Opgave, OpgaveDraad, Persoon, Regio
from tests.conftest import AMS, NOW


class Recorder:
    platform = "console"

    def __init__(self) -> None:
        self.sent: list[Delivery] = []

    def deliver(self, delivery: Delivery) -> str:
        self.sent.append(delivery)
        return f"post-{len(self.sent)}"


def test_the_first_post_opens_the_thread_and_the_next_answer_in_it(demo_db: Database) -> None:
    recorder = Recorder()
    for n in (1, 2):
        with demo_db.write() as session:
            ctx = Ctx(session=session, regio=session.scalars(select(Regio)).one(),
                      actor=session.scalars(select(Persoon)).first(),  # type: ignore[arg-type]
                      now=NOW, tz=AMS, platform="console")
            opgave = session.scalars(select(Opgave).where(Opgave.code == "JGD-03")).one()
            notify.to_thread(ctx, opgave, Message(heading=f"bericht {n}"), f"test:{n}")
        dispatch(demo_db, recorder, NOW)
    first, second = recorder.sent
    assert (first.kind, first.address, first.thread) == ("kanaal", "ao-jeugd", None)
    assert (second.address, second.thread) == ("ao-jeugd", "post-1")
    with demo_db.read() as session:
        draad = session.scalars(select(OpgaveDraad)).one()
        assert (draad.kanaal_id, draad.bericht_id) == ("ao-jeugd", "post-1")
