"""A person whose Slack name is long is onboarded like anyone else, on both databases
(issue 22: a display name of 58 characters overflowed ``audit_regel.veld``, varchar(60),
on PostgreSQL, and that person could never use the bot)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import select

from bot.app import Regiobot
from bot.platforms.slack.app import SlackAdapter
from bot.web import Router
from config.settings import Settings
from storage.db import Database
from storage.models import AuditRegel, Identiteit, Persoon
from tests.conftest import AMS, NOW
from tests.slack.conftest import SECRET, SlackClient, link_slack_accounts
from tests.slack.stand_in import StandIn
from tests.webserver import Background


def long_name(length: int) -> str:
    words = "Anna-Maria Josephina van den Heuvel-Oudenrijn tot Wijk bij Duurstede "
    return (words * (length // len(words) + 1))[:length].strip().ljust(length, "x")


@pytest.fixture
def slack_any_db(any_demo_db: Database, stand_in: StandIn) -> Iterator[SlackClient]:
    link_slack_accounts(any_demo_db)
    settings = Settings(slack_bot_token="xoxb-test", slack_signing_secret=SECRET,
                        slack_api_url=stand_in.url, database_url=any_demo_db.url)
    adapter = SlackAdapter(Regiobot(any_demo_db, AMS), any_demo_db, settings,
                           clock=lambda: NOW)
    server = Background(Router(any_demo_db, {"/slack": SlackRequestHandler(adapter.app)}),
                        threads=4)
    yield SlackClient(f"http://127.0.0.1:{server.port}", stand_in, any_demo_db)
    server.stop()
    adapter.executor.shutdown(wait=True)


@pytest.mark.parametrize("length", [58, 121, 255])
def test_a_slack_account_with_a_long_display_name_is_onboarded(
        slack_any_db: SlackClient, monkeypatch: pytest.MonkeyPatch, length: int) -> None:
    name = long_name(length)
    assert len(name) == length
    answer_as_slack = slack_any_db.stand_in.answer

    def answer(method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "users.info":
            return {"ok": True, "user": {"id": body["user"], "name": "x" * 80,
                                         "real_name": name, "profile": {"real_name": name}}}
        return answer_as_slack(method, body)

    monkeypatch.setattr(slack_any_db.stand_in, "answer", answer)
    reply = slack_any_db.command("U0LONG", "mijn")
    assert reply.status == 200
    assert "geen rol in de driehoek" in reply.text, reply.text
    with slack_any_db.db.read() as session:
        persoon = session.scalar(select(Persoon).join(Identiteit).where(
            Identiteit.extern_id == "U0LONG"))
        assert persoon is not None and persoon.naam == name
        audit = session.scalars(select(AuditRegel.veld).where(
            AuditRegel.entiteit_id == persoon.id, AuditRegel.entiteit == "persoon")).all()
        assert audit == [f"@{persoon.handle} account slack"]
    # Known now: the next command needs no onboarding.
    assert "geen rol in de driehoek" in slack_any_db.command("U0LONG", "mijn").text
