"""Send what the outbox holds through a platform adapter, exactly once.

A dispatcher claims due rows (a lease: a dead worker's rows are taken over), sends each
through the adapter and marks it sent, or puts it back for a later attempt with backoff.
Nothing is lost and nothing goes out twice:

- a call that timed out may have been posted, and a row taken over from a dead worker
  may have been too: such a row is *onzeker*, and before sending it again the adapter
  looks for its delivery key among the conversation's recent messages;
- a platform that says "too many" (HTTP 429) is obeyed: that conversation (or, when
  several say it at once, everything) waits for its Retry-After, without counting an
  attempt; the pacer keeps the dispatcher under the platform's rates to begin with;
- a message the platform can never take as it is (a channel it does not know) fails at
  once with an error that says why; the operator fixes it and sends it again
  (``regiobot outbox retry``).

Towards the platform only IDs are used: the adapter resolves a configured channel name
once and keeps its ID (``storage.kanalen``), and an opgave's thread is kept by the ID of
its channel.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bot.messages import Message, Section, line
from bot.services.notify import PLO_CHANNEL_FALLBACK
from storage import outbox
from storage.db import Database
from storage.models import (
    Identiteit,
    Opgave,
    OpgaveDraad,
    OutboxBericht,
    Overleg,
    Werkruimte,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    delivery_key: str
    kind: str  # persoon / kanaal
    address: str  # the platform's user id or the channel
    message: Message
    team_id: str | None = None
    # A post in an opgave's thread: the id of the thread's first post.
    thread: str | None = None
    # A bundle: the delivery keys of every outbox row it carries (the platform keeps
    # them with the post, so a lookup by any one of them finds it).
    bundled: tuple[str, ...] = ()


# A bundle: at most this many messages for one person in one post (the rest go in the
# next), and fewer where the platform says more would not fit (``KnowsLimits``). Each
# message's buttons stay with its own section, and a click spends that section only.
BUNDLE_MAX = 10
BUNDLE_MARK = "+bundel"


def marked(delivery: Delivery, key: object, bundle: object) -> bool:
    """Whether a post marked with ``key`` (and a bundle's ``bundle`` keys) carries this
    delivery: its own post, or a bundle it went out in before its send was uncertain."""
    return key == delivery.delivery_key or (
        isinstance(bundle, list) and delivery.delivery_key in bundle)


def bundle_message(messages: list[Message]) -> Message:
    """Several messages as one: each one's heading a section title, its sections and its
    context lines after it; its own buttons go with its first section."""
    sections: list[Section] = []
    for message in messages:
        parts = list(message.sections) or [Section()]
        first = parts[0]
        sections.append(first.model_copy(update={
            "title": " · ".join(x for x in (message.heading, first.title) if x) or None,
            "buttons": [*first.buttons, *message.buttons]}))
        sections += parts[1:]
        if message.context:
            sections.append(Section(lines=[line(c) for c in message.context]))
    return Message(sections=sections)


class RateLimited(Exception):
    """The platform refused for now (HTTP 429); try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after:g}s")
        self.retry_after = retry_after


class MaybeDelivered(Exception):
    """The call timed out: the platform may have posted the message all the same."""


class Undeliverable(Exception):
    """The platform will not take this message as it is (say, a channel it does not
    know): trying again changes nothing until someone fixes the cause."""


class UnknownChannel(Undeliverable):
    def __init__(self, platform: str, team_id: str, channel: str, detail: str = "") -> None:
        where = f" (team {team_id})" if team_id else ""
        why = f" ({detail})" if detail else ""
        super().__init__(f"{platform} knows no channel {channel!r}{where}{why}: create it "
                         f"or invite the bot, then send it again with `regiobot outbox retry`")
        self.channel = channel


class Sender(Protocol):
    platform: str

    def deliver(self, delivery: Delivery) -> str | None:
        """Send one message; return the platform's id for it. Raise to retry later."""

    def find(self, delivery: Delivery) -> str | None:
        """The platform's id of this delivery's message if it was posted, else None."""


