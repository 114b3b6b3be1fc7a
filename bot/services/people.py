"""Who is speaking: the workspace's regio, and the platform account's roster entry.

Someone met for the first time is matched to the roster by a verified e-mail address
when the platform gives one; otherwise they become a `lid` (reads, answers what they
are asked, changes nothing) and the programmamanager is told to link them."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session

from bot.context import Ctx
from bot.errors import UserError
from bot.messages import Message, Section, line
from bot.services import audit, notify
from bot.texts import t
from bot.typed import clean_account
from storage.models import NAME_LENGTH, Identiteit, Persoon, Regio, Werkruimte


@dataclass(frozen=True)
class Profile:
    display_name: str | None
    email: str | None  # only a verified address
    username: str | None = None  # where the platform has one (Mattermost's @name)


@dataclass(frozen=True)
class Account:
    """A platform account as the adapter knows it. ``email`` only when verified;
    ``profile`` fetches name and e-mail from the platform, called only on first contact."""

    platform: str
    team_id: str
    user_id: str
    display_name: str | None = None
    email: str | None = None
    profile: Callable[[], Profile] | None = field(default=None, compare=False)
    username: str | None = None
    # True where a user id is the same person in every team of the platform (one
    # Mattermost server), so their account in a linked team vouches for them in another.
    ids_span_teams: bool = False

    @property
    def handle(self) -> str | None:
        """What people type to name this account: the username, else the display name."""
        return self.username or self.display_name

    def completed(self) -> Account:
        if self.email is not None or self.profile is None:
            return self
        found = self.profile()
        return replace(self, display_name=found.display_name or self.display_name,
                       email=found.email, username=self.username or found.username,
                       profile=None)


def regio_for(session: Session, platform: str, team_id: str) -> Regio | None:
    return session.scalar(select(Regio).join(Werkruimte).where(
        Werkruimte.platform == platform, Werkruimte.team_id == team_id))


# Every request asks this: built once, with parameters.
_WHO = (
    select(Regio, Persoon)
    .join(Werkruimte, and_(Werkruimte.regio_id == Regio.id,
                           Werkruimte.platform == bindparam("platform"),
                           Werkruimte.team_id == bindparam("team")))
    .join(Persoon, Persoon.regio_id == Regio.id)
    .join(Identiteit, Identiteit.persoon_id == Persoon.id)
    .where(Identiteit.platform == bindparam("platform"), Identiteit.team_id == bindparam("team"),
           Identiteit.extern_id == bindparam("user"), Persoon.actief)
)


_ACCOUNTS = select(Identiteit.persoon_id, Identiteit.extern_id).where(
    Identiteit.platform == bindparam("platform"),
    Identiteit.persoon_id.in_(bindparam("ids", expanding=True)))


# Mentions are asked for on every card; who has which account changes seldom, and a
# mention that is a minute behind a re-link is harmless. Kept per process for a minute.
_ACCOUNT_CACHE: dict[tuple[int, str, int], tuple[float, str | None]] = {}
_ACCOUNT_TTL = 60.0


def accounts(session: Session, platform: str, persoon_ids: set[int]) -> dict[int, str]:
    """Persoon id → their user id on ``platform`` (for mentions)."""
    if not persoon_ids:
        return {}
    database = id(session.get_bind().pool)
    moment = time.monotonic()
    found: dict[int, str] = {}
    missing = []
    for persoon_id in persoon_ids:
        cached = _ACCOUNT_CACHE.get((database, platform, persoon_id))
        if cached is None or moment - cached[0] > _ACCOUNT_TTL:
            missing.append(persoon_id)
        elif cached[1] is not None:
            found[persoon_id] = cached[1]
    if missing:
        fetched = {persoon_id: user for persoon_id, user in session.execute(
            _ACCOUNTS, {"platform": platform, "ids": sorted(missing)})}
        if len(_ACCOUNT_CACHE) > 10_000:
            _ACCOUNT_CACHE.clear()
        for persoon_id in missing:
            _ACCOUNT_CACHE[(database, platform, persoon_id)] = (moment, fetched.get(persoon_id))
        found |= fetched
    return found


def who(session: Session, account: Account) -> tuple[Regio, Persoon] | None:
    """Regio and roster entry of a known account in a linked workspace, in one query."""
    row = session.execute(_WHO, {"platform": account.platform, "team": account.team_id,
                                 "user": account.user_id}).first()
    return (row[0], row[1]) if row else None


def identify(session: Session, regio: Regio, account: Account) -> Persoon | None:
    return session.scalar(select(Persoon).join(Identiteit).where(
        Identiteit.platform == account.platform, Identiteit.team_id == account.team_id,
        Identiteit.extern_id == account.user_id, Persoon.regio_id == regio.id, Persoon.actief))


def onboard(session: Session, account: Account, now: datetime, tz: ZoneInfo) -> None:
    """Make sure the workspace has a regio and the account a roster entry. Runs in the
    request's own unit of work, so a request that is then refused leaves none of it."""
    regio = regio_for(session, account.platform, account.team_id) or _first_workspace(
        session, account)
    if identify(session, regio, account) is not None:
        return
    if account.platform == "console":
        raise UserError(t("person.unknown", user=account.user_id[:60]))
    account = clean_account(account.completed())  # no control characters in names
    persoon = _by_email(session, regio, account.email) or _known_elsewhere(session, regio,
                                                                           account)
    first_contact = persoon is None
    if persoon is None:
        persoon = Persoon(regio_id=regio.id, handle=_free_handle(session, regio, account),
                          naam=(account.display_name or account.user_id)[:NAME_LENGTH],
                          email=account.email)
        session.add(persoon)
        session.flush()
    session.add(Identiteit(persoon_id=persoon.id, platform=account.platform,
                           team_id=account.team_id, extern_id=account.user_id,
                           gebruikersnaam=account.handle))
    session.flush()
    ctx = Ctx(session=session, regio=regio, actor=persoon, now=now, tz=tz,
              platform=account.platform)
    audit.record(ctx, "persoon", persoon.id, f"@{persoon.handle} account {account.platform}",
                 None, account.user_id)
    if first_contact:
        _tell_programme_managers(ctx, persoon, account)


