"""The REST API stand-in refuses what Mattermost refuses, so the product is tested against
a server as strict as the real one: a message over 16,383 characters, a channel it does
not know, a member who is none, and a click on a button it never showed."""

from __future__ import annotations

import copy

import pytest

from bot.platforms.mattermost.client import Client, MattermostError
from tests.mattermost.conftest import (
    CHANNEL,
    MAX_RUNES,
    URL,
    Api,
    MattermostClient,
    NotForwarded,
    user_id,
)

UNKNOWN = "unknownchannel000000000000"


def client() -> Client:
    return Client(URL, "bottoken", timeout=1)


def refused(call: object) -> MattermostError:
    with pytest.raises(MattermostError) as error:
        call()  # type: ignore[operator]
    return error.value


def test_a_post_over_16383_characters_is_refused_with_mattermosts_error(api: Api) -> None:
    assert client().create_post(CHANNEL, "é" * MAX_RUNES, {})  # characters, not bytes
    error = refused(lambda: client().create_post(CHANNEL, "x" * (MAX_RUNES + 1), {}))
    assert error.status == 400 and "model.post.is_valid.msg.app_error" in str(error)
    post_id = api.posts[0]["id"]
    error = refused(lambda: client().patch_post(post_id, "x" * (MAX_RUNES + 1), {}))
    assert error.status == 400
    assert len(api.posts) == 1 and api.posts[0]["message"] == "é" * MAX_RUNES


def test_an_unknown_channel_is_refused(api: Api) -> None:
    assert refused(lambda: client().create_post(UNKNOWN, "hallo", {})).status == 403
    assert refused(lambda: client().channel_posts(UNKNOWN)).status == 403
    assert refused(lambda: client().channel_by_name(
        "teamlekstroom0000000000000", "bestaat-niet")).status == 404
    assert client().channel_by_name("teamlekstroom0000000000000", "plo") == "chplo"
    assert api.posts == []


def test_a_channel_member_is_found_and_someone_else_is_not(api: Api) -> None:
    member = user_id("plo-houten")
    assert client().call("GET", f"/channels/{CHANNEL}/members/{member}")["user_id"] == member
    api.channels[CHANNEL]["members"].discard(member)
    error = refused(lambda: client().call("GET", f"/channels/{CHANNEL}/members/{member}"))
    assert error.status == 404 and "app.channel.get_member.missing.app_error" in str(error)


def test_a_post_leaves_the_server_without_its_buttons_integration(api: Api) -> None:
    action = {"id": "rb0", "type": "button", "name": "Ja",
              "integration": {"url": "https://x/mattermost/action", "context": {"s": "1"}}}
    post_id = client().create_post(CHANNEL, "vraag", {"attachments": [{"actions": [action]}]})
    shown = client().get_post(post_id)["props"]["attachments"][0]["actions"][0]
    assert shown == {"id": "rb0", "type": "button", "name": "Ja"}
    assert api.posts[0]["props"]["attachments"][0]["actions"][0] == action  # kept inside


def test_only_a_button_mattermost_shows_can_be_clicked(mm: MattermostClient) -> None:
    card = mm.command("pl-jeugdinkoop", "status JGD-03")
    made_up = copy.deepcopy(card.buttons()[0])
    made_up["integration"]["context"]["g"] = {"ref": "JGD-03#2"}
    with pytest.raises(NotForwarded):
        mm.click("pl-jeugdinkoop", made_up)
    with pytest.raises(NotForwarded):  # an ephemeral reply is its typer's alone
        mm.click("plo-houten", card.buttons()[0])
    assert mm.click("pl-jeugdinkoop", card.buttons()[0]).status == 200


def test_only_a_trigger_id_the_server_sent_opens_a_dialog(mm: MattermostClient) -> None:
    dialog = {"callback_id": "x", "title": "X", "elements": []}
    error = refused(lambda: client().open_dialog("madeup", "https://x/mattermost/dialog",
                                                 dialog))
    assert error.status == 400
    mm.command("plo-houten", "nieuw")  # its trigger id opens the dialog
    assert mm.last_dialog()["trigger_id"] in mm.api.triggers
