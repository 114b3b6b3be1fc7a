"""The offline console: the same commands against the embedded database, line by line.

Reads a slash command, ``als <handle>`` (switch who speaks), ``#<n>`` (press a button)
or a direct message per line; prints replies and, after each unit of work, what the
outbox delivered on the console (``→ @handle: …`` or ``→ #kanaal: …``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TextIO

from sqlalchemy import select

from bot.app import Caller, Regiobot
from bot.dispatch import Delivery, dispatch
from bot.forms import Form, RawValue
from bot.messages import Button
from bot.render_text import field_prompt, form_heading, render
from bot.replies import Reply
from bot.texts import t
from storage.db import Database
from storage.models import Identiteit, Persoon

PLATFORM = "console"
CANCEL = {"annuleer", "annuleren", "cancel"}


class ConsoleSender:
    platform = PLATFORM

    def __init__(self, write: Callable[[str], None],
                 label: Callable[[Button], str] = lambda b: f"[{b.label}]") -> None:
        self.write = write
        # In the chat the delivered buttons are numbered too, so whoever speaks can press
        # them (#n) as they would in their DM; ``regiobot tick`` only shows them.
        self.label = label
        self.count = 0

    def deliver(self, delivery: Delivery) -> str | None:
        prefix = "@" if delivery.kind == "persoon" else "#"
        where = f"{prefix}{delivery.address}" + (t("console.in_thread") if delivery.thread
                                                  else "")
        body = render(delivery.message, self.label)
        first, *rest = body.split("\n")
        self.write("\n".join([f"→ {where}: {first}",
                              *(f"  {r}" for r in rest)]))
        self.count += 1
        return f"console-{self.count}"

    def find(self, delivery: Delivery) -> str | None:
        """A terminal cannot be searched, and a print never times out halfway."""
        return None


class Console:
    def __init__(self, bot: Regiobot, db: Database, team_id: str, handle: str,
                 clock: Callable[[], datetime], out: TextIO, echo: bool = True,
                 max_attempts: int = 8) -> None:
        self.bot = bot
        self.db = db
        self.team_id = team_id
        self.clock = clock
        self.out = out
        # A terminal echoes what is typed; a pipe does not, so a transcript shows answers.
        self.echo = echo
        self.max_attempts = max_attempts
        self.buttons: dict[int, Button] = {}
        self.sender = ConsoleSender(self.print, self.label)
        self.handle = ""
        self.switch(handle, announce=False)

    def print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    # --- who speaks ---------------------------------------------------------------

    def known_handles(self) -> list[tuple[str, str]]:
        with self.db.read() as session:
            rows = session.execute(select(Identiteit.extern_id, Persoon.naam).join(Persoon).where(
                Identiteit.platform == PLATFORM, Identiteit.team_id == self.team_id)
                .order_by(Identiteit.extern_id)).all()
        return [(handle, naam) for handle, naam in rows]

    def switch(self, handle: str, announce: bool = True) -> bool:
        handle = handle.strip().lstrip("@").lower()
        names = dict(self.known_handles())
        if handle not in names:
            raise UnknownHandle(t("console.unknown_handle", handle=handle,
                                  handles=", ".join(sorted(names)) or "–"))
        self.handle = handle
        self.name = names[handle]
        if announce:
            self.print(t("console.switched", name=self.name, handle=handle))
        return True

    @property
    def caller(self) -> Caller:
        return Caller(PLATFORM, self.team_id, self.handle, display_name=self.name)

    # --- the loop -------------------------------------------------------------------

    def welcome(self) -> None:
        self.print(t("console.welcome", name=self.name, handle=self.handle))

    def run(self, lines: Iterator[str], prompt: bool = False) -> None:
        for raw in lines:
            self.handle_line(raw.rstrip("\n"), lines)
            if prompt:
                self.out.write("> ")
                self.out.flush()

    def handle_line(self, text: str, lines: Iterator[str]) -> None:
        text = text.strip()
        if not text:
            return
        lowered = text.lower()
        if lowered.startswith("als ") or lowered.startswith("as "):
            try:
                self.switch(text.split(None, 1)[1])
            except UnknownHandle as error:
                self.print(str(error))
            return
        if text.startswith("#") and text[1:].isdigit():
            self.press(int(text[1:]), lines)
            return
        if text.startswith("/"):
            root, _, rest = text[1:].partition(" ")
            root = {"opgaven": "opgave", "overleggen": "overleg"}.get(root.lower(), root.lower())
            if root in ("opgave", "overleg"):
                self.show(self.bot.command(self.caller, root, rest, self.clock()), lines)
                return
        self.show(self.bot.direct_message(self.caller, text, self.clock()), lines)

    def press(self, number: int, lines: Iterator[str]) -> None:
        button = self.buttons.get(number)
        if button is None:
            self.print(t("console.no_button", number=number))
            return
        self.show(self.bot.action(self.caller, button.action, button.args, self.clock()), lines)

    def label(self, button: Button) -> str:
        number = len(self.buttons) + 1
        self.buttons[number] = button
        return f"[#{number} {button.label}]"

    def show(self, reply: Reply, lines: Iterator[str]) -> None:
        for message in reply.messages:
            self.print(render(message, self.label))
        self.deliver()
        if reply.form is not None:
            self.fill(reply.form, lines)

    def deliver(self) -> None:
        dispatch(self.db, self.sender, self.clock(), worker=f"console-{self.handle}",
                 max_attempts=self.max_attempts)

    # --- forms ----------------------------------------------------------------------

    def fill(self, form: Form, lines: Iterator[str]) -> None:
        self.print(form_heading(form))
        self.print(t("console.form_intro", title=form.title))
        values: dict[str, RawValue] = {}
        ask = [f.name for f in form.fields]
        while True:
            for name in ask:
                answer = self.ask(form, name, lines)
                if answer is None:
                    self.print(t("console.form_cancelled"))
                    return
                if answer.startswith("/"):
                    # A command typed mid-form means the person went on to something else.
                    self.print(t("console.form_left"))
                    self.handle_line(answer, lines)
                    return
                values[name] = answer
            reply = self.bot.submit(self.caller, form.id, form.args, values, self.clock())
            if not reply.errors:
                self.show(reply, lines)
                return
            for message in reply.messages:
                self.print(render(message, self.label))
            for name, problem in reply.errors.items():
                self.print(f"  {form.field(name).label}: {problem}")
            ask = [f.name for f in form.fields if f.name in reply.errors]

    def ask(self, form: Form, name: str, lines: Iterator[str]) -> str | None:
        form_field = form.field(name)
        self.out.write(field_prompt(form_field, t("console.required"), t("console.choices"),
                                    t("console.multi"), t("console.current")))
        self.out.flush()
        answer = next(lines, None)
        if answer is None:
            self.out.write("\n")
            return None
        answer = answer.strip()
        if self.echo:
            self.out.write(answer + "\n")
        if answer.lower() in CANCEL:
            return None
        if not answer and form_field.initial:
            return form_field.initial  # an empty answer keeps the current value
        return answer


class UnknownHandle(Exception):
    pass
