from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import NAME_LENGTH, Base


class AuditRegel(Base):
    """Who changed what, when, from what to what. Written in the same transaction as the change."""

    __tablename__ = "audit_regel"
    # The week's changes (the digest) without reading the regio's whole history.
    __table_args__ = (Index("ix_audit_regel_week", "regio_id", "op"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regio_id: Mapped[int] = mapped_column(ForeignKey("regio.id"), index=True)
    op: Mapped[datetime]
    door_id: Mapped[int | None] = mapped_column(ForeignKey("persoon.id"))
    entiteit: Mapped[str] = mapped_column(String(30))
    entiteit_id: Mapped[int]
    opgave_id: Mapped[int | None] = mapped_column(ForeignKey("opgave.id"), index=True)
    veld: Mapped[str] = mapped_column(String(NAME_LENGTH))
    oud: Mapped[str | None] = mapped_column(Text)
    nieuw: Mapped[str | None] = mapped_column(Text)
    # Set for entries about a vertrouwelijk dilemma: history hides them outside its circle.
    dilemma_id: Mapped[int | None] = mapped_column(ForeignKey("dilemma.id"))
