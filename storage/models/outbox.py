from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class OutboxBericht(Base):
    """A message waiting to be delivered, written in the transaction that caused it.

    ``delivery_key`` (kind, subject, recipient, occurrence) is NOT NULL and unique, so
    planning the same message twice, from any number of processes, stores it once.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "volgende_poging_op"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_key: Mapped[str] = mapped_column(String(255), unique=True, nullable=False)
    regio_id: Mapped[int] = mapped_column(ForeignKey("regio.id"))
    platform: Mapped[str] = mapped_column(String(20))
    doel_soort: Mapped[str] = mapped_column(String(10))  # persoon / kanaal
    doel: Mapped[str] = mapped_column(String(80))  # persoon id or channel name
    bericht: Mapped[dict[str, Any]]
    # pending / sending / sent / failed
    status: Mapped[str] = mapped_column(String(10), default="pending")
    pogingen: Mapped[int] = mapped_column(default=0)
    volgende_poging_op: Mapped[datetime]
    geclaimd_tot: Mapped[datetime | None]
    geclaimd_door: Mapped[str | None] = mapped_column(String(80))
    aangemaakt_op: Mapped[datetime]
    verzonden_op: Mapped[datetime | None]
    extern_id: Mapped[str | None] = mapped_column(String(80))
    fout: Mapped[str | None] = mapped_column(Text)
    # The last attempt may have reached the platform (it timed out, or its worker died
    # with the claim): look the delivery key up before sending again.
    onzeker: Mapped[bool] = mapped_column(default=False, server_default=false())


class VerwerktEvent(Base):
    """An event id the bot has handled. Platforms retry events they think timed out
    (Slack's X-Slack-Retry-Num, Mattermost reconnects): the second one is skipped."""

    __tablename__ = "verwerkt_event"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(120))
    ontvangen_op: Mapped[datetime] = mapped_column(index=True)
