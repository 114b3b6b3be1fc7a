"""Long lists in pages that fit every platform, with one shared "Meer" button.

A view that lists things shows one page and says how many more there are ("… en nog 23
punten"); its Meer button re-runs the command that made the list, one page further, so
the next page is parsed and permission-checked like the typed command. That command can
be long (a search term of 1,900 characters) while Slack takes 2,000 characters in a
button's value, so the command is kept here, server-side, and the button carries only a
short key and a page number.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.context import Ctx
from bot.messages import Button, Line, Section, line
from bot.texts import t, tn
from storage.db import writes
from storage.models import PagingState

# Lines per page: a phone screen, and well inside Slack's 50 blocks even when every line
# carries a button (each such line is a block of its own).
PAGE = 10
# How long a Meer button keeps working: a meeting summary is posted two working days
# before the meeting and read until it starts.
KEEP = timedelta(days=14)
ACTION = "meer"
_PENDING = "regiobot.paging"


@dataclass(frozen=True)
class Page:
    """Which slice of ``total`` things page ``number`` shows."""

    number: int
    total: int
    size: int = PAGE

    @property
    def start(self) -> int:
        return self.number * self.size

    @property
    def stop(self) -> int:
        return min(self.start + self.size, self.total)

    @property
    def rest(self) -> int:
        return max(self.total - self.stop, 0)


def page_of(total: int, number: int = 0, size: int = PAGE) -> Page:
    """Page ``number``, or the last page when a stale button asks for one past the end."""
    last = max((total - 1) // size, 0)
    return Page(min(max(number, 0), last), total, size)


def more(ctx: Ctx, root: str, text: str, page: Page, noun: str) -> tuple[list[Line],
                                                                          list[Button]]:
    """The closing line that says how many more there are, and the button for them."""
    if page.rest <= 0:
        return [], []
    key = remember(ctx, root, text)
    return [line(tn(f"paging.rest.{noun}", page.rest))], [
        Button(label=t("button.meer"), action=ACTION,
               args={"k": key, "p": str(page.number + 1)})]


def sections_page(sections: list[Section], page: Page) -> list[Section]:
    """The sections of a message with only the lines of one page (titles kept for the
    lines shown; facts, which are few, only on the first page)."""
    out: list[Section] = []
    seen = 0
    for section in sections:
        lines = section.lines[max(page.start - seen, 0):max(page.stop - seen, 0)]
        seen += len(section.lines)
        facts = section.facts if page.number == 0 else []
        if lines or facts or (not section.lines and page.number == 0):
            out.append(Section(title=section.title, lines=lines, facts=facts))
    return out


def line_count(sections: list[Section]) -> int:
    return sum(len(s.lines) for s in sections)


# --- the state behind a key -------------------------------------------------------------


def remember(ctx: Ctx, root: str, text: str) -> str:
    """A key for re-running ``/root text``: the one already stored while it has half its
    life left (the worker rebuilds a meeting summary at every tick until the meeting),
    else a new one. A reading unit of work cannot write, so there a new key waits in the
    session until the caller stores it (``pending``)."""
    known = ctx.session.scalar(select(PagingState.sleutel).where(
        PagingState.regio_id == ctx.regio.id, PagingState.root == root,
        PagingState.tekst == text, PagingState.verloopt_op > ctx.now + KEEP / 2).limit(1))
    if known is not None:
        return known
    state = PagingState(sleutel=secrets.token_urlsafe(12), regio_id=ctx.regio.id, root=root,
                        tekst=text, aangemaakt_op=ctx.now, verloopt_op=ctx.now + KEEP)
    if writes(ctx.session):
        store(ctx.session, [state], ctx.now)
    else:
        ctx.session.info.setdefault(_PENDING, []).append(state)
    return state.sleutel


def pending(session: Session) -> list[PagingState]:
    return list(session.info.pop(_PENDING, []))


def store(session: Session, states: list[PagingState], now: datetime) -> None:
    """Store new keys, and clear the expired ones while we are writing anyway."""
    session.execute(delete(PagingState).where(PagingState.verloopt_op < now))
    session.add_all(states)
    session.flush()


def lookup(session: Session, regio_id: int | None, key: str,
           now: datetime) -> tuple[str, str] | None:
    """The command behind a key: (root, text), or None when it expired or is unknown
    (or belongs to another regio)."""
    state = session.scalar(select(PagingState).where(PagingState.sleutel == key[:32]))
    if state is None or state.regio_id != regio_id or state.verloopt_op <= now:
        return None
    return state.root, state.tekst