@runtime_checkable
class KnowsChannels(Protocol):
    """A sender that resolves a delivery's conversation to the platform's ID."""

    def channel_for(self, delivery: Delivery) -> str:
        """The ID of the conversation this delivery goes to."""


@runtime_checkable
class KnowsLimits(Protocol):
    """A sender whose platform takes only so much in one post (Slack's 50 blocks,
    Mattermost's message length): a bundle that would not fit goes in two posts."""

    def fits(self, message: Message) -> bool:
        """Whether the platform takes ``message`` whole, nothing cut."""


@dataclass
class DispatchResult:
    sent: int = 0
    found: int = 0  # posted before (a timeout or a dead worker) and found by its key
    failed: int = 0
    deferred: int = 0  # put back because the platform asked to wait

    def add(self, other: DispatchResult) -> None:
        self.sent += other.sent
        self.found += other.found
        self.failed += other.failed
        self.deferred += other.deferred


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempt - 1, 0), 3600))


@dataclass
class Pacer:
    """Keeps one dispatcher under the platform's rates: at most ``per_address`` posts a
    second to one conversation and ``total`` a second in all, and obeys a 429's
    Retry-After for that conversation — or for everything, when several conversations
    are refused within a second (the limit that was hit is then the workspace's)."""

    per_address: float | None = None
    total: float | None = None
    clock: Callable[[], float] = time.monotonic
    free_at: dict[str, float] = field(default_factory=dict)
    all_free_at: float = 0.0
    _sends: deque[float] = field(default_factory=deque)
    _refusals: deque[tuple[float, str]] = field(default_factory=deque)

    def wait_for(self, address: str) -> float:
        """Seconds until ``address`` may be sent to."""
        now = self.clock()
        ready = max(self.free_at.get(address, 0.0), self.all_free_at)
        if self.total and len(self._sends) >= self.total:
            ready = max(ready, self._sends[-int(self.total)] + 1.0)
        return max(0.0, ready - now)

    def busy(self, address: str) -> bool:
        """Whether ``address`` has been sent to (or refused) and so paces on its own."""
        return address in self.free_at

    def sent(self, address: str) -> None:
        now = self.clock()
        if self.per_address:
            self.free_at[address] = max(self.free_at.get(address, 0.0),
                                        now + 1.0 / self.per_address)
        if self.total:
            self._sends.append(now)
            while len(self._sends) > self.total:
                self._sends.popleft()

    def refused(self, address: str, retry_after: float) -> None:
        now = self.clock()
        self.free_at[address] = max(self.free_at.get(address, 0.0), now + retry_after)
        self._refusals.append((now, address))
        while self._refusals and self._refusals[0][0] < now - 1.0:
            self._refusals.popleft()
        if len({a for _, a in self._refusals}) >= 2:
            self.all_free_at = max(self.all_free_at, now + retry_after)


def _accounts(session: Session, platform: str, rows: list[OutboxBericht]) -> dict[
        int, tuple[str, str]]:
    """The platform account (user id, team) of every person among the rows, in one query
    (the first linked account of each)."""
    ids = {int(r.doel) for r in rows if r.doel_soort == "persoon"}
    if not ids:
        return {}
    found: dict[int, tuple[str, str]] = {}
    for persoon_id, user, team in session.execute(
            select(Identiteit.persoon_id, Identiteit.extern_id, Identiteit.team_id).where(
                Identiteit.persoon_id.in_(ids), Identiteit.platform == platform)
            .order_by(Identiteit.id)):
        found.setdefault(persoon_id, (user, team))
    return found


def _teams(session: Session, platform: str, rows: list[OutboxBericht]) -> dict[int, str]:
    """The workspace (team) of each regio among the rows on this platform: a channel is
    found by name within its team (Mattermost)."""
    ids = {r.regio_id for r in rows if r.doel_soort != "persoon"}
    if not ids:
        return {}
    found: dict[int, str] = {}
    for regio_id, team in session.execute(
            select(Werkruimte.regio_id, Werkruimte.team_id).where(
                Werkruimte.regio_id.in_(ids), Werkruimte.platform == platform)
            .order_by(Werkruimte.id)):
        found.setdefault(regio_id, team)
    return found


