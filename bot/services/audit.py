from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.context import Ctx
from bot.texts import t, t_or
from storage.models import AuditRegel


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def write(
    session: Session, regio_id: int, now: datetime, door_id: int | None, entiteit: str,
    entiteit_id: int, veld: str, oud: Any, nieuw: Any, opgave_id: int | None = None,
    dilemma_id: int | None = None,
) -> None:
    """One audit entry, in the caller's transaction; unchanged values write nothing.
    ``door_id`` None means the system (an import, the scheduler)."""
    if _text(oud) == _text(nieuw):
        return
    session.add(AuditRegel(
        regio_id=regio_id, op=now, door_id=door_id, entiteit=entiteit,
        entiteit_id=entiteit_id, opgave_id=opgave_id, veld=veld, oud=_text(oud),
        nieuw=_text(nieuw), dilemma_id=dilemma_id,
    ))


def record(
    ctx: Ctx, entiteit: str, entiteit_id: int, veld: str, oud: Any, nieuw: Any,
    opgave_id: int | None = None, dilemma_id: int | None = None,
) -> None:
    """An audit entry for what the acting person changed."""
    write(ctx.session, ctx.regio.id, ctx.now, ctx.actor.id, entiteit, entiteit_id, veld, oud,
          nieuw, opgave_id, dilemma_id)


def describe(entry: AuditRegel, key: str = "history.change") -> str:
    """One change as a reader says it. A change of state that has a sentence of its own
    ("afweging verlopen") reads as that sentence, not as "status: open → verlopen"; any
    other as ``key`` with the field's name and its old and new value."""
    sentence = t_or(f"wijziging.{entry.entiteit}.{entry.veld}.{entry.nieuw}", "")
    if sentence:
        return sentence
    label, old, new = field_label(entry), entry.oud or "–", entry.nieuw or "–"
    return t(key, field=label, old=old, new=new, veld=label, oud=old, nieuw=new)


def net_changes(entries: list[AuditRegel]) -> list[AuditRegel]:
    """Per thing changed, one change from its first old value to its last new one, and
    none when it ends where it began: a change that was undone is no change to report.
    The merged entries are transient copies, never added to a session."""
    first: dict[tuple[str, int, str], AuditRegel] = {}
    last: dict[tuple[str, int, str], AuditRegel] = {}
    for entry in entries:
        key = (entry.entiteit, entry.entiteit_id, entry.veld)
        first.setdefault(key, entry)
        last[key] = entry
    result: list[AuditRegel] = []
    for key, final in last.items():
        start = first[key]
        if start is final:
            result.append(final)
        elif start.oud != final.nieuw:
            columns = {c.key: getattr(final, c.key) for c in AuditRegel.__table__.columns}
            result.append(AuditRegel(**{**columns, "oud": start.oud}))
    return sorted(result, key=lambda e: (e.op, e.id or 0))


def field_label(entry: AuditRegel) -> str:
    """What changed, as a reader says it: the field's name ("ambtelijk opdrachtgever"), and
    for a change to something else than the opgave itself, what it belongs to ("afweging
    status") — the same words in the history and in the digest."""
    label = t_or(f"veld.{entry.veld}", entry.veld.replace("_", " "))
    if entry.entiteit in ("afweging", "respondent"):
        return f"{t(f'entiteit.{entry.entiteit}')} {label}"
    return label
