"""Issue 23 §1: a date typed in a Mattermost dialog on a day off is the dialog's error on
that field, naming the day and the working day after it; "toch" before the date keeps it,
as in a typed command. Nothing is stored before that."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.models import Mijlpaal, Opgave
from tests.mattermost.conftest import MattermostClient, dm_channel, user_id
from tests.mattermost.test_interactions import button

PL = "pl-jeugdinkoop"


def _milestones(mm: MattermostClient) -> list[tuple[int, str, date]]:
    with mm.db.read() as s:
        return [(m.volgnummer, m.titel, m.datum) for m in s.scalars(
            select(Mijlpaal).join(Opgave).where(Opgave.code == "JGD-03")
            .order_by(Mijlpaal.volgnummer))]


def test_a_milestone_typed_on_koningsdag_is_the_dialogs_warning(mm: MattermostClient) -> None:
    before = _milestones(mm)
    mm.command(PL, "mijlpaal toevoegen JGD-03")
    answer = mm.submit(PL, mm.last_dialog(), {"titel": "Evaluatie", "datum": "27 april"})
    assert answer.json() == {"errors": {"datum": (
        "dinsdag 27 april 2027 is Koningsdag: geen werkdag. De eerstvolgende werkdag is "
        "woensdag 28 april 2027. Er is nog niets opgeslagen. Typ 28-04-2027, of "
        "‘toch 27-04-2027’ om deze datum te houden.")}}
    assert _milestones(mm) == before


def test_toch_before_the_date_keeps_the_day_off(mm: MattermostClient) -> None:
    mm.command(PL, "mijlpaal toevoegen JGD-03")
    opened = mm.last_dialog()
    mm.submit(PL, opened, {"titel": "Evaluatie", "datum": "27 april"})
    answer = mm.submit(PL, opened, {"titel": "Evaluatie", "datum": "toch 27-04-2027"})
    assert answer.status == 200 and answer.json() == {}
    told = mm.api.posts_to(dm_channel(user_id(PL)))[-1]["message"]
    assert "Evaluatie op 27 apr 2027 toegevoegd" in told
    assert _milestones(mm)[-1][1:] == ("Evaluatie", date(2027, 4, 27))


def test_a_milestone_moved_onto_a_weekend_in_the_dialog_is_warned_about(
        mm: MattermostClient) -> None:
    card = mm.command(PL, "status JGD-03")
    mm.click(PL, button(card, "Verplaats"))
    opened = mm.last_dialog()
    assert opened["dialog"]["callback_id"] == "mijlpaal.verplaats"
    before = _milestones(mm)
    warned = mm.submit(PL, opened, {"mijlpaal": "2", "datum": "16 januari 2027"}).json()
    assert warned["errors"]["datum"].startswith(
        "zaterdag 16 januari 2027 valt in het weekend. De eerstvolgende werkdag is "
        "maandag 18 januari 2027.")
    assert _milestones(mm) == before
    assert mm.submit(PL, opened, {"mijlpaal": "2", "datum": "18-01-2027"}).json() == {}
    assert _milestones(mm)[1][2] == date(2027, 1, 18)
