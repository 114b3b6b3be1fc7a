"""What every service call gets: the open unit of work, who acts, where, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from storage.models import Persoon, Regio


@dataclass
class Ctx:
    session: Session
    regio: Regio
    actor: Persoon
    now: datetime
    tz: ZoneInfo
    platform: str

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()


def system_actor(regio: Regio) -> Persoon:
    """The bot itself, acting on its own schedule: a transient roster entry without an id
    (audit entries by it have no ``door``, which means the system)."""
    return Persoon(regio_id=regio.id, handle="regiobot", naam="Regiobot",
                   is_programmamanager=False, actief=True)
