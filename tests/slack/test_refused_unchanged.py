"""Refused means unchanged, on Slack as it really reaches us (signed HTTP requests), on
SQLite and PostgreSQL: a request from a workspace that is not the region's, or a refused
first command of a newcomer, leaves no workspace, person, account, audit line or outbox
row behind. Only the first workspace is linked on first contact; any other is linked by
the programmamanager with ``/opgave beheer werkruimte koppel``."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.app import Regiobot
from bot.texts import t
from bot.web import Router
from config.settings import Settings
from storage.db import Database
from storage.models import Persoon, Werkruimte
from tests.conftest import AMS, NOW
from tests.e2e.outside import SettlingSlackAdapter, row_counts
from tests.slack.conftest import SECRET, Answer, SlackClient, link_slack_accounts
from tests.slack.stand_in import StandIn
from tests.slack.test_interactions import buttons_of
from tests.webserver import Background

OTHER = "T_OTHER"
NOT_LINKED = t("workspace.not_linked", naam="Lekstroom", slug="lekstroom")
# A DM event is recorded as received before it is handled (Slack re-sends events),
# whatever its outcome: a receipt, not a change the request made.
RECEIPTS = frozenset({"verwerkt_event"})


class Settled(SlackClient):
    """Each request returns once the work it set off after the ack is done too (App Home,
    the outbox), so rows are counted after all of it."""

    def __init__(self, base: str, stand_in: StandIn, db: Database,
                 adapter: SettlingSlackAdapter) -> None:
        super().__init__(base, stand_in, db)
        self.adapter = adapter

    def post(self, body: bytes, content_type: str, **kwargs: Any) -> Answer:
        answer = super().post(body, content_type, **kwargs)
        self.adapter.settle()
        return answer


@pytest.fixture
def fresh(any_demo_db: Database, stand_in: StandIn) -> Iterator[Settled]:
    """Slack on either database, no workspace linked yet: the app was just installed."""
    settings = Settings(slack_bot_token="xoxb-test", slack_signing_secret=SECRET,
                        slack_api_url=stand_in.url, database_url=any_demo_db.url)
    adapter = SettlingSlackAdapter(Regiobot(any_demo_db, AMS), any_demo_db, settings,
                                   clock=lambda: NOW)
    server = Background(Router(any_demo_db, {"/slack": adapter.endpoint()}), threads=4)
    yield Settled(f"http://127.0.0.1:{server.port}", stand_in, any_demo_db, adapter)
    server.stop()
    adapter.executor.shutdown(wait=True)


@pytest.fixture
def linked(fresh: Settled) -> Settled:
    """Slack on either database, workspace T1 linked with the demo's accounts."""
    link_slack_accounts(fresh.db)
    return fresh


def command(slack: SlackClient, team: str, user: str, text: str,
            root: str = "opgave") -> dict[str, Any]:
    answer = slack.form({
        "token": "legacy", "team_id": team, "team_domain": team.lower(),
        "channel_id": "C0X", "channel_name": "algemeen", "user_id": user,
        "user_name": user.lower(), "command": f"/{root}", "text": text, "api_app_id": "A1",
        "response_url": slack.stand_in.response_url,
        "trigger_id": f"trigger-{time.monotonic_ns()}"})
    assert answer.status == 200, answer.body
    return answer.json()


def said(body: dict[str, Any]) -> str:
    return "\n".join(b["text"]["text"] for b in body.get("blocks", []) if "text" in b)


def test_a_command_from_a_second_workspace_gets_one_sentence_and_writes_nothing(
    linked: SlackClient,
) -> None:
    before = row_counts(linked.db)
    for text in ("status", "nieuw Overname", "mijn", "beheer rooster"):
        assert said(command(linked, OTHER, "U_STRANGER", text)) == NOT_LINKED
    assert row_counts(linked.db) == before
    with linked.db.read() as s:
        assert s.scalars(select(Werkruimte.team_id).where(
            Werkruimte.platform == "slack")).all() == ["T1"]
    assert linked.stand_in.of("users.info") == []  # not even asked who they are


