from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class PagingState(Base):
    """What a "Meer" button pages through: the command it re-runs, kept here so the
    button carries a short key instead of the command (Slack takes 2,000 characters in a
    button's value, and a search term alone can be longer). Rows expire; expired rows
    are removed whenever a new one is stored."""

    __tablename__ = "paging_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    sleutel: Mapped[str] = mapped_column(String(32), unique=True)
    regio_id: Mapped[int] = mapped_column(ForeignKey("regio.id"))
    root: Mapped[str] = mapped_column(String(20))
    tekst: Mapped[str] = mapped_column(Text)
    aangemaakt_op: Mapped[datetime]
    verloopt_op: Mapped[datetime] = mapped_column(index=True)
