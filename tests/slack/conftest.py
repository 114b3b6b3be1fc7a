"""Slack as it really reaches us: signed HTTP requests to a running web server, with a
stand-in Web API on a local port for everything the bot calls."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot.app import Regiobot
from bot.platforms.slack.app import SlackAdapter
from bot.web import Router
from config.settings import Settings
from storage.db import Database
from storage.models import Identiteit, Persoon, Werkruimte
from tests.conftest import AMS, NOW
from tests.slack.stand_in import StandIn, start
from tests.slack.strict import blocks_problem, view_problem
from tests.webserver import Background

SECRET = "test-signing-secret"
USERS = {"U0PL": "pl-jeugdinkoop", "U0PLO": "plo-houten", "U0AO": "plo-nieuwegein",
         "U0BO": "wethouder-houten", "U0PM": "programmamanager", "U0LID": "medewerker-houten",
         "U0WMO": "pl-wmo"}


def sign(body: bytes, timestamp: int, secret: str = SECRET) -> str:
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Answer:
    status: int
    body: bytes

    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        """All text of the blocks in an ack, to read like a person would."""
        data = self.json()
        out = []
        for block in data.get("blocks", []):
            for key in ("text",):
                if isinstance(block.get(key), dict):
                    out.append(block[key]["text"])
            out += [f["text"] for f in block.get("fields", [])]
            out += [e.get("text", {}).get("text", "") if isinstance(e.get("text"), dict)
                    else e.get("text", "") for e in block.get("elements", [])]
            if block.get("accessory"):
                out.append(block["accessory"]["text"]["text"])
        return "\n".join(out)


def acceptable(answer: Answer) -> None:
    """Slack shows an ack's blocks (or a view_submission's view) only when Block Kit
    accepts them: check them as the stand-ins check what the bot sends."""
    if not answer.body.startswith(b"{"):
        return
    body = answer.json()
    problem = blocks_problem(body.get("blocks")) or (
        view_problem(body["view"]) if isinstance(body.get("view"), dict) else None)
    assert problem is None, f"Slack would refuse this answer: {problem}"


class SlackClient:
    def __init__(self, base: str, stand_in: StandIn, db: Database) -> None:
        self.base = base
        self.stand_in = stand_in
        self.db = db

    def post(self, body: bytes, content_type: str, *, timestamp: int | None = None,
             signature: str | None = None, headers: dict[str, str] | None = None) -> Answer:
        ts = int(time.time()) if timestamp is None else timestamp
        request = urllib.request.Request(self.base + "/slack/events", data=body, method="POST",
                                         headers={
            "Content-Type": content_type, "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature if signature is not None else sign(body, ts),
            **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                answer = Answer(response.status, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read())
        acceptable(answer)
        return answer

    def form(self, fields: dict[str, str], **kwargs: Any) -> Answer:
        return self.post(urlencode(fields).encode(), "application/x-www-form-urlencoded",
                         **kwargs)

    def command(self, user: str, text: str, root: str = "opgave", **kwargs: Any) -> Answer:
        return self.form({
            "token": "legacy", "team_id": "T1", "team_domain": "lekstroom",
            "channel_id": "C0PLO", "channel_name": "plo", "user_id": user,
            "user_name": USERS.get(user, user.lower()), "command": f"/{root}", "text": text,
            "api_app_id": "A1", "response_url": self.stand_in.response_url,
            "trigger_id": f"trigger-{time.monotonic_ns()}"}, **kwargs)

    def interaction(self, payload: dict[str, Any], **kwargs: Any) -> Answer:
        return self.form({"payload": json.dumps(payload)}, **kwargs)

    def click(self, user: str, button: dict[str, Any], **extra: Any) -> Answer:
        return self.interaction({
            "type": "block_actions", "team": {"id": "T1", "domain": "lekstroom"},
            "user": {"id": user, "username": USERS.get(user, user), "team_id": "T1"},
            "api_app_id": "A1", "token": "legacy", "trigger_id": "trigger-click",
            "container": {"type": "message", "channel_id": "C0PLO"},
            "channel": {"id": "C0PLO", "name": "plo"},
            "response_url": self.stand_in.response_url,
            "actions": [{"type": "button", "action_id": button["action_id"],
                         "block_id": "b", "value": button["value"],
                         "text": button["text"], "action_ts": "1700000000.1"}],
            **extra})

    def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> Answer:
        return self.interaction({
            "type": "view_submission", "team": {"id": "T1", "domain": "lekstroom"},
            "user": {"id": user, "username": USERS.get(user, user), "team_id": "T1"},
            "api_app_id": "A1", "token": "legacy", "trigger_id": "trigger-submit",
            "view": {**view, "id": "V_SUBMIT", "team_id": "T1", "app_id": "A1",
                     "state": {"values": values}, "hash": "h"}})

    def event(self, event: dict[str, Any], event_id: str, **kwargs: Any) -> Answer:
        body = json.dumps({"token": "legacy", "team_id": "T1", "api_app_id": "A1",
                           "event": event, "type": "event_callback", "event_id": event_id,
                           "event_time": 1700000000, "authorizations": [
                               {"team_id": "T1", "user_id": "UBOT", "is_bot": True}]})
        return self.post(body.encode(), "application/json", **kwargs)


def link_slack_accounts(db: Database) -> None:
    with db.write() as s:
        s.add(Werkruimte(regio_id=1, platform="slack", team_id="T1"))
        for user, handle in USERS.items():
            persoon_id = s.scalar(select(Persoon.id).where(Persoon.handle == handle))
            s.add(Identiteit(persoon_id=persoon_id, platform="slack", team_id="T1",
                             extern_id=user, gebruikersnaam=handle))


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    server = start()
    yield server
    server.server.shutdown()
    # Slack would have refused these: the product must not send them.
    assert server.rejections == [], server.rejections
    assert server.names_used == [], f"channels sent by name, not by ID: {server.names_used}"


@pytest.fixture
def slack(demo_db: Database, stand_in: StandIn) -> Iterator[SlackClient]:
    link_slack_accounts(demo_db)
    settings = Settings(slack_bot_token="xoxb-test", slack_signing_secret=SECRET,
                        slack_api_url=stand_in.url, database_url=demo_db.url)
    adapter = SlackAdapter(Regiobot(demo_db, AMS), demo_db, settings, clock=lambda: NOW)
    router = Router(demo_db, {"/slack": adapter.endpoint()})
    server = Background(router, threads=4)
    yield SlackClient(f"http://127.0.0.1:{server.port}", stand_in, demo_db)
    server.stop()
    adapter.executor.shutdown(wait=True)
