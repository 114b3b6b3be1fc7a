"""Dialogs, buttons and DMs on Mattermost: forms open as interactive dialogs and come back
validated by the core; buttons act once; what people type to the bot in a DM is a
conversation."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from bot.messages import Button, Message
from storage.models import Gesprek, Mijlpaal, Opgave, VerwerktEvent
from tests.mattermost.conftest import (
    BOT,
    CHANNEL,
    PUBLIC,
    Answer,
    MattermostClient,
    dm_channel,
    user_id,
)
from tests.slack.test_limits import busy_sponsor


def button(answer: Answer | dict[str, Any], label: str) -> dict[str, Any]:
    actions = answer.buttons() if isinstance(answer, Answer) else [
        a for att in answer["props"].get("attachments", []) for a in att["actions"]]
    return next(a for a in actions if a["name"] == label or a["name"].startswith(label + ":"))


def test_nieuw_opens_a_dialog_rendered_from_the_core_form(mm: MattermostClient) -> None:
    answer = mm.command("plo-houten", "nieuw")
    assert answer.status == 200 and answer.json() == {}
    opened = mm.last_dialog()
    assert opened["trigger_id"] == "trigger1"
    assert opened["url"] == f"{PUBLIC}/mattermost/dialog"
    dialog = opened["dialog"]
    assert (dialog["callback_id"], dialog["title"]) == ("opgave.nieuw", "Nieuwe opgave")
    assert [e["name"] for e in dialog["elements"]] == [
        "titel", "thema", "niveau", "vorm", "reikwijdte", "jaar", "opdracht", "projectleider",
        "ambtelijk_opdrachtgever", "bestuurlijk_opdrachtgever", "deelnemers",
        "mijlpaal_titel", "mijlpaal_datum"]
    kinds = {e["name"]: e["type"] for e in dialog["elements"]}
    assert kinds["projectleider"] == "select"  # the roster, wethouders included
    people = next(e for e in dialog["elements"] if e["name"] == "bestuurlijk_opdrachtgever")
    assert "Maarten de Graaf (Wethouder Lopik)" in {o["text"] for o in people["options"]}
    assert kinds["mijlpaal_datum"] == "text"
    assert all(len(e["display_name"]) <= 24 for e in dialog["elements"])
    assert json.loads(dialog["state"])["f"] == "opgave.nieuw"


def test_an_invalid_dialog_shows_errors_on_its_fields_and_stores_nothing(
    mm: MattermostClient,
) -> None:
    mm.command("plo-houten", "nieuw")
    answer = mm.submit("plo-houten", mm.last_dialog(), {
        "titel": "", "jaar": "1850", "mijlpaal_titel": "Start"})
    assert answer.json() == {"errors": {
        "titel": "Titel is verplicht.", "jaar": "Kies een getal van 2000 tot en met 2100.",
        "mijlpaal_datum": "Een eerste mijlpaal heeft een datum nodig."}}
    with mm.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Opgave)) == 12


def test_a_valid_dialog_creates_the_opgave_and_confirms_in_the_dm(
    mm: MattermostClient,
) -> None:
    mm.command("plo-houten", "nieuw")
    answer = mm.submit("plo-houten", mm.last_dialog(), {
        "titel": "Jongerenwerk @channel", "thema": "Jeugd", "projectleider": "7",
        "deelnemers": "Houten, Lopik", "mijlpaal_titel": "Start @here",
        "mijlpaal_datum": "15 januari 2027"})
    assert answer.status == 200 and answer.json() == {}
    confirmation = mm.api.posts_to(dm_channel(user_id("plo-houten")))[0]
    assert confirmation["message"].startswith("**Opgave JGD-05 is aangemaakt**")
    assert "Jongerenwerk @\u200bchannel" in confirmation["message"]
    with mm.db.read() as s:
        opgave = s.scalar(select(Opgave).where(Opgave.code == "JGD-05"))
        assert opgave is not None and opgave.titel == "Jongerenwerk @channel"
        assert s.scalar(select(Mijlpaal.titel).where(Mijlpaal.opgave_id == opgave.id)) == \
            "Start @here"


def test_a_refusal_that_is_no_fields_fault_is_the_dialogs_error(mm: MattermostClient) -> None:
    mm.command("plo-nieuwegein", "wijzig JGD-03")
    opened = mm.last_dialog()
    mm.command("plo-nieuwegein", "wijzig JGD-03 niveau bovenregionaal")  # changed meanwhile
    answer = mm.submit("plo-nieuwegein", opened, {"titel": "Nieuwe titel"})
    assert set(answer.json()) == {"error"}
    assert "gewijzigd" in answer.json()["error"]
    with mm.db.read() as s:
        assert s.scalar(select(Opgave.titel).where(Opgave.code == "JGD-03")) != "Nieuwe titel"


def test_a_card_button_opens_the_status_dialog(mm: MattermostClient) -> None:
    card = mm.command("pl-jeugdinkoop", "status JGD-03")
    answer = mm.click("pl-jeugdinkoop", button(card, "Status bijwerken"))
    assert answer.status == 200 and answer.json() == {}
    dialog = mm.last_dialog()["dialog"]
    assert dialog["callback_id"] == "opgave.status"
    assert [e["name"] for e in dialog["elements"]] == ["status", "toelichting"]


def test_afgerond_on_a_card_acts_once_and_a_double_click_says_so(mm: MattermostClient) -> None:
    card = mm.command("pl-jeugdinkoop", "status JGD-03")
    done = button(card, "Afgerond")
    first = mm.click("pl-jeugdinkoop", done)
    # A click on a reply replaces it in place.
    assert "is afgerond" in first.json()["update"]["message"]
    second = mm.click("pl-jeugdinkoop", done)
    assert "al afgerond" in second.plain or "gewijzigd" in second.plain
    with mm.db.read() as s:
        closed = s.scalar(select(func.count()).select_from(Mijlpaal).join(Opgave).where(
            Opgave.code == "JGD-03", Mijlpaal.afgerond_op.is_not(None)))
    assert closed == 1


def test_meer_pages_a_long_list_in_place(mm: MattermostClient) -> None:
    busy_sponsor(mm.db)
    first = mm.command("plo-houten", "zoek opgave")
    page = mm.click("plo-houten", button(first, "Meer"))
    update = page.json()["update"]
    assert "TST-11" in update["message"] and "TST-11" not in first.text
    assert button({"props": update["props"]}, "Meer")  # and on to the next page


def test_an_answer_with_buttons_to_a_click_in_a_channel_goes_to_the_dm(
    mm: MattermostClient,
) -> None:
    """An ephemeral text cannot carry buttons: such an answer to a click on a channel
    post (a digest's *Bekijk*) is posted in the clicker's DM instead."""
    bekijk = Button(label="Bekijk", action="cmd", args={"text": "status JGD-03"})
    channel_post = mm.deliver("kanaal", "plo", Message(buttons=[bekijk]),
                              "digest:1:#plo:mattermost")
    assert button(channel_post, "Bekijk")["integration"]["context"]["u"] == ""  # anyone
    answer = mm.click("plo-houten", button(channel_post, "Bekijk"))
    assert answer.json() == {"ephemeral_text": "Mijn antwoord staat in ons privégesprek."}
    card = mm.api.posts_to(dm_channel(user_id("plo-houten")))[-1]
    assert card["message"].startswith("**JGD-03 · ")
    assert button(card, "Status bijwerken")["integration"]["context"]["u"] == \
        user_id("plo-houten")


def test_a_typed_dm_answers_the_afweging_question(mm: MattermostClient) -> None:
    houten = user_id("plo-houten")
    first = mm.command("plo-houten", "afweging JGD-03 invullen")
    assert "Vraag 1 van" in first.plain
    assert {"Ja", "Nee", "Weet ik niet"} <= {b["name"] for b in first.buttons()}
    mm.adapter.on_post(_post("p1", houten, "nee, niet wettelijk"))
    question = mm.api.posts_to(dm_channel(houten))[-1]
    assert "Vraag 2 van" in question["message"]
    ja = button(question, "Ja")["integration"]["context"]
    assert (ja["a"], ja["g"]["s"], ja["g"]["w"], ja["u"]) == (
        "afweging.antwoord", "standpunt", "ja", houten)  # for the respondent only
    with mm.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Gesprek)) == 1


def test_a_dm_seen_twice_is_handled_once(mm: MattermostClient) -> None:
    """The live stream and a catch-up (or two listeners) may both hand over a post."""
    houten = user_id("plo-houten")
    mm.command("plo-houten", "afweging JGD-03 invullen")
    before = len(mm.api.posts)
    mm.adapter.on_post(_post("p1", houten, "ja"))
    once = len(mm.api.posts)
    mm.adapter.on_post(_post("p1", houten, "ja"))
    assert len(mm.api.posts) == once > before
    with mm.db.read() as s:
        assert s.scalar(select(func.count()).select_from(VerwerktEvent).where(
            VerwerktEvent.platform == "mattermost")) == 1


def test_a_dm_outside_a_conversation_points_to_the_commands(mm: MattermostClient) -> None:
    lid = user_id("medewerker-houten")
    mm.adapter.on_post(_post("p9", lid, "hallo"))
    reply = mm.api.posts_to(dm_channel(lid))[-1]
    assert "/opgave" in reply["message"]
    assert reply["user_id"] == BOT


def test_a_button_in_a_dm_post_answers_with_the_next_post_there(
    mm: MattermostClient,
) -> None:
    houten = user_id("plo-houten")
    mm.command("plo-houten", "afweging JGD-03 invullen")
    mm.adapter.on_post(_post("p1", houten, "nee"))
    question = mm.api.posts_to(dm_channel(houten))[-1]
    answer = mm.click("plo-houten", button(question, "Ja"), channel=dm_channel(houten))
    assert answer.status == 200 and answer.json() == {}
    nxt = mm.api.posts_to(dm_channel(houten))[-1]
    assert "Vraag 3 van" in nxt["message"] and nxt["props"]["attachments"]


def test_a_button_answers_once_and_a_second_press_is_stale(mm: MattermostClient) -> None:
    first = mm.command("plo-houten", "afweging JGD-03 invullen")
    ja = button(first, "Ja")
    assert "Vraag 2 van" in mm.click("plo-houten", ja).json()["update"]["message"]
    again = mm.click("plo-houten", ja)  # the double click records nothing
    assert again.plain.startswith("Die knop hoort bij een eerdere stap")
    with mm.db.read() as s:
        assert s.scalar(select(Gesprek.versie)) == 2


def _post(post_id: str, user: str, message: str) -> dict[str, Any]:
    """A Post as the v4 API and the WebSocket ``posted`` event carry it."""
    return {"id": post_id, "create_at": 1764000000000, "update_at": 1764000000000,
            "edit_at": 0, "delete_at": 0, "is_pinned": False, "user_id": user,
            "channel_id": dm_channel(user), "root_id": "", "original_id": "",
            "message": message, "type": "", "props": {}, "hashtags": "",
            "pending_post_id": ""}


def test_the_dialog_and_buttons_point_at_our_public_url(mm: MattermostClient) -> None:
    card = mm.command("pl-jeugdinkoop", "status JGD-03")
    assert {b["integration"]["url"] for b in card.buttons()} == {
        f"{PUBLIC}/mattermost/action"}
    assert card.json()["attachments"][0]["actions"][0]["id"] == "rb0"
    assert card.buttons()[0]["integration"]["context"]["c"] == CHANNEL


def test_a_meeting_on_a_holiday_waits_for_a_button_on_mattermost(mm: MattermostClient) -> None:
    warned = mm.command("programmamanager", "vergadering bpsdl 27 april 10:00", root="overleg")
    assert "dinsdag 27 april 2027 is Koningsdag" in warned.plain
    answer = mm.click("programmamanager", button(warned, "Toch op dinsdag 27 april 2027"))
    assert "gepland op dinsdag 27 april 2027 10:00" in (
        answer.json().get("update") or {}).get("message", answer.plain)
