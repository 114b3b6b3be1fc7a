from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import NAME_LENGTH, Base

if TYPE_CHECKING:
    from storage.models.regio import Gemeente


class Persoon(Base):
    """A roster entry. May hold roles without any chat account (wethouders often have none)."""

    __tablename__ = "persoon"
    __table_args__ = (UniqueConstraint("regio_id", "handle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regio_id: Mapped[int] = mapped_column(ForeignKey("regio.id"), index=True)
    handle: Mapped[str] = mapped_column(String(60))
    naam: Mapped[str] = mapped_column(String(NAME_LENGTH))
    functie: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    email: Mapped[str | None] = mapped_column(String(NAME_LENGTH), index=True)
    gemeente_id: Mapped[int | None] = mapped_column(ForeignKey("gemeente.id"))
    is_programmamanager: Mapped[bool] = mapped_column(default=False)
    # Who receives what would be sent to this person when they have no chat account.
    vervanger_id: Mapped[int | None] = mapped_column(ForeignKey("persoon.id"))
    digest_per_dm: Mapped[bool] = mapped_column(default=False)
    actief: Mapped[bool] = mapped_column(default=True)

    gemeente: Mapped[Gemeente | None] = relationship()
    identiteiten: Mapped[list[Identiteit]] = relationship(back_populates="persoon")
    plo_gemeenten: Mapped[list[PloLid]] = relationship(back_populates="persoon",
                                                       foreign_keys="PloLid.persoon_id")
    vervanger: Mapped[Persoon | None] = relationship(remote_side="Persoon.id")


class Identiteit(Base):
    """A chat account (Slack, Mattermost or console) linked to a roster entry."""

    __tablename__ = "identiteit"
    __table_args__ = (UniqueConstraint("platform", "team_id", "extern_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    persoon_id: Mapped[int] = mapped_column(ForeignKey("persoon.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[str] = mapped_column(String(64))
    extern_id: Mapped[str] = mapped_column(String(64))
    gebruikersnaam: Mapped[str | None] = mapped_column(String(NAME_LENGTH))

    persoon: Mapped[Persoon] = relationship(back_populates="identiteiten")


class PloLid(Base):
    """Membership of the Programmaleidersoverleg on behalf of one gemeente."""

    __tablename__ = "plo_lid"

    persoon_id: Mapped[int] = mapped_column(ForeignKey("persoon.id"), primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"), primary_key=True)
    # Who follows the region's decisions through in this gemeente for this member (a
    # colleague they delegate it to); None: the member themselves.
    terugkoppeling_door_id: Mapped[int | None] = mapped_column(ForeignKey("persoon.id"))

    persoon: Mapped[Persoon] = relationship(back_populates="plo_gemeenten",
                                            foreign_keys=[persoon_id])
    gemeente: Mapped[Gemeente] = relationship()
