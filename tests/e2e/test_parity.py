"""Parity (issue: one scenario on every platform): plo-houten creates an opgave, gives it a
milestone and a projectleider; the worker sends that milestone's reminder, whose recipient
presses *Afgerond*; two PLO members who disagree fill in an afweging by typing in their DM;
the worker sends Monday's digest. The scenario runs on the console, on Slack and on
Mattermost, each on a fresh demo database and on the same injected clock, and must end
the same: the same rows in the database, the same messages in the outbox, and the same
words in what each person was shown — only each platform's formatting may differ."""

from __future__ import annotations

import io
import itertools
import re
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import select

from bot.app import Regiobot
from bot.dispatch import Dispatcher, Sender
from bot.messages import Message
from bot.planner import plan
from bot.platforms.console import Console, ConsoleSender
from bot.platforms.mattermost.app import MattermostAdapter
from bot.platforms.mattermost.client import Client
from bot.platforms.mattermost.sender import BUNDLE_PROP, PROP, MattermostSender
from bot.platforms.slack.app import SlackAdapter
from bot.platforms.slack.sender import EVENT_TYPE, SlackSender, sending_client
from bot.schedule import Rules
from bot.texts import t, use_language
from config.settings import Settings
from storage.db import Database
from storage.models import (
    Afweging,
    Antwoord,
    AuditRegel,
    Base,
    Identiteit,
    Mijlpaal,
    Opgave,
    OutboxBericht,
    Persoon,
    Respondent,
)
from tests.conftest import AMS, NOW, load_demo, sqlite_database
from tests.mattermost import conftest as mattermost_fixtures
from tests.mattermost.conftest import TEAM, MattermostClient, dm_channel, user_id
from tests.slack import conftest as slack_fixtures
from tests.slack.conftest import SECRET, USERS, SlackClient
from tests.slack.test_afweging import im
from tests.slack.test_interactions import buttons_of

# The platforms' own fixtures, made known here so ``request`` gets them by name.
slack = slack_fixtures.slack
stand_in = slack_fixtures.stand_in
mm = mattermost_fixtures.mm
api = mattermost_fixtures.api

# --- the scenario ---------------------------------------------------------------------------

CODE = "JGD-05"  # the next free code in the Jeugd theme of the demo region
# Markdown, an underscore and an @ in user text: each platform must show them as typed.
TITEL = "Jongerenwerk en buurtsport_12+ voor @iedereen"
MIJLPAAL = "Startnotitie vastgesteld"
MIJLPAAL_DATUM = date(2026, 11, 26)  # Thursday: the reminder of one working day before
REMINDER_SENT = datetime(2026, 11, 25, 9, 5, tzinfo=AMS)  # is due on Wednesday
PRESSED = datetime(2026, 11, 25, 9, 30, tzinfo=AMS)
AFWEGING = datetime(2026, 11, 25, 10, 0, tzinfo=AMS)
DIGEST_SENT = datetime(2026, 11, 30, 9, 5, tzinfo=AMS)  # the next Monday
PROJECTLEIDER = "pl-jeugdinkoop"
# Houten sees meerwaarde, Nieuwegein would do it locally: they disagree on several questions.
HOUTEN = ["nee", "nee, geen wettelijke taak", "ja, want de kosten stijgen in alle vijf gemeenten",
          "ja", "nee", "ja, zelfde aanbieders", "nee", "weet ik niet", "ja", "ook uitvoering",
          "ja", "klaar"]
NIEUWEGEIN = ["nee", "nee", "nee, Nieuwegein werkt al met een eigen aanbieder", "nee", "nee",
              "nee", "nee", "nee", "nee", "klaar"]


