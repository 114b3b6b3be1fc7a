"""Issue 23 §1: a date picked in a Slack modal on a day off is warned about in the modal,
kept when submitted again, and nothing is stored before that."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select

from storage.models import Mijlpaal, Opgave, Persoon
from tests.slack.conftest import SlackClient


def _milestones(slack: SlackClient, code: str) -> list[tuple[str, date]]:
    with slack.db.read() as s:
        return [(m.titel, m.datum) for m in s.scalars(
            select(Mijlpaal).join(Opgave).where(Opgave.code == code)
            .order_by(Mijlpaal.volgnummer))]


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b["block_id"] == block_id)


def _milestone(title: str, day: str) -> dict[str, Any]:
    return {"titel": {"v": {"type": "plain_text_input", "value": title}},
            "datum": {"v": {"type": "datepicker", "selected_date": day}}}


def _open_milestone_form(slack: SlackClient) -> dict[str, Any]:
    slack.command("U0PL", "mijlpaal toevoegen JGD-03")
    return slack.stand_in.wait_for("views.open")[0].body["view"]


def test_a_milestone_picked_on_koningsdag_is_warned_about_in_the_modal(
        slack: SlackClient) -> None:
    before = _milestones(slack, "JGD-03")
    answer = slack.submit("U0PL", _open_milestone_form(slack),
                          _milestone("Evaluatie", "2027-04-27")).json()
    assert answer["response_action"] == "update"
    view = answer["view"]
    datum = _block(view, "datum")
    assert datum["hint"]["text"] == (
        "⚠️ dinsdag 27 april 2027 is Koningsdag: geen werkdag. De eerstvolgende werkdag is "
        "woensdag 28 april 2027. Er is nog niets opgeslagen. Kies een andere datum, of klik "
        "nogmaals op ‘Toevoegen’ om deze datum te houden.")
    # What was filled in stays: only the date needs a look.
    assert datum["element"]["initial_date"] == "2027-04-27"
    assert _block(view, "titel")["element"]["initial_value"] == "Evaluatie"
    assert _milestones(slack, "JGD-03") == before


def test_the_same_date_submitted_again_is_kept(slack: SlackClient) -> None:
    warned = slack.submit("U0PL", _open_milestone_form(slack),
                          _milestone("Evaluatie", "2027-04-27")).json()["view"]
    answer = slack.submit("U0PL", warned, _milestone("Evaluatie", "2027-04-27"))
    assert answer.status == 200 and answer.body == b""
    told = slack.stand_in.wait_for("chat.postEphemeral")[0]
    assert "Evaluatie op 27 apr 2027 toegevoegd" in json.dumps(told.body, ensure_ascii=False)
    assert _milestones(slack, "JGD-03")[-1] == ("Evaluatie", date(2027, 4, 27))


def test_the_suggested_working_day_is_stored_without_a_second_warning(
        slack: SlackClient) -> None:
    warned = slack.submit("U0PL", _open_milestone_form(slack),
                          _milestone("Evaluatie", "2027-04-27")).json()["view"]
    assert slack.submit("U0PL", warned, _milestone("Evaluatie", "2027-04-28")).body == b""
    assert _milestones(slack, "JGD-03")[-1] == ("Evaluatie", date(2027, 4, 28))


def test_another_day_off_picked_after_the_warning_is_warned_about_again(
        slack: SlackClient) -> None:
    before = _milestones(slack, "JGD-03")
    warned = slack.submit("U0PL", _open_milestone_form(slack),
                          _milestone("Evaluatie", "2027-04-27")).json()["view"]
    again = slack.submit("U0PL", warned, _milestone("Evaluatie", "2027-05-01")).json()
    assert "zaterdag 1 mei 2027 valt in het weekend" in _block(
        again["view"], "datum")["hint"]["text"]
    assert _milestones(slack, "JGD-03") == before


def test_a_new_opgave_keeps_its_picked_people_when_its_milestone_date_is_warned_about(
        slack: SlackClient) -> None:
    slack.command("U0PLO", "nieuw")
    opened = slack.stand_in.wait_for("views.open")[0].body["view"]
    values = {
        "titel": {"v": {"type": "plain_text_input", "value": "Jongerenwerk"}},
        "projectleider": {"rb-persoon": {"type": "external_select",
                                         "selected_option": {"value": "7"}}},
        "deelnemers": {"v": {"type": "multi_static_select",
                             "selected_options": [{"value": "1"}, {"value": "3"}]}},
        "mijlpaal_titel": {"v": {"type": "plain_text_input", "value": "Start"}},
        "mijlpaal_datum": {"v": {"type": "datepicker", "selected_date": "2027-01-16"}},
    }
    view = slack.submit("U0PLO", opened, values).json()["view"]
    assert "zaterdag 16 januari 2027 valt in het weekend" in _block(
        view, "mijlpaal_datum")["hint"]["text"]
    picked = _block(view, "projectleider")["element"]["initial_option"]
    with slack.db.read() as s:
        assert s.scalar(select(Opgave).where(Opgave.titel == "Jongerenwerk")) is None
        naam = s.scalar(select(Persoon.naam).where(Persoon.id == 7))
    assert picked == {"text": {"type": "plain_text", "text": naam, "emoji": True},
                      "value": "7"}
    assert [o["value"] for o in _block(view, "deelnemers")["element"]["initial_options"]] \
        == ["1", "3"]
    assert slack.submit("U0PLO", view, values).body == b""
    with slack.db.read() as s:
        created = s.scalars(select(Opgave).where(Opgave.titel == "Jongerenwerk")).one()
        assert created.projectleider_id == 7
        assert s.scalar(select(Mijlpaal.datum).where(Mijlpaal.opgave_id == created.id)) \
            == date(2027, 1, 16)
