"""Load the demo region (config/demo/lekstroom.toml) around a given moment. Idempotent."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import recurrence
from bot.roles import general_roles
from bot.workdays import of_regio
from config import DATA_DIR
from storage.models import (
    Deelname,
    Gemeente,
    Identiteit,
    Inwoneraandeel,
    Mijlpaal,
    Opgave,
    Overleg,
    OverlegLid,
    Persoon,
    PloLid,
    Regio,
    StatusUpdate,
    Vergadering,
    Werkruimte,
)
from storage.queries import refresh_first_open

DEMO_FILE = DATA_DIR / "demo" / "lekstroom.toml"


@dataclass
class DemoResult:
    regio: str
    created: bool
    opgaven: int


def load(session: Session, now: datetime, tz: ZoneInfo, path: Path = DEMO_FILE) -> DemoResult:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    slug = data["regio"]["slug"]
    existing = session.scalar(select(Regio).where(Regio.slug == slug))
    if existing is not None:
        count = len(session.scalars(select(Opgave.id).where(Opgave.regio_id == existing.id)).all())
        return DemoResult(existing.naam, False, count)
    _Loader(session, now, tz).load(data)
    return DemoResult(data["regio"]["naam"], True, len(data["opgaven"]))


class _Loader:
    def __init__(self, session: Session, now: datetime, tz: ZoneInfo) -> None:
        self.session = session
        self.now = now
        self.tz = tz
        self.today = now.astimezone(tz).date()
        self.gemeenten: dict[str, Gemeente] = {}
        self.personen: dict[str, Persoon] = {}
        self.overleggen: dict[str, Overleg] = {}
        self.calendar = of_regio({})

    def add(self, obj: Any) -> Any:
        self.session.add(obj)
        return obj

    def load(self, data: dict[str, Any]) -> None:
        self.regio = self.add(Regio(slug=data["regio"]["slug"], naam=data["regio"]["naam"],
                                    instellingen={}))
        self.session.flush()
        self.add(Werkruimte(regio_id=self.regio.id, platform="console", team_id=self.regio.slug))
        for row in data["gemeenten"]:
            self._gemeente(row)
        self.session.flush()
        for row in data["personen"]:
            self._persoon(row)
        self.session.flush()
        for row in data["personen"]:
            if "vervanger" in row:
                self.personen[row["handle"]].vervanger_id = self.personen[row["vervanger"]].id
        for row in data["overleggen"]:
            self._overleg(row)
        self.session.flush()
        for order, row in enumerate(data["opgaven"], start=1):
            self._opgave(row, order)
        self.session.flush()
        refresh_first_open(self.session)

    def _gemeente(self, row: dict[str, Any]) -> None:
        gemeente = self.add(Gemeente(regio_id=self.regio.id, naam=row["naam"]))
        self.session.flush()
        for year, share in row.get("aandeel", {}).items():
            self.add(Inwoneraandeel(gemeente_id=gemeente.id, jaar=int(year),
                                    procent=Decimal(share)))
        self.gemeenten[row["naam"]] = gemeente

    def _persoon(self, row: dict[str, Any]) -> None:
        gemeente = self.gemeenten.get(row.get("gemeente", ""))
        persoon = self.add(Persoon(
            regio_id=self.regio.id, handle=row["handle"], naam=row["naam"],
            functie=row.get("functie"), email=f"{row['handle']}@lekstroom.example",
            gemeente_id=gemeente.id if gemeente else None,
            is_programmamanager=row.get("programmamanager", False)))
        self.session.flush()
        if row.get("account", True):
            self.add(Identiteit(persoon_id=persoon.id, platform="console",
                                team_id=self.regio.slug, extern_id=row["handle"],
                                gebruikersnaam=row["handle"]))
        if row.get("plo") and gemeente is not None:
            self.add(PloLid(persoon_id=persoon.id, gemeente_id=gemeente.id))
        self.personen[row["handle"]] = persoon

    def _overleg(self, row: dict[str, Any]) -> None:
        overleg = self.add(Overleg(
            regio_id=self.regio.id, code=row["code"], naam=row["naam"], soort=row["soort"],
            kanaal=row.get("kanaal"), is_plo=row.get("plo", False),
            stukken_termijn_dagen=row.get("stukken_termijn_dagen", 5)))
        self.session.flush()
        roles = {row.get("voorzitter"): "voorzitter", row.get("secretaris"): "secretaris"}
        members = list(dict.fromkeys([*row.get("leden", []), *(h for h in roles if h)]))
        for handle in members:
            self.add(OverlegLid(overleg_id=overleg.id, persoon_id=self.personen[handle].id,
                                rol=roles.get(handle, "lid")))
        for meeting in row.get("vergaderingen", []):
            # The demo's bodies meet in a rhythm around now: a day that is a day off
            # moves to the next working day, as a rhythm's does, and says so.
            day = self.today + timedelta(days=meeting["over_dagen"])
            held_on = recurrence.working_day(day, self.calendar, False, self.today)
            begins = datetime.combine(held_on, time.fromisoformat(meeting["tijd"]), self.tz)
            self.add(Vergadering(overleg_id=overleg.id, begint_op=begins, uit_ritme_op=day))
        self.overleggen[row["code"]] = overleg

    def _person_id(self, handle: str | None) -> int | None:
        return self.personen[handle].id if handle else None

    def _opgave(self, row: dict[str, Any], order: int) -> None:
        status_at = (self.now - timedelta(days=row["status_dagen"])
                     if "status_dagen" in row else None)
        opgave = self.add(Opgave(
            regio_id=self.regio.id, code=row["code"], titel=row["titel"], thema=row["thema"],
            niveau=row.get("niveau"), vorm=row.get("vorm"), reikwijdte=row.get("reikwijdte"),
            jaar=self.today.year, opdracht=row.get("opdracht"), fase=row["fase"],
            status=row.get("status"), status_toelichting=row.get("toelichting"),
            status_op=status_at if row.get("status") else None,
            projectleider_id=self._person_id(row.get("projectleider")),
            ambtelijk_opdrachtgever_id=self._person_id(row.get("ambtelijk")),
            bestuurlijk_opdrachtgever_id=self._person_id(row.get("bestuurlijk")),
            overleg_id=self.overleggen[row["overleg"]].id if "overleg" in row else None,
            agenda_volgorde=order, aangemaakt_op=self.now - timedelta(days=120),
            gewijzigd_op=status_at or self.now))
        self.session.flush()
        if row.get("status") and status_at is not None:
            self.add(StatusUpdate(opgave_id=opgave.id, status=row["status"],
                                  toelichting=row.get("toelichting"), op=status_at,
                                  door_id=opgave.projectleider_id))
        for number, mijlpaal in enumerate(row.get("mijlpalen", []), start=1):
            overleg = self.overleggen.get(mijlpaal.get("besluit_door", ""))
            self.add(Mijlpaal(opgave_id=opgave.id, volgnummer=number, titel=mijlpaal["titel"],
                              datum=self.today + timedelta(days=mijlpaal["dagen"]),
                              besluit_door_id=overleg.id if overleg else None))
        absent = {r["gemeente"]: r for r in row.get("deelname_niet", [])}
        for naam, gemeente in self.gemeenten.items():
            reason = absent.get(naam)
            self.add(Deelname(
                opgave_id=opgave.id, gemeente_id=gemeente.id, doet_mee=reason is None,
                reden=reason["reden"] if reason else None,
                negatief_effect_besproken=reason.get("besproken") if reason else None))


def handles_with_roles(session: Session, slug: str) -> list[tuple[str, str, str]]:
    """(handle, naam, what they can do) for everyone with a console account."""
    rows = session.execute(
        select(Persoon, Identiteit.extern_id).join(Identiteit).join(Regio).where(
            Regio.slug == slug, Identiteit.platform == "console").order_by(Identiteit.extern_id))
    result = []
    for persoon, handle in rows:
        roles = sorted(r.value for r in general_roles(session, persoon) if r.value != "lid")
        bodies = session.execute(select(OverlegLid.rol, Overleg.naam).join(Overleg).where(
            OverlegLid.persoon_id == persoon.id, OverlegLid.rol != "lid")).all()
        roles += [f"{rol} {naam}" for rol, naam in sorted(bodies)]
        result.append((handle, persoon.naam, ", ".join(roles) or "lid"))
    return result
