"""Mattermost signs neither button clicks nor dialog submissions, and their ``user_id`` is
whatever the caller sends: our own seal decides. A forged, altered or expired request,
or one meant for someone else, is refused and changes nothing."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.messages import Button, Message
from bot.platforms.mattermost.signing import Refused, Seal
from storage.models import AuditRegel, Mijlpaal, Opgave, OutboxBericht
from tests.conftest import NOW
from tests.mattermost.conftest import (
    CHANNEL,
    MattermostClient,
    NotForwarded,
    actions_of,
    user_id,
)


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
