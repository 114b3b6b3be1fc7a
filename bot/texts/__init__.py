"""User texts, one catalogue per language (``nl`` is the product's language, ``en`` the
second). Code refers to texts by key; nothing builds Dutch sentences inline."""

from __future__ import annotations

from contextvars import ContextVar
from importlib import import_module
from typing import Any

LANGUAGES = ("nl", "en")
_language: ContextVar[str] = ContextVar("language", default="nl")
_catalogues: dict[str, dict[str, str]] = {}


def catalogue(language: str) -> dict[str, str]:
    if language not in _catalogues:
        _catalogues[language] = import_module(f"bot.texts.{language}").TEXTS
    return _catalogues[language]


def use_language(language: str) -> None:
    _language.set(language if language in LANGUAGES else "nl")


def current_language() -> str:
    return _language.get()


def t(key: str, **values: Any) -> str:
    """The text for ``key`` in the current language, falling back to Dutch."""
    texts = catalogue(_language.get())
    template = texts.get(key) or catalogue("nl")[key]
    return template.format(**values) if values else template


def tn(key: str, count: int, **values: Any) -> str:
    """A text that depends on a number: ``key.one`` for 1, ``key.other`` otherwise."""
    return t(f"{key}.{'one' if count == 1 else 'other'}", count=count, **values)


def t_or(key: str, default: str) -> str:
    """The text for ``key`` if the catalogue has one, else ``default`` (e.g. field names)."""
    return catalogue(_language.get()).get(key) or catalogue("nl").get(key) or default