@dataclass
class Clock:
    """The injected now of every adapter and the worker in one run."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


def scenario(run: Run) -> None:
    run.clock.now = NOW
    run.command("plo-houten", f"nieuw {TITEL}")
    run.command("plo-houten", f"mijlpaal toevoegen {CODE} {MIJLPAAL_DATUM:%d-%m-%Y} {MIJLPAAL}")
    run.command("plo-houten", f"rol {CODE} projectleider {run.mention(PROJECTLEIDER)}")
    run.work(REMINDER_SENT)
    run.clock.now = PRESSED
    run.press(PROJECTLEIDER, reminder_of(run, PROJECTLEIDER), "Afgerond")
    run.clock.now = AFWEGING
    # Both join before either confirms: the afweging closes when all who joined are done.
    run.command("plo-houten", f"afweging {CODE} invullen")
    run.command("plo-nieuwegein", f"afweging {CODE} invullen")
    for answer in HOUTEN:
        run.dm("plo-houten", answer)
    for answer in NIEUWEGEIN:
        run.dm("plo-nieuwegein", answer)
    # The card: its facts name the projectleider and the afweging's outcome.
    run.command("plo-houten", f"status {CODE}")
    run.work(DIGEST_SENT)


def reminder_of(run: Run, handle: str) -> OutboxBericht:
    """The outbox row of the new milestone's reminder to ``handle`` on this platform."""
    with run.db.read() as s:
        mijlpaal_id = s.scalars(select(Mijlpaal.id).join(Opgave).where(
            Opgave.code == CODE, Mijlpaal.volgnummer == 1)).one()
        persoon_id = s.scalars(select(Persoon.id).where(Persoon.handle == handle)).one()
        row = s.scalars(select(OutboxBericht).where(
            OutboxBericht.platform == run.platform, OutboxBericht.doel == str(persoon_id),
            OutboxBericht.delivery_key.startswith(f"herinnering:m{mijlpaal_id}:"))).one()
        s.expunge(row)
        return row


# --- what a person is shown, whatever the platform ------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A message or reply as plain text lines and the labels of its buttons, in order."""

    lines: tuple[str, ...]
    buttons: tuple[str, ...]

    @classmethod
    def of(cls, lines: list[str], buttons: list[str]) -> Shown:
        return cls(tuple(c for c in map(canonical, lines) if c),
                   tuple(" ".join(b.replace("\u200b", "").split()) for b in buttons))


def canonical(line: str) -> str:
    """One line as it reads, without markup any platform adds around words: indentation,
    a bullet, bold markers, the parentheses or underscores around a context line, the
    colon after a section title. Applied alike to every platform, so a word that differs
    still fails."""
    text = " ".join(line.replace("*", "").split())
    text = re.sub(r"^[•-] ", "", text)
    if len(text) > 1 and (text[0], text[-1]) in {("(", ")"), ("_", "_")}:
        text = text[1:-1].strip()
    return text.removesuffix(":").rstrip()


@dataclass(frozen=True)
class Post:
    """A delivered message: where it went (``@handle`` or ``#kanaal``, `` in thread`` when
    posted in an opgave's thread) and what it showed."""

    where: str
    shown: Shown


T = TypeVar("T")


def only(found: list[T], what: str) -> T:
    """The one item found: a delivery posted twice, or a button shown twice, fails."""
    assert len(found) == 1, f"{len(found)} × {what}"
    return found[0]


CONSOLE_BUTTON = re.compile(r"\[#\d+ ([^\]]+)\]")


def heading_of(row: OutboxBericht) -> str:
    """The heading of a row's message: in a bundle, the title of its own section."""
    return Message.model_validate(row.bericht).heading or ""


def carries(keys: dict[str, Any], row: OutboxBericht, key: str, bundle: str) -> bool:
    """Whether a post's keys (its own, and a bundle's) name this row."""
    return keys.get(key) == row.delivery_key or row.delivery_key in (keys.get(bundle) or [])


def console_shown(text: str) -> Shown:
    """The console's text (``bot.render_text.render``); its buttons are ``[#n label]``."""
    lines = text.split("\n")
    return Shown.of([CONSOLE_BUTTON.sub("", ln) for ln in lines],
                    [b for ln in lines for b in CONSOLE_BUTTON.findall(ln)])


