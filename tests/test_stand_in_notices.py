"""Issue 23 §2: a "Je bent nu …" notice for someone without a chat account reaches their
stand-in written about that person, not to the stand-in as if the role were theirs."""

from __future__ import annotations

from storage.db import Database
from tests.conftest import Chat
from tests.test_planning import text_of
from tests.test_right_recipient import all_rows, person_id


def test_a_role_given_to_someone_without_an_account_reads_in_the_third_person(
        any_demo_db: Database) -> None:
    chat = Chat(any_demo_db, "plo-nieuwegein")
    assert "Maarten de Graaf is nu projectleider van WMO-03." in chat.text(
        "rol WMO-03 projectleider @wethouder-lopik")
    notice = [r for r in all_rows(any_demo_db) if r.delivery_key.startswith("rol:")]
    assert [r.doel for r in notice] == [str(person_id(any_demo_db, "plo-lopik"))]
    text = text_of(notice[0])
    assert text.splitlines()[0] == (
        "*Maarten de Graaf (Wethouder Lopik, geen chataccount) is nu projectleider van "
        "WMO-03*")
    assert "Toegewezen door Dirk van Leeuwen. /opgave status WMO-03 toont de opgave." in text
    assert "Je krijgt dit als vervanger van Maarten de Graaf." in text
    assert "Je bent nu" not in text and "je opgaven" not in text


def test_a_role_given_to_someone_with_an_account_still_speaks_to_them(
        any_demo_db: Database) -> None:
    Chat(any_demo_db, "plo-nieuwegein")("rol WMO-03 projectleider @pl-wmo")
    notice = [r for r in all_rows(any_demo_db) if r.delivery_key.startswith("rol:")]
    assert [r.doel for r in notice] == [str(person_id(any_demo_db, "pl-wmo"))]
    assert text_of(notice[0]).splitlines()[0] == "*Je bent nu projectleider van WMO-03*"
