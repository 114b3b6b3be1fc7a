"""Mattermost as it really reaches us: slash commands, button clicks and dialog
submissions over HTTP to a running web server, with the REST API v4 the bot calls
mocked by ``responses`` (the client is built on ``requests``)."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
import responses
from sqlalchemy import select

from bot.app import Regiobot
from bot.platforms.mattermost.app import MattermostAdapter
from bot.web import Router
from config.settings import Settings
from storage.db import Database
from storage.models import Identiteit, Persoon, Werkruimte
from tests.conftest import AMS, NOW
from tests.webserver import Background

URL = "https://mm.example.org"
API = URL + "/api/v4"
TOKEN = "cmdtoken0000000000000000aa"
OVERLEG_TOKEN = "cmdtoken0000000000000000bb"
SECRET = "test-secret"
PUBLIC = "https://regiobot.example.nl"
TEAM = "teamlekstroom0000000000000"
BOT = "botuser00000000000000000aa"
CHANNEL = "chanplo0000000000000000000"
HANDLES = ["pl-jeugdinkoop", "plo-houten", "plo-nieuwegein", "wethouder-houten",
           "programmamanager", "medewerker-houten", "pl-wmo", "plo-lopik"]


def user_id(handle: str) -> str:
    """A Mattermost user id (26 lowercase characters) for a demo handle."""
    return hashlib.sha256(handle.encode()).hexdigest()[:26]


def dm_channel(user: str) -> str:
    return f"dm{user[:24]}"


@dataclass
class Answer:
    status: int
    body: bytes

    def json(self) -> dict[str, Any]:
        return json.loads(self.body) if self.body else {}

    @property
    def text(self) -> str:
        data = self.json()
        return str(data.get("text") or data.get("ephemeral_text")
                   or (data.get("update") or {}).get("message") or "")

    @property
    def plain(self) -> str:
        """The text as a person reads it: markdown escapes and zero-width spaces gone."""
        return re.sub(r"\\([^\w\s])", r"\1", self.text).replace("\u200b", "")

    def buttons(self) -> list[dict[str, Any]]:
        data = self.json()
        attachments = data.get("attachments") or (
            (data.get("update") or {}).get("props") or {}).get("attachments") or []
        return [a for att in attachments for a in att.get("actions", [])]


class Api:
    """The mocked REST API v4: records each call, answers as the reference documents."""

    def __init__(self, mock: responses.RequestsMock) -> None:
        self.mock = mock
        self.ids = itertools.count(1)
        self.posts: list[dict[str, Any]] = []
        self.usernames = {user_id(h): h for h in HANDLES}
        mock.add(responses.GET, f"{API}/users/me", json={"id": BOT, "username": "regiobot"})
        mock.add_callback(responses.POST, f"{API}/posts", callback=self._post)
        mock.add_callback(responses.POST, f"{API}/channels/direct", callback=self._direct)
        mock.add(responses.POST, f"{API}/actions/dialogs/open", json={"status": "OK"})
        # The listener's catch-up: the bot's channels (none have news here).
        mock.add(responses.GET, f"{API}/users/me/channels", json=[])
        mock.add_callback(responses.POST, f"{API}/users/usernames", callback=self._by_name)
        mock.add_callback(responses.GET, re.compile(f"{API}/teams/{TEAM}/channels/name/.+"),
                          callback=self._channel)
        mock.add_callback(responses.GET, re.compile(f"{API}/users/[a-z0-9]{{26}}$"),
                          callback=self._user)
        mock.add_callback(responses.GET, re.compile(f"{API}/posts/[a-z0-9]+$"),
                          callback=self._get_post)
        mock.add_callback(responses.PUT, re.compile(f"{API}/posts/[a-z0-9]+/patch$"),
                          callback=self._patch)

    def _post(self, request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        post = {"id": f"post{next(self.ids):022d}", "create_at": 1764000000000,
                "update_at": 1764000000000, "user_id": BOT, "type": "", **body}
        self.posts.append(post)
        return 201, {}, json.dumps(post)

    def _get_post(self, request: Any) -> tuple[int, dict[str, str], str]:
        post_id = request.url.rsplit("/", 1)[1]
        found = next((p for p in self.posts if p["id"] == post_id), None)
        return (200, {}, json.dumps(found)) if found else (404, {}, "{}")

    def _patch(self, request: Any) -> tuple[int, dict[str, str], str]:
        post_id = request.url.rsplit("/", 2)[1]
        post = next(p for p in self.posts if p["id"] == post_id)
        post.update(json.loads(request.body))
        return 200, {}, json.dumps(post)

    def _direct(self, request: Any) -> tuple[int, dict[str, str], str]:
        bot, other = json.loads(request.body)
        assert bot == BOT
        return 201, {}, json.dumps({"id": dm_channel(other), "type": "D",
                                    "name": f"{bot}__{other}"})

    def _by_name(self, request: Any) -> tuple[int, dict[str, str], str]:
        wanted = json.loads(request.body)
        found = [{"id": uid, "username": name} for uid, name in self.usernames.items()
                 if name in wanted]
        return 200, {}, json.dumps(found)

    def _channel(self, request: Any) -> tuple[int, dict[str, str], str]:
        name = request.url.rsplit("/", 1)[1]
        return 200, {}, json.dumps({"id": f"ch{name}", "name": name, "team_id": TEAM})

    def _user(self, request: Any) -> tuple[int, dict[str, str], str]:
        uid = request.url.rsplit("/", 1)[1]
        name = self.usernames.get(uid, f"user-{uid[:6]}")
        return 200, {}, json.dumps({"id": uid, "username": name, "first_name": "Nieuwe",
                                    "last_name": "Collega", "email": f"{name}@example.org",
                                    "email_verified": True})

    def calls(self, since: int = 0) -> list[tuple[str, str]]:
        """(method, path) of the calls made, leaving out the bot asking who it is."""
        out = []
        for call in self.mock.calls[since:]:
            path = "/api/v4" + call.request.url.split("/api/v4", 1)[1].split("?")[0]
            if path != "/api/v4/users/me":
                out.append((call.request.method, path))
        return out

    def posts_to(self, channel: str) -> list[dict[str, Any]]:
        return [p for p in self.posts if p["channel_id"] == channel]


class MattermostClient:
    def __init__(self, base: str, api: Api, adapter: MattermostAdapter, db: Database) -> None:
        self.base = base
        self.api = api
        self.adapter = adapter
        self.db = db
        self.triggers = itertools.count(1)

    def post(self, path: str, body: bytes, content_type: str,
             headers: dict[str, str] | None = None) -> Answer:
        request = urllib.request.Request(self.base + path, data=body, method="POST",
                                         headers={"Content-Type": content_type,
                                                  **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                answer = Answer(response.status, response.read())
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, error.read())
        self.adapter.settle()
        return answer

    def command(self, handle: str, text: str, root: str = "opgave", *,
                token: str | None = TOKEN, header: str | None = "same",
                channel: str = CHANNEL) -> Answer:
        """``/root text`` typed by ``handle``, as Mattermost sends it: the token in the
        form and in ``Authorization: Token …``."""
        fields = {"channel_id": channel, "channel_name": "plo", "command": f"/{root}",
                  "response_url": f"{URL}/hooks/commands/x", "team_domain": "lekstroom",
                  "team_id": TEAM, "text": text, "trigger_id": f"trigger{next(self.triggers)}",
                  "user_id": user_id(handle), "user_name": handle}
        if token is not None:
            fields["token"] = token
        headers = {}
        if header is not None:
            headers["Authorization"] = f"Token {token if header == 'same' else header}"
        return self.post("/mattermost/command", urlencode(fields).encode(),
                         "application/x-www-form-urlencoded", headers)

    def click(self, handle: str, button: dict[str, Any], channel: str = CHANNEL,
              context: dict[str, Any] | None = None, user: str | None = None,
              post_id: str = "ephemeral0") -> Answer:
        """A click on ``button`` as Mattermost forwards it (its context, unsigned)."""
        body = {"user_id": user or user_id(handle), "user_name": handle,
                "channel_id": channel, "channel_name": "", "team_id": TEAM,
                "team_domain": "lekstroom", "post_id": post_id, "trigger_id":
                f"trigger{next(self.triggers)}", "type": "", "data_source": "",
                "context": context if context is not None
                else button["integration"]["context"]}
        assert button["integration"]["url"] == f"{PUBLIC}/mattermost/action"
        return self.post("/mattermost/action", json.dumps(body).encode(), "application/json")

    def last_dialog(self) -> dict[str, Any]:
        opened = [c for c in self.api.mock.calls
                  if c.request.url.endswith("/actions/dialogs/open")]
        assert opened, "no dialog was opened"
        return json.loads(opened[-1].request.body)

    def submit(self, handle: str, opened: dict[str, Any], submission: dict[str, Any],
               channel: str = CHANNEL, state: str | None = None) -> Answer:
        assert opened["url"] == f"{PUBLIC}/mattermost/dialog"
        body = {"type": "dialog_submission", "callback_id": opened["dialog"]["callback_id"],
                "state": opened["dialog"]["state"] if state is None else state,
                "user_id": user_id(handle), "channel_id": channel, "team_id": TEAM,
                "submission": submission, "cancelled": False}
        return self.post("/mattermost/dialog", json.dumps(body).encode(), "application/json")


def link_mattermost_accounts(db: Database) -> None:
    with db.write() as s:
        s.add(Werkruimte(regio_id=1, platform="mattermost", team_id=TEAM))
        for handle in HANDLES:
            persoon_id = s.scalar(select(Persoon.id).where(Persoon.handle == handle))
            s.add(Identiteit(persoon_id=persoon_id, platform="mattermost", team_id=TEAM,
                             extern_id=user_id(handle), gebruikersnaam=handle))


def mattermost_settings(db: Database) -> Settings:
    return Settings(database_url=db.url, mattermost_url=URL, mattermost_bot_token="bottoken",
                    mattermost_command_tokens=[TOKEN, OVERLEG_TOKEN], secret=SECRET,
                    public_url=PUBLIC)


@pytest.fixture
def api() -> Iterator[Api]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield Api(mock)


@pytest.fixture
def mm(demo_db: Database, api: Api) -> Iterator[MattermostClient]:
    link_mattermost_accounts(demo_db)
    adapter = MattermostAdapter(Regiobot(demo_db, AMS), demo_db, mattermost_settings(demo_db),
                                clock=lambda: NOW)
    server = Background(Router(demo_db, {"/mattermost": adapter}), threads=4)
    yield MattermostClient(f"http://127.0.0.1:{server.port}", api, adapter, demo_db)
    server.stop()
    adapter.executor.shutdown(wait=True)