SLACK_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")


def slack_shown(blocks: list[dict[str, Any]], names: dict[str, str]) -> Shown:
    """Block Kit as read: header, section texts, facts (bold label over its value),
    context; mrkdwn unescaped. Slack shows a person as a mention, the console by name:
    ``names`` maps the account back to the person's name."""

    def text(obj: dict[str, Any]) -> str:
        if obj["type"] != "mrkdwn":
            return str(obj["text"])
        mapped = SLACK_MENTION.sub(lambda m: names[m[1]], obj["text"])
        return mapped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

    lines: list[str] = []
    for block in blocks:
        if block["type"] in ("header", "section") and "text" in block:
            lines += text(block["text"]).split("\n")
        for fact in block.get("fields", []):
            label, _, value = text(fact).partition("\n")
            lines.append(f"{label}: {value}")
        if block["type"] == "context":
            lines += [text(e) for e in block["elements"]]
    return Shown.of(lines, [b["text"]["text"] for b in buttons_of(blocks)])


def mattermost_shown(message: str, attachments: list[dict[str, Any]],
                     names: dict[str, str]) -> Shown:
    """Mattermost markdown as read: ``@username`` back to the person's name (the console
    shows names), then zero-width spaces and backslash escapes gone. A button can only sit
    below the text, so one that belongs to a line is labelled ``label: start of the line``;
    only its label counts here."""
    if names:
        known = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        message = re.sub(rf"@({known})(?![\w-])", lambda m: names[m[1]], message)
    plain = re.sub(r"\\([^\sA-Za-z0-9])", r"\1", message.replace("\u200b", ""))
    labels = [str(a["name"]).split(": ", 1)[0]
              for attachment in attachments for a in attachment.get("actions", [])]
    return Shown.of(plain.split("\n"), labels)


# --- one run per platform ----------------------------------------------------------------------


class Run(ABC):
    platform: str

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.seen: dict[str, list[Shown]] = defaultdict(list)

    @abstractmethod
    def command(self, handle: str, text: str) -> None:
        """``/opgave text`` typed by ``handle``; what they are shown is kept."""

    @abstractmethod
    def dm(self, handle: str, text: str) -> None:
        """A line typed in ``handle``'s DM with the bot."""

    @abstractmethod
    def press(self, handle: str, row: OutboxBericht, label: str) -> None:
        """``handle`` presses ``label`` on the message ``row`` delivered to them."""

    @abstractmethod
    def sender(self) -> Sender:
        """The outbox sender the worker uses on this platform."""

    @abstractmethod
    def delivered(self, row: OutboxBericht) -> Post:
        """Where the platform posted a sent outbox row, and what it showed."""

    def mention(self, handle: str) -> str:
        """A person as typed in a command on this platform."""
        return f"@{handle}"

    def work(self, instant: datetime) -> None:
        """The worker at ``instant``: plan, then send what is due."""
        self.clock.now = instant
        plan(self.db, instant, AMS, Rules())
        Dispatcher(self.db, self.sender(), self.clock, "parity-worker").drain()

    def names(self) -> dict[str, str]:
        """Each account's id and username on this platform → the person's name."""
        with self.db.read() as s:
            rows = s.execute(select(Identiteit.extern_id, Identiteit.gebruikersnaam,
                                    Persoon.naam).join(Persoon).where(
                Identiteit.platform == self.platform)).all()
        return {key: naam for extern_id, username, naam in rows
                for key in (extern_id, username) if key}

    def handles(self) -> dict[str, str]:
        """Each account's id on this platform → the person's handle."""
        with self.db.read() as s:
            return {u: h for u, h in s.execute(select(Identiteit.extern_id, Persoon.handle)
                                               .join(Persoon)
                                               .where(Identiteit.platform == self.platform))}


