"""A large register for benchmarks: the demo region plus thousands of opgaven with
milestones around now, inserted in bulk."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from storage.db import Database
from storage.models import Base, Mijlpaal, Opgave, Persoon
from storage.queries import refresh_first_open
from tests.conftest import AMS, load_demo

STATUSES = ("op koers", "op koers", "op koers", "aandacht", "risico", "geblokkeerd", None)
FASES = ("voorstel", "analyse", "onderzoek", "strategische keuzes", "impactanalyse",
         "uitvoering", "borging", "afgerond")


def build(db: Database, now: datetime, opgaven: int, mijlpalen: int, seed: int = 7) -> None:
    Base.metadata.create_all(db.engine)
    load_demo(db, now)
    rng = random.Random(seed)
    today = now.astimezone(AMS).date()
    with db.write() as session:
        people = list(session.scalars(select(Persoon.id)))
        rows = [{
            "regio_id": 1, "code": f"BEN-{n:04d}", "titel": f"Benchmarkopgave {n}",
            "thema": "Jeugd", "fase": rng.choice(FASES), "status": rng.choice(STATUSES),
            "status_op": now - timedelta(days=rng.randint(0, 60)),
            "projectleider_id": rng.choice([*people, None]),
            "ambtelijk_opdrachtgever_id": rng.choice(people),
            "bestuurlijk_opdrachtgever_id": rng.choice(people),
            "agenda_volgorde": 100 + n, "aangemaakt_op": now, "gewijzigd_op": now,
            "is_account": False, "versie": 1,
        } for n in range(opgaven)]
        session.execute(insert(Opgave), rows)
        ids = list(session.scalars(select(Opgave.id).where(Opgave.code.like("BEN-%"))))
        per = max(1, mijlpalen // len(ids))
        batch = []
        for opgave_id in ids:
            for k in range(per):
                day: date = today + timedelta(days=rng.randint(-20, 400))
                batch.append({"opgave_id": opgave_id, "volgnummer": k + 1,
                              "titel": f"Mijlpaal {k + 1}", "datum": day,
                              "afgerond_op": now if day < today and rng.random() < 0.9
                              else None})
            if len(batch) >= 20_000:
                session.execute(insert(Mijlpaal), batch)
                batch = []
        if batch:
            session.execute(insert(Mijlpaal), batch)
        refresh_first_open(session)
