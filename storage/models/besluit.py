from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base


class Besluit(Base):
    """A decision of an overleg about an opgave; final decisions are each college's and raad's."""

    __tablename__ = "besluit"

    id: Mapped[int] = mapped_column(primary_key=True)
    opgave_id: Mapped[int] = mapped_column(ForeignKey("opgave.id"), index=True)
    overleg_id: Mapped[int] = mapped_column(ForeignKey("overleg.id"))
    vergadering_id: Mapped[int | None] = mapped_column(ForeignKey("vergadering.id"))
    tekst: Mapped[str] = mapped_column(Text)
    # geen / college / college_en_raad: how far each gemeente must take it.
    lokale_besluitvorming: Mapped[str] = mapped_column(String(20), default="geen")
    genomen_op: Mapped[datetime]
    door_id: Mapped[int | None] = mapped_column(ForeignKey("persoon.id"))

    stappen: Mapped[list[BesluitStap]] = relationship(back_populates="besluit")


class BesluitStap(Base):
    """One gemeente's step: teruggekoppeld, voorgelegd aan college, besluit college or raad."""

    __tablename__ = "besluit_stap"
    __table_args__ = (UniqueConstraint("besluit_id", "gemeente_id", "stap"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    besluit_id: Mapped[int] = mapped_column(ForeignKey("besluit.id"), index=True)
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"))
    stap: Mapped[str] = mapped_column(String(30))
    datum: Mapped[date | None]
    uitkomst: Mapped[str | None] = mapped_column(String(20))  # conform / afwijkend
    toelichting: Mapped[str | None] = mapped_column(Text)
    door_id: Mapped[int | None] = mapped_column(ForeignKey("persoon.id"))
    vastgelegd_op: Mapped[datetime]

    besluit: Mapped[Besluit] = relationship(back_populates="stappen")


class Dilemma(Base):
    """A bestuurlijk dilemma or change in scope; a vertrouwelijk one stays in its circle."""

    __tablename__ = "dilemma"
    __table_args__ = (UniqueConstraint("opgave_id", "volgnummer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opgave_id: Mapped[int] = mapped_column(ForeignKey("opgave.id"), index=True)
    volgnummer: Mapped[int]
    tekst: Mapped[str] = mapped_column(Text)
    vertrouwelijk: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open/geescaleerd/opgelost
    geescaleerd_naar_overleg_id: Mapped[int | None] = mapped_column(ForeignKey("overleg.id"))
    geescaleerd_naar_bestuurder: Mapped[bool] = mapped_column(default=False)
    ingediend_door_id: Mapped[int | None] = mapped_column(ForeignKey("persoon.id"))
    ingediend_op: Mapped[datetime]
    opgelost_op: Mapped[datetime | None]
    oplossing: Mapped[str | None] = mapped_column(Text)