class ConsoleRun(Run):
    platform = "console"

    def __init__(self, db: Database, clock: Clock) -> None:
        super().__init__(db, clock)
        self.out = io.StringIO()
        self.console = Console(Regiobot(db, AMS), db, "lekstroom", "plo-houten", clock,
                               self.out)
        # Deliveries apart from replies; one sender for the console and the worker, so a
        # delivered button is numbered and can be pressed (#n), and its extern id
        # (console-n) is the n-th delivery.
        self.deliveries: list[str] = []
        self.console.sender = ConsoleSender(self.deliveries.append, self.console.label)

    def line(self, handle: str, text: str) -> None:
        self.console.switch(handle, announce=False)
        start = self.out.tell()
        self.console.handle_line(text, iter(()))
        self.seen[handle].append(console_shown(self.out.getvalue()[start:]))

    def command(self, handle: str, text: str) -> None:
        self.line(handle, f"/opgave {text}")

    def dm(self, handle: str, text: str) -> None:
        self.line(handle, text)

    def press(self, handle: str, row: OutboxBericht, label: str) -> None:
        _, text = self.written(row)
        # The row's own buttons: the first line of buttons from its heading on.
        mine = next(ln for ln in text[text.index(heading_of(row)):].split("\n") if "[#" in ln)
        number = only(re.findall(rf"\[#(\d+) {re.escape(label)}\]", mine), label)
        self.line(handle, f"#{number}")

    def sender(self) -> Sender:
        return self.console.sender

    def written(self, row: OutboxBericht) -> tuple[str, str]:
        """``→ <where>: <text>``, the text's further lines indented, as the console wrote
        the row's message."""
        assert row.extern_id is not None
        first, *rest = self.deliveries[int(row.extern_id.removeprefix("console-")) - 1].split(
            "\n")
        where, _, text = first.removeprefix("→ ").partition(": ")
        return where, "\n".join([text, *(r.removeprefix("  ") for r in rest)])

    def delivered(self, row: OutboxBericht) -> Post:
        where, text = self.written(row)
        in_thread = t("console.in_thread")
        return Post(where.removesuffix(in_thread) + (" in thread" if where.endswith(in_thread)
                                                      else ""), console_shown(text))


class SlackRun(Run):
    """Signed HTTP requests to the running app (fixture ``slack``), the Web API stand-in."""

    platform = "slack"

    def __init__(self, client: SlackClient, adapter: SettlingSlackAdapter, clock: Clock) -> None:
        super().__init__(client.db, clock)
        self.slack = client
        self.adapter = adapter
        self.events = itertools.count(1)
        with self.db.read() as s:
            self.user = {h: u for h, u in s.execute(select(Persoon.handle, Identiteit.extern_id)
                                                    .join(Identiteit)
                                                    .where(Identiteit.platform == "slack"))}

    def mention(self, handle: str) -> str:
        return f"<@{self.user[handle]}|{handle}>"  # as Slack sends a picked @mention

    def calls_after(self, method: str, start: int) -> list[dict[str, Any]]:
        return [c.body for c in self.slack.stand_in.calls[start:] if c.method == method]

    def command(self, handle: str, text: str) -> None:
        answer = self.slack.command(self.user[handle], text)
        self.adapter.settle()
        assert answer.status == 200 and answer.body, answer
        self.seen[handle].append(slack_shown(answer.json()["blocks"], self.names()))

    def dm(self, handle: str, text: str) -> None:
        user = self.user[handle]
        start = len(self.slack.stand_in.calls)
        assert self.slack.event(im(user, text), f"EvParity{next(self.events)}").status == 200
        self.adapter.settle()
        self.seen[handle] += [slack_shown(p["blocks"], self.names())
                              for p in self.calls_after("chat.postMessage", start)
                              if p["channel"] == f"D{user}" and "metadata" not in p]

    def post_of(self, row: OutboxBericht) -> dict[str, Any]:
        return only([c.body for c in self.slack.stand_in.of("chat.postMessage")
                     if (c.body.get("metadata") or {}).get("event_type") == EVENT_TYPE
                     and carries(c.body["metadata"]["event_payload"], row, "delivery_key",
                                 "bundle")], row.delivery_key)

    def press(self, handle: str, row: OutboxBericht, label: str) -> None:
        post = self.post_of(row)
        blocks = post["blocks"]
        # The row's own buttons: the first ones from the block of its heading on.
        start = next(n for n, b in enumerate(blocks) if heading_of(row) in str(b))
        mine = next(b for b in blocks[start:] if buttons_of([b]))
        button = only([b for b in buttons_of([mine]) if b["text"]["text"] == label], label)
        start = len(self.slack.stand_in.calls)
        channel = post["channel"]
        self.slack.click(self.user[handle], button,
                         channel={"id": channel, "name": "directmessage"},
                         container={"type": "message", "channel_id": channel})
        self.adapter.settle()
        self.seen[handle] += [slack_shown(r["blocks"], self.names())
                              for r in self.calls_after("response_url", start)]

    def sender(self) -> Sender:
        settings = Settings(slack_bot_token="xoxb-test", slack_signing_secret=SECRET,
                            slack_api_url=self.slack.stand_in.url, database_url=self.db.url)
        return SlackSender(sending_client(settings), self.db)

    def delivered(self, row: OutboxBericht) -> Post:
        post = self.post_of(row)
        channel = str(post["channel"])  # a DM is the stand-in's D<user id>
        handle = self.handles().get(channel.removeprefix("D")) if channel[0] == "D" else None
        # A channel is posted to by its ID; the stand-in's directory names it.
        where = f"@{handle}" if handle else f"#{self.slack.stand_in.channel_name(channel)}"
        return Post(where + (" in thread" if post.get("thread_ts") else ""),
                    slack_shown(post["blocks"], self.names()))


