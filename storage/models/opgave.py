from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, partial_index

if TYPE_CHECKING:
    from storage.models.besluit import Dilemma
from storage.models.overleg import Overleg
from storage.models.people import Persoon
from storage.models.regio import Gemeente


class Opgave(Base):
    """A regional task on the samenwerkingsagenda, with its driehoek as three nullable roles.

    A NULL role is a vacancy, which the bot reports rather than hides.
    """

    __tablename__ = "opgave"
    __table_args__ = (
        UniqueConstraint("regio_id", "code"),
        # Covers the region overview (counts and "needs attention" in one index scan, no
        # table rows read); its leading column serves every lookup by regio too.
        Index("ix_opgave_overzicht", "regio_id", "fase", "status", "eerste_open_mijlpaal",
              "status_op", "projectleider_id", "ambtelijk_opdrachtgever_id",
              "bestuurlijk_opdrachtgever_id", "agenda_volgorde", "code"),
        # The agenda's order: the digest names the first few opgaven of a kind by walking
        # it, instead of sorting the whole regio.
        Index("ix_opgave_agenda", "regio_id", "agenda_volgorde", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    regio_id: Mapped[int] = mapped_column(ForeignKey("regio.id"))
    code: Mapped[str] = mapped_column(String(20))
    titel: Mapped[str] = mapped_column(String(200))
    thema: Mapped[str | None] = mapped_column(String(60))
    niveau: Mapped[str | None] = mapped_column(String(20))
    vorm: Mapped[str | None] = mapped_column(String(30))
    reikwijdte: Mapped[str | None] = mapped_column(String(30))
    jaar: Mapped[int | None]
    opdracht: Mapped[str | None] = mapped_column(Text)
    is_account: Mapped[bool] = mapped_column(default=False)
    fase: Mapped[str] = mapped_column(String(30), default="voorstel")
    status: Mapped[str | None] = mapped_column(String(20))
    status_toelichting: Mapped[str | None] = mapped_column(Text)
    status_op: Mapped[datetime | None]
    projectleider_id: Mapped[int | None] = mapped_column(ForeignKey("persoon.id"), index=True)
    ambtelijk_opdrachtgever_id: Mapped[int | None] = mapped_column(
        ForeignKey("persoon.id"), index=True
    )
    bestuurlijk_opdrachtgever_id: Mapped[int | None] = mapped_column(
        ForeignKey("persoon.id"), index=True
    )
    # Home overleg: its ambtelijk overleg; NULL means the PLO's channel.
    overleg_id: Mapped[int | None] = mapped_column(ForeignKey("overleg.id"))
    budget: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    evaluatie: Mapped[str | None] = mapped_column(Text)
    agenda_volgorde: Mapped[int] = mapped_column(default=0)
    # The date of the earliest open milestone, kept by storage.queries.refresh_first_open
    # whenever milestones change: the overview asks "late?" of thousands of opgaven at once.
    eerste_open_mijlpaal: Mapped[date | None]
    # The outcome of the last closed afweging, kept on the opgave so its card shows it.
    afweging_uitkomst: Mapped[str | None] = mapped_column(String(200))
    aangemaakt_op: Mapped[datetime]
    gewijzigd_op: Mapped[datetime]
    # Buttons carry this so a click on a card that has changed since is recognised.
    versie: Mapped[int] = mapped_column(default=1)

    projectleider: Mapped[Persoon | None] = relationship(foreign_keys=[projectleider_id])
    ambtelijk_opdrachtgever: Mapped[Persoon | None] = relationship(
        foreign_keys=[ambtelijk_opdrachtgever_id]
    )
    bestuurlijk_opdrachtgever: Mapped[Persoon | None] = relationship(
        foreign_keys=[bestuurlijk_opdrachtgever_id]
    )
    overleg: Mapped[Overleg | None] = relationship()
    mijlpalen: Mapped[list[Mijlpaal]] = relationship(
        back_populates="opgave", order_by="Mijlpaal.datum", cascade="all, delete-orphan"
    )
    deelnames: Mapped[list[Deelname]] = relationship(
        back_populates="opgave", cascade="all, delete-orphan"
    )
    # Read-only: the card loads the open ones with the opgave (see register.card).
    dilemmas: Mapped[list[Dilemma]] = relationship(
        "Dilemma", viewonly=True, order_by="Dilemma.volgnummer"
    )


class OpgaveDraad(Base):
    """The bot's root post for an opgave on one platform; updates go in its thread."""

    __tablename__ = "opgave_draad"
    __table_args__ = (UniqueConstraint("opgave_id", "platform"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opgave_id: Mapped[int] = mapped_column(ForeignKey("opgave.id"))
    platform: Mapped[str] = mapped_column(String(20))
    kanaal_id: Mapped[str] = mapped_column(String(80))
    bericht_id: Mapped[str] = mapped_column(String(80))


class Deelname(Base):
    __tablename__ = "deelname"

    opgave_id: Mapped[int] = mapped_column(ForeignKey("opgave.id"), primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"), primary_key=True)
    doet_mee: Mapped[bool]
    reden: Mapped[str | None] = mapped_column(Text)
    negatief_effect_besproken: Mapped[bool | None]

    opgave: Mapped[Opgave] = relationship(back_populates="deelnames")
    gemeente: Mapped[Gemeente] = relationship()


class Inzet(Base):
    """Hours a gemeente puts into an opgave in a year (for fair-share reports)."""

    __tablename__ = "inzet"

    opgave_id: Mapped[int] = mapped_column(ForeignKey("opgave.id"), primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"), primary_key=True)
    jaar: Mapped[int] = mapped_column(primary_key=True)
    uren: Mapped[Decimal] = mapped_column(Numeric(8, 1))


class FaseWijziging(Base):
    __tablename__ = "fase_wijziging"

    id: Mapped[int] = mapped_column(primary_key=True)
    opgave_id: Mapped[int] = mapped_column(ForeignKey("opgave.id"), index=True)
    fase: Mapped[str] = mapped_column(String(30))
    op: Mapped[datetime]
    door_id: Mapped[int | None] = mapped_column(ForeignKey("persoon.id"))


class StatusUpdate(Base):
    __tablename__ = "status_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    opgave_id: Mapped[int] = mapped_column(ForeignKey("opgave.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    toelichting: Mapped[str | None] = mapped_column(Text)
    op: Mapped[datetime]
    door_id: Mapped[int | None] = mapped_column(ForeignKey("persoon.id"))


class Mijlpaal(Base):
    """A milestone, referred to as ``<code>#<volgnummer>`` (``JGD-03#2``)."""

    __tablename__ = "mijlpaal"
    __table_args__ = (
        UniqueConstraint("opgave_id", "volgnummer"),
        # Planning reads only open milestones near today: a million closed or far-off
        # ones must not slow it down.
        partial_index("ix_mijlpaal_open_datum", "datum", "opgave_id",
                      where="afgerond_op IS NULL"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opgave_id: Mapped[int] = mapped_column(ForeignKey("opgave.id"), index=True)
    volgnummer: Mapped[int]
    titel: Mapped[str] = mapped_column(String(200))
    datum: Mapped[date]
    eigenaar_id: Mapped[int | None] = mapped_column(ForeignKey("persoon.id"))
    besluit_door_id: Mapped[int | None] = mapped_column(ForeignKey("overleg.id"))
    afgerond_op: Mapped[datetime | None]

    opgave: Mapped[Opgave] = relationship(back_populates="mijlpalen")
    eigenaar: Mapped[Persoon | None] = relationship()
    besluit_door: Mapped[Overleg | None] = relationship()
