"""Reminders and the digest on Mattermost, sent by the worker through the REST API v4: a
reminder is a DM whose sealed buttons close, move, report a blockage and snooze; the
digest goes to the PLO channel. Each post carries its delivery key in ``props``. The
reminders due together arrive as one bundle, each with its buttons in an attachment
titled with its own heading."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.dispatch import BUNDLE_MARK, Dispatcher
from bot.messages import Button, Message, Section, line
from bot.planner import plan
from bot.platforms.mattermost.sender import MattermostSender
from bot.schedule import Rules
from storage.models import Dilemma, Mijlpaal, Opgave, OutboxBericht, Persoon, Uitstel
from tests.conftest import AMS
from tests.mattermost.conftest import BOT, MAX_RUNES, MattermostClient, dm_channel, user_id

TUESDAY = datetime(2026, 12, 1, 9, 5, tzinfo=AMS)
MONDAY = datetime(2026, 11, 30, 9, 5, tzinfo=AMS)


def send(mm: MattermostClient, at: datetime) -> None:
    """Plan and send as the worker does."""
    plan(mm.db, at, AMS, Rules())
    sender = MattermostSender(mm.adapter.client, mm.db, mm.adapter.buttons)
    Dispatcher(mm.db, sender, lambda: at, "test-worker").drain()


def reminder(mm: MattermostClient) -> dict[str, Any]:
    """The reminder of JGD-03#2 that pl-jeugdinkoop got."""
    send(mm, TUESDAY)
    return next(p for p in mm.api.posts_to(dm_channel(user_id("pl-jeugdinkoop")))
                if "JGD-03#2 Besluit" in p["message"])


def actions(post: dict[str, Any], ref: str = "JGD-03#2 Besluit") -> list[dict[str, Any]]:
    """The buttons of the section about ``ref``: its own attachment."""
    return next(att["actions"] for att in post["props"].get("attachments") or []
                if ref in att.get("title", ""))


def action(post: dict[str, Any], label: str) -> dict[str, Any]:
    if "regiobot_bundle" not in post["props"]:
        return next(a for att in post["props"]["attachments"] for a in att["actions"]
                    if a["name"] == label)
    return next(a for a in actions(post) if a["name"] == label)


def test_the_reminder_is_a_dm_with_its_key_and_buttons_for_its_recipient(
    mm: MattermostClient,
) -> None:
    post = reminder(mm)
    key = post["props"]["regiobot_delivery"]
    assert key.startswith("herinnering:m") and key.endswith(f":mattermost{BUNDLE_MARK}")
    assert post["pending_post_id"].startswith(f"{BOT}:")
    assert [a["name"] for a in actions(post)] == [
        "Afgerond", "Verplaats", "Blokkade melden", "Herinner me later"]
    for a in actions(post):
        context = a["integration"]["context"]
        assert (context["k"], context["u"], context["c"]) == (
            key, user_id("pl-jeugdinkoop"), dm_channel(user_id("pl-jeugdinkoop")))
    with mm.db.read() as s:
        assert set(s.scalars(select(OutboxBericht.extern_id).where(
            OutboxBericht.delivery_key.in_(post["props"]["regiobot_bundle"])))) == {post["id"]}


def test_afgerond_in_the_reminder_closes_the_milestone(mm: MattermostClient) -> None:
    post = reminder(mm)
    key = post["props"]["regiobot_delivery"]
    answer = mm.click("pl-jeugdinkoop", action(post, "Afgerond"), channel=post["channel_id"],
                      post_id=post["id"])
    # The answer has a button of its own, so it is a post in this DM, not an ephemeral text.
    assert answer.json() == {}
    confirmation = mm.api.posts_to(post["channel_id"])[-1]
    assert "JGD-03#2 Besluit maatregelenpakket is afgerond" in confirmation["message"]
    # The reminder itself is updated: its section says what was done and its buttons are
    # spent; the other reminders of the bundle keep theirs.
    section = post["message"].split("JGD-03#2 Besluit", 1)[1].split("\n**", 1)[0]
    assert "_✓ Afgerond_" in section and post["message"].count("_✓ Afgerond_") == 1
    assert post["props"]["regiobot_delivery"] == key
    assert not [a for att in post["props"]["attachments"] if "JGD-03#2" in att["title"]
                for a in att["actions"]]
    assert post["props"]["attachments"]
    assert ("PUT", f"/api/v4/posts/{post['id']}/patch") in mm.api.calls()
    with mm.db.read() as s:
        assert s.scalar(select(Mijlpaal.afgerond_op).join(Opgave).where(
            Opgave.code == "JGD-03", Mijlpaal.volgnummer == 2)) is not None


