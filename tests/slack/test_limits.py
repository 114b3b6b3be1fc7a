"""Slack rejects more than 50 blocks in a message and 100 in a view: long lists show a
page and say how many more there are, they never break the message."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.app import Caller, Regiobot
from bot.platforms.slack import blocks
from storage.db import Database
from storage.models import Mijlpaal, Opgave, Persoon
from tests.conftest import AMS, NOW


def busy_sponsor(db: Database) -> None:
    """plo-houten sponsors 60 opgaven, each with late and upcoming milestones."""
    with db.write() as s:
        me = s.scalars(select(Persoon).where(Persoon.handle == "plo-houten")).one()
        for n in range(60):
            opgave = Opgave(regio_id=1, code=f"TST-{n + 1:02d}", titel=f"Opgave {n}",
                            ambtelijk_opdrachtgever_id=me.id, projectleider_id=me.id,
                            aangemaakt_op=NOW, gewijzigd_op=NOW)
            s.add(opgave)
            s.flush()
            for k, offset in enumerate((-3, 2, 5, 9, 30)):
                s.add(Mijlpaal(opgave_id=opgave.id, volgnummer=k + 1, titel=f"M{k}",
                               datum=date(2026, 11, 24) + timedelta(days=offset)))


def test_every_view_of_a_busy_person_fits_slack(demo_db: Database) -> None:
    busy_sponsor(demo_db)
    bot = Regiobot(demo_db, AMS)
    me = Caller("console", "lekstroom", "plo-houten")
    for text in ("status", "mijn", "zoek opgave", "status TST-01", "historie TST-01", "help"):
        for message in bot.command(me, "opgave", text, NOW).messages:
            blocks.fits(blocks.message_blocks(message, {}))
    home = bot.home(me, NOW).messages[0]
    rendered = blocks.fits(blocks.message_blocks(home, {}), blocks.VIEW_BLOCKS)
    assert len(rendered) <= 100
    texts = [b.get("text", {}).get("text", "") for b in rendered]
    assert any("… en nog 50" in t for t in texts)


def test_a_card_lists_every_open_milestone_and_still_fits(demo_db: Database) -> None:
    with demo_db.write() as s:
        opgave = s.scalars(select(Opgave).where(Opgave.code == "JGD-03")).one()
        for k in range(3, 63):
            s.add(Mijlpaal(opgave_id=opgave.id, volgnummer=k, titel=f"Deelstap {k}",
                           datum=date(2027, 1, 1) + timedelta(days=k)))
    bot = Regiobot(demo_db, AMS)
    card = bot.command(Caller("console", "lekstroom", "plo-houten"), "opgave",
                       "status JGD-03", NOW).messages[0]
    rendered = blocks.fits(blocks.message_blocks(card, {}))
    text = "\n".join(str(b) for b in rendered)
    assert all(f"JGD-03#{k} Deelstap {k}" in text for k in range(3, 63))
