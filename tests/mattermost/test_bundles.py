"""A bundle of reminders on Mattermost (issue 23 §2): the five reminders pl-jeugdinkoop
is due on Tuesday 1 December arrive as one DM, each with its buttons in its own
attachment. A click spends its own section only — that section says what was done and
loses its buttons, the other sections keep theirs and still work — and a section index
is sealed with each button, so a forged one is refused."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlalchemy import select

from bot.dispatch import BUNDLE_MARK
from storage.models import Mijlpaal, Opgave, OutboxBericht
from tests.mattermost.conftest import MattermostClient, NotForwarded, dm_channel, user_id
from tests.mattermost.test_reminders import TUESDAY, send

# The reminders in the order they are due, as the bundle shows them.
DUE = ["JGD-01#1", "JGD-03#1", "JGD-01#2", "JGD-02#1", "JGD-03#2"]


def the_bundle(mm: MattermostClient) -> dict[str, Any]:
    send(mm, TUESDAY)
    posts = mm.api.posts_to(dm_channel(user_id("pl-jeugdinkoop")))
    assert len(posts) == 1, "the reminders arrive as one DM"
    return posts[0]


def sections(post: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each reminder's buttons as shown now, by the milestone it is about."""
    return {ref: att["actions"] for att in post["props"].get("attachments") or []
            for ref in DUE if att["title"].startswith(f"{ref} ")}


def afgerond(post: dict[str, Any], ref: str) -> dict[str, Any]:
    return next(a for a in sections(post)[ref] if a["name"] == "Afgerond")


def closed(mm: MattermostClient) -> list[str]:
    with mm.db.read() as s:
        return sorted(f"{code}#{nr}" for code, nr in s.execute(
            select(Opgave.code, Mijlpaal.volgnummer).join(Opgave).where(
                Mijlpaal.afgerond_op.is_not(None), Opgave.code.like("JGD-%"))))


def test_five_due_reminders_arrive_as_one_dm_with_each_ones_buttons(
        mm: MattermostClient) -> None:
    post = the_bundle(mm)
    assert list(sections(post)) == DUE
    for ref in DUE:
        assert [a["name"] for a in sections(post)[ref]] == [
            "Afgerond", "Verplaats", "Blokkade melden", "Herinner me later"]
    key = post["props"]["regiobot_delivery"]
    assert key.endswith(BUNDLE_MARK)
    with mm.db.read() as s:  # exactly once: every reminder is marked sent with this post
        assert set(s.scalars(select(OutboxBericht.extern_id).where(
            OutboxBericht.delivery_key.in_(post["props"]["regiobot_bundle"])))) == {post["id"]}
    assert len(post["props"]["regiobot_bundle"]) == len(DUE)


def test_a_click_spends_its_own_section_and_the_others_still_work(
        mm: MattermostClient) -> None:
    post = the_bundle(mm)
    third = afgerond(post, "JGD-01#2")
    assert mm.click("pl-jeugdinkoop", third).status == 200
    assert closed(mm) == ["JGD-01#2"]
    # Its section says what was done and its buttons are gone; the others keep theirs.
    assert list(sections(post)) == ["JGD-01#1", "JGD-03#1", "JGD-02#1", "JGD-03#2"]
    after_third = post["message"].split("JGD-01#2 Inkoopstrategie", 1)[1].split("\n**")[0]
    assert "_✓ Afgerond_" in after_third and post["message"].count("_✓ Afgerond_") == 1
    with pytest.raises(NotForwarded):  # the spent button is no longer shown
        mm.click("pl-jeugdinkoop", third)
    for ref in ("JGD-01#1", "JGD-03#1", "JGD-02#1", "JGD-03#2"):
        assert mm.click("pl-jeugdinkoop", afgerond(post, ref)).status == 200
    assert closed(mm) == sorted(DUE)
    assert post["message"].count("_✓ Afgerond_") == len(DUE)
    assert "attachments" not in post["props"]
    assert post["props"]["regiobot_delivery"].endswith(BUNDLE_MARK)  # still found by key


def test_a_button_that_only_opens_a_dialog_spends_nothing(mm: MattermostClient) -> None:
    post = the_bundle(mm)
    verplaats = next(a for a in sections(post)["JGD-02#1"] if a["name"] == "Verplaats")
    mm.click("pl-jeugdinkoop", verplaats)
    assert mm.last_dialog()["dialog"]["elements"][0]["default"] == "1"
    assert list(sections(post)) == DUE and "✓" not in post["message"]


def test_a_forged_section_index_is_refused_and_changes_nothing(mm: MattermostClient) -> None:
    post = the_bundle(mm)
    before = copy.deepcopy(post)
    context = dict(afgerond(post, "JGD-01#1")["integration"]["context"])
    assert context["n"] != afgerond(post, "JGD-03#2")["integration"]["context"]["n"]
    context["n"] = afgerond(post, "JGD-03#2")["integration"]["context"]["n"]
    answer = mm.forge_click("pl-jeugdinkoop", context, channel=post["channel_id"],
                            post_id=post["id"])
    assert answer.status == 403
    assert closed(mm) == [] and post == before