def test_verplaats_opens_a_dialog_for_this_milestone(mm: MattermostClient) -> None:
    post = reminder(mm)
    mm.click("pl-jeugdinkoop", action(post, "Verplaats"), channel=post["channel_id"])
    dialog = mm.last_dialog()["dialog"]
    assert [e["name"] for e in dialog["elements"]] == ["mijlpaal", "datum"]
    assert dialog["elements"][0]["default"] == "2"


def test_herinner_me_later_asks_when_and_remembers(mm: MattermostClient) -> None:
    post = reminder(mm)
    mm.click("pl-jeugdinkoop", action(post, "Herinner me later"), channel=post["channel_id"])
    opened = mm.last_dialog()
    assert [e["name"] for e in opened["dialog"]["elements"]] == ["wanneer", "datum"]
    answer = mm.submit("pl-jeugdinkoop", opened, {"wanneer": "week"},
                       channel=post["channel_id"])
    assert answer.status == 200 and answer.json() == {}
    with mm.db.read() as s:
        assert [str(u.tot) for u in s.scalars(select(Uitstel))] == ["2026-12-01"]


def test_blokkade_melden_becomes_a_dilemma(mm: MattermostClient) -> None:
    post = reminder(mm)
    mm.click("pl-jeugdinkoop", action(post, "Blokkade melden"), channel=post["channel_id"])
    mm.submit("pl-jeugdinkoop", mm.last_dialog(), {"tekst": "Wacht op de accountant"},
              channel=post["channel_id"])
    with mm.db.read() as s:
        texts = list(s.scalars(select(Dilemma.tekst)))
    assert any("Blokkade bij JGD-03#2" in t and "accountant" in t for t in texts)


def test_the_weekly_digest_goes_to_the_plo_channel(mm: MattermostClient) -> None:
    send(mm, MONDAY)
    digest = next(p for p in mm.api.posts_to("chplo")
                  if p["props"]["regiobot_delivery"].startswith("digest:"))
    assert digest["message"].startswith("**")
    assert "JGD-03" in digest["message"]
    assert ("GET", "/api/v4/teams/teamlekstroom0000000000000/channels/name/plo") in \
        mm.api.calls()


def test_a_message_too_long_for_a_post_arrives_cut_with_how_many_more(
    mm: MattermostClient,
) -> None:
    """Mattermost refuses a post over 16,383 characters; the delivery arrives anyway, its
    first lines and how many more there are."""
    lines = [line(f"Punt {n}: " + "tekst " * 10) for n in range(1, 601)]
    post = mm.deliver("kanaal", "plo", Message(heading="Lang", sections=[Section(lines=lines)]),
                      "test:lang:mattermost")
    shown = post["message"].split("\n")
    assert len(post["message"]) <= MAX_RUNES and shown[0] == "**Lang**"
    left = 600 - (len(shown) - 2)
    assert 0 < left < 600 and shown[-1] == f"_… en nog {left} regels; vraag het gerichter op._"


def test_a_spent_reminder_near_the_limit_still_says_what_was_done(
    mm: MattermostClient,
) -> None:
    klaar = Button(label="Afgerond", action="mijlpaal.klaar", args={"ref": "JGD-03#2"})
    with mm.db.read() as s:
        persoon = s.scalar(select(Persoon.id).where(Persoon.handle == "pl-jeugdinkoop"))
    post = mm.deliver("persoon", str(persoon), Message(
        heading="Lang", sections=[Section(lines=[line("x" * (MAX_RUNES - 20))])],
        buttons=[klaar]), "test:bijna-vol:mattermost")
    assert mm.click("pl-jeugdinkoop", action(post, "Afgerond")).status == 200
    assert len(post["message"]) <= MAX_RUNES and post["message"].endswith("_✓ Afgerond_")
    assert "attachments" not in post["props"]