def _first_workspace(session: Session, account: Account) -> Regio:
    """In a deployment of one regio, the first workspace of a platform that speaks to the
    bot is the one the app was installed in, and is linked on first contact. Any other
    (a shared channel's guests, another team on the server) waits for the
    programmamanager (``beheer werkruimte koppel``): until then it is refused, unwritten."""
    # Locked, so two first contacts at once cannot both be first.
    regios = list(session.scalars(select(Regio).with_for_update()))
    if len(regios) != 1:
        raise UserError(t("workspace.unknown"))
    if session.scalar(select(Werkruimte.id).where(
            Werkruimte.platform == account.platform).limit(1)) is not None:
        raise UserError(t("workspace.not_linked", naam=regios[0].naam, slug=regios[0].slug))
    session.add(Werkruimte(regio_id=regios[0].id, platform=account.platform,
                           team_id=account.team_id))
    session.flush()
    return regios[0]


def _by_email(session: Session, regio: Regio, email: str | None) -> Persoon | None:
    if not email:
        return None
    return session.scalar(select(Persoon).where(
        Persoon.regio_id == regio.id, Persoon.actief,
        func.lower(Persoon.email) == email.strip().lower()))


def _known_elsewhere(session: Session, regio: Regio, account: Account) -> Persoon | None:
    """Where user ids span the platform's teams: the person whose account is already
    known in another team of ``regio`` (the same person, now in a second team)."""
    if not account.ids_span_teams:
        return None
    return session.scalar(select(Persoon).join(Identiteit).join(Werkruimte, and_(
        Werkruimte.platform == Identiteit.platform, Werkruimte.team_id == Identiteit.team_id,
        Werkruimte.regio_id == regio.id)).where(
        Identiteit.platform == account.platform, Identiteit.extern_id == account.user_id,
        Persoon.regio_id == regio.id, Persoon.actief).limit(1))


def _free_handle(session: Session, regio: Regio, account: Account) -> str:
    base = re.sub(r"[^a-z0-9.\-_]+", "-", (account.handle or account.user_id).lower())
    base = base.strip("-")[:50] or "lid"
    handle, n = base, 1
    while session.scalar(select(Persoon.id).where(Persoon.regio_id == regio.id,
                                                  Persoon.handle == handle)):
        n += 1
        handle = f"{base}-{n}"
    return handle


def _tell_programme_managers(ctx: Ctx, persoon: Persoon, account: Account) -> None:
    message = Message(
        heading=t("onboard.heading", naam=persoon.naam),
        sections=[Section(lines=[line(t("onboard.body", handle=persoon.handle)),
                                 line(t("onboard.how", handle=persoon.handle))])])
    managers = ctx.session.scalars(select(Persoon).where(
        Persoon.regio_id == ctx.regio.id, Persoon.is_programmamanager, Persoon.actief))
    for manager in managers:
        notify.to_person(ctx, manager, message, key=f"kennismaking:{persoon.id}")


def link_workspace(session: Session, account: Account, slug: str, now: datetime,
                   tz: ZoneInfo) -> Regio:
    """The programmamanager of ``slug`` links a workspace that is not linked yet (any
    workspace with several regions; any but the first with one). She is known by her
    verified e-mail address, or, where user ids span the platform's teams, by her
    account in a team already linked."""
    regio = session.scalar(select(Regio).where(Regio.slug == slug.lower()))
    if regio is None:
        raise UserError(t("workspace.no_such_regio", slug=slug))
    existing = regio_for(session, account.platform, account.team_id)
    if existing is not None:
        raise UserError(t("workspace.already", naam=existing.naam))
    manager = _by_email(session, regio, account.completed().email)
    if manager is None or not manager.is_programmamanager:
        manager = _known_elsewhere(session, regio, account)
    if manager is None or not manager.is_programmamanager:
        raise UserError(t("workspace.only_manager", naam=regio.naam))
    session.add(Werkruimte(regio_id=regio.id, platform=account.platform,
                           team_id=account.team_id))
    session.flush()
    ctx = Ctx(session=session, regio=regio, actor=manager, now=now, tz=tz,
              platform=account.platform)
    audit.record(ctx, "regio", regio.id, f"werkruimte {account.platform}", None, account.team_id)
    return regio
