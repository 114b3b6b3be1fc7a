"""The permission table of PRODUCT.md, enforced in the service layer.

One row per action: the roles that may do it. A scoped role (projectleider, ambtelijk
or bestuurlijk opdrachtgever, voorzitter, secretaris) counts only for its own opgave or
overleg; the others count everywhere in the regio. ``help`` and the README render this
same table.
"""

from __future__ import annotations

from bot.context import Ctx
from bot.errors import NotAllowed
from bot.roles import SCOPED, Role, general_roles, opgave_roles, overleg_roles
from bot.texts import t, tn
from storage.models import Opgave

R = Role
DRIEHOEK_WORK = (R.PROJECTLEIDER, R.AMBTELIJK, R.PLO, R.PROGRAMMAMANAGER)
SPONSOR_WORK = (R.AMBTELIJK, R.PLO, R.PROGRAMMAMANAGER)
PERMISSIONS: dict[str, tuple[Role, ...]] = {
    "opgave.aanmaken": SPONSOR_WORK,
    "opgave.wijzigen": SPONSOR_WORK,
    "opgave.status": DRIEHOEK_WORK,
    "opgave.fase": DRIEHOEK_WORK,
    "opgave.mijlpalen": DRIEHOEK_WORK,
    "opgave.rollen": SPONSOR_WORK,
    "opgave.deelname": SPONSOR_WORK,
    "opgave.inzet": DRIEHOEK_WORK,
    "dilemma.melden": DRIEHOEK_WORK,
    "dilemma.escaleren": SPONSOR_WORK,
    "dilemma.oplossen": (R.AMBTELIJK, R.BESTUURLIJK, R.PLO, R.PROGRAMMAMANAGER),
    "afweging.starten": (R.PLO, R.PROGRAMMAMANAGER),
    "beheer.rooster": (R.PROGRAMMAMANAGER,),
    "beheer.overleggen": (R.PROGRAMMAMANAGER,),
    "overleg.vergaderingen": (R.VOORZITTER, R.SECRETARIS, R.PROGRAMMAMANAGER),
    "overleg.agenda": (R.VOORZITTER, R.SECRETARIS, R.PROGRAMMAMANAGER),
    "overleg.besluiten": (R.VOORZITTER, R.SECRETARIS, R.PROGRAMMAMANAGER),
}


# Actions not about one opgave: a scoped role counts if held anywhere ("ambtelijk
# opdrachtgevers"); for the others it means that opgave's ("de ambtelijk opdrachtgever").
REGION_WIDE = frozenset({"opgave.aanmaken"})


# Roles named as a group when they count everywhere ("PLO-leden", "ambtelijk
# opdrachtgevers"): the verb that follows is plural even when they are the only ones.
GROUPS = frozenset({R.PLO, R.AMBTELIJK, R.BESTUURLIJK})


def _scoped(role: Role, action: str) -> bool:
    return role in SCOPED and action not in REGION_WIDE


def who_may(action: str) -> str:
    def name(role: Role) -> str:
        key = role.name.lower()
        return t(f"role.scoped.{key}" if _scoped(role, action) else f"role.{key}")

    names = [name(role) for role in PERMISSIONS[action]]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + t("list.and") + names[-1]


def how_many_may(action: str) -> int:
    """1 when one person may ("Dat mag de programmamanager"), else 2 ("Dat mogen …")."""
    roles = PERMISSIONS[action]
    many = len(roles) > 1 or (roles[0] in GROUPS and not _scoped(roles[0], action))
    return 2 if many else 1


def holds(ctx: Ctx, action: str, opgave: Opgave | None = None,
          overleg_id: int | None = None) -> bool:
    needed = set(PERMISSIONS[action])
    roles = general_roles(ctx.session, ctx.actor)
    if opgave is not None:
        roles = (roles - SCOPED) | opgave_roles(opgave, ctx.actor)
    elif overleg_id is not None:
        roles = (roles - SCOPED) | overleg_roles(ctx.session, overleg_id, ctx.actor)
    return bool(roles & needed)


def require(ctx: Ctx, action: str, opgave: Opgave | None = None,
            overleg_id: int | None = None) -> None:
    if not holds(ctx, action, opgave, overleg_id):
        raise NotAllowed(tn("permission.denied", how_many_may(action),
                            action=t(f"action.{action}"), who=who_may(action)))
