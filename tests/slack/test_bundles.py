"""A bundle of reminders on Slack (issue 23 §2): the five reminders pl-jeugdinkoop (U0PL)
is due on Tuesday 1 December arrive as one DM, each reminder's buttons in an actions
block right under its own section, and each button acts on its own milestone. A bundle
never has more blocks than Slack takes (50): it is split before, never cut."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.dispatch import BUNDLE_MAX, Dispatcher
from bot.messages import Button, Message, Section, line
from bot.platforms.slack.sender import SlackSender, sending_client
from config.settings import Settings
from storage import outbox
from storage.models import Mijlpaal, Opgave, OutboxBericht, Persoon
from tests.conftest import NOW
from tests.slack.conftest import SECRET, SlackClient
from tests.slack.strict import MESSAGE_BLOCKS_MAX
from tests.slack.test_interactions import buttons_of
from tests.slack.test_reminders import TUESDAY, deliver_reminders

DUE = ["JGD-01#1", "JGD-03#1", "JGD-01#2", "JGD-02#1", "JGD-03#2"]


def sections(post: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each reminder's buttons: the actions block after the section it heads."""
    found: dict[str, list[dict[str, Any]]] = {}
    about = ""
    for block in post["blocks"]:
        if block["type"] == "section" and block["text"]["text"].startswith("*"):
            about = block["text"]["text"][1:].split(" ", 1)[0]
        elif block["type"] == "actions":
            found[about] = buttons_of([block])
    return found


def closed(slack: SlackClient) -> list[str]:
    with slack.db.read() as s:
        return sorted(f"{code}#{nr}" for code, nr in s.execute(
            select(Opgave.code, Mijlpaal.volgnummer).join(Opgave).where(
                Mijlpaal.afgerond_op.is_not(None), Opgave.code.like("JGD-%"))))


def test_five_due_reminders_arrive_as_one_dm_each_with_its_buttons(slack: SlackClient) -> None:
    post = deliver_reminders(slack)
    assert [c.body["channel"] for c in slack.stand_in.of("chat.postMessage")].count(
        "DU0PL") == 1
    assert list(sections(post)) == DUE
    for ref in DUE:
        assert [b["text"]["text"] for b in sections(post)[ref]] == [
            "Afgerond", "Verplaats", "Blokkade melden", "Herinner me later"]


def test_each_sections_button_acts_on_its_own_milestone(slack: SlackClient) -> None:
    post = deliver_reminders(slack)
    third = next(b for b in sections(post)["JGD-01#2"] if b["text"]["text"] == "Afgerond")
    slack.click("U0PL", third)
    answer = slack.stand_in.wait_for("response_url")[0]
    assert "JGD-01#2 Inkoopstrategie vastgesteld is afgerond" in str(answer.body["blocks"])
    assert closed(slack) == ["JGD-01#2"]
    for n, ref in enumerate(("JGD-01#1", "JGD-03#1", "JGD-02#1", "JGD-03#2"), start=2):
        slack.click("U0PL", next(b for b in sections(post)[ref]
                                 if b["text"]["text"] == "Afgerond"))
        slack.stand_in.wait_for("response_url", n)
    assert closed(slack) == sorted(DUE)


def busy(n: int) -> Message:
    """A message of eight blocks: a section with six lines that each have a button."""
    return Message(heading=f"Bericht {n}", sections=[Section(lines=[
        line(f"regel {k}", button=Button(label="Bekijk", action="cmd",
                                         args={"text": f"status JGD-0{k}"}))
        for k in range(6)])], buttons=[Button(label="Klaar", action="x")])


def test_a_bundle_is_split_before_it_has_more_blocks_than_slack_takes(
        slack: SlackClient) -> None:
    with slack.db.write() as s:
        persoon = s.scalar(select(Persoon.id).where(Persoon.handle == "pl-jeugdinkoop"))
        for n in range(BUNDLE_MAX):
            outbox.enqueue(s, delivery_key=f"druk:{n}", regio_id=1, platform="slack",
                           doel_soort="persoon", doel=str(persoon),
                           bericht=busy(n).model_dump(mode="json"), aangemaakt_op=NOW)
    settings = Settings(slack_bot_token="xoxb-test", slack_signing_secret=SECRET,
                        slack_api_url=slack.stand_in.url, database_url=slack.db.url)
    Dispatcher(slack.db, SlackSender(sending_client(settings), slack.db), lambda: TUESDAY,
               "test-worker").drain()
    posts = [c.body for c in slack.stand_in.of("chat.postMessage")]
    assert 1 < len(posts) < BUNDLE_MAX  # bundled, but not all ten in one
    for post in posts:
        assert len(post["blocks"]) <= MESSAGE_BLOCKS_MAX
        assert "en nog" not in str(post["blocks"])  # nothing was cut
    shown = " ".join(str(p["blocks"]) for p in posts)
    assert all(f"Bericht {n}" in shown for n in range(BUNDLE_MAX))
    with slack.db.read() as s:
        assert set(s.scalars(select(OutboxBericht.status).where(
            OutboxBericht.delivery_key.like("druk:%")))) == {"sent"}
