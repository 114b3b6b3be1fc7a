"""The route a regional decision takes through each gemeente (seed 000: a regional body
decides nothing final). Pure: which step a gemeente owes next, given the steps it took."""

from __future__ import annotations

from collections.abc import Iterable

FEEDBACK = "teruggekoppeld"
# The steps after the feedback, per kind of local besluitvorming.
ROUTES: dict[str, tuple[str, ...]] = {
    "geen": (),
    "college": ("voorgelegd", "college"),
    "college_en_raad": ("voorgelegd", "college", "raad_voorgelegd", "raad"),
}


def next_step(lokaal: str, done: Iterable[str]) -> str | None:
    """The step a gemeente owes next, or None when it is through."""
    taken = set(done)
    for stap in (FEEDBACK, *ROUTES[lokaal]):
        if stap not in taken:
            return stap
    return None
