"""A Mattermost account whose full name is as long as Mattermost allows (first and last
name, 64 characters each) is onboarded on both databases (issue 22)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models import AuditRegel, Identiteit, Persoon
from tests.mattermost.conftest import (
    Api,
    MattermostClient,
    link_mattermost_accounts,
    serving,
)

FIRST = ("Anna-Maria Josephina Wilhelmina Theodora Catharina Elisabeth " * 2)[:64]
LAST = ("van den Heuvel-Oudenrijn tot Wijk bij Duurstede en Schalkwijk " * 2)[:64]
NEWCOMER = "newcomer00000000000000000a"


@pytest.fixture
def long_named(monkeypatch: pytest.MonkeyPatch) -> None:
    answer_as_mattermost = Api._user

    def user(self: Api, request: Any) -> tuple[int, dict[str, str], str]:
        if not request.url.endswith(NEWCOMER):
            return answer_as_mattermost(self, request)
        return 200, {}, json.dumps({"id": NEWCOMER, "username": "a" * 22, "first_name": FIRST,
                                    "last_name": LAST, "email": "lang@example.org",
                                    "email_verified": True})

    monkeypatch.setattr(Api, "_user", user)


@pytest.fixture
def mm_any_db(long_named: None, any_demo_db: Database, api: Api) -> Iterator[MattermostClient]:
    link_mattermost_accounts(any_demo_db)
    with serving(any_demo_db, api) as client:
        yield client


def test_a_mattermost_account_with_the_longest_full_name_is_onboarded(
        mm_any_db: MattermostClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tests.mattermost.conftest.user_id", lambda handle: NEWCOMER)
    answer = mm_any_db.command("a" * 22, "mijn")
    assert answer.status == 200
    assert "geen rol in de driehoek" in answer.plain, answer.plain
    with mm_any_db.db.read() as session:
        persoon = session.scalar(select(Persoon).join(Identiteit).where(
            Identiteit.extern_id == NEWCOMER))
        assert persoon is not None and persoon.naam == f"{FIRST} {LAST}"
        assert len(persoon.naam) == 129
        assert session.scalars(select(AuditRegel.veld).where(
            AuditRegel.entiteit_id == persoon.id, AuditRegel.entiteit == "persoon")).all() \
            == [f"@{persoon.handle} account mattermost"]
