from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.models.people import Persoon


class Afwezigheid(Base):
    """Someone is away from ``van`` to ``tot`` (both included). Their reminders go to the
    vervanger, or without one wait for their return, folded into one message."""

    __tablename__ = "afwezigheid"

    id: Mapped[int] = mapped_column(primary_key=True)
    persoon_id: Mapped[int] = mapped_column(ForeignKey("persoon.id"), index=True)
    van: Mapped[date]
    tot: Mapped[date] = mapped_column(index=True)
    vervanger_id: Mapped[int | None] = mapped_column(ForeignKey("persoon.id"))
    aangemaakt_op: Mapped[datetime]

    persoon: Mapped[Persoon] = relationship(foreign_keys=[persoon_id])
    vervanger: Mapped[Persoon | None] = relationship(foreign_keys=[vervanger_id])


class Uitstel(Base):
    """*Herinner me later*: no reminders of this milestone to this person before ``tot``;
    on ``tot`` one reminder."""

    __tablename__ = "uitstel"
    __table_args__ = (UniqueConstraint("persoon_id", "mijlpaal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    persoon_id: Mapped[int] = mapped_column(ForeignKey("persoon.id"))
    mijlpaal_id: Mapped[int] = mapped_column(ForeignKey("mijlpaal.id", ondelete="CASCADE"),
                                             index=True)
    tot: Mapped[date]
