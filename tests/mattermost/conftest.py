"""Mattermost as it really reaches us: slash commands, button clicks and dialog
submissions over HTTP to a running web server, with the REST API v4 the bot calls
mocked by ``responses`` (the client is built on ``requests``).

The stand-in is as strict as the server: it refuses a post over 16,383 characters and a
channel it does not know, strips buttons' integrations from the posts it returns, and
sends a click only for a button it shows — with the post's id and channel and the
context it holds — the way Mattermost builds the request. A request Mattermost would
never send is made with ``forge_click`` and named as the forgery it is."""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
import responses
from sqlalchemy import select

from bot.app import Regiobot
from bot.dispatch import Dispatcher
from bot.messages import Message
from bot.platforms.mattermost.app import MattermostAdapter
from bot.platforms.mattermost.sender import PROP, MattermostSender
from bot.web import Router
from config.settings import Settings
from storage import outbox
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
# The demo regio's channels (config/demo/lekstroom.toml); the stand-in's ids are ch<name>.
TEAM_CHANNELS = ["bpsdl", "gso", "plo", "ao-jeugd", "wo-jeugd", "ao-wmo", "ao-onderwijs", "rto",
                 "wg-financien", "wg-juridisch"]
MAX_RUNES = 16_383  # a post's message (PostMessageMaxRunesV2)
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


class NotForwarded(Exception):
    """A click Mattermost itself would never send us: the button is not on a post it
    holds, the post no longer shows it, or the clicker cannot see the post. Only a forged
    request (``MattermostClient.forge_click``) reaches the bot that way."""


def app_error(status: int, error_id: str, message: str) -> tuple[int, dict[str, str], str]:
    """An error as the server answers one (``AppError`` in the reference)."""
    return status, {}, json.dumps({"id": error_id, "message": message, "detailed_error": "",
                                   "request_id": "req0000000000000000000000a",
                                   "status_code": status})


def stripped(post: dict[str, Any]) -> dict[str, Any]:
    """A post as the API shows it to any client, the bot included: Mattermost removes
    each action's ``integration`` (URL and context) before a post leaves the server
    (``Post.StripActionIntegrations``)."""
    shown = copy.deepcopy(post)
    for attachment in (shown.get("props") or {}).get("attachments") or []:
        for action in attachment.get("actions") or []:
            action.pop("integration", None)
    return shown


def actions_of(post: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for att in (post.get("props") or {}).get("attachments") or []
            for a in att.get("actions") or []]


