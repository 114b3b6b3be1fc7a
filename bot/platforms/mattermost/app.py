"""The Mattermost adapter: slash commands, button clicks and dialog submissions over
HTTP (a WSGI app under ``/mattermost``), and the DMs the WebSocket listener hands over.
Each is a thin translation around the core (``bot.app.Regiobot``).

Trust (docs/security.md): a slash command carries its command's token (form field and
``Authorization: Token …``), compared in constant time. Clicks and submissions carry
nothing Mattermost vouches for, so they are trusted only through our own seal
(``signing``) on the button's context or the dialog's state. A sealed button works on the
one post it was made for, for the one person it names, or — a channel's button — for the
channel's members; the clicking user is then permission-checked by the core like anyone
typing the command.

Answers: a command's reply comes back in the HTTP response (ephemeral, or in the
channel for ``deel``); a click on one of those replies replaces it in place; any other
click answers ephemerally, or in the person's DM with the bot when the answer has
buttons (an ephemeral text cannot carry them). What a change put in the outbox is
delivered right after the response, on a background thread.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import func, select

from bot.app import Regiobot
from bot.commands import GRAMMARS
from bot.dispatch import bundle_message, dispatch
from bot.errors import UserError
from bot.forms import FieldKind, Form
from bot.grammar import Mention
from bot.messages import Message, buttons_in, people_in
from bot.platforms.directory import Profiles, roster_options
from bot.platforms.mattermost import callback_url, dialogs, render
from bot.platforms.mattermost.client import Client, MattermostError
from bot.platforms.mattermost.render import Buttons
from bot.platforms.mattermost.sender import (
    BUNDLE_PROP,
    PLATFORM,
    PROP,
    MattermostSender,
    usernames,
)
from bot.platforms.mattermost.signing import Refused, Seal
from bot.replies import Reply
from bot.services.people import Account, Profile
from bot.texts import t
from config.settings import Settings
from storage import outbox
from storage.db import Database
from storage.models import Identiteit, OutboxBericht, VerwerktEvent, Werkruimte

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Answer = tuple[str, dict[str, Any]]
MAX_BODY = 1_000_000
DIALOG_TTL_HOURS = 2
# A reply the bot posts itself (a DM answer) names its buttons' key here, as an outbox
# delivery does in ``PROP``: the server then vouches which post a seal belongs to.
REPLY_PROP = "regiobot_reply"
# Whether someone is in a channel, asked of the server at most once a minute per person
# and channel: a click costs at most one extra call, and leaving a channel counts soon.
MEMBER_TTL = timedelta(minutes=1)
MEMBER_CACHE = 10_000
# A bundle's post names its sections whose buttons were used (index → the button's label).
SPENT_PROP = "regiobot_spent"
_ID = re.compile(r"^[a-z0-9]{26}$")  # a Mattermost id; anything else names no post


def profile_of(client: Client) -> Callable[[str], Profile]:
    """A Mattermost user's name, username and e-mail — the e-mail only where the server
    shows it to the bot (``ShowEmailAddress``) and has not marked it unverified."""

    def fetch(user_id: str) -> Profile:
        user = client.user(user_id)
        full = " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p)
        email = user.get("email") or None
        if user.get("email_verified") is False:
            email = None
        return Profile(display_name=full or user.get("nickname") or user.get("username"),
                       email=email, username=user.get("username"))

    return fetch


def _ok(body: dict[str, Any]) -> Answer:
    return "200 OK", body


def _text(reply: Reply) -> str:
    return "\n".join(ln.plain for m in reply.messages for s in m.sections for ln in s.lines)


class MattermostAdapter:
    def __init__(self, bot: Regiobot, db: Database, settings: Settings, clock: Clock,
                 client: Client | None = None) -> None:
        if not (settings.mattermost_url and settings.mattermost_bot_token and settings.secret
                and settings.public_url):
            raise UserError(t("mattermost.not_configured"))
        self.bot = bot
        self.db = db
        self.clock = clock
        self.client = client or Client(settings.mattermost_url, settings.mattermost_bot_token,
                                       settings.send_timeout_seconds)
        self.seal = Seal(settings.secret)
        self.buttons = Buttons(self.seal, callback_url(settings, "action"), clock)
        self.dialog_url = callback_url(settings, "dialog")
        self.tokens = [token.encode() for token in settings.mattermost_command_tokens]
        self.profiles = Profiles(profile_of(self.client))
        self._members: dict[tuple[str, str], tuple[bool, datetime]] = {}
        self.max_attempts = settings.outbox_max_attempts
        # Outbox deliveries after a response; tests wait for them with ``settle``.
        self.executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="mm-after")
        self._after: list[Future[None]] = []
        self._lock = threading.Lock()
        self._spending = threading.Lock()

    # --- WSGI ------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        routes: dict[str, Callable[[dict[str, Any], bytes], Answer]] = {
            "/mattermost/command": self.command, "/mattermost/action": self.action,
            "/mattermost/dialog": self.dialog}
        if path not in routes:
            status, body = "404 Not Found", {"error": "not found"}
        elif environ.get("REQUEST_METHOD") != "POST":
            status, body = "405 Method Not Allowed", {"error": "POST only"}
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if length > MAX_BODY:
                status, body = "413 Payload Too Large", {"error": "too large"}
            else:
                try:
                    status, body = routes[path](environ, environ["wsgi.input"].read(length))
                except (ValueError, KeyError, TypeError) as error:
                    log.warning("malformed Mattermost request to %s: %r", path, error)
                    status, body = "400 Bad Request", {"error": "malformed request"}
                except Exception:  # Mattermost's API failed us: say so, with a reference
                    reference = uuid.uuid4().hex[:8]
                    log.exception("Mattermost request to %s failed (referentie %s)", path,
                                  reference)
                    sorry = t("error.unexpected", reference=reference)
                    status, body = "200 OK", {"response_type": "ephemeral", "text": sorry,
                                              "ephemeral_text": sorry, "error": sorry}
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"),
                                ("Content-Length", str(len(data)))])
        return [data]

    # --- slash commands -----------------------------------------------------------------

    def _token_ok(self, environ: dict[str, Any], form: dict[str, str]) -> bool:
        """Every token the request carries must be one of ours (constant time), and it
        must carry at least one."""
        header = environ.get("HTTP_AUTHORIZATION", "")
        supplied = [form.get("token", "")]
        if header[:6].lower() == "token ":
            supplied.append(header[6:].strip())
        supplied = [s for s in supplied if s]
        if not supplied:
            return False
        return all(self._known(s.encode()) for s in supplied)

    def _known(self, token: bytes) -> bool:
        found = False
        for ours in self.tokens:  # no early exit: the time says nothing about which
            found |= hmac.compare_digest(ours, token)
        return found

    def command(self, environ: dict[str, Any], body: bytes) -> Answer:
        form = dict(parse_qsl(body.decode(), keep_blank_values=True))
        if not self._token_ok(environ, form):
            return "401 Unauthorized", {"error": "unknown token"}
        root = form.get("command", "").lstrip("/").lower()
        user, channel, team = form["user_id"], form["channel_id"], form["team_id"]
        if root not in GRAMMARS:
            return _ok({"response_type": "ephemeral",
                        "text": t("mattermost.unknown_command", command=f"/{root}")})
        now = self.clock()
        caller = self.account(team, user, form.get("user_name"))
        reply = self.bot.command(caller, root, self.with_account_ids(root, form.get("text", "")),
                                 now)
        if reply.form is not None:
            self.open_dialog(form["trigger_id"], reply.form, channel, user, team)
            return _ok({})
        self.after()
        ephemeral = not reply.in_channel
        text, attachments = self.rendered(reply, channel, user if ephemeral else None,
                                          "ephemeral" if ephemeral else "response")
        body_: dict[str, Any] = {"response_type": "ephemeral" if ephemeral else "in_channel",
                                 "text": text}
        if attachments:
            body_["attachments"] = attachments
        return _ok(body_)

    def with_account_ids(self, root: str, text: str) -> str:
        """A person the command takes, typed as the ``@username`` of an account on this
        server, becomes ``<@id|username>``, so the core can link and find accounts by id
        (``beheer koppel``) as on Slack. Only the command's person arguments are
        rewritten — never free text like a title — and roster handles that are no
        username are left as typed."""
        if "@" not in text:
            return text
        try:
            parsed = GRAMMARS[root].parse(text, self.clock().astimezone(self.bot.tz).date())
        except UserError:
            return text  # the core refuses it with its own message
        names = {arg.handle for arg in parsed.args.values() if isinstance(arg, Mention)
                 and arg.handle and not arg.platform_user_id}
        if not names:
            return text
        with self.db.read() as session:
            ids = {str(name).lower(): user for name, user in session.execute(
                select(Identiteit.gebruikersnaam, Identiteit.extern_id).where(
                    Identiteit.platform == PLATFORM,
                    func.lower(Identiteit.gebruikersnaam).in_(names)))}
        unknown = sorted(names - set(ids))
        if unknown:
            for user in self.client.users_by_usernames(unknown):
                ids[str(user["username"]).lower()] = str(user["id"])
        # ``ids`` holds only the command's person arguments, so free text is left alone.
        return " ".join(f"<@{ids[w[1:].lower()]}|{w[1:]}>" if w[:1] == "@" and w[1:].lower()
                        in ids else w for w in text.split(" "))

    # --- buttons ------------------------------------------------------------------------

    def action(self, environ: dict[str, Any], body: bytes) -> Answer:
        data = json.loads(body)
        user, channel, team = data["user_id"], data["channel_id"], data.get("team_id", "")
        now = self.clock()
        post_id = str(data.get("post_id") or "")
        try:
            fields = self.seal.open(data.get("context"), channel, user, now)
            self.check_post(fields, post_id, channel)
            if not fields.get("u") and not self.member(channel, user):
                raise Refused("not a member")
        except Refused as refused:
            log.warning("refused Mattermost click by %s in %s on %s: %s", user, channel,
                        post_id, refused.reason)
            return self._refusal(refused)
        team = team or self.team_of(user) or ""
        reply = self.bot.action(self.account(team, user, data.get("user_name")),
                                str(fields["a"]), dict(fields.get("g") or {}), now)
        if reply.form is not None:
            self.open_dialog(data["trigger_id"], reply.form, channel, user, team)
            return _ok({})
        self.after()
        if fields.get("u") and not fields.get("e") and not reply.refused \
                and fields["a"] not in ("cmd", "form"):
            if isinstance(fields.get("n"), int):  # a bundle's: that section alone
                self.spend_section(post_id, fields, channel, data["context"]["x"])
            else:
                self.spend(post_id, str(fields.get("l") or ""))
        if not reply.messages:
            return _ok({})
        if fields.get("e"):  # a click on a reply: the answer takes its place
            text, attachments = self.rendered(reply, channel, user, "ephemeral")
            return _ok({"update": {"message": text, "props": {"attachments": attachments}}})
        if not any(buttons_in(m) for m in reply.messages):
            return _ok({"ephemeral_text": self.rendered(reply, channel, user, "ephemeral")[0]})
        direct = self.client.direct_channel(user)
        self.post(direct, reply, user)
        return _ok({} if direct == channel else {"ephemeral_text": t("mattermost.see_dm")})

    def check_post(self, fields: dict[str, Any], post_id: str, channel: str) -> None:
        """A seal is good for the one post it was made for: the post the outbox recorded
        for its delivery key, or — where none is recorded yet (a reply the bot posted
        itself, a delivery whose send was uncertain) — the bot's own post in this channel
        that names the key in its props, as the server shows it. The buttons of an
        answer returned in our HTTP response (``e``, ``r``) are on a post whose id we
        never learn: their click touches no post by id, so ``post_id`` is not used."""
        if fields.get("e") or fields.get("r"):
            return
        key = str(fields.get("k") or "")
        if not key or not _ID.match(post_id):
            raise Refused("no post of ours")
        with self.db.read() as session:
            recorded = session.scalar(select(OutboxBericht.extern_id).where(
                OutboxBericht.platform == PLATFORM, OutboxBericht.delivery_key == key))
        if recorded:
            if recorded != post_id:
                raise Refused("another post")
            return
        try:
            post = self.client.get_post(post_id)
        except MattermostError as error:
            if error.status in (400, 403, 404):
                raise Refused("no such post") from None
            raise
        props = post.get("props") or {}
        if post.get("user_id") != self.client.me() or post.get("channel_id") != channel \
                or key not in (props.get(PROP), props.get(REPLY_PROP)):
            raise Refused("another post")

    def member(self, channel: str, user: str) -> bool:
        """Whether ``user`` is in ``channel``, as the server says (cached briefly). The
        channel is the sealed one; the user id is the request's, so it must look like
        an id before it goes into a path."""
        if not isinstance(user, str) or not _ID.match(user):
            return False
        now = self.clock()
        cached = self._members.get((channel, user))
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            self.client.call("GET", f"/channels/{channel}/members/{user}")
            found = True
        except MattermostError as error:
            if error.status not in (400, 403, 404):  # 403: the bot may not look there
                raise
            found = False
        if len(self._members) >= MEMBER_CACHE:
            self._members = {k: v for k, v in self._members.items() if v[1] > now}
        self._members[(channel, user)] = (found, now + MEMBER_TTL)
        return found

    def spend(self, post_id: str, label: str) -> None:
        """A DM's buttons have done their work (a milestone closed, an answer given):
        the post keeps its text, says what was done, and loses its buttons — its delivery
        key stays, so a lookup still finds it. ``post_id`` is checked (``check_post``)."""
        try:
            post = self.client.get_post(post_id)
            props = {k: v for k, v in (post.get("props") or {}).items() if k != "attachments"}
            done = "\n\n" + render.done(label)
            message = render.fit(str(post.get("message", "")), render.MAX_MESSAGE - len(done))
            self.client.patch_post(post_id, message + done, props)
        except Exception:
            log.exception("could not update post %s after a click", post_id)

    def spend_section(self, post_id: str, fields: dict[str, Any], channel: str,
                      expires: int) -> None:
        """One section of a bundle did its work: the post is made again from the
        messages it carries (the outbox keeps them), that section saying what was done
        and without its buttons, every other section's buttons sealed again as they
        were (same ids, same expiry). The server never shows a button's seal back, so
        the post cannot be patched from what it shows. Clicks on one post are taken one
        at a time, so two sections spent at once both stay spent."""
        with self._spending:
            try:
                post = self.client.get_post(post_id)
                props = {k: v for k, v in (post.get("props") or {}).items()
                         if k != "attachments"}
                keys = [str(k) for k in props.get(BUNDLE_PROP) or []]
                with self.db.read() as session:
                    found = {r.delivery_key: r.bericht for r in session.scalars(select(
                        OutboxBericht).where(OutboxBericht.platform == PLATFORM,
                                             OutboxBericht.delivery_key.in_(keys)))}
                if not keys or set(keys) - set(found):
                    self.spend(post_id, str(fields.get("l") or ""))
                    return
                spent = {int(k): str(v) for k, v in (props.get(SPENT_PROP) or {}).items()}
                spent[int(fields["n"])] = str(fields.get("l") or "")
                message = bundle_message([Message.model_validate(found[k]) for k in keys])
                ttl = datetime.fromtimestamp(expires, self.clock().tzinfo) - self.clock()
                text, attachments = render.post(
                    [message], usernames(self.db, people_in(message)), self.buttons,
                    channel, str(fields.get("u") or "") or None, str(fields["k"]), ttl,
                    sectioned=True, spent=spent)
                props[SPENT_PROP] = {str(k): v for k, v in sorted(spent.items())}
                if attachments:
                    props["attachments"] = attachments
                self.client.patch_post(post_id, text, props)
            except Exception:
                log.exception("could not update post %s after a click", post_id)

    def _refusal(self, refused: Refused) -> Answer:
        if refused.reason == "expired":
            return _ok({"ephemeral_text": t("mattermost.button.expired")})
        if refused.reason == "meant for someone else":
            return _ok({"ephemeral_text": t("mattermost.button.not_yours")})
        if refused.reason == "not a member":
            return _ok({"ephemeral_text": t("mattermost.button.not_member")})
        return "403 Forbidden", {"ephemeral_text": t("mattermost.button.refused")}

    # --- dialogs ------------------------------------------------------------------------

    def open_dialog(self, trigger_id: str, form: Form, channel: str, user: str,
                    team: str) -> None:
        state = self.seal.seal({"f": form.id, "g": form.args}, channel, user, self.clock(),
                               timedelta(hours=DIALOG_TTL_HOURS))
        people = roster_options(self.db, PLATFORM, team, limit=200) if any(
            f.kind is FieldKind.PERSOON for f in form.fields) else []
        self.client.open_dialog(trigger_id, self.dialog_url, dialogs.dialog(
            form, json.dumps(state, separators=(",", ":")), people))

    def dialog(self, environ: dict[str, Any], body: bytes) -> Answer:
        data = json.loads(body)
        if data.get("cancelled"):
            return _ok({})
        user, channel, team = data["user_id"], data["channel_id"], data.get("team_id", "")
        now = self.clock()
        try:
            fields = self.seal.open(json.loads(data.get("state") or "null"), channel, user, now)
        except (Refused, ValueError) as refused:  # ValueError: a state that is not JSON
            log.warning("refused Mattermost dialog of %s in %s: %s", user, channel, refused)
            expired = isinstance(refused, Refused) and refused.reason == "expired"
            return ("200 OK" if expired else "403 Forbidden"), {
                "error": t("mattermost.dialog.refused")}
        reply = self.bot.submit(self.account(team, user), str(fields["f"]),
                                dict(fields.get("g") or {}),
                                dialogs.submitted(data.get("submission") or {}), now)
        if reply.errors:
            return _ok({"errors": reply.errors})
        if reply.refused:
            return _ok({"error": _text(reply)})
        if reply.messages:
            self.post(self.client.direct_channel(user), reply, user)
        self.after()
        return _ok({})

    # --- direct messages (from the WebSocket listener) ----------------------------------

    def on_post(self, post: dict[str, Any]) -> None:
        """A post someone typed in their DM with the bot: handled once, even when two
        listeners (or a catch-up and the live stream) both see it."""
        now = self.clock()
        with self.db.write() as session:
            if not outbox.first_time(session, PLATFORM, f"post:{post['id']}", now):
                return
        user = str(post["user_id"])
        team = self.team_of(user)
        if team is None:
            self.client.create_post(post["channel_id"], t("mattermost.no_team"), {})
            return
        reply = self.bot.direct_message(self.account(team, user), str(post.get("message", "")),
                                        now)
        if reply.messages:
            self.post(str(post["channel_id"]), reply, user)
        self.deliver_outbox()

    def listen_since(self) -> int:
        """Where a starting listener catches up from (Unix ms): the last DM handled, or
        now when there never was one. A DM is handled moments after it is posted."""
        with self.db.read() as session:
            last = session.scalar(select(func.max(VerwerktEvent.ontvangen_op)).where(
                VerwerktEvent.platform == PLATFORM, VerwerktEvent.event_id.like("post:%")))
        return int((last or self.clock()).timestamp() * 1000)

    def team_of(self, user: str) -> str | None:
        """The team (so the regio) of someone writing in a DM, which names no team: the
        team of their known account, else a linked team the server says they are in —
        never merely the only linked one: anyone on the server can write to the bot."""
        with self.db.read() as session:
            known = session.scalar(select(Identiteit.team_id).where(
                Identiteit.platform == PLATFORM, Identiteit.extern_id == user).limit(1))
            if known is not None:
                return known
            linked = list(session.scalars(select(Werkruimte.team_id).where(
                Werkruimte.platform == PLATFORM)))
        if not linked:
            return None
        theirs = {str(team["id"]) for team in self.client.user_teams(user)}
        return next((team for team in linked if team in theirs), None)

    # --- plumbing -----------------------------------------------------------------------

    def account(self, team: str, user: str, username: str | None = None) -> Account:
        # A user id is one person on the whole server, whichever team they write from.
        return Account(PLATFORM, team, user, display_name=username, username=username,
                       profile=self.profiles.loader(user), ids_span_teams=True)

    def rendered(self, reply: Reply, channel: str, user: str | None, shown: str,
                 key: str = "") -> tuple[str, list[dict[str, Any]]]:
        """A reply's text and sealed buttons, ``shown`` as an "ephemeral" answer, a
        "response" Mattermost posts in the channel, or a "post" the bot makes itself
        (under ``key``). A reply has no delivery key, so it gets a fresh one."""
        names = usernames(self.db, set().union(*(people_in(m) for m in reply.messages)))
        ttl = render.POST_BUTTONS if shown == "post" else render.REPLY_BUTTONS
        return render.post(reply.messages, names, self.buttons, channel, user,
                           key or f"antwoord:{uuid.uuid4().hex}", ttl,
                           ephemeral=shown == "ephemeral", in_response=shown == "response")

    def post(self, channel: str, reply: Reply, user: str) -> None:
        """A reply as a real post (a DM), its buttons for ``user`` only and for this
        post only: the post names their key (``REPLY_PROP``)."""
        key = f"antwoord:{uuid.uuid4().hex}"
        text, attachments = self.rendered(reply, channel, user, "post", key)
        props: dict[str, Any] = {REPLY_PROP: key}
        if attachments:
            props["attachments"] = attachments
        self.client.create_post(channel, text, props)

    def deliver_outbox(self) -> None:
        sender = MattermostSender(self.client, self.db, self.buttons)
        dispatch(self.db, sender, self.clock(), worker="mattermost-web",
                 max_attempts=self.max_attempts)

    def after(self) -> None:
        """Deliver the outbox once the response is on its way."""

        def run() -> None:
            try:
                self.deliver_outbox()
            except Exception:
                log.exception("delivering the outbox after a Mattermost request failed")

        with self._lock:
            self._after = [f for f in self._after if not f.done()]
            self._after.append(self.executor.submit(run))

    def settle(self, timeout: float = 10.0) -> None:
        """Wait for the deliveries started so far (tests, and a clean shutdown)."""
        with self._lock:
            pending = list(self._after)
        for future in pending:
            future.result(timeout=timeout)
