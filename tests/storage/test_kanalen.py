"""Channel IDs kept per platform and team, on both databases."""

from __future__ import annotations

from sqlalchemy import func, select

from storage import kanalen
from storage.db import Database
from storage.models import PlatformKanaal


def test_a_channel_is_kept_once_found_by_name_or_id_and_forgotten(any_db: Database) -> None:
    with any_db.write() as session:
        kanalen.remember(session, "slack", "T1", "plo", "C0PLO")
        kanalen.remember(session, "slack", "T1", "plo", "C0OTHER")  # a second resolver
        kanalen.remember(session, "slack", "T2", "plo", "C9PLO")
        kanalen.remember(session, "mattermost", "team1", "plo", "chplo")
    with any_db.read() as session:
        assert session.scalar(select(func.count()).select_from(PlatformKanaal)) == 3
        assert kanalen.known_id(session, "slack", "T1", "plo") == "C0PLO"
        assert kanalen.known_id(session, "slack", "T2", "plo") == "C9PLO"
        assert kanalen.known_id(session, "slack", "T1", "C0PLO") == "C0PLO"  # an ID kept
        assert kanalen.known_id(session, "slack", "T1", "jeugd") is None
        assert kanalen.known_id(session, "slack", "T2", "C0PLO") is None  # another team
        assert kanalen.known_id(session, "mattermost", "team1", "plo") == "chplo"
    with any_db.write() as session:
        kanalen.forget(session, "slack", "T1", "plo")
    with any_db.read() as session:
        assert kanalen.known_id(session, "slack", "T1", "plo") is None
        assert kanalen.known_id(session, "slack", "T2", "plo") == "C9PLO"
