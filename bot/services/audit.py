from __future__ import annotations

from typing import Any

from bot.context import Ctx
from storage.models import AuditRegel


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def record(
    ctx: Ctx, entiteit: str, entiteit_id: int, veld: str, oud: Any, nieuw: Any,
    opgave_id: int | None = None, dilemma_id: int | None = None,
) -> None:
    """One audit entry, in the caller's transaction; unchanged values write nothing."""
    if _text(oud) == _text(nieuw):
        return
    ctx.session.add(AuditRegel(
        regio_id=ctx.regio.id, op=ctx.now, door_id=ctx.actor.id, entiteit=entiteit,
        entiteit_id=entiteit_id, opgave_id=opgave_id, veld=veld, oud=_text(oud),
        nieuw=_text(nieuw), dilemma_id=dilemma_id,
    ))
