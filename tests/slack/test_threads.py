"""An opgave's thread on Slack: opened in its channel by the channel's ID, kept by that
ID, answered in by ID, and an answer whose send timed out is found in the thread
(conversations.replies, by ID) instead of being posted twice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.context import Ctx
from bot.dispatch import Dispatcher
from bot.messages import Message
from bot.platforms.slack.sender import SlackSender, sending_client
from bot.services import notify
from config.settings import Settings
from storage.db import Database
from storage.models import Opgave, OpgaveDraad, OutboxBericht, Persoon, Regio
from tests.conftest import AMS, NOW
from tests.slack import chat_stand_in
from tests.slack.chat_stand_in import ChatStandIn
from tests.slack.conftest import link_slack_accounts


@pytest.fixture
def slack() -> Iterator[ChatStandIn]:
    stand_in = chat_stand_in.start(hang_seconds=0.4)
    yield stand_in
    stand_in.stop()


def to_thread(db: Database, n: int) -> None:
    with db.write() as session:
        ctx = Ctx(session=session, regio=session.scalars(select(Regio)).one(),
                  actor=session.scalars(select(Persoon)).first(),  # type: ignore[arg-type]
                  now=NOW, tz=AMS, platform="slack")
        opgave = session.scalars(select(Opgave).where(Opgave.code == "JGD-03")).one()
        notify.to_thread(ctx, opgave, Message(heading=f"bericht {n}"), f"test:{n}")


def test_a_thread_is_opened_kept_and_answered_in_by_channel_id(
        demo_db: Database, slack: ChatStandIn) -> None:
    link_slack_accounts(demo_db)
    settings = Settings(slack_bot_token="xoxb-test", slack_api_url=slack.url,
                        send_timeout_seconds=0.2, database_url=demo_db.url)
    dispatcher = Dispatcher(demo_db, SlackSender(sending_client(settings), demo_db),
                            lambda: NOW, "test")
    to_thread(demo_db, 1)
    assert dispatcher.drain().sent == 1
    to_thread(demo_db, 2)
    slack.fault_next("timeout_after")  # the answer lands, but the call times out
    assert dispatcher.drain().failed == 1

    # Asked again (a retry, or `regiobot outbox retry`), it is found in the thread.
    with demo_db.write() as session:
        session.execute(OutboxBericht.__table__.update().values(volgende_poging_op=NOW))
    assert dispatcher.drain().found == 1

    root, answer = slack.posted()
    assert (root.channel, root.thread_ts) == ("C0AOJEUGD", None)
    assert (answer.channel, answer.thread_ts) == ("C0AOJEUGD", root.ts)
    with demo_db.read() as session:
        draad = session.scalars(select(OpgaveDraad)).one()
    assert (draad.platform, draad.kanaal_id, draad.bericht_id) == ("slack", "C0AOJEUGD", root.ts)
    assert slack.calls("conversations.replies") == 1
    # The channel was asked of Slack once; its ID, kept, needed no conversations.info.
    assert (slack.calls("conversations.list"), slack.calls("conversations.info")) == (1, 0)
    assert (slack.names_used, slack.rejections) == ([], [])
