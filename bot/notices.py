"""Messages the bot sends on its own initiative (through the outbox)."""

from __future__ import annotations

from bot.messages import Button, Message, PersonRef, Section, line
from bot.texts import t
from storage.models import Opgave, Persoon


def new_opgave_notice(opgave: Opgave, door: Persoon) -> Message:
    return Message(
        heading=t("notice.new_opgave.heading", code=opgave.code),
        sections=[Section(lines=[
            line(opgave.titel),
            line(t("notice.new_opgave.by"), PersonRef(persoon_id=door.id, naam=door.naam)),
        ])],
        buttons=[Button(label=t("button.bekijk"), action="cmd",
                        args={"text": f"status {opgave.code}"})],
    )
