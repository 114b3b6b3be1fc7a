from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class VragenlijstVersie(Base):
    """A questionnaire as loaded from its data file; answers keep the version they answered."""

    __tablename__ = "vragenlijst_versie"
    __table_args__ = (UniqueConstraint("sleutel", "versie"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sleutel: Mapped[str] = mapped_column(String(60))
    versie: Mapped[int]
    titel: Mapped[str] = mapped_column(String(200))
    inhoud: Mapped[dict[str, Any]]


class Afweging(Base):
    __tablename__ = "afweging"

    id: Mapped[int] = mapped_column(primary_key=True)
    opgave_id: Mapped[int] = mapped_column(ForeignKey("opgave.id"), index=True)
    vragenlijst_id: Mapped[int] = mapped_column(ForeignKey("vragenlijst_versie.id"))
    gestart_door_id: Mapped[int | None] = mapped_column(ForeignKey("persoon.id"))
    gestart_op: Mapped[datetime]
    verloopt_op: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="open")  # open/afgerond/verlopen
    # The combined result as it was when the afweging closed: stored on the opgave.
    uitkomst: Mapped[dict[str, Any] | None]
    afgerond_op: Mapped[datetime | None]


class Respondent(Base):
    __tablename__ = "respondent"
    __table_args__ = (UniqueConstraint("afweging_id", "persoon_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    afweging_id: Mapped[int] = mapped_column(ForeignKey("afweging.id"), index=True)
    persoon_id: Mapped[int] = mapped_column(ForeignKey("persoon.id"))
    gemeente_id: Mapped[int | None] = mapped_column(ForeignKey("gemeente.id"))
    # uitgenodigd / bezig / bevestigd / gestopt / verlopen
    status: Mapped[str] = mapped_column(String(20), default="uitgenodigd")
    bevestigd_op: Mapped[datetime | None]
    uitgenodigd_op: Mapped[datetime | None]
    # The last answer or nudge: a nudge goes out two working days after it.
    laatst_actief_op: Mapped[datetime | None]
    herinnerd_op: Mapped[datetime | None]


class Antwoord(Base):
    __tablename__ = "antwoord"
    __table_args__ = (UniqueConstraint("respondent_id", "vraag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondent.id"), index=True)
    vragenlijst_id: Mapped[int] = mapped_column(ForeignKey("vragenlijst_versie.id"))
    vraag: Mapped[str] = mapped_column(String(60))
    waarde: Mapped[str] = mapped_column(String(40))
    toelichting: Mapped[str | None] = mapped_column(Text)
    beantwoord_op: Mapped[datetime]


class Gesprek(Base):
    """A conversation's state, one row per person and subject, so it survives restarts."""

    __tablename__ = "gesprek"
    __table_args__ = (UniqueConstraint("persoon_id", "soort", "onderwerp_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    persoon_id: Mapped[int] = mapped_column(ForeignKey("persoon.id"), index=True)
    soort: Mapped[str] = mapped_column(String(30))
    onderwerp_id: Mapped[int]
    toestand: Mapped[str] = mapped_column(String(30))
    stap: Mapped[str | None] = mapped_column(String(60))
    # Bumped on every transition: a button carrying an older versie is stale.
    versie: Mapped[int] = mapped_column(default=1)
    gestart_op: Mapped[datetime]
    bijgewerkt_op: Mapped[datetime]