class Api:
    """The mocked REST API v4: records each call, answers as the reference documents and
    refuses what the server refuses — a message over ``MAX_RUNES`` characters (400), a
    channel it does not know (403 to post or read, 404 by name), a channel member that is
    none (404). It keeps every post (``posts``) and every ephemeral post it showed
    (``ephemeral``), so a click can only be made on a button it really shows."""

    def __init__(self, mock: responses.RequestsMock) -> None:
        self.mock = mock
        self.ids = itertools.count(1)
        self.posts: list[dict[str, Any]] = []
        self.ephemeral: list[dict[str, Any]] = []
        # Every action a post ever showed: a client that has not yet received an update
        # still shows the old buttons and can press them (the server then acts on the
        # post's current action of that id; an ephemeral post's cookie on the old one).
        self.shown: dict[str, list[dict[str, Any]]] = {}
        self.usernames = {user_id(h): h for h in HANDLES}
        # The trigger ids the server put in the commands and clicks it sent: only those
        # open a dialog (Mattermost signs them and lets them expire within seconds).
        self.triggers: set[str] = set()
        everyone = {BOT, *self.usernames}
        # Channel id → its team, name and members; DMs join when they are opened.
        self.channels: dict[str, dict[str, Any]] = {
            CHANNEL: {"name": "town-square", "team_id": TEAM, "type": "O",
                      "members": set(everyone)}}
        for name in TEAM_CHANNELS:
            self.channels[f"ch{name}"] = {"name": name, "team_id": TEAM, "type": "O",
                                          "members": set(everyone)}
        for user in self.usernames:  # they have written to the bot before
            self.open_dm(user)
        mock.add(responses.GET, f"{API}/users/me", json={"id": BOT, "username": "regiobot"})
        mock.add_callback(responses.POST, f"{API}/posts", callback=self._post)
        mock.add_callback(responses.POST, f"{API}/channels/direct", callback=self._direct)
        mock.add_callback(responses.POST, f"{API}/actions/dialogs/open",
                          callback=self._open_dialog)
        # The listener's catch-up: the bot's channels (none have news here).
        mock.add(responses.GET, f"{API}/users/me/channels", json=[])
        mock.add_callback(responses.POST, f"{API}/users/usernames", callback=self._by_name)
        mock.add_callback(responses.GET, re.compile(f"{API}/teams/{TEAM}/channels/name/.+"),
                          callback=self._channel)
        mock.add_callback(responses.GET,
                          re.compile(f"{API}/channels/[a-z0-9]+/members/[a-z0-9]+$"),
                          callback=self._member)
        mock.add_callback(responses.GET, re.compile(f"{API}/channels/[a-z0-9]+/posts"),
                          callback=self._channel_posts)
        mock.add_callback(responses.GET, re.compile(f"{API}/users/[a-z0-9]{{26}}$"),
                          callback=self._user)
        mock.add_callback(responses.GET, re.compile(f"{API}/posts/[a-z0-9]+$"),
                          callback=self._get_post)
        mock.add_callback(responses.PUT, re.compile(f"{API}/posts/[a-z0-9]+/patch$"),
                          callback=self._patch)

    # --- what the server refuses -------------------------------------------------------

    @staticmethod
    def too_long(message: str) -> bool:
        return len(message) > MAX_RUNES  # runes: Python counts code points too

    def can_post(self, channel: str, user: str) -> bool:
        known = self.channels.get(channel)
        if known is None and user == BOT and re.fullmatch(r"dm[a-z0-9]{24}", channel):
            # Someone wrote to the bot in this DM (tests hand such posts straight to
            # ``on_post``), so it exists: the bot answers in the channel of their post.
            known = self.channels[channel] = {"name": channel, "team_id": "", "type": "D",
                                              "members": {BOT}}
        return known is not None and user in known["members"]

    # --- endpoints ---------------------------------------------------------------------

    def _post(self, request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        if not self.can_post(str(body.get("channel_id")), BOT):
            return app_error(403, "api.context.permissions.app_error",
                             "You do not have the appropriate permissions.")
        if self.too_long(str(body.get("message", ""))):
            return app_error(400, "model.post.is_valid.msg.app_error",
                             "Invalid message: longer than 16383 characters.")
        root = body.get("root_id")
        if root and not any(p["id"] == root and p["channel_id"] == body["channel_id"]
                            for p in self.posts):
            return app_error(400, "api.post.create_post.root_id.app_error",
                             "Invalid RootId parameter.")
        post = {"id": f"post{next(self.ids):022d}", "create_at": 1764000000000,
                "update_at": 1764000000000, "user_id": BOT, "type": "", **body}
        self.store(post)
        return 201, {}, json.dumps(stripped(post))

    def _get_post(self, request: Any) -> tuple[int, dict[str, str], str]:
        post_id = request.url.rsplit("/", 1)[1]
        found = self.post(post_id)
        if found is None:
            return app_error(404, "app.post.get.app_error", "Unable to get the post.")
        return 200, {}, json.dumps(stripped(found))

    def _patch(self, request: Any) -> tuple[int, dict[str, str], str]:
        post_id = request.url.rsplit("/", 2)[1]
        post = self.post(post_id)
        if post is None or post["user_id"] != BOT:
            return app_error(403, "api.context.permissions.app_error",
                             "You do not have the appropriate permissions.")
        patch = json.loads(request.body)
        if self.too_long(str(patch.get("message", ""))):
            return app_error(400, "model.post.is_valid.msg.app_error",
                             "Invalid message: longer than 16383 characters.")
        post.update(patch)
        self.shown[post_id] += actions_of(post)
        return 200, {}, json.dumps(stripped(post))

    def _open_dialog(self, request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        if body.get("trigger_id") not in self.triggers:
            return app_error(400, "interactive_message.decode_trigger_id.signature_decode_failed",
                             "Failed to decode the trigger ID.")
        return 200, {}, json.dumps({"status": "OK"})

    def trigger(self) -> str:
        made = f"trigger{len(self.triggers) + 1}"
        self.triggers.add(made)
        return made

    def _direct(self, request: Any) -> tuple[int, dict[str, str], str]:
        bot, other = json.loads(request.body)
        assert bot == BOT
        return 201, {}, json.dumps({"id": self.open_dm(other), "type": "D",
                                    "name": f"{bot}__{other}"})

    def open_dm(self, user: str) -> str:
        """The direct channel of the bot and ``user``, made when first asked for (or when
        the user first writes to the bot)."""
        channel = dm_channel(user)
        self.channels.setdefault(channel, {"name": f"{BOT}__{user}", "team_id": "",
                                           "type": "D", "members": {BOT, user}})
        return channel

    def _by_name(self, request: Any) -> tuple[int, dict[str, str], str]:
        wanted = json.loads(request.body)
        found = [{"id": uid, "username": name} for uid, name in self.usernames.items()
                 if name in wanted]
        return 200, {}, json.dumps(found)

    def _channel(self, request: Any) -> tuple[int, dict[str, str], str]:
        name = request.url.rsplit("/", 1)[1]
        found = next((cid for cid, c in self.channels.items()
                      if c["name"] == name and c["team_id"] == TEAM), None)
        if found is None:
            return app_error(404, "app.channel.get_by_name.missing.app_error",
                             "No channel with that name was found.")
        return 200, {}, json.dumps({"id": found, "name": name, "team_id": TEAM,
                                    "type": self.channels[found]["type"]})

    def _member(self, request: Any) -> tuple[int, dict[str, str], str]:
        channel, _, user = request.url.split("/channels/", 1)[1].split("/")
        if not self.can_post(channel, BOT):  # the bot may not read this channel
            return app_error(403, "api.context.permissions.app_error",
                             "You do not have the appropriate permissions.")
        if user not in self.channels[channel]["members"]:
            return app_error(404, "app.channel.get_member.missing.app_error",
                             "No channel member found for that user ID and channel ID.")
        return 200, {}, json.dumps({"channel_id": channel, "user_id": user,
                                    "roles": "channel_user"})

    def _channel_posts(self, request: Any) -> tuple[int, dict[str, str], str]:
        channel = request.url.split("/channels/", 1)[1].split("/", 1)[0]
        if not self.can_post(channel, BOT):
            return app_error(403, "api.context.permissions.app_error",
                             "You do not have the appropriate permissions.")
        found = [p for p in self.posts if p["channel_id"] == channel][::-1]
        return 200, {}, json.dumps({"order": [p["id"] for p in found],
                                    "posts": {p["id"]: stripped(p) for p in found}})

    def _user(self, request: Any) -> tuple[int, dict[str, str], str]:
        uid = request.url.rsplit("/", 1)[1]
        name = self.usernames.get(uid, f"user-{uid[:6]}")
        return 200, {}, json.dumps({"id": uid, "username": name, "first_name": "Nieuwe",
                                    "last_name": "Collega", "email": f"{name}@example.org",
                                    "email_verified": True})

    # --- what the server shows ---------------------------------------------------------

    def post(self, post_id: str) -> dict[str, Any] | None:
        return next((p for p in self.posts if p["id"] == post_id), None)

    def store(self, post: dict[str, Any]) -> None:
        self.posts.append(post)
        self.shown[post["id"]] = actions_of(post)

    def show_ephemeral(self, channel: str, user: str, message: str,
                       attachments: list[dict[str, Any]]) -> dict[str, Any]:
        """An ephemeral post for ``user`` (a command's or a click's answer): never stored
        by the server, but its buttons are kept by the client that shows it."""
        post = {"id": f"ephemeral{next(self.ids):017d}", "channel_id": channel,
                "user_id": BOT, "visible_to": user, "message": message,
                "props": {"attachments": attachments} if attachments else {}}
        self.ephemeral.append(post)
        self.shown[post["id"]] = actions_of(post)
        return post

    def update(self, post: dict[str, Any], message: str,
               attachments: list[dict[str, Any]]) -> None:
        """A click's ``update``: the post it came from takes the new text and buttons."""
        assert not self.too_long(message), "Mattermost refuses a message this long"
        post["message"] = message
        props = {k: v for k, v in (post.get("props") or {}).items() if k != "attachments"}
        post["props"] = {**props, **({"attachments": attachments} if attachments else {})}
        self.shown[post["id"]] += actions_of(post)

    def holding(self, button: dict[str, Any]) -> dict[str, Any]:
        """The post (stored or ephemeral) on which this button was shown."""
        for post in [*self.posts, *self.ephemeral]:
            if any(a == button for a in self.shown[post["id"]]):
                return post
        raise NotForwarded("Mattermost never showed this button")

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
        form and in ``Authorization: Token …``. Its answer is shown as Mattermost shows
        it: an ephemeral post for the typer, or (``in_channel``) a post in the channel."""
        fields = {"channel_id": channel, "channel_name": "plo", "command": f"/{root}",
                  "response_url": f"{URL}/hooks/commands/x", "team_domain": "lekstroom",
                  "team_id": TEAM, "text": text, "trigger_id": self.api.trigger(),
                  "user_id": user_id(handle), "user_name": handle}
        if token is not None:
            fields["token"] = token
        headers = {}
        if header is not None:
            headers["Authorization"] = f"Token {token if header == 'same' else header}"
        answer = self.post("/mattermost/command", urlencode(fields).encode(),
                           "application/x-www-form-urlencoded", headers)
        self.show(answer, channel, user_id(handle))
        return answer

    def show(self, answer: Answer, channel: str, user: str) -> None:
        if answer.status != 200 or not answer.text:
            return
        data = answer.json()
        attachments = data.get("attachments") or []
        if data.get("response_type") == "in_channel":
            assert not self.api.too_long(answer.text), "Mattermost refuses a post this long"
            self.api.store({
                "id": f"post{next(self.api.ids):022d}", "channel_id": channel,
                "user_id": user, "message": answer.text, "type": "",
                "props": {"attachments": attachments} if attachments else {}})
        elif "update" not in data:
            self.api.show_ephemeral(channel, user, answer.text, attachments)

    def click(self, handle: str, button: dict[str, Any], channel: str | None = None,
              post_id: str | None = None) -> Answer:
        """``handle`` presses ``button`` as Mattermost forwards it: only a button on a post
        it shows them, with the context it holds for that post (the current version of a
        stored post; what the client shows of an ephemeral one), and the post's id and
        channel. ``channel`` and ``post_id``, when given, must be the post's."""
        post = self.api.holding(button)
        user = user_id(handle)
        assert channel in (None, post["channel_id"]) and post_id in (None, post["id"])
        if "visible_to" in post:
            action = button
            if post["visible_to"] != user:
                raise NotForwarded("an ephemeral post is seen by its recipient only")
        else:
            action = next((a for a in actions_of(post) if a["id"] == button["id"]), None)
            if action is None:
                raise NotForwarded("the post no longer shows this button")
            if user not in self.api.channels[post["channel_id"]]["members"]:
                raise NotForwarded("the clicker cannot see this channel")
        assert action["integration"]["url"] == f"{PUBLIC}/mattermost/action"
        answer = self._action(handle, user, post["channel_id"], post["id"],
                              action["integration"]["context"], self.api.trigger())
        data = answer.json() if answer.status == 200 else {}
        if "update" in data:
            update = data["update"]
            self.api.update(post, update.get("message", ""),
                            (update.get("props") or {}).get("attachments") or [])
        elif data.get("ephemeral_text"):
            self.api.show_ephemeral(post["channel_id"], user, data["ephemeral_text"], [])
        return answer

    def forge_click(self, handle: str, context: Any, channel: str = CHANNEL,
                    post_id: str = "forged00000000000000000000",
                    user: str | None = None) -> Answer:
        """A FORGED click: a request anyone can send to our action endpoint directly,
        with any context, channel, post id and user id — what Mattermost never sends (nor
        a trigger id the server made)."""
        return self._action(handle, user or user_id(handle), channel, post_id, context,
                            "forgedtrigger")

    def _action(self, handle: str, user: str, channel: str, post_id: str,
                context: Any, trigger: str) -> Answer:
        body = {"user_id": user, "user_name": handle, "channel_id": channel,
                "channel_name": "", "team_id": TEAM, "team_domain": "lekstroom",
                "post_id": post_id, "trigger_id": trigger,
                "type": "", "data_source": "", "context": context}
        return self.post("/mattermost/action", json.dumps(body).encode(), "application/json")

    def deliver(self, kind: str, address: str, message: Message, key: str) -> dict[str, Any]:
        """``message`` put in the outbox for a channel (``kind`` "kanaal", ``address`` its
        name) or a person ("persoon", their persoon id) and sent as the worker does; the
        post it became."""
        with self.db.write() as session:
            outbox.enqueue(session, delivery_key=key, regio_id=1, platform="mattermost",
                           doel_soort=kind, doel=address,
                           bericht=message.model_dump(mode="json"),
                           aangemaakt_op=self.adapter.clock())
        sender = MattermostSender(self.adapter.client, self.db, self.adapter.buttons)
        Dispatcher(self.db, sender, self.adapter.clock, "test-worker").drain()
        return next(p for p in self.api.posts
                    if (p.get("props") or {}).get(PROP) == key)

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


@contextmanager
def serving(db: Database, api: Api) -> Iterator[MattermostClient]:
    """The Mattermost endpoints on a local port, over ``db``, talking to the stand-in."""
    adapter = MattermostAdapter(Regiobot(db, AMS), db, mattermost_settings(db),
                                clock=lambda: NOW)
    server = Background(Router(db, {"/mattermost": adapter}), threads=4)
    try:
        yield MattermostClient(f"http://127.0.0.1:{server.port}", api, adapter, db)
    finally:
        server.stop()
        adapter.executor.shutdown(wait=True)


@pytest.fixture
def mm(demo_db: Database, api: Api) -> Iterator[MattermostClient]:
    link_mattermost_accounts(demo_db)
    with serving(demo_db, api) as client:
        yield client
