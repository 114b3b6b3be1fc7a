"""Import every handler module so each registers its commands; the app uses HANDLERS."""

from handlers import beheer, opgave, overleg  # noqa: F401  (imported to register)
from handlers.registry import HANDLERS

__all__ = ["HANDLERS"]
