"""Mattermost signs neither button clicks nor dialog submissions, and their ``user_id`` is
whatever the caller sends: our own seal decides (docs/security.md). A forged, altered or
expired request, one meant for someone else, one replayed on another post, or a channel
button pressed by someone outside the channel is refused and changes nothing."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bot.messages import Button, Message
from bot.platforms.mattermost.signing import Refused, Seal
from storage.models import AuditRegel, Mijlpaal, Opgave, OutboxBericht, Persoon
from tests.conftest import NOW
from tests.mattermost.conftest import (
    CHANNEL,
    MattermostClient,
    NotForwarded,
    actions_of,
    dm_channel,
    user_id,
)
from tests.mattermost.test_reminders import action, reminder


def _state(mm: MattermostClient) -> tuple[int, int, int]:
    with mm.db.read() as s:
        return (int(s.scalar(select(func.count()).select_from(AuditRegel)) or 0),
                int(s.scalar(select(func.count()).select_from(OutboxBericht)) or 0),
                int(s.scalar(select(func.count()).select_from(Mijlpaal).where(
                    Mijlpaal.afgerond_op.is_not(None))) or 0))


def _afgerond(mm: MattermostClient) -> dict[str, Any]:
    card = mm.command("pl-jeugdinkoop", "status JGD-03")
    return next(b for b in card.buttons() if b["name"].startswith("Afgerond"))


def test_a_seal_opens_only_unaltered_unexpired_for_its_channel_and_person() -> None:
    seal = Seal("s3cret")
    sealed = seal.seal({"a": "x", "g": {"ref": "JGD-03#1"}}, "chan", "user", NOW,
                       timedelta(hours=1))
    assert seal.open(sealed, "chan", "user", NOW) == {"a": "x", "g": {"ref": "JGD-03#1"},
                                                      "u": "user"}
    cases = {
        "bad signature": [({**sealed, "g": {"ref": "JGD-03#2"}}, "chan", "user", NOW),
                          (Seal("other").seal({"a": "x"}, "chan", "user", NOW,
                                               timedelta(hours=1)), "chan", "user", NOW)],
        "expired": [(sealed, "chan", "user", NOW + timedelta(hours=2))],
        "other channel": [(sealed, "elders", "user", NOW)],
        "meant for someone else": [(sealed, "chan", "iemand", NOW)],
        "unsigned": [({"a": "x"}, "chan", "user", NOW), (None, "chan", "user", NOW)],
    }
    for reason, attempts in cases.items():
        for sealed_, channel, user, when in attempts:
            with pytest.raises(Refused) as refused:
                seal.open(sealed_, channel, user, when)
            assert refused.value.reason == reason


@pytest.mark.parametrize("tamper", ["forged", "altered", "unsigned", "other channel"])
def test_a_tampered_button_is_refused_with_403_and_changes_nothing(
    mm: MattermostClient, tamper: str,
) -> None:
    done = _afgerond(mm)
    context = copy.deepcopy(done["integration"]["context"])
    channel = CHANNEL
    if tamper == "forged":
        context = Seal("guessed").seal({k: v for k, v in context.items()
                                        if k not in ("c", "u", "x", "s")},
                                       CHANNEL, "", NOW, timedelta(days=1))
    elif tamper == "altered":
        context["g"]["ref"] = "JGD-03#2"
    elif tamper == "unsigned":
        context.pop("s")
    else:
        channel = "anotherchannel000000000000"
    before = _state(mm)
    answer = mm.forge_click("pl-jeugdinkoop", context, channel=channel)
    assert answer.status == 403
    assert answer.json()["ephemeral_text"] == \
        "Deze knop komt niet (meer) van Regiobot; er is niets gedaan."
    assert _state(mm) == before


def test_an_expired_button_says_so_and_changes_nothing(mm: MattermostClient) -> None:
    done = _afgerond(mm)
    before = _state(mm)
    mm.adapter.clock = lambda: NOW + timedelta(days=2)  # replies' buttons last a day
    answer = mm.click("pl-jeugdinkoop", done)
    assert answer.status == 200
    assert answer.text.startswith("Deze knop is verlopen; er is niets gedaan.")
    assert _state(mm) == before


def test_a_button_meant_for_someone_else_is_refused_whatever_user_id_is_sent(
    mm: MattermostClient,
) -> None:
    """The reply was pl-jeugdinkoop's: a request claiming to be the programmamanager (who
    may do anything) is refused, not permission-checked as them."""
    done = _afgerond(mm)
    before = _state(mm)
    with pytest.raises(NotForwarded):  # Mattermost shows the reply to its typer only
        mm.click("programmamanager", done)
    answer = mm.forge_click("programmamanager", done["integration"]["context"])
    assert answer.json() == {"ephemeral_text":
                             "Deze knop is voor iemand anders bedoeld; er is niets gedaan."}
    assert _state(mm) == before
    assert mm.click("pl-jeugdinkoop", done).status == 200
    assert _state(mm)[2] == before[2] + 1


def test_a_channel_button_checks_the_clicker_like_a_command(mm: MattermostClient) -> None:
    """A reminder in a channel (every role vacant) may be pressed by anyone there; the
    core then decides whether this person may close the milestone."""
    klaar = Button(label="Afgerond", action="mijlpaal.klaar", args={"ref": "JGD-03#1"})
    post = mm.deliver("kanaal", "plo", Message(buttons=[klaar]),
                      "herinnering:m1:#plo:mattermost")
    before = _state(mm)
    answer = mm.click("medewerker-houten", actions_of(post)[0])
    assert "Dat mag jij niet" in answer.plain
    assert _state(mm)[2] == before[2]


def _opened(mm: MattermostClient) -> dict[str, Any]:
    mm.command("plo-nieuwegein", "wijzig JGD-03")
    return mm.last_dialog()


@pytest.mark.parametrize("tamper", ["forged", "altered", "unsigned", "not json"])
def test_a_tampered_dialog_is_refused_and_stores_nothing(mm: MattermostClient,
                                                         tamper: str) -> None:
    opened = _opened(mm)
    state = json.loads(opened["dialog"]["state"])
    if tamper == "forged":
        raw = json.dumps(Seal("guessed").seal({"f": state["f"], "g": state["g"]}, CHANNEL,
                                              user_id("plo-nieuwegein"), NOW,
                                              timedelta(hours=1)))
    elif tamper == "altered":
        state["g"]["code"] = "WMO-03"
        raw = json.dumps(state)
    elif tamper == "unsigned":
        state.pop("s")
        raw = json.dumps(state)
    else:
        raw = "{not json"
    before = _state(mm)
    answer = mm.submit("plo-nieuwegein", opened, {"titel": "Overgenomen"}, state=raw)
    assert answer.status == 403
    assert answer.json() == {"error": "Dit formulier is verlopen of niet voor jou; er is "
                                      "niets opgeslagen. Open het opnieuw."}
    assert _state(mm) == before
    with mm.db.read() as s:
        assert "Overgenomen" not in set(s.scalars(select(Opgave.titel)))


def test_a_dialog_submitted_by_someone_else_or_too_late_stores_nothing(
    mm: MattermostClient,
) -> None:
    opened = _opened(mm)
    before = _state(mm)
    assert mm.submit("programmamanager", opened, {"titel": "Overgenomen"}).status == 403
    mm.adapter.clock = lambda: NOW + timedelta(hours=3)
    late = mm.submit("plo-nieuwegein", opened, {"titel": "Te laat"})
    assert (late.status, set(late.json())) == (200, {"error"})
    assert _state(mm) == before


# --- one post, one person, the channel's members -------------------------------------

REFUSED = "Deze knop komt niet (meer) van Regiobot; er is niets gedaan."


def _persoon(mm: MattermostClient, handle: str) -> str:
    with mm.db.read() as s:
        return str(s.scalar(select(Persoon.id).where(Persoon.handle == handle)))


def _patched(mm: MattermostClient, post: dict[str, Any]) -> bool:
    return ("PUT", f"/api/v4/posts/{post['id']}/patch") in mm.api.calls()


def test_a_delivered_buttons_seal_replayed_with_another_post_id_is_refused(
    mm: MattermostClient,
) -> None:
    """The reminder's sealed *Afgerond*, sent with the id of another post of the bot in
    the same DM: refused, nothing closed, and the other post is not patched."""
    post = reminder(mm)
    other = mm.deliver("persoon", _persoon(mm, "pl-jeugdinkoop"),
                       Message(heading="Een ander bericht"), "test:ander:mattermost")
    assert other["channel_id"] == post["channel_id"]
    shown = copy.deepcopy(other)
    before = _state(mm)
    context = action(post, "Afgerond")["integration"]["context"]
    answer = mm.forge_click("pl-jeugdinkoop", context, channel=post["channel_id"],
                            post_id=other["id"])
    assert (answer.status, answer.json()) == (403, {"ephemeral_text": REFUSED})
    assert _state(mm) == before and other == shown and not _patched(mm, other)
    # Pressed on its own post, the same button works.
    assert mm.click("pl-jeugdinkoop", action(post, "Afgerond")).status == 200
    assert _state(mm)[2] == before[2] + 1 and _patched(mm, post)


def test_a_dm_replys_seal_works_on_its_own_post_only(mm: MattermostClient) -> None:
    """A card the bot posts in a DM as the answer to a click has no outbox row: the
    server shows which post names its key."""
    bekijk = Button(label="Bekijk", action="cmd", args={"text": "status JGD-03"})
    digest = mm.deliver("kanaal", "plo", Message(buttons=[bekijk]), "digest:1:#plo:mattermost")
    mm.click("pl-jeugdinkoop", actions_of(digest)[0])
    dm = dm_channel(user_id("pl-jeugdinkoop"))
    card = mm.api.posts_to(dm)[-1]
    other = mm.deliver("persoon", _persoon(mm, "pl-jeugdinkoop"),
                       Message(heading="Een ander bericht"), "test:ander:mattermost")
    done = next(a for a in actions_of(card) if a["name"].startswith("Afgerond"))
    before = _state(mm)
    answer = mm.forge_click("pl-jeugdinkoop", done["integration"]["context"], channel=dm,
                            post_id=other["id"])
    assert (answer.status, answer.json()) == (403, {"ephemeral_text": REFUSED})
    assert _state(mm) == before and not _patched(mm, other)
    assert mm.click("pl-jeugdinkoop", done).status == 200
    assert _state(mm)[2] == before[2] + 1 and _patched(mm, card)


def test_an_ephemeral_replys_button_touches_no_post_by_id(mm: MattermostClient) -> None:
    """An answer in our HTTP response sits on a post whose id we never learn: its click
    answers in the response only, whatever ``post_id`` the request names."""
    card = mm.command("pl-jeugdinkoop", "status JGD-03")
    other = mm.deliver("kanaal", "plo", Message(heading="Iets in het kanaal"),
                       "test:kanaal:mattermost")
    shown = copy.deepcopy(other)
    done = next(b for b in card.buttons() if b["name"].startswith("Afgerond"))
    answer = mm.forge_click("pl-jeugdinkoop", done["integration"]["context"],
                            post_id=other["id"])
    assert "is afgerond" in answer.json()["update"]["message"]
    assert other == shown and not _patched(mm, other)


def test_a_button_meant_for_one_person_names_them_in_its_seal(mm: MattermostClient) -> None:
    """The person is in the seal wherever a message is meant for one person (a reply, a
    DM, a DM answer to a click) and nowhere else (a channel's post, a shared card)."""
    houten, pl = user_id("plo-houten"), user_id("pl-jeugdinkoop")
    sealed_for = {
        "ephemeral reply": (mm.command("plo-houten", "status JGD-03").buttons(), houten),
        "reminder in a DM": (actions_of(reminder(mm)), pl),
        "shared card": (mm.command("plo-houten", "status JGD-03 deel").buttons(), ""),
    }
    bekijk = Button(label="Bekijk", action="cmd", args={"text": "status JGD-03"})
    digest = mm.deliver("kanaal", "plo", Message(buttons=[bekijk]), "digest:1:#plo:mattermost")
    sealed_for["channel post"] = (actions_of(digest), "")
    mm.click("plo-houten", actions_of(digest)[0])
    sealed_for["answer in a DM"] = (actions_of(mm.api.posts_to(dm_channel(houten))[-1]),
                                    houten)
    for where, (buttons, person) in sealed_for.items():
        assert buttons, where
        assert {b["integration"]["context"]["u"] for b in buttons} == {person}, where
    # Another person's claim to the reminder is refused and changes nothing.
    post = reminder(mm)
    before = _state(mm)
    answer = mm.forge_click("programmamanager", action(post, "Afgerond")["integration"][
        "context"], channel=post["channel_id"], post_id=post["id"])
    assert answer.json() == {"ephemeral_text":
                             "Deze knop is voor iemand anders bedoeld; er is niets gedaan."}
    assert _state(mm) == before


def test_a_channel_button_is_for_the_channels_members_only(mm: MattermostClient) -> None:
    """The programmamanager may close any milestone, but not through a channel's button
    while outside that channel: Mattermost never shows it to them, so such a click is
    forged."""
    klaar = Button(label="Afgerond", action="mijlpaal.klaar", args={"ref": "JGD-03#1"})
    post = mm.deliver("kanaal", "plo", Message(buttons=[klaar]), "herinnering:m1:#plo:mattermost")
    mm.api.channels["chplo"]["members"].discard(user_id("programmamanager"))
    with pytest.raises(NotForwarded):
        mm.click("programmamanager", actions_of(post)[0])
    before = _state(mm)
    answer = mm.forge_click("programmamanager", actions_of(post)[0]["integration"]["context"],
                            channel="chplo", post_id=post["id"])
    assert answer.json() == {"ephemeral_text":
                             "Deze knop is voor de leden van dit kanaal; er is niets gedaan."}
    assert _state(mm) == before and not _patched(mm, post)


def test_a_channel_click_costs_at_most_one_membership_call(mm: MattermostClient) -> None:
    bekijk = Button(label="Bekijk", action="cmd", args={"text": "status JGD-03"})
    post = mm.deliver("kanaal", "plo", Message(buttons=[bekijk]), "digest:1:#plo:mattermost")
    start = len(mm.api.mock.calls)
    for _ in range(3):
        assert mm.click("plo-houten", actions_of(post)[0]).status == 200
    member = ("GET", f"/api/v4/channels/chplo/members/{user_id('plo-houten')}")
    assert mm.api.calls(start).count(member) == 1
    mm.adapter.clock = lambda: NOW + timedelta(minutes=2)  # the cache is short-lived
    mm.click("plo-houten", actions_of(post)[0])
    assert mm.api.calls(start).count(member) == 2


def test_a_shared_cards_button_works_for_a_member_and_touches_no_post(
    mm: MattermostClient,
) -> None:
    """``deel`` posts the card in the channel (Mattermost makes the post from our
    response): anyone there may press its buttons, the core checks what they may do."""
    shared = mm.command("pl-jeugdinkoop", "status JGD-03 deel")
    card = next(p for p in mm.api.posts_to(CHANNEL) if p["message"] == shared.text)
    assert card["user_id"] == user_id("pl-jeugdinkoop")  # not the bot's post
    start = len(mm.api.mock.calls)
    answer = mm.click("plo-houten", next(a for a in actions_of(card)
                                         if a["name"].startswith("Status bijwerken")))
    assert answer.status == 200 and mm.last_dialog()["dialog"]["callback_id"] == \
        "opgave.status"
    assert not any(method == "PUT" for method, _ in mm.api.calls(start))
    mm.api.channels[CHANNEL]["members"].discard(user_id("plo-lopik"))
    outsider = mm.forge_click("plo-lopik", actions_of(card)[0]["integration"]["context"],
                              post_id=card["id"])
    assert outsider.json() == {"ephemeral_text":
                               "Deze knop is voor de leden van dit kanaal; er is niets gedaan."}


def test_a_forged_user_id_that_is_no_id_never_reaches_the_servers_path(
    mm: MattermostClient,
) -> None:
    bekijk = Button(label="Bekijk", action="cmd", args={"text": "status JGD-03"})
    post = mm.deliver("kanaal", "plo", Message(buttons=[bekijk]), "digest:1:#plo:mattermost")
    start = len(mm.api.mock.calls)
    answer = mm.forge_click("x", actions_of(post)[0]["integration"]["context"],
                            channel="chplo", post_id=post["id"], user="../../users/me")
    assert answer.json() == {"ephemeral_text":
                             "Deze knop is voor de leden van dit kanaal; er is niets gedaan."}
    assert mm.api.calls(start) == []


def test_a_delivery_with_no_post_id_recorded_yet_is_checked_with_the_server(
    mm: MattermostClient,
) -> None:
    """The send timed out, so the outbox has no post id yet: the server shows whether the
    clicked post is the bot's post of this delivery."""
    post = reminder(mm)
    with mm.db.write() as s:
        s.execute(update(OutboxBericht).where(
            OutboxBericht.delivery_key == post["props"]["regiobot_delivery"]).values(
            extern_id=None))
    other = mm.deliver("persoon", _persoon(mm, "pl-jeugdinkoop"),
                       Message(heading="Een ander bericht"), "test:ander:mattermost")
    context = action(post, "Afgerond")["integration"]["context"]
    before = _state(mm)
    forged = mm.forge_click("pl-jeugdinkoop", context, channel=post["channel_id"],
                            post_id=other["id"])
    assert forged.status == 403 and _state(mm) == before
    start = len(mm.api.mock.calls)
    assert mm.click("pl-jeugdinkoop", action(post, "Afgerond")).status == 200
    assert ("GET", f"/api/v4/posts/{post['id']}") in mm.api.calls(start)
    assert _state(mm)[2] == before[2] + 1
