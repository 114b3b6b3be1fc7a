"""Meetings on Slack: an agendapunt accepted from the voorzitter's DM, and a decision fed
back and taken to the college from the PLO member's DM (a button, then a modal)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from storage.models import BesluitStap, Overleg, Vergadering
from tests.conftest import NOW
from tests.slack.conftest import SlackClient
from tests.slack.test_interactions import buttons_of, opened_view


def dm_to(slack: SlackClient, channel: str, heading: str, count: int = 1) -> dict[str, Any]:
    posts = slack.stand_in.wait_for("chat.postMessage", count)
    return next(c.body for c in posts if c.body["channel"] == channel
                and heading in str(c.body["blocks"]))


def button(body: dict[str, Any], label: str) -> dict[str, Any]:
    return next(b for b in buttons_of(body["blocks"]) if b["text"]["text"] == label)


def test_an_agendapunt_is_accepted_from_the_voorzitters_dm(slack: SlackClient) -> None:
    answer = slack.command("U0LID", "agendapunt plo Wachttijden jeugd-ggz JGD-03",
                           root="overleg")
    assert "ingediend bij Programmaleidersoverleg" in answer.text
    request = dm_to(slack, "DU0PM", "Nieuw agendapunt")
    slack.click("U0PM", button(request, "Accepteren"))
    said = slack.stand_in.wait_for("response_url")[0]
    assert "staat op de agenda van Programmaleidersoverleg" in str(said.body["blocks"])


def test_a_decision_is_fed_back_and_taken_to_the_college_from_the_dm(
        slack: SlackClient) -> None:
    with slack.db.write() as session:  # the PLO met this morning
        plo = session.scalar(select(Overleg.id).where(Overleg.code == "plo"))
        session.add(Vergadering(overleg_id=plo, begint_op=NOW - timedelta(hours=1)))
    slack.command("U0PM", "besluit plo JGD-03 college Wachttijdenaanpak oppakken",
                  root="overleg")
    assert "1 besluit gaat rond" in slack.command("U0PM", "afsluiten plo", root="overleg").text
    request = dm_to(slack, "DU0PLO", "koppel het besluit terug in Houten", count=3)
    slack.click("U0PLO", button(request, "Teruggekoppeld"))
    said = slack.stand_in.wait_for("response_url")[0]
    assert "Volgende stap: voorgelegd aan het college" in str(said.body["blocks"])
    slack.click("U0PLO", button(said.body, "Volgende stap vastleggen"))
    view = opened_view(slack)
    assert [b["block_id"] for b in view["blocks"]] == ["datum"]
    assert view["blocks"][0]["element"]["type"] == "datepicker"
    slack.submit("U0PLO", view, {"datum": {"v": {"type": "datepicker",
                                                 "selected_date": "2026-12-08"}}})
    with slack.db.read() as session:
        assert sorted(s.stap for s in session.scalars(select(BesluitStap))) == [
            "teruggekoppeld", "voorgelegd"]
