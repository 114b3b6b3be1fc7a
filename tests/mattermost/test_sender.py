"""The outbox on Mattermost, against a mocked REST API v4 (``responses``): DMs through a
direct channel, channels by name in the regio's team, the delivery key in ``props``, a
stable ``pending_post_id``, 429 obeyed, and a timed-out post found instead of resent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
import responses
from sqlalchemy import select

from bot.dispatch import Dispatcher
from bot.messages import Message, PersonRef, Section, line
from bot.platforms.mattermost.client import Client
from bot.platforms.mattermost.sender import PROP, MattermostSender
from storage import outbox
from storage.db import Database
from storage.models import (
    Base,
    Identiteit,
    OutboxBericht,
    Persoon,
    PlatformKanaal,
    Regio,
    Werkruimte,
)

URL = "https://mm.example.org"
API = URL + "/api/v4"
T0 = datetime(2026, 12, 1, 8, 5, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'mm.db'}")
    Base.metadata.create_all(db.engine)
    with db.write() as s:
        s.add(Regio(slug="r", naam="R", instellingen={}))
        s.flush()
        s.add(Werkruimte(regio_id=1, platform="mattermost", team_id="team1"))
        s.add(Persoon(regio_id=1, handle="plo-houten", naam="Anouk de Vries"))
        s.flush()
        s.add(Identiteit(persoon_id=1, platform="mattermost", team_id="team1",
                         extern_id="user1", gebruikersnaam="anouk"))
    return db


def enqueue(db: Database, key: str, soort: str, doel: str, message: Message) -> None:
    with db.write() as s:
        outbox.enqueue(s, delivery_key=key, regio_id=1, platform="mattermost",
                       doel_soort=soort, doel=doel, bericht=message.model_dump(mode="json"),
                       aangemaakt_op=T0)


def dispatcher(db: Database, now: datetime = T0) -> Dispatcher:
    return Dispatcher(db, MattermostSender(Client(URL, "token", timeout=1), db), lambda: now,
                      "test")


def mock_basics() -> None:
    responses.get(f"{API}/users/me", json={"id": "bot1", "username": "regiobot"})
    responses.post(f"{API}/channels/direct", json={"id": "dm1", "type": "D"}, status=201)
    responses.get(f"{API}/teams/team1/channels/name/plo", json={"id": "chplo", "type": "O"})


@responses.activate
def test_a_dm_and_a_channel_post_carry_the_delivery_key(db: Database) -> None:
    mock_basics()
    responses.post(f"{API}/posts", json={"id": "post1"}, status=201)
    enqueue(db, "k-dm", "persoon", "1", Message(heading="Herinnering", sections=[
        Section(lines=[line("Voor ", PersonRef(persoon_id=1, naam="Anouk de Vries"))])]))
    enqueue(db, "k-ch", "kanaal", "plo", Message(heading="@channel is user text"))
    assert dispatcher(db).drain().sent == 2
    posts = [json.loads(c.request.body) for c in responses.calls
             if c.request.url == f"{API}/posts"]
    assert json.loads(next(c.request.body for c in responses.calls
                           if c.request.url == f"{API}/channels/direct")) == ["bot1", "user1"]
    dm, channel = sorted(posts, key=lambda p: p["channel_id"])[::-1]
    assert dm["channel_id"] == "dm1" and dm["props"] == {PROP: "k-dm"}
    assert dm["message"] == "**Herinnering**\nVoor @anouk"
    assert dm["pending_post_id"].startswith("bot1:")
    assert channel["channel_id"] == "chplo" and "@\u200bchannel" in channel["message"]
    assert all(c.request.headers["Authorization"] == "Bearer token" for c in responses.calls)


@responses.activate
def test_too_many_requests_waits_without_counting_an_attempt(db: Database) -> None:
    mock_basics()
    responses.post(f"{API}/posts", status=429, headers={"X-RateLimit-Reset": "30"},
                   json={"message": "too many"})
    enqueue(db, "k", "kanaal", "plo", Message(heading="x"))
    result = dispatcher(db).drain()
    assert result.deferred == 1 and result.failed == 0


@responses.activate
def test_a_timed_out_post_is_found_by_its_key_and_not_posted_again(db: Database) -> None:
    mock_basics()
    responses.post(f"{API}/posts", body=requests.exceptions.ReadTimeout("read timed out"))
    enqueue(db, "k-late", "kanaal", "plo", Message(heading="x"))
    assert dispatcher(db).drain().failed == 1
    responses.get(f"{API}/channels/chplo/posts", json={
        "order": ["p2", "p1"], "posts": {
            "p2": {"id": "p2", "channel_id": "chplo", "props": {PROP: "k-late"}},
            "p1": {"id": "p1", "channel_id": "chplo", "props": {}}}})
    later = dispatcher(db, T0 + timedelta(hours=1)).drain()
    assert later.found == 1 and later.sent == 0
    assert sum(c.request.url == f"{API}/posts" for c in responses.calls) == 1


@responses.activate
def test_a_channel_is_looked_up_once_and_kept_by_its_id(db: Database) -> None:
    mock_basics()
    responses.post(f"{API}/posts", json={"id": "post1"}, status=201)
    for n in range(2):  # each request's sender is new: the ID comes from the database
        enqueue(db, f"k{n}", "kanaal", "plo", Message(heading=f"bericht {n}"))
        assert dispatcher(db).drain().sent == 1
    by_name = [c for c in responses.calls if "/channels/name/" in c.request.url]
    assert [c.request.url for c in by_name] == [f"{API}/teams/team1/channels/name/plo"]
    posts = [json.loads(c.request.body) for c in responses.calls
             if c.request.url == f"{API}/posts"]
    assert [p["channel_id"] for p in posts] == ["chplo", "chplo"]
    with db.read() as s:
        assert s.execute(select(PlatformKanaal.platform, PlatformKanaal.team_id,
                                PlatformKanaal.naam, PlatformKanaal.extern_id)).all() == [
            ("mattermost", "team1", "plo", "chplo")]


@responses.activate
def test_a_channel_the_team_does_not_have_fails_at_once_and_says_which(db: Database) -> None:
    mock_basics()
    responses.get(f"{API}/teams/team1/channels/name/weg", status=404,
                  json={"id": "app.channel.get_by_name.missing.app_error", "status_code": 404})
    enqueue(db, "k-weg", "kanaal", "weg", Message(heading="x"))
    result = dispatcher(db).drain()
    assert (result.sent, result.failed) == (0, 1)
    with db.read() as s:
        row = s.scalars(select(OutboxBericht)).one()
    assert (row.status, row.pogingen) == ("failed", 1)
    assert "mattermost knows no channel 'weg' (team team1)" in (row.fout or "")
    assert dispatcher(db, T0 + timedelta(hours=2)).drain().failed == 0
    assert not any(c.request.url == f"{API}/posts" for c in responses.calls)
