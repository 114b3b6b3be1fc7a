"""Who is who on Slack: profiles for first contact, and the roster search behind the
person pickers of modals."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from sqlalchemy import func, or_, select

from bot.services.people import Profile
from storage.db import Database
from storage.models import Persoon, Werkruimte

PLATFORM = "slack"


class Profiles:
    """``users.info`` (name and e-mail; needs users:read.email), cached for an hour:
    it is only asked when someone is met for the first time."""

    def __init__(self, client: WebClient, ttl: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[str, tuple[float, Profile]] = {}
        self._lock = threading.Lock()

    def get(self, user_id: str) -> Profile:
        with self._lock:
            cached = self._cache.get(user_id)
            if cached and self.clock() - cached[0] < self.ttl:
                return cached[1]
        user = self.client.users_info(user=user_id)["user"]
        profile = user.get("profile", {})
        found = Profile(display_name=profile.get("real_name") or user.get("real_name")
                        or user.get("name"), email=profile.get("email"))
        with self._lock:
            self._cache[user_id] = (self.clock(), found)
        return found

    def loader(self, user_id: str) -> Callable[[], Profile]:
        return lambda: self.get(user_id)


def roster_options(db: Database, team_id: str, query: str, limit: int = 25) -> list[
        tuple[str, str]]:
    """(persoon id, label) for the roster people of this workspace's regio matching
    ``query``; wethouders without an account are in the roster too."""
    pattern = f"%{query.strip().lower()}%"
    with db.read() as session:
        regio_id = session.scalar(select(Werkruimte.regio_id).where(
            Werkruimte.platform == PLATFORM, Werkruimte.team_id == team_id))
        if regio_id is None:
            return []
        people = session.scalars(select(Persoon).where(
            Persoon.regio_id == regio_id, Persoon.actief,
            or_(func.lower(Persoon.naam).like(pattern), func.lower(Persoon.handle).like(pattern)))
            .order_by(Persoon.naam).limit(limit))
        return [(str(p.id), f"{p.naam} ({p.functie or p.handle})"[:75]) for p in people]