class MattermostRun(Run):
    """Commands and clicks over HTTP (fixture ``mm``), typed DMs into ``on_post``, the REST
    API mocked."""

    platform = "mattermost"

    def __init__(self, server: MattermostClient, clock: Clock) -> None:
        super().__init__(server.db, clock)
        self.mm = server
        self.posts = itertools.count(1)
        # Each delivery as it was posted: the pressed reminder is edited later (its
        # buttons spent), which only Mattermost does.
        self.as_posted: dict[str, list[Post]] = defaultdict(list)
        self.kept = 0

    def keep_posted(self) -> None:
        channels = {dm_channel(user): f"@{handle}" for user, handle in self.handles().items()}
        for post in self.mm.api.posts[self.kept:]:
            props = post.get("props") or {}
            for key in props.get(BUNDLE_PROP) or [props.get(PROP)] * bool(props.get(PROP)):
                channel = post["channel_id"]  # the mock's channel ids: ch<name>, dm<user>
                where = channels.get(channel) or "#" + channel.removeprefix("ch")
                self.as_posted[key].append(Post(
                    where + (" in thread" if post.get("root_id") else ""),
                    mattermost_shown(post["message"], post["props"].get("attachments", []),
                                     self.names())))
        self.kept = len(self.mm.api.posts)

    def replies_in_dm(self, handle: str, start: int) -> list[Shown]:
        channel = dm_channel(user_id(handle))
        return [mattermost_shown(p["message"], (p.get("props") or {}).get("attachments", []),
                                 self.names())
                for p in self.mm.api.posts[start:]
                if p["channel_id"] == channel and PROP not in (p.get("props") or {})]

    def command(self, handle: str, text: str) -> None:
        answer = self.mm.command(handle, text)
        assert answer.status == 200 and answer.text, answer
        self.seen[handle].append(mattermost_shown(answer.text, answer.json().get(
            "attachments", []), self.names()))
        self.keep_posted()

    def dm(self, handle: str, text: str) -> None:
        user = user_id(handle)
        start = len(self.mm.api.posts)
        ms = int(self.clock().timestamp() * 1000)
        self.mm.adapter.on_post({
            "id": f"typed{next(self.posts):021d}", "create_at": ms, "update_at": ms,
            "user_id": user, "channel_id": dm_channel(user), "message": text, "type": "",
            "props": {}})
        self.mm.adapter.settle()
        self.seen[handle] += self.replies_in_dm(handle, start)
        self.keep_posted()

    def press(self, handle: str, row: OutboxBericht, label: str) -> None:
        post = only([p for p in self.mm.api.posts
                     if carries(p.get("props") or {}, row, PROP, BUNDLE_PROP)], row.delivery_key)
        # A bundle's: the attachment titled with the row's heading.
        mine = [att for att in post["props"]["attachments"]
                if BUNDLE_PROP not in post["props"]
                or att.get("title", "").startswith(heading_of(row))]
        action = only([a for attachment in mine for a in attachment["actions"]
                       if a["name"] == label], label)
        start = len(self.mm.api.posts)
        answer = self.mm.click(handle, action, channel=post["channel_id"], post_id=post["id"])
        assert answer.status == 200, answer
        if answer.text:
            update = answer.json().get("update") or {}
            self.seen[handle].append(mattermost_shown(
                answer.text, (update.get("props") or {}).get("attachments", []), self.names()))
        self.seen[handle] += self.replies_in_dm(handle, start)
        self.keep_posted()

    def work(self, instant: datetime) -> None:
        super().work(instant)
        self.keep_posted()

    def sender(self) -> Sender:
        return MattermostSender(self.mm.adapter.client, self.db, self.mm.adapter.buttons)

    def delivered(self, row: OutboxBericht) -> Post:
        return only(self.as_posted[row.delivery_key], row.delivery_key)


