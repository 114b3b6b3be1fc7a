"""Long lists through Slack's HTTP path: each answer is at most 50 valid blocks, says how
many more there are, and its Meer button (a short key, never the command) pages on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.models import Opgave, Overleg, Persoon
from tests.conftest import NOW
from tests.slack.conftest import SlackClient
from tests.slack.test_block_kit import assert_valid
from tests.slack.test_interactions import buttons_of
from tests.test_paging import LONG_WORD, busy_body


def assert_fits(blocks: list[dict[str, Any]]) -> None:
    assert len(blocks) <= 50
    assert_valid(blocks)
    assert all(len(b["value"]) < 2000 for b in buttons_of(blocks))


def meer(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return next(b for b in buttons_of(blocks) if b["text"]["text"] == "Meer")


def test_an_agenda_of_80_items_answers_a_page_and_meer_pages_on(slack: SlackClient) -> None:
    busy_body(slack.db)
    answer = slack.command("U0PLO", "agenda plo", root="overleg")
    assert answer.status == 200
    first = answer.json()["blocks"]
    assert_fits(first)
    assert "Punt 10" in answer.text and "Punt 11" not in answer.text
    assert "… en nog 70 punten" in answer.text
    slack.click("U0PLO", meer(first))
    said = slack.stand_in.wait_for("response_url")[0].body
    assert_fits(said["blocks"])
    text = str(said["blocks"])
    assert "Punt 11" in text and "Punt 20" in text and "Punt 10" not in text
    assert "… en nog 60 punten" in text


def test_the_longest_search_pages_with_short_button_values(
        slack: SlackClient) -> None:
    with slack.db.write() as s:
        me = s.scalar(select(Persoon.id).where(Persoon.handle == "plo-houten"))
        for n in range(25):
            s.add(Opgave(regio_id=1, code=f"TST-{n + 1:02d}", titel=f"Lange opgave {n + 1:02d}",
                         opdracht=f"Over {LONG_WORD}.", ambtelijk_opdrachtgever_id=me,
                         aangemaakt_op=NOW, gewijzigd_op=NOW))
    answer = slack.command("U0PLO", f"zoek {LONG_WORD}")
    assert answer.status == 200
    first = answer.json()["blocks"]
    assert_fits(first)
    assert all(len(b["value"]) < 100 for b in buttons_of(first))  # a key, not the search
    assert "… en nog 15 opgaven" in answer.text
    slack.click("U0PLO", meer(first))
    said = slack.stand_in.wait_for("response_url")[0].body
    assert_fits(said["blocks"])
    assert "TST-11" in str(said["blocks"]) and "TST-10 " not in str(said["blocks"])
    assert "… en nog 5 opgaven" in str(said["blocks"])


def test_a_region_with_60_bodies_lists_them_a_page_at_a_time(slack: SlackClient) -> None:
    with slack.db.write() as s:
        for n in range(60):
            s.add(Overleg(regio_id=1, code=f"wg{n + 1:02d}", naam=f"Werkgroep {n + 1:02d}",
                          soort="werkgroep"))
    answer = slack.command("U0PLO", "lijst", root="overleg")
    assert answer.status == 200
    first = answer.json()["blocks"]
    assert_fits(first)
    assert "… en nog" in answer.text
    slack.click("U0PLO", meer(first))
    said = slack.stand_in.wait_for("response_url")[0].body
    assert_fits(said["blocks"])
    assert "Werkgroep" in str(said["blocks"])


def test_the_renderer_never_sends_more_than_slack_takes() -> None:
    """The last resort, for a message the core did not page: at most 50 blocks, the
    closing buttons kept, the lines left out counted; no element over its limit."""
    from bot.messages import Button, Message, Section, fact, line
    from bot.platforms.slack import blocks

    message = Message(heading="Lang", sections=[Section(title="Alles", lines=[
        line(f"Regel {n}", button=Button(label="Bekijk", action="cmd", args={"text": "x"}))
        for n in range(120)] + [line("te lang", button=Button(
            label="Te lang", action="cmd", args={"text": "x" * 2500}))],
        facts=[fact("Veld", "y" * 2500)])],
        buttons=[Button(label="Meer", action="meer", args={"k": "abc", "p": "1"})],
        context=["Slot"])
    rendered = blocks.payload(message, {})["blocks"]
    assert_fits(rendered)
    assert meer(rendered)["value"] == '{"a":"meer","g":{"k":"abc","p":"1"}}'
    assert rendered[-1]["elements"][0]["text"] == "Slot"
    note = rendered[-3]["elements"][0]["text"]
    assert note.startswith("… en nog ") and note.endswith(" regels")
    home = blocks.fit(rendered * 3, blocks.VIEW_BLOCKS)
    assert len(home) == 100
