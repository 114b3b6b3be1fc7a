"""The Bolt app: slash commands, buttons, modals, DMs and App Home, each a thin listener
around the core (``bot.app.Regiobot``).

Quick answers (status, a card, help, refusals) go back in the acknowledgement itself;
anything that calls Slack's Web API (opening a modal, posting, publishing App Home,
delivering the outbox) runs in a lazy listener after the ack. ``process_before_response``
is on: Bolt's default polls for the ack every 10 ms, which would be the floor of every
request.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.app import Regiobot
from bot.commands import GRAMMARS
from bot.dispatch import dispatch
from bot.errors import UserError
from bot.forms import Form
from bot.grammar import Parsed
from bot.platforms.directory import Profiles, roster_options
from bot.replies import Reply
from bot.services.people import Account
from bot.texts import t
from config.settings import Settings
from storage import outbox
from storage.db import Database

from . import blocks
from .directory import PLATFORM, profile_of
from .sender import SlackSender, sending_client
from .verify import SlackEndpoint, StrictVerification

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# Where a request's parsed command waits in Bolt's context between matcher and listener.
_PARSED = "regiobot_parsed"


class SlackAdapter:
    def __init__(self, bot: Regiobot, db: Database, settings: Settings, clock: Clock) -> None:
        if not settings.slack_bot_token or not settings.slack_signing_secret:
            raise UserError(t("slack.not_configured"))
        self.bot = bot
        self.db = db
        self.clock = clock
        self.client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
        self.profiles = Profiles(profile_of(self.client))
        self.sending = sending_client(settings)
        self.worker = f"slack-{os.getpid()}"
        self.max_attempts = settings.outbox_max_attempts
        # Work handed from an ack to its lazy listener (same process, moments later).
        self._pending: dict[str, tuple[Form | Reply, str | None]] = {}
        self._lock = threading.Lock()
        # Lazy listeners run here; stopping it lets the work in flight finish.
        self.executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="slack-lazy")
        self.secret = settings.slack_signing_secret
        self.app = App(
            listener_executor=self.executor,
            signing_secret=settings.slack_signing_secret,
            client=self.client,
            process_before_response=True,
            token_verification_enabled=False,
            # Bolt's check raises on a timestamp like "abc" (a 500); ours refuses it.
            request_verification_enabled=False,
            before_authorize=StrictVerification(settings.slack_signing_secret),
        )
        self._listen()

    def endpoint(self) -> SlackEndpoint:
        """``POST /slack/events`` for the web server: verified before Bolt parses it."""
        return SlackEndpoint(self.app, self.secret)

    # --- plumbing ------------------------------------------------------------------

    def account(self, team_id: str, user_id: str, name: str | None = None) -> Account:
        return Account(PLATFORM, team_id, user_id, display_name=name,
                       profile=self.profiles.loader(user_id))

    def payload(self, reply: Reply) -> dict[str, Any]:
        """All messages of a reply as one Slack message body."""
        rendered: list[dict[str, Any]] = []
        texts: list[str] = []
        for message in reply.messages:
            body = blocks.payload(message, reply.accounts)
            rendered += body["blocks"]
            texts.append(body["text"])
        return {"blocks": blocks.fit(rendered), "text": " · ".join(texts)[:300] or "Regiobot"}

    def _stash(self, key: str, value: Form | Reply, channel: str | None) -> None:
        with self._lock:
            self._pending[key] = (value, channel)

    def _take(self, key: str) -> tuple[Form | Reply, str | None] | None:
        with self._lock:
            return self._pending.pop(key, None)

    def open_modal(self, client: WebClient, trigger_id: str, form: Form,
                   channel: str | None) -> None:
        view = blocks.modal(form, {"f": form.id, "g": form.args, "c": channel})
        client.views_open(trigger_id=trigger_id, view=view)

    def deliver_outbox(self, client: WebClient, actor: tuple[str, str] | None = None) -> None:
        """Send what this request put in the outbox; refresh App Home for whom it concerns:
        the person who acted and everyone who received something."""
        sender = SlackSender(self.sending, self.db)
        dispatch(self.db, sender, self.clock(), worker=self.worker,
                 max_attempts=self.max_attempts)
        concerned = set(sender.reached) | ({actor} if actor else set())
        for user_id, team_id in sorted(concerned):
            self.publish_home(client, team_id, user_id, meet=False)

    def publish_home(self, client: WebClient, team_id: str, user_id: str,
                     meet: bool = True) -> None:
        """``meet`` False: a refresh the bot does after a request, for known people only
        (someone whose first command was refused is not onboarded by it)."""
        reply = self.bot.home(self.account(team_id, user_id), self.clock(), meet)
        if not reply.messages:
            return
        view_blocks: list[Any] = []
        for message in reply.messages:
            view_blocks += blocks.message_blocks(message, reply.accounts)
        client.views_publish(user_id=user_id, view={
            "type": "home", "blocks": blocks.fit(view_blocks, blocks.VIEW_BLOCKS)})

    def tell(self, client: WebClient, body: dict[str, Any], reply: Reply,
             channel: str | None = None) -> None:
        """An answer only the clicking person sees: by response_url where Slack gave one,
        else ephemeral in the channel, else in their DM with the bot."""
        if not reply.messages:
            return
        content = self.payload(reply)
        user = body["user"]["id"]
        if body.get("response_url"):
            WebhookClient(body["response_url"]).send_dict(
                {"response_type": "ephemeral", "replace_original": False, **content})
        elif channel:
            client.chat_postEphemeral(channel=channel, user=user, **content)
        else:
            opened = client.conversations_open(users=user)
            client.chat_postMessage(channel=opened["channel"]["id"], **content)

    # --- listeners ------------------------------------------------------------------

    def _listen(self) -> None:
        app = self.app
        for root in GRAMMARS:
            # Reads answer in the ack and call no API: no lazy listener, so Bolt does not
            # copy the request for one. Everything else may open a modal or deliver.
            app.command(f"/{root}", matchers=[self.calls_api])(
                ack=self.command_ack, lazy=[self.command_after])
            app.command(f"/{root}")(self.command_ack)
        app.action(re.compile(f"^{re.escape(blocks.BUTTON_PREFIX)}"))(
            ack=self.button_ack, lazy=[self.button_after])
        app.view(blocks.FORM_CALLBACK)(ack=self.submit_ack, lazy=[self.submit_after])
        app.options(blocks.PERSON_OPTIONS)(self.person_options)
        app.event("message")(ack=self.event_ack, lazy=[self.on_message])
        app.event("app_home_opened")(ack=self.event_ack, lazy=[self.on_home_opened])
        app.error(self.on_error)

    def parsed(self, body: dict[str, Any], context: BoltContext) -> Parsed | UserError | None:
        """The command's text parsed once per request: the matcher below needs it to pick
        the listener, and the core gets the same outcome instead of parsing again."""
        if _PARSED not in context:
            root = body.get("command", "").lstrip("/")
            context[_PARSED] = (self.bot.parse(root, body.get("text", ""), self.clock())
                                if root in GRAMMARS else None)
        found: Parsed | UserError | None = context[_PARSED]
        return found

    def calls_api(self, body: dict[str, Any], context: BoltContext) -> bool:
        parsed = self.parsed(body, context)
        if parsed is None:
            return True
        if isinstance(parsed, UserError):
            return False  # a refusal is answered in the ack
        # Writing commands (and those that open a form, which all write) call Slack after.
        return parsed.command.writes

    def command_ack(self, ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        root = body["command"].lstrip("/")
        reply = self.bot.command(self.account(body["team_id"], body["user_id"],
                                              body.get("user_name")),
                                 root, body.get("text", ""), self.clock(),
                                 parsed=self.parsed(body, context))
        if reply.form is not None:
            self._stash(body["trigger_id"], reply.form, body.get("channel_id"))
            ack()
            return
        if reply.refused and self.calls_api(body, context):
            # Nothing changed: the work after the ack must not flush others' outbox either.
            self._stash(body["trigger_id"], reply, None)
        ack(response_type="in_channel" if reply.in_channel else "ephemeral",
            **self.payload(reply))

    def command_after(self, body: dict[str, Any], client: WebClient) -> None:
        pending = self._take(body["trigger_id"])
        if pending is not None and isinstance(pending[0], Form):
            self.open_modal(client, body["trigger_id"], pending[0], pending[1])
            return  # nothing changed yet: the modal's submission will
        if pending is not None and isinstance(pending[0], Reply) and pending[0].refused:
            return  # refused: nothing to deliver
        self.deliver_outbox(client, (body["user_id"], body["team_id"]))

    def button_ack(self, ack: Ack) -> None:
        ack()

    def button_after(self, body: dict[str, Any], client: WebClient) -> None:
        action = body["actions"][0]
        name, args = blocks.decode_button(action["value"])
        team = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
        reply = self.bot.action(self.account(team, body["user"]["id"]), name, args,
                                self.clock())
        channel = (body.get("channel") or {}).get("id")
        if reply.form is not None:
            self.open_modal(client, body["trigger_id"], reply.form, channel)
            return
        self.tell(client, body, reply, channel)
        if not reply.refused:
            self.deliver_outbox(client, (body["user"]["id"], team))

    def submit_ack(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        meta = json.loads(view.get("private_metadata") or "{}")
        values = blocks.submitted_values(view["state"]["values"])
        team = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
        reply = self.bot.submit(self.account(team, body["user"]["id"]), meta.get("f", ""),
                                meta.get("g", {}), values, self.clock())
        if reply.day_off and reply.form is not None:
            # The modal again, as filled in, with the warning under the date: the same
            # date submitted again is kept (the form's arguments say it was warned about).
            ack(response_action="update", view=blocks.modal(
                blocks.warned(reply.form, reply.day_off),
                {"f": reply.form.id, "g": reply.form.args, "c": meta.get("c")}))
            return
        if reply.errors:
            ack(response_action="errors", errors=reply.errors)
            return
        if reply.refused:
            ack(response_action="update", view=blocks.notice_view(reply))
            self._stash(view["id"], reply, None)
            return
        ack()
        self._stash(view["id"], reply, meta.get("c"))

    def submit_after(self, body: dict[str, Any], client: WebClient) -> None:
        pending = self._take(body["view"]["id"])
        if pending is not None and isinstance(pending[0], Reply):
            if pending[0].refused:
                return  # told in the ack's view; nothing changed, nothing to deliver
            self.tell(client, body, pending[0], pending[1])
        team = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
        self.deliver_outbox(client, (body["user"]["id"], team))

    def person_options(self, ack: Ack, body: dict[str, Any]) -> None:
        team = (body.get("team") or {}).get("id", "")
        ack(options=[{"text": {"type": "plain_text", "text": label}, "value": value}
                     for value, label in roster_options(self.db, PLATFORM, team,
                                                           body.get("value", ""))])

    def event_ack(self, ack: Ack) -> None:
        ack()

    def _first_time(self, body: dict[str, Any]) -> bool:
        """Slack re-sends events it thinks timed out, and Bolt does not deduplicate."""
        event_id = body.get("event_id")
        if not event_id:
            return True
        with self.db.write() as session:
            return outbox.first_time(session, PLATFORM, event_id, self.clock())

    def on_message(self, body: dict[str, Any], event: dict[str, Any],
                   client: WebClient) -> None:
        if (event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype")
                or not event.get("user")):
            return
        if not self._first_time(body):
            return
        reply = self.bot.direct_message(self.account(body["team_id"], event["user"]),
                                        event.get("text", ""), self.clock())
        if reply.messages:
            client.chat_postMessage(channel=event["channel"], **self.payload(reply))
        self.deliver_outbox(client)

    def on_home_opened(self, body: dict[str, Any], event: dict[str, Any],
                       client: WebClient) -> None:
        if event.get("tab", "home") != "home" or not self._first_time(body):
            return
        self.publish_home(client, body["team_id"], event["user"])

    def on_error(self, error: Exception, body: dict[str, Any]) -> BoltResponse:
        """A listener failed on a signed request (its parts not where Slack puts them, or
        our own fault): never a 500, which Slack shows as a failure without a word. A
        person who typed a command gets the apology with its reference; anything else
        is answered as malformed."""
        reference = uuid.uuid4().hex[:8]
        log.error("slack listener failed (referentie %s): %s", reference, error,
                  exc_info=error)
        if isinstance(body, dict) and body.get("command"):
            sorry = t("error.unexpected", reference=reference)
            return BoltResponse(status=200, body={"response_type": "ephemeral", "text": sorry})
        return BoltResponse(status=400, body={"error": "malformed request",
                                              "reference": reference})
