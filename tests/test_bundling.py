"""A person's messages that are due together arrive as one post (issue 23 §2): sections
one after another, at most ``BUNDLE_MAX`` in a post, exactly once — every outbox row of
the bundle is marked sent with the bundle's post id, and a bundle whose send was
uncertain is found again by any of its rows. A message's buttons stay with its own
section, so messages with buttons are bundled too, and a bundle holds no more than its
platform takes in one post. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.dispatch import BUNDLE_MAX, Delivery, MaybeDelivered, dispatch, marked
from bot.messages import Button, Message, Section, line
from bot.platforms.console import ConsoleSender
from bot.render_text import render
from bot.texts import t
from storage import outbox
from storage.db import Database
from storage.models import OutboxBericht, Persoon, Regio
from tests.conftest import NOW, Chat
from tests.test_decisions import MEETING_DAY, press
from tests.test_meetings import overleg


class Platform:
    """Records every post; times out after posting when told."""

    platform = "console"

    def __init__(self) -> None:
        self.posted: list[Delivery] = []
        self.time_out_after_posting = False

    def deliver(self, delivery: Delivery) -> str:
        self.posted.append(delivery)
        if self.time_out_after_posting:
            self.time_out_after_posting = False
            raise MaybeDelivered("read timed out")
        return f"post-{len(self.posted)}"

    def find(self, delivery: Delivery) -> str | None:
        return next((f"post-{n + 1}" for n, d in enumerate(self.posted)
                     if marked(delivery, d.delivery_key, list(d.bundled))), None)


def person_id(db: Database, handle: str) -> int:
    with db.read() as session:
        found = session.scalar(select(Persoon.id).where(Persoon.handle == handle))
        assert found is not None
        return found


def enqueue(db: Database, handle: str, messages: list[Message], prefix: str = "m") -> None:
    target = person_id(db, handle)
    with db.write() as session:
        regio = session.scalar(select(Regio.id))
        for n, message in enumerate(messages):
            outbox.enqueue(session, delivery_key=f"{prefix}{n}", regio_id=regio,
                           platform="console", doel_soort="persoon", doel=str(target),
                           bericht=message.model_dump(mode="json"), aangemaakt_op=NOW)


def statuses(db: Database) -> list[tuple[str, str, str | None]]:
    with db.read() as session:
        return [(r.delivery_key, r.status, r.extern_id) for r in session.scalars(
            select(OutboxBericht).order_by(OutboxBericht.id))]


def notice(n: int) -> Message:
    return Message(heading=f"Bericht {n}", sections=[Section(lines=[line(f"regel {n}")])])


def test_three_dilemmas_for_one_opdrachtgever_arrive_as_one_direct_message(
        any_demo_db: Database) -> None:
    chat = Chat(any_demo_db)
    for code in ("MOB-02", "IZA-01", "OND-01"):  # plo-lopik is their ambtelijk opdrachtgever
        chat(f"dilemma {code} Lopik twijfelt", as_="programmamanager")
    written: list[str] = []
    dispatch(any_demo_db, ConsoleSender(written.append), NOW)
    to_lopik = [w for w in written if w.startswith("→ @plo-lopik")]
    assert len(to_lopik) == 1
    for code in ("MOB-02", "IZA-01", "OND-01"):
        assert f"Dilemma {code}#D1 gemeld" in to_lopik[0]
    sent = [s for s in statuses(any_demo_db) if s[0].startswith("dilemma:")]
    assert all(status == "sent" for _, status, _ in sent)
    assert len({extern for key, _, extern in sent if f":@{person_id(any_demo_db, 'plo-lopik')}:"
                in key}) == 1


def test_a_bundle_keeps_each_message_as_a_section_in_order(any_demo_db: Database) -> None:
    enqueue(any_demo_db, "plo-houten", [notice(n) for n in range(3)])
    platform = Platform()
    dispatch(any_demo_db, platform, NOW)
    assert len(platform.posted) == 1
    text = render(platform.posted[0].message, lambda b: f"[{b.label}]")
    assert text.index("Bericht 0") < text.index("regel 0") < text.index("Bericht 1") \
        < text.index("Bericht 2")
    assert platform.posted[0].bundled == ("m0", "m1", "m2")
    assert {extern for _, _, extern in statuses(any_demo_db)} == {"post-1"}


def test_a_bundle_holds_at_most_ten_and_the_rest_go_in_the_next(any_demo_db: Database) -> None:
    enqueue(any_demo_db, "plo-houten", [notice(n) for n in range(BUNDLE_MAX + 3)])
    platform = Platform()
    dispatch(any_demo_db, platform, NOW)
    assert [len(d.bundled) for d in platform.posted] == [BUNDLE_MAX, 3]
    assert all(status == "sent" for _, status, _ in statuses(any_demo_db))


def test_a_message_with_buttons_is_bundled_its_buttons_under_its_own_section(
        any_demo_db: Database) -> None:
    with_button = Message(heading="Mijlpaal", sections=[Section(lines=[line("te laat")])],
                          buttons=[Button(label="Afgerond", action="x")],
                          context=[t("herinnering.context", code="JGD-03", titel="Jeugd")])
    enqueue(any_demo_db, "plo-houten", [notice(0), with_button, notice(2)])
    platform = Platform()
    dispatch(any_demo_db, platform, NOW)
    assert [d.bundled for d in platform.posted] == [("m0", "m1", "m2")]
    bundle = platform.posted[0].message
    assert not bundle.buttons
    assert [[b.label for b in s.buttons] for s in bundle.sections] == [
        [], ["Afgerond"], [], []]
    assert render(bundle, lambda b: f"[{b.label}]").split("\n") == [
        "Bericht 0:", "  • regel 0", "Mijlpaal:", "  • te laat", "  [Afgerond]",
        "JGD-03 Jeugd", "Bericht 2:", "  • regel 2"]


class Limited(Platform):
    """A platform that takes at most three sections in one post."""

    def fits(self, message: Message) -> bool:
        return len(message.sections) <= 3


def test_a_bundle_holds_no_more_than_its_platform_takes_in_one_post(
        any_demo_db: Database) -> None:
    enqueue(any_demo_db, "plo-houten", [notice(n) for n in range(7)])
    platform = Limited()
    dispatch(any_demo_db, platform, NOW)
    assert [d.bundled for d in platform.posted] == [
        ("m0", "m1", "m2"), ("m3", "m4", "m5"), ()]
    assert platform.posted[-1].delivery_key == "m6"
    assert all(status == "sent" for _, status, _ in statuses(any_demo_db))


def test_one_dm_per_person_for_the_follow_up_of_a_meetings_decisions(
        any_demo_db: Database) -> None:
    for code in ("JGD-03", "JGD-01"):
        overleg(any_demo_db, "secretaris-bpsdl", f"besluit bpsdl {code} raad {code} vastgesteld",
                MEETING_DAY)
    overleg(any_demo_db, "secretaris-bpsdl", "afsluiten bpsdl", MEETING_DAY)
    platform = Platform()
    dispatch(any_demo_db, platform, MEETING_DAY)
    to_houten = [d for d in platform.posted if d.kind == "persoon" and d.address == "plo-houten"]
    assert len(to_houten) == 1
    asked = [b for s in to_houten[0].message.sections for b in s.buttons]
    assert [b.label for b in asked] == ["Teruggekoppeld", "Teruggekoppeld"]
    for button in asked:  # each section's button acts on its own decision
        assert "Volgende stap" in press(any_demo_db, "plo-houten", button.action,
                                        button.args, MEETING_DAY)


def test_people_get_their_own_bundles(any_demo_db: Database) -> None:
    enqueue(any_demo_db, "plo-houten", [notice(0), notice(1)], prefix="a")
    enqueue(any_demo_db, "plo-lopik", [notice(0), notice(1)], prefix="b")
    platform = Platform()
    dispatch(any_demo_db, platform, NOW)
    assert sorted(d.bundled for d in platform.posted) == [("a0", "a1"), ("b0", "b1")]


def test_an_uncertain_bundle_is_found_by_each_row_and_not_posted_again(
        any_demo_db: Database) -> None:
    enqueue(any_demo_db, "plo-houten", [notice(n) for n in range(3)])
    platform = Platform()
    platform.time_out_after_posting = True
    first = dispatch(any_demo_db, platform, NOW)
    assert first.failed == 3 and len(platform.posted) == 1
    later: datetime = NOW + timedelta(hours=1)
    again = dispatch(any_demo_db, platform, later)
    assert again.found == 3 and len(platform.posted) == 1
    assert statuses(any_demo_db) == [(f"m{n}", "sent", "post-1") for n in range(3)]
