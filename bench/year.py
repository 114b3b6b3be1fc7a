"""A year of daily use of the demo region (Lekstroom), every role, ticks on every working
day: how many messages each role receives, and how many carry buttons the receiver may
not use.

The demo region is loaded into a fresh SQLite file. On every weekday the planner and the
dispatcher run in-process at 09:05 and 14:00 (as ``regiobot tick --now`` does), with a
console sender that records each delivery and its receiver. In between, the people work
as a new user would: projectleiders update statuses, add, move and close milestones and
raise dilemmas; ambtelijk opdrachtgevers escalate them, bestuurders resolve them; PLO
members start afwegingen and submit agendapunten; the secretaris records besluiten; a
projectleider is away three weeks in summer; one leaves halfway through the year.

A button "may not be used" when pressing it as the receiver is refused (pressed in a unit
of work that is rolled back, at the moment the message arrives). A person holding several
roles counts in each of them; channels are one row.

    python bench/year.py [--weeks N] [--start YYYY-MM-DD] [--seed N]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import demo  # noqa: E402
from bot.app import Caller, Regiobot  # noqa: E402
from bot.dispatch import Delivery, dispatch  # noqa: E402
from bot.messages import buttons_in  # noqa: E402
from bot.planner import plan  # noqa: E402
from bot.render_text import render  # noqa: E402
from bot.schedule import Rules  # noqa: E402
from bot.texts import use_language  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import (  # noqa: E402
    Base,
    Dilemma,
    Mijlpaal,
    Opgave,
    Persoon,
    PloLid,
)

AMS = ZoneInfo("Europe/Amsterdam")
TEAM = "lekstroom"
ROLES = ("projectleider", "ambtelijk opdrachtgever", "bestuurlijk opdrachtgever", "PLO-lid",
         "programmamanager", "lid", "kanalen")


class DryRun(Database):
    """The same database, but every writing unit of work is rolled back: a button is
    pressed to see whether its receiver may use it, and nothing changes."""

    def __init__(self, db: Database) -> None:  # the same engine and session makers
        self.__dict__.update(db.__dict__)

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._writer() as session:
            session.begin()
            try:
                yield session
            finally:
                session.rollback()


@dataclass
class Tally:
    received: Counter[str] = field(default_factory=Counter)
    useless: Counter[str] = field(default_factory=Counter)
    with_buttons: Counter[str] = field(default_factory=Counter)
    commands: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    why: dict[str, str] = field(default_factory=dict)
    # What the channels were sent, as rendered: channel messages speak in the third person.
    channel_texts: list[str] = field(default_factory=list)


class Recorder:
    """A console sender that keeps, per receiver, what arrived and whether its buttons
    work for them."""

    platform = "console"

    def __init__(self, bot: DryBot, tally: Tally) -> None:
        self.dry = bot
        self.tally = tally
        self.now = datetime.min.replace(tzinfo=AMS)
        self.count = 0

    def deliver(self, delivery: Delivery) -> str | None:
        who = delivery.address if delivery.kind == "persoon" else "#" + delivery.address
        self.tally.received[who] += 1
        if delivery.kind != "persoon":
            self.tally.channel_texts.append(render(delivery.message, lambda b: f"[{b.label}]"))
        buttons = buttons_in(delivery.message)
        if buttons and delivery.kind == "persoon":
            self.tally.with_buttons[who] += 1
            if any(self.dry.refuses(delivery.address, b.action, b.args, self.now)
                   for b in buttons):
                self.tally.useless[who] += 1
        self.count += 1
        return f"year-{self.count}"

    def find(self, delivery: Delivery) -> str | None:
        return None


class DryBot:
    def __init__(self, db: Database) -> None:
        self.bot = Regiobot(DryRun(db), AMS)

    def refuses(self, handle: str, action: str, args: dict[str, str], now: datetime) -> bool:
        if action == "cmd" or action.startswith("afweging.") or action == "meer":
            return False  # a view, or the receiver's own conversation
        reply = self.bot.action(Caller("console", TEAM, handle), action, args, now)
        return reply.refused


class Year:
    def __init__(self, db: Database, start: date, seed: int) -> None:
        self.db = db
        self.bot = Regiobot(db, AMS)
        self.tally = Tally()
        self.sender = Recorder(DryBot(db), self.tally)
        self.random = random.Random(seed)
        self.start = start
        self.rules = Rules()
        self.left: set[str] = set()

    # --- helpers --------------------------------------------------------------------

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMS)

    def tick(self, now: datetime) -> None:
        self.sender.now = now
        plan(self.db, now, AMS, self.rules)
        while dispatch(self.db, self.sender, now, worker="year", limit=500).sent:
            pass

    def say(self, handle: str, text: str, now: datetime, root: str = "opgave") -> None:
        if handle in self.left:
            return
        self.tally.commands += 1
        reply = self.bot.command(Caller("console", TEAM, handle), root, text, now)
        if reply.refused:
            what = f"/{root} {text.split()[0]}"
            self.tally.refused[what] += 1
            self.tally.why.setdefault(what, render(reply.messages[0], str)[:160])
        self.sender.now = now
        dispatch(self.db, self.sender, now, worker="year", limit=500)

    def read(self, query):  # type: ignore[no-untyped-def]
        with self.db.read() as session:
            return list(session.execute(query).all())

    # --- what people do -------------------------------------------------------------

    def workday(self, day: date, n: int) -> None:
        morning, noon = self.at(day, 9, 5), self.at(day, 11)
        self.tick(morning)
        opgaven = self.read(select(Opgave.code, Persoon.handle).join(
            Persoon, Persoon.id == Opgave.projectleider_id))
        if day.weekday() == 0:
            for code, handle in opgaven:
                if self.random.random() < 0.5:
                    status = self.random.choice(["op koers", "op koers", "aandacht", "risico"])
                    self.say(handle, f"update {code} {status} Voortgang week {n}", noon)
        if day.weekday() == 2 and n % 2 == 0:
            code, handle = self.random.choice(opgaven)
            due = day + timedelta(days=self.random.randint(10, 90))
            self.say(handle, f"mijlpaal toevoegen {code} {due:%d-%m-%Y} Tussenresultaat {n}",
                     noon)
        self.handle_late(day, noon)
        self.dilemmas(day, n, noon)
        if day.weekday() == 3 and n % 4 == 1:
            code, _ = self.random.choice(opgaven)
            plo = self.random.choice(self.read(select(Persoon.handle).join(
                PloLid, PloLid.persoon_id == Persoon.id)))[0]
            self.start_afweging(plo, code, noon)
            self.say(plo, f"agendapunt plo Voortgang {code} bespreken {code}", noon, "overleg")
        if day.weekday() == 1 and n % 4 == 0:
            meeting = day + timedelta(days=14)
            self.say("secretaris-bpsdl", f"vergadering bpsdl {meeting:%d-%m-%Y} 10:00", noon,
                     "overleg")
        if day.weekday() == 1 and n % 4 == 2:
            code, _ = self.random.choice(opgaven)
            self.say("secretaris-bpsdl", f"besluit bpsdl {code} Ingestemd met de aanpak", noon,
                     "overleg")
            self.say("secretaris-bpsdl", "afsluiten bpsdl", noon, "overleg")
        if day.weekday() == 0 and n % 6 == 3:
            meeting = day + timedelta(days=15)
            self.say("plo-ijsselstein", f"vergadering ao-wmo {meeting:%d-%m-%Y} 10:00", noon,
                     "overleg")
        self.tick(self.at(day, 14))

    def start_afweging(self, handle: str, code: str, now: datetime) -> None:
        """``/opgave afweging <code>`` opens a form; it is sent as offered (every PLO
        member, the region's questionnaire)."""
        if handle in self.left:
            return
        caller = Caller("console", TEAM, handle)
        self.tally.commands += 1
        form = self.bot.command(caller, "opgave", f"afweging {code}", now).form
        if form is None:
            self.tally.refused["/opgave afweging"] += 1
            return
        values = {f.name: f.initial for f in form.fields if f.initial is not None}
        if self.bot.submit(caller, form.id, form.args, values, now).refused:
            self.tally.refused["/opgave afweging"] += 1
        dispatch(self.db, self.sender, now, worker="year", limit=500)

    def handle_late(self, day: date, now: datetime) -> None:
        """Projectleiders close most milestones that fall due, move some, forget a few."""
        due = self.read(select(Opgave.code, Mijlpaal.volgnummer, Persoon.handle)
                         .select_from(Mijlpaal).join(
            Opgave, Opgave.id == Mijlpaal.opgave_id).join(
            Persoon, Persoon.id == Opgave.projectleider_id).where(
            Mijlpaal.afgerond_op.is_(None), Mijlpaal.datum == day))
        for code, nr, handle in due:
            roll = self.random.random()
            if roll < 0.6:
                self.say(handle, f"mijlpaal klaar {code}#{nr}", now)
            elif roll < 0.8:
                later = day + timedelta(days=self.random.randint(14, 42))
                self.say(handle, f"mijlpaal verplaats {code}#{nr} {later:%d-%m-%Y}", now)

    def dilemmas(self, day: date, n: int, now: datetime) -> None:
        if day.weekday() == 1 and n % 3 == 0:
            code, handle = self.random.choice(self.read(select(Opgave.code, Persoon.handle).join(
                Persoon, Persoon.id == Opgave.projectleider_id)))
            self.say(handle, f"dilemma {code} Budget en planning botsen (week {n})", now)
        if day.weekday() == 4:
            rows = self.read(select(Opgave.code, Dilemma.volgnummer, Dilemma.status,
                                    Persoon.handle).select_from(Dilemma).join(
                Opgave, Opgave.id == Dilemma.opgave_id).join(
                Persoon, Persoon.id == Opgave.ambtelijk_opdrachtgever_id).where(
                Dilemma.status != "opgelost"))
            for code, nr, status, handle in rows:
                if status == "open":
                    self.say(handle, f"dilemma escaleer {code}#D{nr} bestuurder", now)
                elif self.random.random() < 0.5:
                    self.say(handle, f"dilemma opgelost {code}#D{nr} Besproken", now)

    def events(self, day: date) -> None:
        """One-off events: an absence in summer, a departure halfway."""
        now = self.at(day, 10)
        if day == self.start + timedelta(weeks=26):
            self.say("programmamanager", "beheer persoon vertrek @pl-onderwijs @pl-iza", now)
            self.left.add("pl-onderwijs")
        if day == self.start + timedelta(weeks=28):
            end = day + timedelta(weeks=3)
            self.say("pl-wmo", f"afwezig {day:%d-%m-%Y} {end:%d-%m-%Y} @pl-iza", now)

    def run(self, weeks: int) -> None:
        for offset in range(weeks * 7):
            day = self.start + timedelta(days=offset)
            if day.weekday() < 5:
                self.events(day)
                self.workday(day, offset // 7)


def roles_of(db: Database) -> dict[str, set[str]]:
    """Per chat handle, the roles its person holds at the start (a stand-in counts for
    whom they stand in: their messages arrive in the stand-in's DM)."""
    found: dict[str, set[str]] = {}
    with db.read() as session:
        for persoon in session.scalars(select(Persoon)):
            roles = {"lid"}
            if persoon.is_programmamanager:
                roles.add("programmamanager")
            if session.scalar(select(PloLid.persoon_id).where(PloLid.persoon_id == persoon.id)):
                roles.add("PLO-lid")
            for column, role in ((Opgave.projectleider_id, "projectleider"),
                                 (Opgave.ambtelijk_opdrachtgever_id, "ambtelijk opdrachtgever"),
                                 (Opgave.bestuurlijk_opdrachtgever_id,
                                  "bestuurlijk opdrachtgever")):
                if session.scalar(select(Opgave.id).where(column == persoon.id).limit(1)):
                    roles.add(role)
            if len(roles) > 1:
                roles.discard("lid")
            found[persoon.handle] = roles
    return found


def table(tally: Tally, roles: dict[str, set[str]], days: int) -> str:
    rows = [("rol", "personen", "berichten", "met knoppen", "knoppen niet bruikbaar")]
    for role in ROLES:
        if role == "kanalen":
            who = [w for w in tally.received if w.startswith("#")]
        else:
            who = [h for h, r in roles.items() if role in r]
        rows.append((role, str(len(who)), str(sum(tally.received[w] for w in who)),
                     str(sum(tally.with_buttons[w] for w in who)),
                     str(sum(tally.useless[w] for w in who))))
    rows.append(("", "", "", "", ""))
    rows.append(("per ontvanger", "", "", "", ""))
    for who in sorted(tally.received, key=lambda w: -tally.received[w]):
        rows.append((who, ", ".join(sorted(roles.get(who, set()))) or "kanaal",
                     str(tally.received[who]), str(tally.with_buttons[who]),
                     str(tally.useless[who])))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.append(f"\n{days} werkdagen, {tally.commands} commando's, "
                 f"{sum(tally.refused.values())} geweigerd: "
                 + ", ".join(f"{k} {v}" for k, v in tally.refused.most_common()))
    lines.extend(f"  {k}: {v}" for k, v in tally.why.items())
    return "\n".join(lines)


def simulate(path: Path, weeks: int, start: date, seed: int = 23) -> tuple[Tally, str]:
    use_language("nl")
    db = Database(f"sqlite:///{path}")
    Base.metadata.create_all(db.engine)
    with db.write() as session:
        demo.load(session, datetime(start.year, start.month, start.day, 8, tzinfo=AMS), AMS)
    roles = roles_of(db)
    year = Year(db, start, seed)
    try:
        year.run(weeks)
    finally:
        db.dispose()
    days = sum(1 for d in range(weeks * 7) if (start + timedelta(days=d)).weekday() < 5)
    return year.tally, table(year.tally, roles, days)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2027, 1, 4))
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args()
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        _, report = simulate(Path(tmp) / "year.db", args.weeks, args.start, args.seed)
    print(report)
    print(f"({time.monotonic() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
