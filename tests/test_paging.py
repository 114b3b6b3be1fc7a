"""Long lists page on every platform: a page that fits, "… en nog N" and one Meer button
whose value is a short key to the command kept server-side (issue 22, §4)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.app import Caller, Regiobot
from bot.messages import Button, Message, buttons_in
from bot.planner import plan
from bot.platforms.slack import blocks
from bot.render_text import render
from bot.replies import Reply
from bot.schedule import Rules
from storage.db import Database
from storage.models import Agendapunt, AuditRegel, Dilemma, Opgave, Overleg, PagingState, Persoon
from tests.conftest import AMS, NOW
from tests.slack.test_block_kit import assert_valid
from tests.test_planning import rows, text_of

# The longest search there may be: ten words of 50 characters (509 characters). Before
# the key, a Meer button carried the search itself and a long one passed Slack's 2,000.
LONG_WORD = " ".join(f"{n}wachttijd".ljust(50, "x") for n in range(10))
PLO_HOUTEN = Caller("console", "lekstroom", "plo-houten")


def busy_body(db: Database, accepted: int = 60, submitted: int = 20) -> None:
    """The PLO's next meeting gets ``accepted`` agenda items (each submitted by Olaf
    Kramer, or by Anouk de Vries for the opgave JGD-03) and ``submitted`` still to be
    accepted."""
    with db.write() as s:
        plo = s.scalars(select(Overleg).where(Overleg.code == "plo")).one()
        olaf = s.scalar(select(Persoon.id).where(Persoon.handle == "medewerker-houten"))
        for n in range(accepted + submitted):
            s.add(Agendapunt(overleg_id=plo.id, soort="punt", titel=f"Punt {n + 1:02d}",
                             ingediend_door_id=olaf, ingediend_op=NOW + timedelta(seconds=n),
                             bron=f"test:{n}",
                             status="geaccepteerd" if n < accepted else "ingediend"))


def said(reply: Reply) -> str:
    return "\n".join(render(m, lambda b: f"[{b.label}]") for m in reply.messages)


def meer(reply: Reply) -> Button | None:
    return next((b for m in reply.messages for b in buttons_in(m) if b.action == "meer"), None)


def assert_fits_slack(reply: Reply) -> None:
    """What the Slack adapter would send: at most 50 valid blocks, short button values."""
    rendered: list[dict[str, Any]] = []
    for message in reply.messages:
        rendered += blocks.payload(message, {})["blocks"]
    assert len(rendered) <= blocks.MESSAGE_BLOCKS
    assert_valid(rendered)
    values = [b["accessory"]["value"] for b in rendered if "accessory" in b]
    values += [e["value"] for b in rendered if b["type"] == "actions" for e in b["elements"]]
    assert all(len(v) < 2000 for v in values), max(map(len, values))


def pages(bot: Regiobot, caller: Caller, root: str, text: str) -> list[Reply]:
    """The first page, and every page after it by pressing Meer."""
    replies = [bot.command(caller, root, text, NOW)]
    while (button := meer(replies[-1])) is not None and len(replies) < 20:
        replies.append(bot.action(caller, button.action, button.args, NOW))
    return replies


def test_an_agenda_of_80_items_pages_and_every_page_fits(any_demo_db: Database) -> None:
    busy_body(any_demo_db)
    bot = Regiobot(any_demo_db, AMS)
    replies = pages(bot, PLO_HOUTEN, "overleg", "agenda plo")
    assert len(replies) == 8
    first = said(replies[0])
    assert "Punt 01" in first and "Punt 10" in first and "Punt 11" not in first
    assert "… en nog 70 punten" in first
    second = said(replies[1])
    assert "Punt 11" in second and "Punt 20" in second and "Punt 10" not in second
    assert "… en nog 60 punten" in second
    last = said(replies[-1])
    assert "Punt 80" in last and "en nog" not in last and "[Meer]" not in last
    assert "Ingediend, nog niet geaccepteerd" in last  # the pending ones come last
    for reply in replies:
        assert_fits_slack(reply)
        assert len(reply.messages) == 1 and said(reply).count("\n") < 25


def test_a_long_search_term_pages_with_a_short_key(demo_db: Database) -> None:
    with demo_db.write() as s:
        me = s.scalar(select(Persoon.id).where(Persoon.handle == "plo-houten"))
        for n in range(25):
            s.add(Opgave(regio_id=1, code=f"TST-{n + 1:02d}", titel=f"Lange opgave {n + 1:02d}",
                         opdracht=f"Over {LONG_WORD}.", ambtelijk_opdrachtgever_id=me,
                         aangemaakt_op=NOW, gewijzigd_op=NOW))
    bot = Regiobot(demo_db, AMS)
    replies = pages(bot, PLO_HOUTEN, "opgave", f"zoek {LONG_WORD}")
    assert len(replies) == 3
    assert "TST-10" in said(replies[0]) and "TST-11" not in said(replies[0])
    assert "… en nog 15 opgaven" in said(replies[0])
    assert "TST-11" in said(replies[1]) and "TST-20" in said(replies[1])
    assert "TST-25" in said(replies[2]) and "[Meer]" not in said(replies[2])
    for reply in replies:
        assert_fits_slack(reply)
    button = meer(replies[0])
    assert button is not None and LONG_WORD not in str(button.args)
    assert meer(replies[1]) is not None and meer(replies[1]).args["k"] == button.args["k"]
    with demo_db.read() as s:  # one search, one key, whichever page
        assert s.scalar(select(func.count()).select_from(PagingState)) == 1


def test_a_long_history_pages(demo_db: Database) -> None:
    with demo_db.write() as s:
        opgave = s.scalars(select(Opgave).where(Opgave.code == "JGD-03")).one()
        before = s.scalar(select(func.count()).select_from(AuditRegel).where(
            AuditRegel.opgave_id == opgave.id)) or 0
        for n in range(45 - before):
            s.add(AuditRegel(regio_id=1, opgave_id=opgave.id, entiteit="opgave",
                             entiteit_id=opgave.id, veld="titel", oud=f"Titel {n}",
                             nieuw=f"Titel {n + 1}", op=NOW - timedelta(days=n + 1)))
    bot = Regiobot(demo_db, AMS)
    replies = pages(bot, PLO_HOUTEN, "opgave", "historie JGD-03")
    assert len(replies) == 5
    assert "… en nog 35 wijzigingen" in said(replies[0])
    assert "… en nog 5 wijzigingen" in said(replies[3])
    for reply in replies:
        assert_fits_slack(reply)


def test_an_expired_or_unknown_key_says_so_in_dutch(any_demo_db: Database) -> None:
    busy_body(any_demo_db)
    bot = Regiobot(any_demo_db, AMS)
    button = meer(bot.command(PLO_HOUTEN, "overleg", "agenda plo", NOW))
    assert button is not None
    later = NOW + timedelta(days=15)
    expired = bot.action(PLO_HOUTEN, "meer", button.args, later)
    assert expired.refused
    assert "Deze knop is verlopen" in said(expired)
    unknown = bot.action(PLO_HOUTEN, "meer", {"k": "bestaat-niet", "p": "1"}, NOW)
    assert "Deze knop is verlopen" in said(unknown)
    # a new key, later, clears the expired ones
    bot.command(PLO_HOUTEN, "overleg", "agenda plo", later)
    with any_demo_db.read() as s:
        assert s.scalar(select(func.count()).select_from(PagingState)) == 1


def test_the_meeting_summary_of_a_busy_body_fits_and_pages_to_the_agenda(
        demo_db: Database) -> None:
    busy_body(demo_db)
    with demo_db.write() as s:  # a confidential dilemma: a placeholder, not in the preview
        plo = s.scalar(select(Overleg.id).where(Overleg.code == "plo"))
        jgd = s.scalar(select(Opgave.id).where(Opgave.code == "JGD-03"))
        s.add(Dilemma(opgave_id=jgd, volgnummer=9, tekst="Geheim", vertrouwelijk=True,
                      status="geescaleerd", geescaleerd_naar_overleg_id=plo,
                      ingediend_op=NOW - timedelta(days=1)))
    plan(demo_db, datetime(2026, 11, 27, 9, 5, tzinfo=AMS), AMS, Rules())  # 2 days before
    posted = [r for r in rows(demo_db, "samenvatting:") if r.doel == "plo"]
    assert len(posted) == 1
    summary = Message.model_validate(posted[0].bericht)
    text = text_of(posted[0])
    assert "Punt 10 · Olaf Kramer" in text and "Punt 11" not in text
    assert "Vertrouwelijk dilemma bij JGD-03" in text and "Geheim" not in text
    assert "… en nog 50 punten" in text
    assert_fits_slack(Reply.of(summary))
    button = next(b for b in buttons_in(summary) if b.action == "meer")
    page = Regiobot(demo_db, AMS).action(PLO_HOUTEN, "meer", button.args, NOW)
    assert "Punt 11" in said(page) and "Punt 10" not in said(page)
    # the worker rebuilds the summary at every tick; the preview asks for the same list
    plan(demo_db, datetime(2026, 11, 27, 9, 10, tzinfo=AMS), AMS, Rules())
    again = Regiobot(demo_db, AMS).command(PLO_HOUTEN, "overleg", "agenda plo", NOW)
    assert meer(again) == button
    with demo_db.read() as s:
        assert s.scalar(select(func.count()).select_from(PagingState)) == 1


def test_the_digest_of_a_busy_region_fits_slack_and_a_mattermost_post(
        demo_db: Database) -> None:
    """60 opgaven with five milestones each (one late) and many changes this week."""
    from tests.slack.test_limits import busy_sponsor

    busy_sponsor(demo_db)
    with demo_db.write() as s:
        for opgave in s.scalars(select(Opgave).where(Opgave.code.like("TST-%"))):
            for n in range(12):
                s.add(AuditRegel(regio_id=1, opgave_id=opgave.id, entiteit="opgave",
                                 entiteit_id=opgave.id, veld="titel", oud=f"Titel {n}",
                                 nieuw=f"Titel {n + 1}", op=NOW - timedelta(days=1)))
    plan(demo_db, datetime(2026, 11, 30, 9, 5, tzinfo=AMS), AMS, Rules())
    digest = [r for r in rows(demo_db, "digest:") if r.doel == "plo"]
    assert len(digest) == 1
    message = Message.model_validate(digest[0].bericht)
    assert_fits_slack(Reply.of(message))
    rendered = blocks.message_blocks(message, {})
    assert len(rendered) <= blocks.MESSAGE_BLOCKS  # fits before any last-resort cut
    assert len(text_of(digest[0])) < 16_383  # a Mattermost post
    assert "en 28 meer" in text_of(digest[0])  # the opgaven past the first 30, by code


def test_a_roster_of_120_people_pages(demo_db: Database) -> None:
    with demo_db.write() as s:
        for n in range(120):
            s.add(Persoon(regio_id=1, handle=f"zz-medewerker-{n + 1:03d}",
                          naam=f"Medewerker {n + 1:03d}", actief=True))
    replies = pages(Regiobot(demo_db, AMS), Caller("console", "lekstroom", "programmamanager"),
                    "opgave", "beheer rooster")
    with demo_db.read() as s:
        people = s.scalar(select(func.count()).select_from(Persoon).where(Persoon.actief))
    assert people is not None and len(replies) == (people + 24) // 25
    assert f"… en nog {people - 25} personen" in said(replies[0])
    assert "zz-medewerker-120" in said(replies[-1]) and "[Meer]" not in said(replies[-1])
    for reply in replies:
        assert_fits_slack(reply)
        assert len(said(reply)) < 16_383