def _threads(session: Session, platform: str, rows: list[OutboxBericht]) -> dict[
        int, tuple[str, str | None]]:
    """Where each opgave's thread is (channel, first post), or the channel that opens it:
    the opgave's overleg's, else the PLO's."""
    ids = {int(r.doel) for r in rows if r.doel_soort == "draad"}
    if not ids:
        return {}
    plo = aliased(Overleg)
    return {opgave_id: (kanaal or eigen or PLO_CHANNEL_FALLBACK, bericht)
            for opgave_id, kanaal, bericht, eigen in session.execute(
                select(Opgave.id, OpgaveDraad.kanaal_id, OpgaveDraad.bericht_id,
                       func.coalesce(Overleg.kanaal, plo.kanaal))
                .outerjoin(OpgaveDraad, (OpgaveDraad.opgave_id == Opgave.id)
                           & (OpgaveDraad.platform == platform))
                .outerjoin(Overleg, Overleg.id == Opgave.overleg_id)
                .outerjoin(plo, (plo.regio_id == Opgave.regio_id) & plo.is_plo)
                .where(Opgave.id.in_(ids)))}


def _opened_thread(db: Database, platform: str, opgave_id: int, kanaal: str,
                   extern_id: str) -> None:
    with db.write() as session:
        if session.scalar(select(OpgaveDraad.id).where(OpgaveDraad.opgave_id == opgave_id,
                                                       OpgaveDraad.platform == platform)) is None:
            session.add(OpgaveDraad(opgave_id=opgave_id, platform=platform, kanaal_id=kanaal,
                                    bericht_id=extern_id))


