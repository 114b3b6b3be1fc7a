"""A milestone reminder on Slack: a DM with its delivery key in the metadata, and
buttons that act in the chat — close, move (date picker), report a blockage, remind me
later. The reminders due together arrive as one bundle, each with its buttons under its
own section."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.dispatch import Dispatcher
from bot.planner import plan
from bot.platforms.slack.sender import SlackSender, sending_client
from bot.schedule import Rules
from config.settings import Settings
from storage.models import Dilemma, Mijlpaal, Opgave, Uitstel
from tests.conftest import AMS
from tests.slack.conftest import SECRET, SlackClient
from tests.slack.test_interactions import buttons_of, opened_view

TUESDAY = datetime(2026, 12, 1, 9, 5, tzinfo=AMS)


def deliver_reminders(slack: SlackClient) -> dict[str, Any]:
    """Plan and send as the worker does; the reminder pl-jeugdinkoop (U0PL) got."""
    plan(slack.db, TUESDAY, AMS, Rules())
    settings = Settings(slack_bot_token="xoxb-test", slack_signing_secret=SECRET,
                        slack_api_url=slack.stand_in.url, database_url=slack.db.url)
    Dispatcher(slack.db, SlackSender(sending_client(settings), slack.db), lambda: TUESDAY,
               "test-worker").drain()
    return next(c.body for c in slack.stand_in.of("chat.postMessage")
                if c.body["channel"] == "DU0PL" and "JGD-03#2 Besluit" in str(c.body["blocks"]))


def section_buttons(post: dict[str, Any], ref: str = "JGD-03#2 Besluit") -> list[dict[str, Any]]:
    """The buttons of the bundle's section about ``ref``: the actions block after it."""
    about = ""
    for block in post["blocks"]:
        if block["type"] == "section":
            about = block["text"]["text"] if "*" in block["text"]["text"][:1] else about
        elif block["type"] == "actions" and ref in about:
            return buttons_of([block])
    raise AssertionError(f"no buttons under {ref}")


def button(post: dict[str, Any], label: str) -> dict[str, Any]:
    return next(b for b in section_buttons(post) if b["text"]["text"] == label)


def test_the_reminder_is_a_dm_that_carries_its_delivery_key(slack: SlackClient) -> None:
    post = deliver_reminders(slack)
    assert post["metadata"]["event_type"] == "regiobot_delivery"
    assert post["metadata"]["event_payload"]["delivery_key"].startswith("herinnering:m")
    assert [b["text"]["text"] for b in section_buttons(post)] == [
        "Afgerond", "Verplaats", "Blokkade melden", "Herinner me later"]


def test_afgerond_in_the_reminder_closes_the_milestone(slack: SlackClient) -> None:
    post = deliver_reminders(slack)
    slack.click("U0PL", button(post, "Afgerond"))
    answer = slack.stand_in.wait_for("response_url")[0]
    assert "JGD-03#2 Besluit maatregelenpakket is afgerond" in str(answer.body["blocks"])
    with slack.db.read() as s:
        assert s.scalar(select(Mijlpaal.afgerond_op).join(Opgave).where(
            Opgave.code == "JGD-03", Mijlpaal.volgnummer == 2)) is not None


def test_verplaats_opens_a_date_picker_for_this_milestone(slack: SlackClient) -> None:
    post = deliver_reminders(slack)
    slack.click("U0PL", button(post, "Verplaats"))
    view = opened_view(slack)
    assert [b["block_id"] for b in view["blocks"]] == ["mijlpaal", "datum"]
    assert view["blocks"][0]["element"]["initial_option"]["value"] == "2"
    assert view["blocks"][1]["element"]["type"] == "datepicker"


def test_herinner_me_later_asks_when_and_remembers(slack: SlackClient) -> None:
    post = deliver_reminders(slack)
    slack.click("U0PL", button(post, "Herinner me later"))
    view = opened_view(slack)
    assert [b["block_id"] for b in view["blocks"]] == ["wanneer", "datum"]
    answer = slack.submit("U0PL", view, {
        "wanneer": {"v": {"type": "static_select", "selected_option": {"value": "week"}}}})
    assert answer.status == 200
    with slack.db.read() as s:
        assert [str(u.tot) for u in s.scalars(select(Uitstel))] == ["2026-12-01"]


def test_blokkade_melden_becomes_a_dilemma(slack: SlackClient) -> None:
    post = deliver_reminders(slack)
    slack.click("U0PL", button(post, "Blokkade melden"))
    view = opened_view(slack)
    slack.submit("U0PL", view, {
        "tekst": {"v": {"type": "plain_text_input", "value": "Wacht op de accountant"}}})
    with slack.db.read() as s:
        texts = list(s.scalars(select(Dilemma.tekst)))
    assert any("Blokkade bij JGD-03#2" in t and "accountant" in t for t in texts)


def test_the_digest_of_a_large_region_fits_one_slack_message() -> None:
    from datetime import date

    from bot.platforms.slack import blocks
    from bot.services.digest import Digest, News
    from bot.services.digest_messages import digest

    news = [News(Opgave(code=f"ALG-{n:02d}", titel=f"Opgave {n}", fase="analyse",
                        status="aandacht"), vacant=["projectleider"]) for n in range(80)]
    message = digest(Digest(date(2026, 11, 30), date(2026, 11, 30), news, []))
    body = blocks.payload(message, {})
    assert len(body["blocks"]) <= blocks.MESSAGE_BLOCKS
    assert "ALG-41 en 38 meer" in str(body["blocks"])  # the rest named at the end