# --- the adapters of the fixtures, on the scenario's clock ----------------------------------


class SettlingSlackAdapter(SlackAdapter):
    """A Slack adapter whose work after an ack (Bolt's lazy listeners: delivering the
    outbox, App Home) can be waited for, like ``MattermostAdapter.settle``."""

    def __init__(self, bot: Regiobot, db: Database, settings: Settings,
                 clock: Callable[[], datetime]) -> None:
        super().__init__(bot, db, settings, clock)
        self.lazy: list[Future[Any]] = []
        submit = self.executor.submit  # the executor Bolt runs lazy listeners on

        def tracked(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
            future = submit(fn, *args, **kwargs)
            self.lazy.append(future)
            return future

        self.executor.submit = tracked  # type: ignore[method-assign]

    def settle(self, timeout: float = 10.0) -> None:
        while pending := [f for f in self.lazy if not f.done()]:
            for future in pending:
                future.result(timeout=timeout)


def on_clock(monkeypatch: pytest.MonkeyPatch, now: Clock) -> list[SettlingSlackAdapter]:
    """The fixtures ``slack`` and ``mm`` as they are, except that the adapter each makes
    runs on ``now`` (theirs stands still at NOW: a reminder is pressed, an afweging filled
    in and a digest sent on later days). Returns the Slack adapters made."""
    made: list[SettlingSlackAdapter] = []

    class SlackOnClock(SettlingSlackAdapter):
        def __init__(self, bot: Regiobot, db: Database, settings: Settings,
                     clock: Callable[[], datetime]) -> None:
            super().__init__(bot, db, settings, now)
            made.append(self)

    class MattermostOnClock(MattermostAdapter):
        def __init__(self, bot: Regiobot, db: Database, settings: Settings,
                     clock: Callable[[], datetime], client: Client | None = None) -> None:
            super().__init__(bot, db, settings, now, client)

    monkeypatch.setattr(slack_fixtures, "SlackAdapter", SlackOnClock)
    monkeypatch.setattr(mattermost_fixtures, "MattermostAdapter", MattermostOnClock)
    return made


def slack_account(handle: str) -> str:
    known = {h: u for u, h in USERS.items()}
    return known.get(handle) or "U" + re.sub(r"[^A-Z0-9]", "", handle.upper())


def link_everyone(db: Database, platform: str, team: str,
                  account: Callable[[str], str]) -> None:
    """Everyone with a console account gets one on ``platform``: the fixtures link a few,
    and who has an account decides where a message goes (else a stand-in or the PLO
    channel), which would make the outboxes differ for a reason that is no platform's."""
    with db.write() as s:
        linked = set(s.scalars(select(Identiteit.persoon_id).where(
            Identiteit.platform == platform)))
        for persoon_id, handle in s.execute(select(Persoon.id, Persoon.handle).join(
                Identiteit).where(Identiteit.platform == "console")).all():
            if persoon_id not in linked:
                s.add(Identiteit(persoon_id=persoon_id, platform=platform, team_id=team,
                                 extern_id=account(handle), gebruikersnaam=handle))


# --- the outcome ------------------------------------------------------------------------------


def by_persoon_id(value: Any) -> Any:
    """The message model with each person mentioned as their persoon id."""
    if isinstance(value, dict):
        if value.get("kind") == "persoon":
            return {"persoon": value["persoon_id"]}
        return {k: by_persoon_id(v) for k, v in value.items()}
    if isinstance(value, list):
        return [by_persoon_id(v) for v in value]
    return value


@dataclass
class Outcome:
    opgave: dict[str, Any]
    mijlpalen: list[tuple[int, str, date, datetime | None]]
    afweging: dict[str, Any]
    antwoorden: set[tuple[str, str, str, str | None]]
    audit: list[tuple[str, str, str | None, str | None, str | None]]
    # Per delivery key without its platform: status, and the message model.
    outbox: dict[str, str]
    messages: dict[str, Any]
    delivered: dict[str, Post]
    reminder: str  # the key of the new milestone's reminder to its projectleider
    seen: dict[str, list[Shown]] = field(default_factory=dict)


def outcome(run: Run) -> Outcome:
    suffix = f":{run.platform}"
    with run.db.read() as s:
        handle = {i: h for i, h in s.execute(select(Persoon.id, Persoon.handle))}
        opgave = s.scalars(select(Opgave).where(Opgave.code == CODE)).one()
        afweging = s.scalars(select(Afweging).where(Afweging.opgave_id == opgave.id)).one()
        rows = list(s.scalars(select(OutboxBericht).where(
            OutboxBericht.platform == run.platform).order_by(OutboxBericht.id)))
        s.expunge_all()
        return Outcome(
            opgave={"code": opgave.code, "titel": opgave.titel, "fase": opgave.fase,
                    "projectleider": handle.get(opgave.projectleider_id or 0),
                    "afweging_uitkomst": opgave.afweging_uitkomst},
            mijlpalen=[(m.volgnummer, m.titel, m.datum, m.afgerond_op) for m in s.scalars(
                select(Mijlpaal).where(Mijlpaal.opgave_id == opgave.id)
                .order_by(Mijlpaal.volgnummer))],
            afweging={"status": afweging.status, "uitkomst": afweging.uitkomst,
                      "afgerond_op": afweging.afgerond_op},
            antwoorden={(handle[p], vraag, waarde, toelichting)
                        for p, vraag, waarde, toelichting in s.execute(
                            select(Respondent.persoon_id, Antwoord.vraag, Antwoord.waarde,
                                   Antwoord.toelichting).join(Respondent))},
            audit=[(a.entiteit, a.veld, a.oud, a.nieuw, handle.get(a.door_id or 0))
                   for a in s.scalars(select(AuditRegel).order_by(AuditRegel.id))],
            outbox={r.delivery_key.removesuffix(suffix): r.status for r in rows},
            messages={r.delivery_key.removesuffix(suffix): by_persoon_id(r.bericht)
                      for r in rows},
            delivered={r.delivery_key.removesuffix(suffix): run.delivered(r) for r in rows
                       if r.status == "sent"},
            reminder=reminder_of(run, PROJECTLEIDER).delivery_key.removesuffix(suffix),
            seen=dict(run.seen))


@pytest.fixture(scope="module")
def on_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outcome]:
    use_language("nl")
    db = sqlite_database(Path(tmp_path_factory.mktemp("parity-console")))
    Base.metadata.create_all(db.engine)
    load_demo(db)
    run = ConsoleRun(db, Clock())
    scenario(run)
    yield outcome(run)
    db.dispose()