@dataclass
class Dispatcher:
    """Claims and sends; one per worker thread. ``clock`` gives the instant written to
    the outbox, ``sleep`` waits for the pacer (both injected: tests run on fixed time)."""

    db: Database
    sender: Sender
    clock: Callable[[], datetime]
    worker: str = "inline"
    max_attempts: int = 8
    lease: timedelta = timedelta(minutes=2)
    pacer: Pacer | None = None
    sleep: Callable[[float], None] = time.sleep
    stopping: Callable[[], bool] = lambda: False
    # A conversation that must wait longer than this gives its rows back to the outbox
    # (another pass, or another worker, sends them) instead of holding the claim.
    hold_at_most: float = 5.0

    def run_once(self, limit: int = 100) -> DispatchResult:
        """Claim up to ``limit`` due rows and send them. A paced dispatcher claims about
        one second's worth, and another second's worth every second while it sends: the
        claim is fair (each conversation's next message), so a busy channel has its next
        post in hand when its second has passed, however long the rest of a claim takes
        to send (a claim per emptied queue gave it one post per claim: 1.2–1.5 s apart
        when sending fell behind the platform's rate)."""
        if self.pacer is not None and self.pacer.total:
            limit = min(limit, max(1, int(self.pacer.total)))
        rows, accounts, threads, teams = self._claim(limit)
        result = DispatchResult()
        queue = deque(units(rows, self._fits()))
        # Past half the lease, give the rest back: another worker may take over what is left.
        deadline = self.clock() + self.lease / 2
        claimed_at = self.pacer.clock() if self.pacer is not None else 0.0
        while queue:
            if self.stopping() or self.clock() >= deadline:  # SIGTERM, or the lease runs short
                self._give_back([(r, 0.0) for unit in queue for r in unit], result)
                break
            if (self.pacer is not None and self.pacer.clock() - claimed_at >= 1.0
                    and len(queue) < 2 * limit and self.clock() + self.lease / 4 < deadline):
                claimed_at = self.pacer.clock()
                more, more_accounts, more_threads, more_teams = self._claim(limit)
                accounts |= more_accounts
                threads |= more_threads
                teams |= more_teams
                queue.extend(units(more, self._fits()))
            unit = self._next(queue, result)
            if unit is None:
                break
            self._send(unit, accounts, threads, teams, result, queue)
        return result

    def _fits(self) -> Callable[[Message], bool] | None:
        """What fits in one post, where the platform says so (``KnowsLimits``)."""
        return self.sender.fits if isinstance(self.sender, KnowsLimits) else None

    def _claim(self, limit: int) -> tuple[list[OutboxBericht], dict[int, tuple[str, str]],
                                          dict[int, tuple[str, str | None]], dict[int, str]]:
        """Due rows, claimed, with the accounts, threads and teams they go to."""
        with self.db.write() as session:
            rows = outbox.claim(session, self.sender.platform, self.clock(), self.worker,
                                lease=self.lease, limit=limit)
            accounts = _accounts(session, self.sender.platform, rows)
            threads = _threads(session, self.sender.platform, rows)
            teams = _teams(session, self.sender.platform, rows)
            session.expunge_all()
        return rows, accounts, threads, teams

    def drain(self, limit: int = 100) -> DispatchResult:
        """Send until nothing is due (or the worker is stopping)."""
        total = DispatchResult()
        while not self.stopping():
            result = self.run_once(limit)
            total.add(result)
            if result.sent + result.found + result.failed == 0:
                break
        return total

    # --- internals ------------------------------------------------------------------

    def _address_of(self, row: OutboxBericht) -> str:
        return f"{row.doel_soort}:{row.doel}"

    def _next(self, queue: deque[Unit], result: DispatchResult) -> Unit | None:
        """The first post whose conversation may be sent to now, waiting when none may."""
        if self.pacer is None:
            return queue.popleft()
        while queue:
            # Of those that may go now, a conversation already held to its own rate goes
            # first: a busy channel is what bounds a fan-out, a first DM can go any time.
            waits = [(self.pacer.wait_for(address), not self.pacer.busy(address), i)
                     for i, address in enumerate(self._address_of(u[0]) for u in queue)]
            wait, _, index = min(waits)
            if wait <= 0:
                unit = queue[index]
                del queue[index]
                return unit
            too_long = [(u, w) for (w, _, _), u in zip(waits, queue, strict=True)
                        if w > self.hold_at_most]
            if too_long:
                for u, _ in too_long:
                    queue.remove(u)
                self._give_back([(r, w) for u, w in too_long for r in u], result)
                continue
            self.sleep(wait)
        return None

    def _give_back(self, rows: list[tuple[OutboxBericht, float]],
                   result: DispatchResult) -> None:
        """Rows not attempted (paced, or the worker stops): pending again, no attempt
        counted, each due after its wait in seconds."""
        if not rows:
            return
        now = self.clock()
        with self.db.write() as session:
            for wait in sorted({w for _, w in rows}):
                outbox.release(session, [r.id for r, w in rows if w == wait],
                               now + timedelta(seconds=wait))
        result.deferred += len(rows)

    def _send(self, unit: Unit, accounts: dict[int, tuple[str, str]],
              threads: dict[int, tuple[str, str | None]], teams: dict[int, str],
              result: DispatchResult, queue: deque[Unit]) -> None:
        """One post: a row, or a bundle of one person's rows (never an uncertain one: it
        is looked up alone, by its own key)."""
        row = unit[0]
        uncertain = row.onzeker
        try:
            address, team_id, thread = _address(row, accounts, threads)
            team_id = team_id or teams.get(row.regio_id)
            kind = "kanaal" if row.doel_soort == "draad" else row.doel_soort
            delivery = Delivery(row.delivery_key, kind, address,
                                Message.model_validate(row.bericht), team_id, thread)
            if len(unit) > 1:
                delivery = Delivery(
                    f"{row.delivery_key}{BUNDLE_MARK}", kind, address, bundle_message(
                        [Message.model_validate(r.bericht) for r in unit]), team_id, thread,
                    bundled=tuple(r.delivery_key for r in unit))
            extern_id = self.sender.find(delivery) if row.onzeker else None
            if extern_id is not None:
                log.info("delivery %s was posted before: %s", row.delivery_key, extern_id)
                with self.db.write() as session:
                    outbox.mark_sent(session, row.id, self.clock(), extern_id)
                result.found += 1
                return
            try:
                extern_id = self.sender.deliver(delivery)
            finally:
                if self.pacer is not None:
                    self.pacer.sent(self._address_of(row))
            if row.doel_soort == "draad" and thread is None and extern_id:
                # The thread is kept by its channel's ID, as the platform knows it.
                kanaal = (self.sender.channel_for(delivery)
                          if isinstance(self.sender, KnowsChannels) else address)
                _opened_thread(self.db, self.sender.platform, int(row.doel), kanaal, extern_id)
                threads[int(row.doel)] = (kanaal, extern_id)
        except RateLimited as refusal:
            if self.pacer is not None:
                self.pacer.refused(self._address_of(row), refusal.retry_after)
            if self.pacer is not None and refusal.retry_after <= self.hold_at_most:
                queue.appendleft(unit)  # first again: a conversation keeps its order
            else:
                self._give_back([(r, refusal.retry_after) for r in unit], result)
            return
        except Exception as error:  # every failure is kept and retried, never lost
            uncertain = uncertain or isinstance(error, MaybeDelivered)
            log.warning("delivery %s failed: %r", row.delivery_key, error)
            with self.db.write() as session:
                for r in unit:  # each row retried on its own terms (alone, if uncertain)
                    retry = (self.clock() + backoff(r.pogingen)
                             if r.pogingen < self.max_attempts
                             and not isinstance(error, Undeliverable) else None)
                    outbox.mark_failed(session, r.id, repr(error), retry, uncertain)
            result.failed += len(unit)
            return
        with self.db.write() as session:
            for r in unit:  # a bundle: every row it carries, with the bundle's post id
                outbox.mark_sent(session, r.id, self.clock(), extern_id)
        result.sent += len(unit)


