"""Who is who, for every platform: profiles asked of the platform on first contact
(cached), and the roster as the person pickers show it — Slack's external select and
Mattermost's dialog select (wethouders without an account are in the roster too)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import func, or_, select

from bot.services.people import Profile
from bot.typed import without_control
from storage.db import Database
from storage.models import NAME_LENGTH, Persoon, Werkruimte


class Profiles:
    """A platform's profile of a user (name, verified e-mail, username), cached for an
    hour: it is only asked when someone is met for the first time."""

    def __init__(self, fetch: Callable[[str], Profile], ttl: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.fetch = fetch
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[str, tuple[float, Profile]] = {}
        self._lock = threading.Lock()

    def get(self, user_id: str) -> Profile:
        with self._lock:
            cached = self._cache.get(user_id)
            if cached and self.clock() - cached[0] < self.ttl:
                return cached[1]
        found = self.fetch(user_id)
        with self._lock:
            self._cache[user_id] = (self.clock(), found)
        return found

    def loader(self, user_id: str) -> Callable[[], Profile]:
        return lambda: self.get(user_id)


def roster_options(db: Database, platform: str, team_id: str, query: str = "",
                   limit: int = 25) -> list[tuple[str, str]]:
    """(persoon id, label) for the active people of this workspace's regio whose name or
    handle contains ``query``, by name."""
    # What was typed is looked for as it is: a % or _ is no wildcard, and a control
    # character (PostgreSQL refuses a NUL) cannot be part of a name.
    needle = (without_control(query) or "").strip().lower()[:NAME_LENGTH]
    with db.read() as session:
        regio_id = session.scalar(select(Werkruimte.regio_id).where(
            Werkruimte.platform == platform, Werkruimte.team_id == team_id))
        if regio_id is None:
            return []
        people = session.scalars(select(Persoon).where(
            Persoon.regio_id == regio_id, Persoon.actief,
            or_(func.lower(Persoon.naam).contains(needle, autoescape=True),
                func.lower(Persoon.handle).contains(needle, autoescape=True)))
            .order_by(Persoon.naam).limit(limit))
        return [(str(p.id), f"{p.naam} ({p.functie or p.handle})"[:75]) for p in people]
