"""Text typed by users never notifies anyone on Mattermost: not through commands, not
through dialogs, not in notifications, not in button labels."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.mattermost.conftest import Answer, MattermostClient

ATTACKS = ["@channel", "@all", "@here", "@wethouder-houten", "~town-square",
           "<!channel>", "[klik](https://evil.example)"]
# A mention Mattermost would act on: @name or ~channel not defused by a zero-width space.
LIVE = re.compile(r"(?<![\w\\])([@~][a-z0-9][\w.\-]*)", re.IGNORECASE)
# A markdown link: [text](url) with neither bracket escaped.
LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(")
DRIEHOEK = {"@pl-jeugdinkoop", "@plo-nieuwegein", "@wethouder-houten"}


def texts_of(body: dict[str, Any]) -> list[str]:
    """Every text of a response or a post that Mattermost renders or notifies with."""
    found = [body.get(k) or "" for k in ("text", "message", "ephemeral_text")]
    attachments = body.get("attachments") or (body.get("props") or {}).get("attachments") or []
    for attachment in attachments:
        found += [attachment.get("fallback") or "", attachment.get("text") or ""]
        found += [action["name"] for action in attachment.get("actions", [])]
    return found


def assert_inert(body: dict[str, Any], allowed: set[str] = frozenset()) -> None:
    for text in texts_of(body):
        live = set(LIVE.findall(text)) - allowed
        assert not live, text
        assert not LINK.search(text), text  # no link a user wrote


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_title_typed_in_a_command_is_shown_not_executed(mm: MattermostClient,
                                                          attack: str) -> None:
    answer = mm.command("plo-houten", f"nieuw Inkoop {attack} jeugd")
    assert_inert(answer.json())
    notice = mm.api.posts_to("chplo")[0]  # the PLO channel hears of the new opgave
    assert_inert(notice, allowed={"@plo-houten"})
    assert attack in Answer(200, json.dumps({"text": notice["message"]}).encode()).plain


def test_toelichting_dilemma_and_milestone_texts_are_inert(mm: MattermostClient) -> None:
    attack = "@channel kijk even @wethouder-houten ~town-square"
    mm.command("pl-jeugdinkoop", f"update JGD-03 geblokkeerd {attack}")
    mm.command("pl-jeugdinkoop", f"mijlpaal toevoegen JGD-03 1 maart 2027 Besluit {attack}")
    mm.command("pl-jeugdinkoop", f"dilemma JGD-03 {attack}")
    card = mm.command("pl-jeugdinkoop", "status JGD-03")
    assert_inert(card.json(), allowed=DRIEHOEK)
    assert card.plain.count("@channel kijk even @wethouder-houten ~town-square") == 3
    assert len(mm.api.posts) >= 4
    for post in mm.api.posts:
        assert_inert(post, allowed=DRIEHOEK)
    assert_inert(mm.command("pl-jeugdinkoop", "historie JGD-03").json())


def test_text_entered_in_a_dialog_is_inert(mm: MattermostClient) -> None:
    mm.command("plo-nieuwegein", "wijzig JGD-03")
    mm.submit("plo-nieuwegein", mm.last_dialog(), {"titel": "@here Kosten",
                                                  "opdracht": "@all ~town-square"})
    card = mm.command("plo-nieuwegein", "status JGD-03")
    assert card.plain.startswith("**JGD-03 · @here Kosten**")
    assert_inert(card.json(), allowed=DRIEHOEK)
    found = mm.command("plo-nieuwegein", "zoek kosten")
    assert_inert(found.json())
    assert "@here Kosten" in found.plain
    for post in mm.api.posts:
        assert_inert(post, allowed=DRIEHOEK)
