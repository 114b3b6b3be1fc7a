"""Issue 23 §1: a date typed in a console form on a day off is warned about and asked
again; the working day, or "toch" before the date, is what is stored."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.db import Database
from storage.models import Mijlpaal, Opgave
from tests.e2e.test_console_forms import console


def _last_milestone(db: Database) -> tuple[str, date]:
    with db.read() as s:
        found = s.scalars(select(Mijlpaal).join(Opgave).where(Opgave.code == "JGD-03")
                          .order_by(Mijlpaal.volgnummer.desc())).first()
        assert found is not None
        return found.titel, found.datum


def test_a_milestone_on_koningsdag_in_the_console_form_asks_again(demo_db: Database) -> None:
    shell, out = console(demo_db, "pl-jeugdinkoop")
    shell.run(iter(["/opgave mijlpaal toevoegen JGD-03", "Evaluatie", "27 april", "",
                    "28 april"]))
    text = out.getvalue()
    assert ("Datum: dinsdag 27 april 2027 is Koningsdag: geen werkdag. De eerstvolgende "
            "werkdag is woensdag 28 april 2027. Er is nog niets opgeslagen. Typ 28-04-2027, "
            "of ‘toch 27-04-2027’ om deze datum te houden.") in text
    assert "Evaluatie op 28 apr 2027 toegevoegd" in text
    assert _last_milestone(demo_db) == ("Evaluatie", date(2027, 4, 28))


def test_toch_keeps_the_day_off_in_the_console_form(demo_db: Database) -> None:
    shell, out = console(demo_db, "pl-jeugdinkoop")
    shell.run(iter(["/opgave mijlpaal toevoegen JGD-03", "Evaluatie", "27 april", "",
                    "toch 27 april"]))
    assert "Evaluatie op 27 apr 2027 toegevoegd" in out.getvalue()
    assert _last_milestone(demo_db) == ("Evaluatie", date(2027, 4, 27))


def test_a_working_day_in_the_console_form_is_stored_without_a_word(demo_db: Database) -> None:
    shell, out = console(demo_db, "pl-jeugdinkoop")
    shell.run(iter(["/opgave mijlpaal toevoegen JGD-03", "Evaluatie", "28 april", ""]))
    assert "werkdag" not in out.getvalue()
    assert _last_milestone(demo_db) == ("Evaluatie", date(2027, 4, 28))
