from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import NAME_LENGTH, Base


class Regio(Base):
    """A cooperation of gemeenten; a deployment can serve several."""

    __tablename__ = "regio"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    naam: Mapped[str] = mapped_column(String(NAME_LENGTH))
    # Region settings that differ per cooperation: phases, fair-share rule, themes, closing days.
    instellingen: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Bumped by every change to one of its opgaven, so a process can tell in the query
    # that identifies the caller whether its cached region overview is still current.
    versie: Mapped[int] = mapped_column(default=1, server_default="1")

    gemeenten: Mapped[list[Gemeente]] = relationship(
        back_populates="regio", order_by="Gemeente.naam"
    )
    werkruimtes: Mapped[list[Werkruimte]] = relationship(back_populates="regio")


class Werkruimte(Base):
    """A Slack workspace, Mattermost team or console that belongs to one regio."""

    __tablename__ = "werkruimte"
    __table_args__ = (UniqueConstraint("platform", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regio_id: Mapped[int] = mapped_column(ForeignKey("regio.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[str] = mapped_column(String(64))

    regio: Mapped[Regio] = relationship(back_populates="werkruimtes")


class PlatformKanaal(Base):
    """A channel as configured (its name, e.g. ``plo``) and the ID the platform gave it
    in one workspace or team: looked up once, then every post, lookup and thread uses
    the ID (Slack refuses names in most of its Web API)."""

    __tablename__ = "platform_kanaal"
    __table_args__ = (UniqueConstraint("platform", "team_id", "naam"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    # The workspace or team; "" where the platform's token already names one.
    team_id: Mapped[str] = mapped_column(String(64))
    naam: Mapped[str] = mapped_column(String(80))
    extern_id: Mapped[str] = mapped_column(String(80))


class Gemeente(Base):
    __tablename__ = "gemeente"
    __table_args__ = (UniqueConstraint("regio_id", "naam"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regio_id: Mapped[int] = mapped_column(ForeignKey("regio.id"), index=True)
    naam: Mapped[str] = mapped_column(String(80))

    regio: Mapped[Regio] = relationship(back_populates="gemeenten")
    aandelen: Mapped[list[Inwoneraandeel]] = relationship(
        back_populates="gemeente", order_by="Inwoneraandeel.jaar"
    )


class Inwoneraandeel(Base):
    """A gemeente's share of inhabitants for a year, used in fair-share reports."""

    __tablename__ = "inwoneraandeel"

    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"), primary_key=True)
    jaar: Mapped[int] = mapped_column(primary_key=True)
    procent: Mapped[Decimal] = mapped_column(Numeric(5, 2))

    gemeente: Mapped[Gemeente] = relationship(back_populates="aandelen")
