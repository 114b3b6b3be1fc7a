"""Who is speaking: a platform account, matched to a roster entry."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.texts import t
from storage.models import Identiteit, Persoon, Regio, Werkruimte


def regio_for(session: Session, platform: str, team_id: str) -> Regio:
    regio = session.scalar(select(Regio).join(Werkruimte).where(
        Werkruimte.platform == platform, Werkruimte.team_id == team_id))
    if regio is None:
        raise UserError(t("workspace.unknown"))
    return regio


def identify(session: Session, regio: Regio, platform: str, team_id: str,
             user_id: str) -> Persoon:
    persoon = session.scalar(select(Persoon).join(Identiteit).where(
        Identiteit.platform == platform, Identiteit.team_id == team_id,
        Identiteit.extern_id == user_id, Persoon.regio_id == regio.id))
    if persoon is None:
        raise UserError(t("person.unknown", user=user_id[:60]))
    return persoon
