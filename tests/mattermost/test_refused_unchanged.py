"""Refused means unchanged, on Mattermost as it really reaches us (HTTP, tokens and
sealed contexts), on SQLite and PostgreSQL: a command, click or dialog from a team that
is not the region's, or a refused first command of a newcomer, leaves no workspace,
person, account, audit line or outbox row. Only the first team is linked on first
contact; any other by the programmamanager with ``/opgave beheer werkruimte koppel``."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
import responses
from sqlalchemy import select, update

from bot.texts import t
from storage.db import Database
from storage.models import Identiteit, Persoon, Werkruimte
from tests.e2e.outside import row_counts
from tests.mattermost.conftest import (
    API,
    CHANNEL,
    TEAM,
    TOKEN,
    Answer,
    Api,
    MattermostClient,
    dm_channel,
    link_mattermost_accounts,
    serving,
    user_id,
)

OTHER = "teamother00000000000000000"
NOT_LINKED = t("workspace.not_linked", naam="Lekstroom", slug="lekstroom")
RECEIPTS = frozenset({"verwerkt_event"})  # a DM is recorded as received, whatever it asks
_triggers = itertools.count(1)


@pytest.fixture
def fresh(any_demo_db: Database, api: Api) -> Iterator[MattermostClient]:
    """Mattermost on either database, no team linked yet: the app was just installed."""
    with serving(any_demo_db, api) as client:
        yield client


@pytest.fixture
def linked(fresh: MattermostClient) -> MattermostClient:
    link_mattermost_accounts(fresh.db)
    return fresh


def command(mm: MattermostClient, team: str, user: str, text: str) -> Answer:
    fields = {"channel_id": CHANNEL, "channel_name": "plo", "command": "/opgave",
              "team_domain": "x", "team_id": team, "text": text, "token": TOKEN,
              "trigger_id": f"trigger{next(_triggers)}", "user_id": user, "user_name": "x"}
    answer = mm.post("/mattermost/command", urlencode(fields).encode(),
                     "application/x-www-form-urlencoded", {"Authorization": f"Token {TOKEN}"})
    assert answer.status == 200, answer.body
    return answer


def test_a_command_from_a_second_team_gets_one_sentence_and_writes_nothing(
    linked: MattermostClient,
) -> None:
    before = row_counts(linked.db)
    stranger = "stranger000000000000000000"
    for text in ("status", "nieuw Overname", "mijn", "beheer rooster"):
        assert command(linked, OTHER, stranger, text).plain == NOT_LINKED
    # Someone known in the region's team, with the other team's id: refused all the same.
    assert command(linked, OTHER, user_id("programmamanager"), "beheer rooster").plain \
        == NOT_LINKED
    assert row_counts(linked.db) == before
    assert not any(path.startswith("/api/v4/users/") for _, path in linked.api.calls())


def test_a_newcomers_refused_first_command_writes_nothing_and_the_next_onboards(
    linked: MattermostClient,
) -> None:
    newcomer = "newcomer000000000000000000"
    before = row_counts(linked.db)
    assert command(linked, TEAM, newcomer, "nieuw Iets").plain.startswith(
        "Dat mag jij niet (opgaven aanmaken)")
    assert row_counts(linked.db) == before
    assert "Lekstroom: 12 opgaven" in command(linked, TEAM, newcomer, "status").plain
    after = row_counts(linked.db)
    grown = {table: after[table] - before[table] for table in after
             if after[table] != before[table]}
    assert set(grown) == {"persoon", "identiteit", "audit_regel", "outbox"}
    assert (grown["persoon"], grown["identiteit"], grown["audit_regel"]) == (1, 1, 1)


def test_a_click_and_a_dialog_with_another_teams_id_write_nothing(
    linked: MattermostClient,
) -> None:
    card = linked.command("pl-jeugdinkoop", "status JGD-03")
    button = card.buttons()[0]
    before = row_counts(linked.db)
    body = {"user_id": user_id("pl-jeugdinkoop"), "user_name": "pl-jeugdinkoop",
            "channel_id": CHANNEL, "team_id": OTHER, "post_id": "ephemeral0",
            "trigger_id": "trigger-x", "context": button["integration"]["context"]}
    clicked = linked.post("/mattermost/action", json.dumps(body).encode(), "application/json")
    assert clicked.status == 200
    assert clicked.plain == NOT_LINKED
    linked.command("plo-houten", "nieuw")  # opens the dialog of a new opgave
    opened = linked.last_dialog()
    before = row_counts(linked.db)
    submitted = linked.post("/mattermost/dialog", json.dumps({
        "type": "dialog_submission", "callback_id": opened["dialog"]["callback_id"],
        "state": opened["dialog"]["state"], "user_id": user_id("plo-houten"),
        "channel_id": CHANNEL, "team_id": OTHER, "submission": {"titel": "Overname"},
        "cancelled": False}).encode(), "application/json")
    assert submitted.status == 200
    assert submitted.json() == {"error": NOT_LINKED}
    assert row_counts(linked.db) == before


def test_the_first_team_links_on_first_contact_and_another_only_by_the_programmamanager(
    fresh: MattermostClient,
) -> None:
    assert "Lekstroom: 12 opgaven" in command(fresh, TEAM, user_id("plo-houten"),
                                               "status").plain
    before = row_counts(fresh.db)
    other = "otheruser00000000000000000"
    assert command(fresh, OTHER, other, "status").plain == NOT_LINKED
    assert command(fresh, OTHER, other, "beheer werkruimte koppel lekstroom").plain \
        .startswith("Alleen de programmamanager van Lekstroom")
    assert row_counts(fresh.db) == before
    # The programmamanager, known by her verified address (the API gives
    # <username>@example.org), links the other team from within it.
    with fresh.db.write() as s:
        s.execute(update(Persoon).where(Persoon.handle == "programmamanager")
                  .values(email="programmamanager@example.org"))
    assert command(fresh, OTHER, user_id("programmamanager"),
                   "beheer werkruimte koppel lekstroom").plain == t("workspace.linked",
                                                                    naam="Lekstroom")
    assert "Lekstroom: 12 opgaven" in command(fresh, OTHER, other, "status").plain
    with fresh.db.read() as s:
        assert sorted(s.scalars(select(Werkruimte.team_id).where(
            Werkruimte.platform == "mattermost"))) == sorted([TEAM, OTHER])


def test_the_programmamanager_links_a_second_team_by_her_account_when_no_email_is_shown(
    linked: MattermostClient,
) -> None:
    """A user id is one person on the whole server: the programmamanager's account in the
    region's team vouches for her in the other team, where her e-mail may be hidden (the
    roster has another address than the server gives here)."""
    manager, other = user_id("programmamanager"), "otheruser00000000000000000"
    assert command(linked, OTHER, other, "beheer werkruimte koppel lekstroom").plain \
        .startswith("Alleen de programmamanager van Lekstroom")
    assert command(linked, OTHER, user_id("pl-jeugdinkoop"),
                   "beheer werkruimte koppel lekstroom").plain.startswith(
        "Alleen de programmamanager van Lekstroom")
    assert command(linked, OTHER, manager, "beheer werkruimte koppel lekstroom").plain \
        == t("workspace.linked", naam="Lekstroom")
    before = row_counts(linked.db)
    # In the new team she is herself, not a newcomer: no second roster entry, no notice.
    assert "@programmamanager" in command(linked, OTHER, manager, "beheer rooster").plain
    after = row_counts(linked.db)
    assert {table: after[table] - before[table] for table in after
            if after[table] != before[table]} == {"identiteit": 1, "audit_regel": 1}
    with linked.db.read() as s:
        assert s.scalars(select(Persoon.handle).join(Identiteit).where(
            Identiteit.extern_id == manager)).all() == ["programmamanager"] * 2


def test_a_dm_from_someone_outside_the_regions_team_writes_nothing(
    linked: MattermostClient,
) -> None:
    """A DM names no team. Someone new is taken to be in the region's team only when the
    server says they are a member of it: anyone on the server can write to the bot."""
    outsider, newcomer = "outsider000000000000000000", "newcomer000000000000000000"
    for user, teams in ((outsider, [{"id": OTHER}]), (newcomer, [{"id": OTHER}, {"id": TEAM}])):
        linked.api.mock.add(responses.GET, f"{API}/users/{user}/teams", json=teams)
    before = row_counts(linked.db, RECEIPTS)
    linked.adapter.on_post({"id": "p1", "user_id": outsider, "channel_id": dm_channel(outsider),
                            "message": "hallo"})
    assert linked.api.posts_to(dm_channel(outsider))[-1]["message"] == t("mattermost.no_team")
    assert row_counts(linked.db, RECEIPTS) == before
    linked.adapter.on_post({"id": "p2", "user_id": newcomer, "channel_id": dm_channel(newcomer),
                            "message": "hallo"})
    assert linked.api.posts_to(dm_channel(newcomer))[-1]["message"] != t("mattermost.no_team")
    with linked.db.read() as s:
        assert s.scalars(select(Identiteit.team_id).where(
            Identiteit.extern_id == newcomer)).all() == [TEAM]
