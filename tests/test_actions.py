"""Buttons act like the commands they stand for, once, and only on what the person saw."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import Caller
from bot.messages import Button
from storage.db import Database
from storage.models import AuditRegel, Mijlpaal
from tests.conftest import Chat

PL = Caller("console", "lekstroom", "pl-jeugdinkoop")


def card_buttons(chat: Chat, code: str) -> list[Button]:
    message = chat(f"status {code}", as_=PL.user_id).messages[0]
    return [ln.button for s in message.sections for ln in s.lines if ln.button] + message.buttons


def plain(reply) -> str:  # type: ignore[no-untyped-def]
    return " ".join(ln.plain for m in reply.messages for s in m.sections for ln in s.lines)


def press(chat: Chat, button: Button, who: Caller = PL):  # type: ignore[no-untyped-def]
    return chat.bot.action(who, button.action, button.args, chat.now)


def test_afgerond_on_a_card_closes_the_milestone_once(chat: Chat, demo_db: Database) -> None:
    first = card_buttons(chat, "JGD-03")[0]
    assert (first.label, first.args["ref"]) == ("Afgerond", "JGD-03#1")
    assert "Mijlpaal JGD-03#1 Scenario's kostenbeheersing is afgerond." in plain(press(chat, first))
    assert "is al afgerond op 24 nov 2026" in plain(press(chat, first))  # the double click
    with demo_db.read() as s:
        entries = s.scalars(select(AuditRegel).where(AuditRegel.veld == "JGD-03#1 afgerond"))
        assert len(entries.all()) == 1


def test_a_click_on_a_card_that_changed_since_says_so(chat: Chat, demo_db: Database) -> None:
    buttons = card_buttons(chat, "JGD-03")
    chat("mijlpaal verplaats JGD-03#2 12 januari 2027", as_="plo-nieuwegein")
    assert "intussen door iemand anders gewijzigd" in plain(press(chat, buttons[0]))
    with demo_db.read() as s:
        assert s.scalar(select(Mijlpaal.afgerond_op).where(Mijlpaal.volgnummer == 1,
                                                           Mijlpaal.titel.like("Scenario%"))) \
            is None


def test_a_button_is_permission_checked_like_its_command(chat: Chat) -> None:
    outsider = Caller("console", "lekstroom", "medewerker-houten")
    afgerond = card_buttons(chat, "JGD-03")[0]
    assert "Dat mag jij niet (de mijlpalen van deze opgave beheren)" in plain(
        press(chat, afgerond, outsider))
    status_button = next(b for b in card_buttons(chat, "JGD-03") if b.label == "Status bijwerken")
    assert "Dat mag jij niet" in plain(press(chat, status_button, outsider))
    assert press(chat, status_button).form is not None


def test_the_status_form_from_a_card_updates_the_status(chat: Chat, demo_db: Database) -> None:
    status_button = next(b for b in card_buttons(chat, "JGD-03") if b.label == "Status bijwerken")
    form = press(chat, status_button).form
    assert form is not None and form.field("status").initial == "risico"
    reply = chat.bot.submit(PL, form.id, form.args, {"status": "op koers",
                                                     "toelichting": "akkoord"}, chat.now)
    assert "Status van JGD-03: 🟢 op koers." in plain(reply)
    again = chat.bot.submit(PL, form.id, form.args, {"status": "aandacht"}, chat.now)
    assert "intussen door iemand anders gewijzigd" in plain(again)


def test_verplaats_opens_a_form_with_the_open_milestones(chat: Chat) -> None:
    verplaats = next(b for b in card_buttons(chat, "JGD-03") if b.label == "Verplaats")
    form = press(chat, verplaats).form
    assert form is not None
    assert [o.value for o in form.field("mijlpaal").options] == ["1", "2"]
    reply = chat.bot.submit(PL, form.id, form.args, {"mijlpaal": "2", "datum": "2027-01-12"},
                            chat.now)
    assert "verplaatst van 10 dec 2026 naar 12 jan 2027" in plain(reply)


def test_deel_shares_the_card_in_the_channel_without_dilemmas(chat: Chat) -> None:
    chat("dilemma JGD-03 vertrouwelijk geheim", as_="pl-jeugdinkoop")
    shared = chat("status JGD-03 deel", as_="pl-jeugdinkoop")
    assert shared.in_channel
    text = chat.text("status JGD-03 deel", as_="pl-jeugdinkoop")
    assert "geheim" not in text and "Gedeeld door Femke Bakker" in text
    assert not chat("status JGD-03", as_="pl-jeugdinkoop").in_channel
