"""Channel IDs for a sender: a configured channel (a name, or an ID kept before) is looked
up in the database, else asked of the platform once (``resolve``) and kept there; each
answer is remembered for the life of the sender."""

from __future__ import annotations

from collections.abc import Callable

from storage import kanalen
from storage.db import Database


class ChannelIds:
    def __init__(self, db: Database, platform: str,
                 resolve: Callable[[str, str], str]) -> None:
        self.db = db
        self.platform = platform
        self.resolve = resolve  # (team id, channel) → the platform's ID; raises if unknown
        self._known: dict[tuple[str, str], str] = {}

    def __call__(self, team_id: str, channel: str) -> str:
        key = (team_id, channel)
        if key not in self._known:
            with self.db.read() as session:
                found = kanalen.known_id(session, self.platform, team_id, channel)
            if found is None:
                found = self.resolve(team_id, channel)
                with self.db.write() as session:
                    kanalen.remember(session, self.platform, team_id, channel, found)
            self._known[key] = found
        return self._known[key]

    def forget(self, team_id: str, channel: str) -> None:
        """Drop a kept ID the platform no longer knows: the next call looks it up anew."""
        self._known.pop((team_id, channel), None)
        with self.db.write() as session:
            kanalen.forget(session, self.platform, team_id, channel)