def test_a_newcomers_refused_first_command_writes_nothing_and_the_next_onboards(
    linked: SlackClient,
) -> None:
    before = row_counts(linked.db)
    refused = said(command(linked, "T1", "U_NEW", "nieuw Iets"))
    assert refused.startswith("Dat mag jij niet (opgaven aanmaken)")
    assert row_counts(linked.db) == before
    assert "Lekstroom: 12 opgaven" in said(command(linked, "T1", "U_NEW", "status"))
    after = row_counts(linked.db)
    grown = {table: after[table] - before[table] for table in after
             if after[table] != before[table]}
    # A roster entry, the account, its audit line and the note to the programmamanager(s).
    assert set(grown) == {"persoon", "identiteit", "audit_regel", "outbox"}
    assert (grown["persoon"], grown["identiteit"], grown["audit_regel"]) == (1, 1, 1)


def test_clicks_submissions_and_home_from_a_second_workspace_write_nothing(
    linked: SlackClient,
) -> None:
    card = command(linked, "T1", "U0PL", "status JGD-03")
    button = buttons_of(card["blocks"])[0]
    before = row_counts(linked.db, RECEIPTS)
    stranger = {"id": "U_STRANGER", "username": "x", "team_id": OTHER}
    clicked = linked.interaction({
        "type": "block_actions", "team": {"id": OTHER, "domain": "x"}, "user": stranger,
        "api_app_id": "A1", "token": "legacy", "trigger_id": "t",
        "container": {"type": "message", "channel_id": "C0X"}, "channel": {"id": "C0X"},
        "response_url": linked.stand_in.response_url,
        "actions": [{"type": "button", "action_id": button["action_id"], "block_id": "b",
                     "value": button["value"], "text": button["text"], "action_ts": "1.1"}]})
    assert clicked.status == 200
    submitted = linked.interaction({
        "type": "view_submission", "team": {"id": OTHER, "domain": "x"}, "user": stranger,
        "api_app_id": "A1", "token": "legacy", "trigger_id": "t",
        "view": {"id": "V1", "type": "modal", "callback_id": "rb-form", "team_id": OTHER,
                 "private_metadata": json.dumps({"f": "opgave.nieuw", "g": {}}),
                 "state": {"values": {}}, "hash": "h"}})
    assert submitted.status == 200
    assert said(submitted.json()["view"]) == NOT_LINKED
    for event_id, event in (("Ev1", {"type": "app_home_opened", "user": "U_STRANGER",
                                     "tab": "home", "event_ts": "1.2"}),
                            ("Ev2", {"type": "message", "channel_type": "im", "user":
                                     "U_STRANGER", "text": "ja", "channel": "D1", "ts": "1.3"})):
        body = json.dumps({"token": "legacy", "team_id": OTHER, "api_app_id": "A1",
                           "event": event, "type": "event_callback", "event_id": event_id,
                           "event_time": 1700000000})
        assert linked.post(body.encode(), "application/json").status == 200
    home = linked.stand_in.wait_for("views.publish")[-1]
    assert NOT_LINKED in json.dumps(home.body["view"], ensure_ascii=False)
    posted = linked.stand_in.wait_for("chat.postMessage")[-1]
    assert posted.body["text"] == NOT_LINKED
    assert linked.stand_in.wait_for("response_url")[-1].body["blocks"][0]["text"]["text"] \
        == NOT_LINKED
    assert row_counts(linked.db, RECEIPTS) == before


def test_the_first_workspace_links_on_first_contact_and_another_only_by_the_programmamanager(
    fresh: SlackClient,
) -> None:
    assert "Lekstroom: 12 opgaven" in said(command(fresh, "T1", "U1", "status"))
    before = row_counts(fresh.db)
    assert said(command(fresh, OTHER, "U2", "status")) == NOT_LINKED
    assert said(command(fresh, OTHER, "U2", "beheer werkruimte koppel lekstroom")) \
        .startswith("Alleen de programmamanager van Lekstroom")
    assert row_counts(fresh.db) == before
    # The programmamanager, known in the other workspace by her verified address
    # (the stand-in's users.info gives <user>@example.org), links it.
    with fresh.db.write() as s:
        s.execute(update(Persoon).where(Persoon.handle == "programmamanager")
                  .values(email="u_pm@example.org"))
    assert said(command(fresh, OTHER, "U_PM", "beheer werkruimte koppel lekstroom")) \
        == t("workspace.linked", naam="Lekstroom")
    assert "Lekstroom: 12 opgaven" in said(command(fresh, OTHER, "U2", "status"))
    with fresh.db.read() as s:
        assert sorted(s.scalars(select(Werkruimte.team_id).where(
            Werkruimte.platform == "slack"))) == ["T1", OTHER]
