"""Import the roster from a CSV file: a dry run lists what would change; applying it
changes exactly that, audited. Any error in the file changes nothing at all.

Columns (header row, in any order): handle, naam, functie, email, gemeente, plo
(ja/nee: a PLO seat for their gemeente), programmamanager (ja/nee), vervanger (a handle,
in the roster or in the file). Only handle and naam are required; an empty cell leaves
that field as it is. People missing from the file are left alone.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.context import Ctx, system_actor
from bot.services import audit
from bot.services.roster import EMAIL, HANDLE, NO, YES, standin_warning
from bot.texts import t
from storage.models import Gemeente, Persoon, PloLid, Regio

COLUMNS = ("handle", "naam", "functie", "email", "gemeente", "plo", "programmamanager",
           "vervanger")


@dataclass
class Change:
    handle: str
    veld: str
    oud: str | None
    nieuw: str | None


@dataclass
class Plan:
    new: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    # Stand-ins set by the file through whom someone's messages still reach no one.
    warnings: list[str] = field(default_factory=list)


def read_rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    sample = text[:2048]
    dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("handle", "naam") if c not in header]
    if missing:
        return [], [t("import.missing_columns", columns=", ".join(missing))]
    unknown = [h for h in header if h not in COLUMNS]
    errors = [t("import.unknown_columns", columns=", ".join(unknown))] if unknown else []
    rows = []
    for number, raw in enumerate(reader, start=2):
        rows.append((number, {k.strip().lower(): (v or "").strip() for k, v in raw.items()
                              if k is not None}))
    return rows, errors


def plan(session: Session, regio: Regio, text: str) -> Plan:
    rows, errors = read_rows(text)
    result = Plan(errors=errors)
    gemeenten = {g.naam.lower(): g for g in session.scalars(
        select(Gemeente).where(Gemeente.regio_id == regio.id))}
    people = {p.handle: p for p in session.scalars(select(Persoon).where(
        Persoon.regio_id == regio.id))}
    in_file = {row.get("handle", "").lower() for _, row in rows}
    seen: set[str] = set()
    for number, row in rows:
        problems = _check(row, number, gemeenten, set(people) | in_file, seen)
        if problems:
            result.errors += problems
            continue
        handle = row["handle"].lower()
        seen.add(handle)
        result.rows.append(row)
        existing = people.get(handle)
        if existing is None:
            result.new.append(f"{row['naam']} (@{handle})")
            continue
        diffs = _diffs(session, existing, row, gemeenten)
        result.changes += diffs
        result.unchanged += not diffs
    return result


def _check(row: dict[str, str], number: int, gemeenten: dict[str, Gemeente],
           handles: set[str], seen: set[str]) -> list[str]:
    problems = []
    handle = row.get("handle", "").lower()
    if not HANDLE.match(handle):
        problems.append(t("import.bad_handle", line=number, handle=row.get("handle", "")))
    elif handle in seen:
        problems.append(t("import.duplicate", line=number, handle=handle))
    if not row.get("naam"):
        problems.append(t("import.no_name", line=number))
    if row.get("email") and not EMAIL.match(row["email"]):
        problems.append(t("import.bad_email", line=number, email=row["email"]))
    if row.get("gemeente") and row["gemeente"].lower() not in gemeenten:
        problems.append(t("import.bad_gemeente", line=number, gemeente=row["gemeente"]))
    for column in ("plo", "programmamanager"):
        if row.get(column) and row[column].lower() not in YES | NO:
            problems.append(t("import.bad_yes_no", line=number, column=column,
                              word=row[column]))
    if row.get("plo", "").lower() in YES and not row.get("gemeente"):
        problems.append(t("import.plo_needs_gemeente", line=number))
    if row.get("vervanger") and row["vervanger"].lower().lstrip("@") not in handles:
        problems.append(t("import.bad_vervanger", line=number, handle=row["vervanger"]))
    return problems


def _current(session: Session, persoon: Persoon) -> dict[str, str | None]:
    seat = session.scalar(select(PloLid).where(PloLid.persoon_id == persoon.id))
    return {
        "naam": persoon.naam, "functie": persoon.functie, "email": persoon.email,
        "gemeente": persoon.gemeente.naam if persoon.gemeente else None,
        "plo": "ja" if seat else "nee",
        "programmamanager": "ja" if persoon.is_programmamanager else "nee",
        "vervanger": persoon.vervanger.handle if persoon.vervanger else None,
    }


def _wanted(row: dict[str, str], gemeenten: dict[str, Gemeente]) -> dict[str, str]:
    wanted = {}
    for column in COLUMNS[1:]:
        value = row.get(column, "")
        if not value:
            continue
        if column in ("plo", "programmamanager"):
            value = "ja" if value.lower() in YES else "nee"
        elif column == "gemeente":
            value = gemeenten[value.lower()].naam
        elif column in ("vervanger",):
            value = value.lower().lstrip("@")
        elif column == "email":
            value = value.lower()
        wanted[column] = value
    return wanted


def _diffs(session: Session, persoon: Persoon, row: dict[str, str],
           gemeenten: dict[str, Gemeente]) -> list[Change]:
    current = _current(session, persoon)
    return [Change(persoon.handle, column, current[column], value)
            for column, value in _wanted(row, gemeenten).items() if current[column] != value]


def apply(session: Session, regio: Regio, result: Plan, now: datetime) -> None:
    """Carry out a plan without errors (made in the same unit of work)."""
    assert not result.errors, "a plan with errors is never applied"
    gemeenten = {g.naam.lower(): g for g in session.scalars(
        select(Gemeente).where(Gemeente.regio_id == regio.id))}
    people = {p.handle: p for p in session.scalars(select(Persoon).where(
        Persoon.regio_id == regio.id))}
    for row in result.rows:
        handle = row["handle"].lower()
        if handle not in people:
            persoon = Persoon(regio_id=regio.id, handle=handle, naam=row["naam"])
            session.add(persoon)
            session.flush()
            people[handle] = persoon
            audit.write(session, regio.id, now, None, "persoon", persoon.id, "toegevoegd",
                        None, f"{persoon.naam} (@{handle})")
    for row in result.rows:
        persoon = people[row["handle"].lower()]
        current = _current(session, persoon)
        for column, value in _wanted(row, gemeenten).items():
            if current[column] != value:
                _set(session, persoon, column, value, gemeenten, people)
                audit.write(session, regio.id, now, None, "persoon", persoon.id,
                            f"@{persoon.handle} {column}", current[column], value)
    session.flush()


def _set(session: Session, persoon: Persoon, column: str, value: str,
         gemeenten: dict[str, Gemeente], people: dict[str, Persoon]) -> None:
    if column in ("naam", "functie", "email"):
        setattr(persoon, column, value)
    elif column == "gemeente":
        persoon.gemeente_id = gemeenten[value.lower()].id
        session.flush()
        session.expire(persoon, ["gemeente"])
    elif column == "programmamanager":
        persoon.is_programmamanager = value == "ja"
    elif column == "vervanger":
        persoon.vervanger_id = people[value].id
        session.flush()
        session.expire(persoon, ["vervanger"])
    elif column == "plo":
        session.execute(delete(PloLid).where(PloLid.persoon_id == persoon.id))
        if value == "ja" and persoon.gemeente_id is not None:
            session.add(PloLid(persoon_id=persoon.id, gemeente_id=persoon.gemeente_id))
        session.flush()


def warn(session: Session, regio: Regio, result: Plan, now: datetime, tz: ZoneInfo) -> None:
    """Fill in ``result.warnings`` as ``/opgave beheer persoon wijzig … vervanger`` warns:
    the plan is carried out in a savepoint, each person the file gives a stand-in is
    checked as the command checks them, and all of it is undone."""
    if result.errors:
        return
    handles = [row["handle"].lower() for row in result.rows if row.get("vervanger")]
    if not handles:
        return
    savepoint = session.begin_nested()
    try:
        apply(session, regio, result, now)
        ctx = Ctx(session=session, regio=regio, actor=system_actor(regio), now=now, tz=tz,
                  platform="console")
        people = {p.handle: p for p in session.scalars(select(Persoon).where(
            Persoon.regio_id == regio.id, Persoon.handle.in_(handles)))}
        result.warnings = [warning for handle in handles
                           if (warning := standin_warning(ctx, people[handle])) is not None]
    finally:
        savepoint.rollback()
