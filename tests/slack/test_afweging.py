"""The afweging over Slack: `/opgave afweging`, its modal, typed answers in the DM and the
answer buttons, each through the signed HTTP endpoint with the Web API stand-in."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from storage.models import Antwoord, Gesprek, Persoon, PloLid, Respondent
from tests.slack.conftest import SlackClient
from tests.slack.test_interactions import buttons_of, opened_view

QUESTION_1 = "Zijn we verplicht"
QUESTION_2 = "gemeenschappelijk standpunt"
STALE = "Die knop hoort bij een eerdere stap"


def im(user: str, text: str) -> dict[str, Any]:
    """A message typed in the user's DM with the bot (the channel the stand-in's
    conversations.open gives for that user)."""
    return {"type": "message", "channel": f"D{user}", "channel_type": "im", "user": user,
            "text": text, "ts": "1700000000.000300", "event_ts": "1700000000.000300"}


def texts(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(b["text"]["text"] for b in blocks if isinstance(b.get("text"), dict))


def button(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    return next(b for b in buttons_of(blocks) if b["text"]["text"] == label)


def args_of(element: dict[str, Any]) -> dict[str, Any]:
    value = json.loads(element["value"])
    return {"action": value["a"], **value["g"]}


def answers_of(slack: SlackClient, handle: str) -> dict[str, tuple[str, str | None]]:
    with slack.db.read() as s:
        rows = s.execute(select(Antwoord.vraag, Antwoord.waarde, Antwoord.toelichting)
                         .join(Respondent, Respondent.id == Antwoord.respondent_id)
                         .join(Persoon, Persoon.id == Respondent.persoon_id)
                         .where(Persoon.handle == handle))
        return {vraag: (waarde, toelichting) for vraag, waarde, toelichting in rows}


def arrives(slack: SlackClient, method: str, count: int, timeout: float = 0.3) -> bool:
    """Whether a ``count``-th call of ``method`` comes within a short while: for calls
    that must not come."""
    stand_in = slack.stand_in
    with stand_in.changed:
        return stand_in.changed.wait_for(lambda: len(stand_in.of(method)) >= count,
                                         timeout=timeout)


def versie_of(slack: SlackClient, handle: str) -> int:
    with slack.db.read() as s:
        return s.scalars(select(Gesprek.versie).join(Persoon, Persoon.id == Gesprek.persoon_id)
                         .where(Persoon.handle == handle)).one()


def test_invullen_shows_question_one_and_a_typed_dm_answers_it(slack: SlackClient) -> None:
    reply = slack.command("U0PLO", "afweging JGD-03 invullen")
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert QUESTION_1 in reply.text and "Vraag 1 van" in reply.text
    nee = args_of(button(body["blocks"], "Nee"))
    assert (nee["action"], nee["v"], nee["s"], nee["w"]) == ("afweging.antwoord", "1",
                                                             "verplicht", "nee")
    assert {b["text"]["text"] for b in buttons_of(body["blocks"])} >= {
        "Ja", "Nee", "Weet ik niet", "← Terug", "Later"}

    assert slack.event(im("U0PLO", "nee, niet wettelijk"), "EvAfw1").status == 200
    post = slack.stand_in.wait_for("chat.postMessage")[0]
    assert post.body["channel"] == "DU0PLO"
    assert QUESTION_2 in texts(post.body["blocks"])
    assert "Vraag 2 van" in texts(post.body["blocks"])
    # The new question's buttons carry the conversation's next versie and step.
    ja = args_of(button(post.body["blocks"], "Ja"))
    assert (ja["action"], ja["v"], ja["s"], ja["w"]) == ("afweging.antwoord", "2", "standpunt",
                                                         "ja")
    assert answers_of(slack, "plo-houten") == {"verplicht": ("nee", "niet wettelijk")}


def test_a_button_answers_once_and_a_second_press_is_stale(slack: SlackClient) -> None:
    card = slack.command("U0PLO", "afweging JGD-03 invullen").json()
    ja = button(card["blocks"], "Ja")
    assert slack.click("U0PLO", ja).status == 200
    first = slack.stand_in.wait_for("response_url")[0]
    assert first.body["response_type"] == "ephemeral" and not first.body["replace_original"]
    assert QUESTION_2 in texts(first.body["blocks"])
    assert STALE not in texts(first.body["blocks"])

    assert slack.click("U0PLO", ja).status == 200  # the double click
    second = slack.stand_in.wait_for("response_url", 2)[1]
    shown = texts(second.body["blocks"])
    assert STALE in shown
    assert QUESTION_2 in shown  # where the conversation is now
    assert answers_of(slack, "plo-houten") == {"verplicht": ("ja", None)}
    assert versie_of(slack, "plo-houten") == 2

    # The button of the question now shown still works.
    weet_niet = button(second.body["blocks"], "Weet ik niet")
    slack.click("U0PLO", weet_niet)
    third = slack.stand_in.wait_for("response_url", 3)[2]
    assert STALE not in texts(third.body["blocks"])
    assert answers_of(slack, "plo-houten") == {"verplicht": ("ja", None),
                                               "standpunt": ("weet ik niet", None)}


def test_two_presses_at_once_record_one_answer(slack: SlackClient) -> None:
    card = slack.command("U0PLO", "afweging JGD-03 invullen").json()
    nee = button(card["blocks"], "Nee")
    slack.click("U0PLO", nee)
    slack.click("U0PLO", nee)  # right after the first ack: the first may still be in flight
    replies = [texts(c.body["blocks"]) for c in slack.stand_in.wait_for("response_url", 2)]
    assert sum(STALE in r for r in replies) == 1
    assert all(QUESTION_2 in r for r in replies)
    assert answers_of(slack, "plo-houten") == {"verplicht": ("nee", None)}
    assert versie_of(slack, "plo-houten") == 2


def test_a_retried_dm_event_records_the_answer_once(slack: SlackClient) -> None:
    slack.command("U0PLO", "afweging JGD-03 invullen")
    event = im("U0PLO", "nee, niet wettelijk")
    assert slack.event(event, "EvAfw2").status == 200
    retry = slack.event(event, "EvAfw2", headers={"X-Slack-Retry-Num": "1",
                                                  "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status == 200
    slack.stand_in.wait_for("chat.postMessage")
    # Handled twice, the retry would have answered question 2 with "nee" too.
    slack.event(im("U0PLO", "ja"), "EvAfw3")
    posts = slack.stand_in.wait_for("chat.postMessage", 2)
    assert not arrives(slack, "chat.postMessage", 3)
    assert QUESTION_2 in texts(posts[0].body["blocks"])
    assert QUESTION_2 not in texts(posts[1].body["blocks"])
    assert answers_of(slack, "plo-houten") == {"verplicht": ("nee", "niet wettelijk"),
                                               "standpunt": ("ja", None)}
    assert versie_of(slack, "plo-houten") == 3


def test_the_modal_starts_the_afweging_and_dms_each_respondent(slack: SlackClient) -> None:
    answer = slack.command("U0PM", "afweging JGD-03")
    assert answer.status == 200 and answer.body == b""
    view = opened_view(slack)
    assert view["callback_id"] == "rb-form"
    assert json.loads(view["private_metadata"])["f"] == "afweging.start"
    fields = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert list(fields) == ["respondenten", "vragenlijst"]
    respondenten = fields["respondenten"]
    assert respondenten["type"] == "multi_static_select"
    with slack.db.read() as s:
        plo = set(s.scalars(select(Persoon.naam).join(PloLid, PloLid.persoon_id == Persoon.id)))
    initial = respondenten["initial_options"]
    assert {o["text"]["text"].split(" (")[0] for o in initial} == plo and len(initial) == 5
    chosen = [o for o in initial if o["text"]["text"] in (
        "Anouk de Vries (plo-houten)", "Dirk van Leeuwen (plo-nieuwegein)")]
    assert len(chosen) == 2

    submitted = slack.submit("U0PM", view, {
        "respondenten": {"v": {"type": "multi_static_select", "selected_options": chosen}},
        "vragenlijst": {"v": {"type": "static_select",
                              "selected_option": fields["vragenlijst"]["initial_option"]}}})
    assert submitted.status == 200 and submitted.body == b""
    confirmation = slack.stand_in.wait_for("chat.postEphemeral")[0]
    assert confirmation.body["user"] == "U0PM"
    assert "Afweging JGD-03 gestart: 2 mensen" in texts(confirmation.body["blocks"])

    posts = slack.stand_in.wait_for("chat.postMessage", 2)
    assert sorted(c.body["users"] for c in slack.stand_in.of("conversations.open")) == [
        "U0AO", "U0PLO"]
    assert sorted(p.body["channel"] for p in posts) == ["DU0AO", "DU0PLO"]
    for post in posts:
        assert QUESTION_1 in texts(post.body["blocks"])
        assert post.body["metadata"]["event_type"] == "regiobot_delivery"
        assert args_of(button(post.body["blocks"], "Ja"))["action"] == "afweging.antwoord"

    # Dirk answers with the button in his DM.
    dirk = next(p for p in posts if p.body["channel"] == "DU0AO")
    slack.click("U0AO", button(dirk.body["blocks"], "Weet ik niet"),
                channel={"id": "DU0AO", "name": "directmessage"},
                container={"type": "message", "channel_id": "DU0AO"})
    reply = slack.stand_in.wait_for("response_url")[0]
    assert QUESTION_2 in texts(reply.body["blocks"])
    assert answers_of(slack, "plo-nieuwegein") == {"verplicht": ("weet ik niet", None)}
    assert answers_of(slack, "plo-houten") == {}
