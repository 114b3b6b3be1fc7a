"""What lets a planning pass skip the milestones when nothing they depend on changed.

A counter (``PlanningTeller``, kept by storage.planning_counter) goes up with every
committed change to a table planning reads. A planning pass reads the counter first,
then the data, and stores the count it read with what it planned for (the day, the
region's rules and calendar) in ``PlanningStand``; a later pass that finds both the same
has nothing new to plan. A change that commits while a pass runs leaves the counter
past the stored count, so the next pass plans in full.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class PlanningTeller(Base):
    """One row: how many units of work changed what planning reads."""

    __tablename__ = "planning_teller"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    teller: Mapped[int] = mapped_column(BigInteger)


class PlanningStand(Base):
    """Per regio: what its last full planning pass planned for (``sleutel``: day, rules,
    calendar) and the counter it read before reading the data."""

    __tablename__ = "planning_stand"

    regio_id: Mapped[int] = mapped_column(ForeignKey("regio.id"), primary_key=True,
                                          autoincrement=False)
    sleutel: Mapped[str] = mapped_column(String(255))
    teller: Mapped[int] = mapped_column(BigInteger)
