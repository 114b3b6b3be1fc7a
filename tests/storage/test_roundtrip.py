"""Models behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from storage.db import Database
from storage.models import (
    Gemeente,
    Inwoneraandeel,
    Mijlpaal,
    Opgave,
    OutboxBericht,
    Persoon,
    Regio,
)

SUMMER = datetime(2026, 7, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))


def _regio(db: Database) -> int:
    with db.write() as s:
        regio = Regio(slug="lekstroom", naam="Lekstroom", instellingen={"fases": ["a", "b"]})
        s.add(regio)
        s.flush()
        return regio.id


def _opgave(regio_id: int, code: str = "JGD-01") -> Opgave:
    return Opgave(regio_id=regio_id, code=code, titel="Inkoop Jeugd", aangemaakt_op=SUMMER,
                  gewijzigd_op=SUMMER, status_op=SUMMER)


def test_aware_datetimes_come_back_aware_and_equal(any_db: Database) -> None:
    regio_id = _regio(any_db)
    with any_db.write() as s:
        s.add(_opgave(regio_id))
    with any_db.read() as s:
        opgave = s.scalars(select(Opgave)).one()
    assert opgave.status_op is not None
    assert opgave.status_op.tzinfo is not None
    assert opgave.status_op == SUMMER
    assert opgave.status_op.utcoffset() == timedelta(0)


def test_datetime_comparison_in_sql_matches_python(any_db: Database) -> None:
    regio_id = _regio(any_db)
    with any_db.write() as s:
        s.add(_opgave(regio_id))
    with any_db.read() as s:
        before = s.scalar(select(Opgave.id).where(Opgave.status_op < SUMMER + timedelta(
            minutes=1)))
        after = s.scalar(select(Opgave.id).where(Opgave.status_op > SUMMER.astimezone(UTC)))
    assert before is not None
    assert after is None


def test_naive_datetimes_are_refused(any_db: Database) -> None:
    regio_id = _regio(any_db)
    with pytest.raises(StatementError, match="naive"), any_db.write() as s:
        s.add(Opgave(regio_id=regio_id, code="X-1", titel="x", aangemaakt_op=datetime(2026, 1, 1),
                     gewijzigd_op=SUMMER))
        s.flush()


def test_dates_numbers_and_json_round_trip(any_db: Database) -> None:
    regio_id = _regio(any_db)
    with any_db.write() as s:
        gemeente = Gemeente(regio_id=regio_id, naam="Houten")
        s.add(gemeente)
        s.flush()
        s.add(Inwoneraandeel(gemeente_id=gemeente.id, jaar=2023, procent=Decimal("22.71")))
        opgave = _opgave(regio_id)
        s.add(opgave)
        s.flush()
        s.add(Mijlpaal(opgave_id=opgave.id, volgnummer=1, titel="Besluit", datum=date(2027, 3, 12)))
    with any_db.read() as s:
        assert s.scalar(select(Inwoneraandeel.procent)) == Decimal("22.71")
        assert s.scalar(select(Mijlpaal.datum)) == date(2027, 3, 12)
        assert s.scalar(select(Regio.instellingen)) == {"fases": ["a", "b"]}


def test_codes_are_unique_per_regio(any_db: Database) -> None:
    regio_id = _regio(any_db)
    with any_db.write() as s:
        other = Regio(slug="utrecht-west", naam="Utrecht West", instellingen={})
        s.add(other)
        s.flush()
        s.add_all([_opgave(regio_id), _opgave(other.id)])
    with pytest.raises(IntegrityError), any_db.write() as s:
        s.add(_opgave(regio_id))


def test_outbox_delivery_key_is_required_and_unique(any_db: Database) -> None:
    regio_id = _regio(any_db)
    row = {"regio_id": regio_id, "platform": "console", "doel_soort": "kanaal", "doel": "plo",
           "bericht": {}, "volgende_poging_op": SUMMER, "aangemaakt_op": SUMMER}
    with any_db.write() as s:
        s.add(OutboxBericht(delivery_key="k1", **row))
    with pytest.raises(IntegrityError), any_db.write() as s:
        s.add(OutboxBericht(delivery_key="k1", **row))
    with pytest.raises(IntegrityError), any_db.write() as s:
        s.add(OutboxBericht(delivery_key=None, **row))


def test_a_person_needs_no_chat_account(any_db: Database) -> None:
    regio_id = _regio(any_db)
    with any_db.write() as s:
        s.add(Persoon(regio_id=regio_id, handle="wethouder-lopik", naam="Maarten de Graaf"))
    with any_db.read() as s:
        persoon = s.scalars(select(Persoon)).one()
        assert persoon.identiteiten == []
