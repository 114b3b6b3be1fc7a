"""Modals, buttons, DMs, App Home and event retries on Slack."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from storage.models import Mijlpaal, Opgave, VerwerktEvent
from tests.slack.conftest import SlackClient


def buttons_of(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for block in blocks:
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
    return found


def opened_view(slack: SlackClient, count: int = 1) -> dict[str, Any]:
    call = slack.stand_in.wait_for("views.open", count)[count - 1]
    return call.body["view"]


def test_nieuw_opens_a_modal_rendered_from_the_core_form(slack: SlackClient) -> None:
    answer = slack.command("U0PLO", "nieuw")
    assert answer.status == 200 and answer.body == b""
    view = opened_view(slack)
    assert view["type"] == "modal" and view["callback_id"] == "rb-form"
    assert view["title"]["text"] == "Nieuwe opgave"
    assert [b["block_id"] for b in view["blocks"]] == [
        "titel", "thema", "niveau", "vorm", "reikwijdte", "jaar", "opdracht", "projectleider",
        "ambtelijk_opdrachtgever", "bestuurlijk_opdrachtgever", "deelnemers",
        "mijlpaal_titel", "mijlpaal_datum"]
    kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"]}
    assert kinds["projectleider"] == "external_select"  # the roster, wethouders included
    assert kinds["mijlpaal_datum"] == "datepicker"
    assert kinds["deelnemers"] == "multi_static_select"
    assert json.loads(view["private_metadata"]) == {"f": "opgave.nieuw", "g": {}, "c": "C0PLO"}


def test_an_invalid_modal_shows_errors_on_its_fields_and_stores_nothing(
    slack: SlackClient,
) -> None:
    slack.command("U0PLO", "nieuw")
    view = opened_view(slack)
    answer = slack.submit("U0PLO", view, {
        "titel": {"v": {"type": "plain_text_input", "value": ""}},
        "jaar": {"v": {"type": "plain_text_input", "value": "1850"}},
        "mijlpaal_titel": {"v": {"type": "plain_text_input", "value": "Start"}},
    })
    assert answer.json() == {"response_action": "errors", "errors": {
        "titel": "Titel is verplicht.", "jaar": "Kies een getal van 2000 tot en met 2100.",
        "mijlpaal_datum": "Een eerste mijlpaal heeft een datum nodig."}}
    with slack.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Opgave)) == 12


def test_a_valid_modal_creates_the_opgave_and_confirms_ephemerally(slack: SlackClient) -> None:
    slack.command("U0PLO", "nieuw")
    view = opened_view(slack)
    answer = slack.submit("U0PLO", view, {
        "titel": {"v": {"type": "plain_text_input", "value": "Jongerenwerk <!channel>"}},
        "thema": {"v": {"type": "static_select", "selected_option": {"value": "Jeugd"}}},
        "projectleider": {"rb-persoon": {"type": "external_select",
                                         "selected_option": {"value": "7"}}},
        "deelnemers": {"v": {"type": "multi_static_select",
                             "selected_options": [{"value": "1"}, {"value": "3"}]}},
        "mijlpaal_titel": {"v": {"type": "plain_text_input", "value": "Start @here"}},
        "mijlpaal_datum": {"v": {"type": "datepicker", "selected_date": "2027-01-15"}},
    })
    assert answer.status == 200 and answer.body == b""
    ephemeral = slack.stand_in.wait_for("chat.postEphemeral")[0]
    assert (ephemeral.body["channel"], ephemeral.body["user"]) == ("C0PLO", "U0PLO")
    assert "Opgave JGD-05 is aangemaakt" in ephemeral.body["blocks"][0]["text"]["text"]
    text = ephemeral.body["blocks"][1]["text"]
    assert text["verbatim"] and text["text"].startswith("Jongerenwerk &lt;!channel&gt;\n")
    with slack.db.read() as s:
        created = s.scalars(select(Opgave).where(Opgave.code == "JGD-05")).one()
        assert created.projectleider_id == 7
        assert s.scalar(select(Mijlpaal.titel).where(Mijlpaal.opgave_id == created.id)) \
            == "Start @here"


def test_the_person_picker_searches_the_roster(slack: SlackClient) -> None:
    answer = slack.interaction({"type": "block_suggestion", "action_id": "rb-persoon",
                                "block_id": "projectleider", "value": "graaf",
                                "team": {"id": "T1"}, "user": {"id": "U0PLO"},
                                "api_app_id": "A1", "token": "legacy",
                                "view": {"id": "V1", "callback_id": "rb-form"}})
    assert answer.json() == {"options": [{"text": {"type": "plain_text",
                                                   "text": "Maarten de Graaf (Wethouder Lopik)"},
                                          "value": "14"}]}


def test_a_refused_submission_says_why_in_the_modal(slack: SlackClient) -> None:
    slack.command("U0AO", "wijzig JGD-03")
    view = opened_view(slack)
    slack.command("U0PL", "update JGD-03 aandacht")  # changes the opgave meanwhile
    answer = slack.submit("U0AO", view, {
        "titel": {"v": {"type": "plain_text_input", "value": "Anders"}}})
    body = answer.json()
    assert body["response_action"] == "update"
    assert "intussen door iemand anders gewijzigd" in body["view"]["blocks"][0]["text"]["text"]


def test_a_button_acts_once_and_answers_by_response_url(slack: SlackClient) -> None:
    card = slack.command("U0PL", "status JGD-03").json()
    afgerond = buttons_of(card["blocks"])[0]
    assert afgerond["text"]["text"] == "Afgerond"
    assert slack.click("U0PL", afgerond).status == 200
    first = slack.stand_in.wait_for("response_url")[0]
    assert first.body["response_type"] == "ephemeral" and not first.body["replace_original"]
    assert "JGD-03#1 Scenario's kostenbeheersing is afgerond" in first.body["blocks"][0][
        "text"]["text"]
    slack.click("U0PL", afgerond)  # the double click
    second = slack.stand_in.wait_for("response_url", 2)[1]
    assert "al afgerond" in second.body["blocks"][0]["text"]["text"]


def test_a_click_on_a_changed_card_says_so_and_changes_nothing(slack: SlackClient) -> None:
    card = slack.command("U0PL", "status JGD-03").json()
    slack.command("U0AO", "mijlpaal verplaats JGD-03#2 12 januari 2027")
    slack.click("U0PL", buttons_of(card["blocks"])[0])
    answer = slack.stand_in.wait_for("response_url")[0]
    assert "intussen door iemand anders gewijzigd" in answer.body["blocks"][0]["text"]["text"]


def test_a_click_is_permission_checked(slack: SlackClient) -> None:
    card = slack.command("U0LID", "status JGD-03").json()
    slack.click("U0LID", buttons_of(card["blocks"])[0])
    answer = slack.stand_in.wait_for("response_url")[0]
    assert "Dat mag jij niet" in answer.body["blocks"][0]["text"]["text"]


def test_status_bijwerken_opens_a_modal(slack: SlackClient) -> None:
    card = slack.command("U0PL", "status JGD-03").json()
    status = next(b for b in buttons_of(card["blocks"]) if b["text"]["text"] == "Status bijwerken")
    slack.click("U0PL", status)
    view = opened_view(slack)
    assert [b["block_id"] for b in view["blocks"]] == ["status", "toelichting"]
    assert view["blocks"][0]["element"]["initial_option"]["value"] == "risico"


def dm(text: str, user: str = "U0PL") -> dict[str, Any]:
    return {"type": "message", "channel": "D0PL", "channel_type": "im", "user": user,
            "text": text, "ts": "1700000000.000100", "event_ts": "1700000000.000100"}


def test_a_direct_message_is_answered_in_the_dm(slack: SlackClient) -> None:
    assert slack.event(dm("hallo"), "Ev1").status == 200
    post = slack.stand_in.wait_for("chat.postMessage")[0]
    assert post.body["channel"] == "D0PL"
    assert "Ik reageer hier op vragenlijsten" in post.body["blocks"][0]["text"]["text"]


def test_a_retried_event_is_handled_once(slack: SlackClient) -> None:
    slack.event(dm("hallo"), "Ev2")
    slack.stand_in.wait_for("chat.postMessage")
    retry = slack.event(dm("hallo"), "Ev2", headers={"X-Slack-Retry-Num": "1",
                                                      "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status == 200
    slack.event(dm("nog eens"), "Ev3")
    slack.stand_in.wait_for("chat.postMessage", 2)
    texts = [c.body["blocks"][0]["text"]["text"] for c in slack.stand_in.of("chat.postMessage")]
    assert len(texts) == 2
    with slack.db.read() as s:
        assert s.scalar(select(func.count()).select_from(VerwerktEvent)) == 2


def test_the_bots_own_messages_are_ignored(slack: SlackClient) -> None:
    event = dm("echo") | {"bot_id": "BBOT"}
    slack.event(event, "Ev4")
    slack.event(dm("hallo"), "Ev5")
    assert len(slack.stand_in.wait_for("chat.postMessage")) == 1


def test_app_home_shows_my_opgaven_and_what_waits(slack: SlackClient) -> None:
    slack.event({"type": "app_home_opened", "user": "U0PL", "channel": "D0PL", "tab": "home",
                 "event_ts": "1700000000.000200"}, "Ev6")
    publish = slack.stand_in.wait_for("views.publish")[0]
    assert publish.body["user_id"] == "U0PL"
    view = publish.body["view"]
    texts = [b.get("text", {}).get("text", "") for b in view["blocks"]]
    assert view["type"] == "home"
    assert texts[0] == "Mijn opgaven · Femke Bakker"
    assert "*Wacht op jou*" in texts[1]
    assert any("JGD-01#1 Marktconsultatie afgerond" in t for t in texts)
    assert any("Als projectleider" in t for t in texts)


def test_a_change_that_concerns_someone_refreshes_their_app_home(slack: SlackClient) -> None:
    slack.command("U0AO", "rol WMO-03 projectleider <@U0WMO|pl-wmo>")
    published = slack.stand_in.wait_for("views.publish", 2)
    # The new projectleider, and the person who acted.
    assert sorted(c.body["user_id"] for c in published) == ["U0AO", "U0WMO"]
    dm_post = next(c for c in slack.stand_in.of("chat.postMessage") if c.body["channel"] ==
                   "DU0WMO")
    assert dm_post.body["blocks"][0]["text"]["text"] == "Je bent nu projectleider van WMO-03"


def test_a_milestone_on_a_holiday_waits_for_a_button_on_slack(slack: SlackClient) -> None:
    warned = slack.command("U0PL", "mijlpaal toevoegen JGD-03 27 april Evaluatie").json()
    assert "dinsdag 27 april 2027 is Koningsdag" in json.dumps(warned, ensure_ascii=False)
    buttons = {b["text"]["text"]: b for b in buttons_of(warned["blocks"])}
    assert set(buttons) == {"Toch op dinsdag 27 april 2027", "Op woensdag 28 april 2027"}
    slack.click("U0PL", buttons["Op woensdag 28 april 2027"])
    answer = slack.stand_in.wait_for("response_url")[0]
    assert "Mijlpaal JGD-03#3 Evaluatie op 28 apr 2027 toegevoegd." in json.dumps(
        answer.body, ensure_ascii=False)
