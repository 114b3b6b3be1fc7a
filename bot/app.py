"""The application's one door: adapters hand it typed events, it runs one unit of work
per event and hands back a reply. It knows no platform."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import dayoff, paging
from bot.commands import GRAMMARS
from bot.context import Ctx
from bot.errors import FormInvalid, UserError
from bot.messages import Message, Section, line, people_in
from bot.replies import Reply
from bot.services import people
from bot.services.people import Account
from bot.texts import t, tn
from bot.typed import has_control
from handlers.routes import handler_for
from storage.db import Database

if TYPE_CHECKING:
    from bot.forms import RawValue
    from bot.grammar import Parsed

log = logging.getLogger(__name__)

# The adapters' word for who acts: a platform account.
Caller = Account
Work = Callable[[Ctx], Reply]


class _Unknown(Exception):
    """The workspace or the account is new: onboarding needs a writing unit of work."""


def error_reply(error: UserError) -> Reply:
    lines = [line(error.message)]
    if error.usage:
        lines.append(line(t("usage", usage=error.usage)))
    return Reply(messages=[Message(sections=[Section(lines=lines)])],
                 errors=getattr(error, "errors", {}), refused=True)


def _control_refusal(caller: Caller, *texts: str | None) -> Reply | None:
    """A refusal when what came in (or who it says sent it) holds a control character:
    PostgreSQL cannot store a NUL, and none means anything typed."""
    if has_control((caller.team_id, caller.user_id, *texts)):
        return error_reply(UserError(t("input.control")))
    return None


def _raw_texts(raw: dict[str, RawValue]) -> list[str]:
    return [text for value in raw.values() if value is not None
            for text in ([value] if isinstance(value, str) else value)]


def _apology(caller: Caller) -> Reply:
    reference = uuid.uuid4().hex[:8]
    log.exception("unexpected error (referentie %s) for %s", reference, caller)
    return Reply.of(Message(sections=[Section(lines=[
        line(t("error.unexpected", reference=reference))])]))


class Regiobot:
    def __init__(self, db: Database, tz: ZoneInfo) -> None:
        self.db = db
        self.tz = tz

    def _run(self, caller: Caller, now: datetime, write: bool, work: Work,
             meet: bool = True) -> Reply:
        """Identify the caller and run ``work(ctx)`` in one unit of work. Refusals roll
        everything back and answer in Dutch; anything else is logged with a reference.

        Someone met for the first time is onboarded in that same unit: when their first
        request is refused, no workspace, roster entry, account, audit line or note to the
        programmamanager remains, and their next allowed request onboards them. With
        ``meet`` False (the bot's own follow-ups, not someone's request) an unknown caller
        gets an empty reply instead."""

        def attempt(onboard: bool) -> Reply:
            unit = self.db.write if write or onboard else self.db.read
            with unit() as session:
                if onboard:
                    people.onboard(session, caller, now, self.tz)
                reply = work(self._ctx(session, caller, now))
                named = set().union(*(people_in(m) for m in reply.messages))
                reply.accounts = people.accounts(session, caller.platform, named)
                keys = paging.pending(session)
            if keys:  # Meer buttons of a reading unit: their state is written after it
                with self.db.write() as session:
                    paging.store(session, keys, now)
            return reply

        try:
            try:
                return attempt(onboard=False)
            except _Unknown:
                if not meet:
                    return Reply()
                try:
                    return attempt(onboard=True)
                except IntegrityError:
                    # Their other request onboarded them a moment ago: now they are known.
                    return attempt(onboard=False)
        except UserError as error:
            return error_reply(error)
        except Exception:
            return _apology(caller)

    def _ctx(self, session: Session, caller: Caller, now: datetime) -> Ctx:
        known = people.who(session, caller)
        if known is None:
            raise _Unknown
        regio, actor = known
        return Ctx(session=session, regio=regio, actor=actor, now=now, tz=self.tz,
                   platform=caller.platform)

    def parse(self, root: str, text: str, now: datetime) -> Parsed | UserError:
        """A command's text read by its grammar, or why it cannot be: an adapter that
        must know the command before answering (Slack: does it call the Web API after
        the ack?) parses once and hands the outcome to ``command``."""
        try:
            return GRAMMARS[root].parse(text, now.astimezone(self.tz).date())
        except UserError as error:
            return error

    def command(self, caller: Caller, root: str, text: str, now: datetime,
                extra: dict[str, str] | None = None,
                parsed: Parsed | UserError | None = None) -> Reply:
        """``parsed``: what ``parse`` made of this same text, when the adapter has it."""
        grammar = GRAMMARS[root]
        if refused := _control_refusal(caller, text, *(extra or {}).values()):
            return refused
        if parsed is None:
            parsed = self.parse(root, text, now)
        if isinstance(parsed, UserError):
            return error_reply(parsed)
        args = dict(parsed.args)
        if extra and extra.get("page", "").isdigit():
            args["page"] = int(extra["page"])
        if parsed.command.name == "beheer.werkruimte":
            linked = self._link_workspace(caller, args["regio"], now)
            if linked is not None:
                return linked
        handler = handler_for(parsed.command.name)
        usage = parsed.command.usage(grammar.root)

        def work(ctx: Ctx) -> Reply:
            try:
                return dayoff.guard(ctx, parsed, text, grammar.root,
                                    lambda: handler(ctx, args))
            except UserError as error:
                # A value the command cannot use (a time, a handle, a title too long):
                # show how to write the command. Not for a refusal or an unknown code.
                if type(error) is UserError and error.usage is None:
                    error.usage = usage
                raise

        return self._run(caller, now, parsed.command.writes, work)

    def _link_workspace(self, caller: Caller, slug: str, now: datetime) -> Reply | None:
        """Linking a workspace happens before anyone in it can be identified."""
        with self.db.read() as session:
            if people.regio_for(session, caller.platform, caller.team_id) is not None:
                return None
        try:
            with self.db.write() as session:
                regio = people.link_workspace(session, caller, slug, now, self.tz)
                return Reply.of(Message(sections=[Section(lines=[
                    line(t("workspace.linked", naam=regio.naam))])]))
        except UserError as error:
            return error_reply(error)
        except Exception:
            return _apology(caller)

    def action(self, caller: Caller, action: str, args: dict[str, str], now: datetime) -> Reply:
        """A button press. Navigation buttons carry the command they stand for, so they are
        parsed and permission-checked exactly like the typed command."""
        if refused := _control_refusal(caller, action, *args.keys(), *args.values()):
            return refused
        if action == "cmd":
            extra = {k: v for k, v in args.items() if k != "text"}
            return self.command(caller, args.get("root", "opgave"), args.get("text", ""), now,
                                extra)
        if action == paging.ACTION:
            return self._more(caller, args, now)
        from handlers.actions import ACTIONS

        if action not in ACTIONS:
            return error_reply(UserError(t("action.unknown")))
        handler, writes = ACTIONS[action]
        return self._run(caller, now, writes, lambda ctx: handler(ctx, args))

    def _more(self, caller: Caller, args: dict[str, str], now: datetime) -> Reply:
        """A Meer button: the command its key stands for, one page further."""
        try:
            with self.db.read() as session:
                regio = people.regio_for(session, caller.platform, caller.team_id)
                found = paging.lookup(session, regio.id if regio else None,
                                      args.get("k", ""), now)
        except Exception:
            return _apology(caller)
        if found is None or found[0] not in GRAMMARS:
            return error_reply(UserError(t("paging.verlopen")))
        root, text = found
        return self.command(caller, root, text, now, {"page": args.get("p", "")})

    def submit(self, caller: Caller, form_id: str, args: dict[str, str],
               raw: dict[str, RawValue], now: datetime) -> Reply:
        """A filled-in form: rebuilt from its id and arguments, validated here, once, for
        every platform; nothing is stored unless every field is valid."""
        from bot.forms import confirmed, validate
        from handlers import forms

        if refused := _control_refusal(caller, form_id, *args.values(), *_raw_texts(raw)):
            return refused
        if form_id not in forms.FORMS:
            return error_reply(UserError(t("action.unknown")))
        build, submit = forms.FORMS[form_id]

        def work(ctx: Ctx) -> Reply:
            form = build(ctx, args).model_copy(update={"args": args})
            values, errors = validate(form, raw, forms.form_context(ctx))
            errors |= {k: v for k, v in forms.cross_field_errors(form, values).items()
                       if k not in errors}
            if errors:
                raise FormInvalid(errors, tn("form.invalid", len(errors)))
            return dayoff.form_guard(ctx, form, raw, values, confirmed(form, raw),
                                     lambda: submit(ctx, form, values))

        return self._run(caller, now, True, work)

    def home(self, caller: Caller, now: datetime, meet: bool = True) -> Reply:
        """The person's own overview (Slack's App Home). ``meet`` False refreshes it only
        for someone already known: a refresh after a refused request onboards no one."""
        from bot.services import home as home_service
        from handlers import views

        if refused := _control_refusal(caller):
            return refused
        return self._run(caller, now, False,
                         lambda ctx: Reply.of(views.home(ctx, home_service.home(ctx))), meet)

    def direct_message(self, caller: Caller, text: str, now: datetime) -> Reply:
        """What someone types to the bot outside a slash command: an answer in the
        afweging they are filling in, else a pointer to the commands."""
        from handlers import afweging

        if refused := _control_refusal(caller, text):
            return refused

        def work(ctx: Ctx) -> Reply:
            return afweging.direct_message(ctx, text) or Reply.of(Message(sections=[
                Section(lines=[line(t("dm.unknown"))])]))

        return self._run(caller, now, True, work)
