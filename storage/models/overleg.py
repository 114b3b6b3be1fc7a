from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import NAME_LENGTH, Base
from storage.models.people import Persoon


class Overleg(Base):
    """A body (BPSDL, PLO, Ambtelijk Overleg Jeugd …); names differ per region."""

    __tablename__ = "overleg"
    __table_args__ = (UniqueConstraint("regio_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regio_id: Mapped[int] = mapped_column(ForeignKey("regio.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    naam: Mapped[str] = mapped_column(String(NAME_LENGTH))
    soort: Mapped[str] = mapped_column(String(20))  # bestuurlijk / ambtelijk / werkgroep
    kanaal: Mapped[str | None] = mapped_column(String(80))
    stukken_termijn_dagen: Mapped[int] = mapped_column(default=5)
    is_plo: Mapped[bool] = mapped_column(default=False)
    # How it meets, as written ("elke tweede dinsdag van de maand 10:00"; bot.recurrence).
    ritme: Mapped[str | None] = mapped_column(String(120))

    leden: Mapped[list[OverlegLid]] = relationship(back_populates="overleg")
    vergaderingen: Mapped[list[Vergadering]] = relationship(
        back_populates="overleg", order_by="Vergadering.begint_op"
    )


class OverlegLid(Base):
    __tablename__ = "overleg_lid"

    overleg_id: Mapped[int] = mapped_column(ForeignKey("overleg.id"), primary_key=True)
    persoon_id: Mapped[int] = mapped_column(ForeignKey("persoon.id"), primary_key=True)
    rol: Mapped[str] = mapped_column(String(20), default="lid")  # lid / voorzitter / secretaris

    overleg: Mapped[Overleg] = relationship(back_populates="leden")
    persoon: Mapped[Persoon] = relationship()


class Vergadering(Base):
    __tablename__ = "vergadering"
    __table_args__ = (UniqueConstraint("overleg_id", "begint_op"),
                      UniqueConstraint("overleg_id", "uit_ritme_op"))

    id: Mapped[int] = mapped_column(primary_key=True)
    overleg_id: Mapped[int] = mapped_column(ForeignKey("overleg.id"), index=True)
    begint_op: Mapped[datetime]
    afgesloten_op: Mapped[datetime | None]
    # The day of the rhythm it was planned for (kept when it is moved, so the rhythm does
    # not plan it again); None for a meeting added by hand.
    uit_ritme_op: Mapped[date | None]

    overleg: Mapped[Overleg] = relationship(back_populates="vergaderingen")


class Agendapunt(Base):
    """An item for a body's agenda: put there by the bot (a finished afweging, a
    decision) or submitted by anyone. ``bron`` says where it came from, once."""

    __tablename__ = "agendapunt"

    id: Mapped[int] = mapped_column(primary_key=True)
    overleg_id: Mapped[int] = mapped_column(ForeignKey("overleg.id"), index=True)
    # The meeting it is planned for; None until a next meeting is known.
    vergadering_id: Mapped[int | None] = mapped_column(ForeignKey("vergadering.id"))
    opgave_id: Mapped[int | None] = mapped_column(ForeignKey("opgave.id"))
    soort: Mapped[str] = mapped_column(String(20))  # afweging / besluit / dilemma / punt
    titel: Mapped[str] = mapped_column(String(200))
    toelichting: Mapped[str | None] = mapped_column(Text)
    ingediend_door_id: Mapped[int | None] = mapped_column(ForeignKey("persoon.id"))
    ingediend_op: Mapped[datetime]
    bron: Mapped[str] = mapped_column(String(120), unique=True)
    # ingediend / geaccepteerd / afgewezen: the voorzitter or secretaris decides on what
    # people submit; what the bot puts there (an afweging's result) is accepted.
    status: Mapped[str] = mapped_column(String(20), default="ingediend",
                                        server_default="ingediend")
    beoordeeld_door_id: Mapped[int | None] = mapped_column(ForeignKey("persoon.id"))
    beoordeeld_op: Mapped[datetime | None]