Unit = list[OutboxBericht]


def _bundles(row: OutboxBericht) -> bool:
    """Whether the row may share a post: a person's, and not uncertain."""
    return row.doel_soort == "persoon" and not row.onzeker


def units(rows: list[OutboxBericht],
          fits: Callable[[Message], bool] | None = None) -> list[Unit]:
    """The claimed rows as posts, in the claim's order: a person's rows that may share a
    post go together (at most ``BUNDLE_MAX``, and only as many as ``fits`` one post),
    placed where the first of them was."""
    found: list[Unit] = []
    open_for: dict[str, tuple[Unit, list[Message]]] = {}
    for row in rows:
        if not _bundles(row):
            found.append([row])
            continue
        message = Message.model_validate(row.bericht)
        unit, messages = open_for.get(row.doel, ([], []))
        if unit and len(unit) < BUNDLE_MAX and (
                fits is None or fits(bundle_message([*messages, message]))):
            unit.append(row)
            messages.append(message)
        else:
            open_for[row.doel] = ([row], [message])
            found.append(open_for[row.doel][0])
    return found


def _address(row: OutboxBericht, accounts: dict[int, tuple[str, str]],
             threads: dict[int, tuple[str, str | None]]) -> tuple[str, str | None, str | None]:
    """(address, team, thread) of one row."""
    if row.doel_soort == "draad":
        kanaal, thread = threads[int(row.doel)]
        return kanaal, None, thread
    if row.doel_soort != "persoon":
        return row.doel, None, None
    if int(row.doel) not in accounts:
        raise LookupError(f"persoon {row.doel} has no {row.platform} account")
    return (*accounts[int(row.doel)], None)


def dispatch(db: Database, sender: Sender, now: datetime, worker: str = "inline",
             max_attempts: int = 8, limit: int = 100) -> DispatchResult:
    """One pass at a fixed instant, as a command's unit of work ends (no pacing: it
    sends the few messages that one change caused)."""
    return Dispatcher(db, sender, lambda: now, worker, max_attempts).run_once(limit)