def on(platform: str, request: pytest.FixtureRequest,
       monkeypatch: pytest.MonkeyPatch) -> Outcome:
    """The scenario on Slack or Mattermost. Their fixtures are asked for by name here, one
    per test: each brings its own fresh demo database."""
    clock = Clock()
    slack_adapters = on_clock(monkeypatch, clock)
    run: Run
    if platform == "slack":
        client: SlackClient = request.getfixturevalue("slack")
        link_everyone(client.db, "slack", "T1", slack_account)
        [adapter] = slack_adapters
        run = SlackRun(client, adapter, clock)
    else:
        server: MattermostClient = request.getfixturevalue("mm")
        link_everyone(server.db, "mattermost", TEAM, user_id)
        run = MattermostRun(server, clock)
    scenario(run)
    return outcome(run)


# --- the tests --------------------------------------------------------------------------------


def test_on_the_console_the_scenario_runs_its_whole_course(on_console: Outcome) -> None:
    """What the others are held to is the whole scenario, not a run that stopped early."""
    assert on_console.opgave["titel"] == TITEL
    assert on_console.opgave["projectleider"] == PROJECTLEIDER
    assert on_console.mijlpalen == [(1, MIJLPAAL, MIJLPAAL_DATUM, PRESSED)]
    reminder = on_console.delivered[on_console.reminder]
    assert reminder.where == f"@{PROJECTLEIDER}"
    # In a bundle with the other reminders due that morning: its own section.
    assert f"{CODE}#1 {MIJLPAAL}: bijna zover" in reminder.shown.lines
    assert on_console.seen[PROJECTLEIDER] == [Shown(
        (f"✅ Mijlpaal {CODE}#1 {MIJLPAAL} is afgerond.",), ("Bekijk",))]
    assert on_console.afweging["status"] == "afgerond"
    assert on_console.afweging["uitkomst"]["stemmen"] == {
        "Houten": "meerwaarde", "Nieuwegein": "lokaal"}
    assert on_console.opgave["afweging_uitkomst"] == "nog niet te bepalen"
    thanks = f"Bedankt, je antwoorden voor {CODE} zijn bevestigd en tellen mee."
    assert [r.lines for r in on_console.seen["plo-nieuwegein"][-1:]] == [(thanks,)]
    assert on_console.seen["plo-houten"][-1].lines[-2:] == (
        "Afweging: nog niet te bepalen", "1 mijlpaal afgerond · jaar 2026 · – · –")
    digest = on_console.delivered["digest:r1:2026-11-30:#plo"]
    assert digest.where == "#plo"
    assert digest.shown.lines[0] == "PLO-digest week van maandag 30 november 2026"
    assert set(on_console.outbox.values()) == {"sent"}


@pytest.mark.parametrize("platform", ["slack", "mattermost"])
def test_the_same_scenario_ends_the_same_as_on_the_console(
    platform: str, on_console: Outcome, request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    there = on(platform, request, monkeypatch)
    # The same outcome in the database …
    assert there.opgave == on_console.opgave
    assert there.mijlpalen == on_console.mijlpalen
    assert there.afweging == on_console.afweging
    assert there.antwoorden == on_console.antwoorden
    assert there.audit == on_console.audit
    assert there.outbox == on_console.outbox
    assert there.reminder == on_console.reminder
    # … the same messages in the outbox, shown alike …
    assert there.messages == on_console.messages
    for key, shown in on_console.delivered.items():
        assert there.delivered[key] == shown, key
    # … and the same replies to what each person typed or pressed.
    assert there.seen.keys() == on_console.seen.keys()
    for handle, replies in on_console.seen.items():
        assert len(there.seen[handle]) == len(replies), handle
        for number, (got, expected) in enumerate(zip(there.seen[handle], replies, strict=True)):
            assert got == expected, (handle, number)

