"""Long lists on Mattermost: an 80-item agenda answers one page (well under a post's
16,383 characters) that says how many more there are, and its Meer button pages on."""

from __future__ import annotations

from tests.mattermost.conftest import MattermostClient
from tests.mattermost.test_interactions import button
from tests.test_paging import busy_body


def test_an_agenda_of_80_items_pages_with_meer(mm: MattermostClient) -> None:
    busy_body(mm.db)
    answer = mm.command("plo-houten", "agenda plo", root="overleg")
    assert answer.status == 200
    assert "Punt 10" in answer.plain and "Punt 11" not in answer.plain
    assert "… en nog 70 punten" in answer.plain
    assert len(answer.text) < 16_383
    more = mm.click("plo-houten", button(answer, "Meer"))
    assert more.status == 200
    assert "Punt 11" in more.plain and "Punt 20" in more.plain and "Punt 10" not in more.plain
    assert "… en nog 60 punten" in more.plain
