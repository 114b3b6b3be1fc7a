"""User texts, one gettext catalogue per language (``nl`` is the product's language, ``en``
the second) under ``bot/locale/``. Code refers to texts by key, the catalogues' message id;
nothing builds Dutch sentences inline. A language's catalogue is loaded on its first text
(see ``catalogues``), not at import."""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from gettext import GNUTranslations, NullTranslations
from typing import Any

LANGUAGES = ("nl", "en")
_language: ContextVar[str] = ContextVar("language", default="nl")
_translations: dict[str, GNUTranslations] = {}
_read: dict[str, Mapping[str, str]] = {}


class _Missing(NullTranslations):
    """The end of the fallback chain (English → Dutch → this): a key that no catalogue
    has is a bug in the code, so it fails loudly instead of showing the key."""

    def gettext(self, message: str) -> str:
        raise KeyError(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        raise KeyError(msgid1)


def _translation(language: str) -> GNUTranslations:
    found = _translations.get(language)
    if found is None:
        from bot.texts.catalogues import load

        found = load(language)
        found.add_fallback(_translation("nl") if language != "nl" else _Missing())
        _translations[language] = found
    return found


def catalogue(language: str) -> Mapping[str, str]:
    """Every text of ``language`` as its ``.po`` has it, by message id; a plural text's
    forms as ``<id>.one`` and ``<id>.other`` (CLDR's names). For tests and tools: it reads
    the ``.po`` with Babel, which ``t`` never needs."""
    if language not in _read:
        from bot.texts.catalogues import read

        _read[language] = read(language)
    return _read[language]


def use_language(language: str) -> None:
    _language.set(language if language in LANGUAGES else "nl")


def current_language() -> str:
    return _language.get()


def t(key: str, **values: Any) -> str:
    """The text for ``key`` in the current language, falling back to Dutch."""
    template = _translation(_language.get()).gettext(key)
    return template.format(**values) if values else template


def tn(key: str, count: int, **values: Any) -> str:
    """A text that depends on a number: the form the language's CLDR plural rule picks
    for ``count`` (Dutch and English: one form for 1, another for every other number)."""
    template = _translation(_language.get()).ngettext(key, key, count)
    return template.format(count=count, **values)


def t_or(key: str, default: str) -> str:
    """The text for ``key`` if the catalogue has one, else ``default`` (e.g. field names)."""
    try:
        return _translation(_language.get()).gettext(key)
    except KeyError:
        return default
