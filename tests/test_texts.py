"""User texts live in one catalogue per language; the second language stays in step."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from bot import texts
from bot.texts import catalogue, catalogues, t, use_language
from bot.texts.catalogues import po_path


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_english_texts_use_the_same_placeholders_as_dutch() -> None:
    nl, en = catalogue("nl"), catalogue("en")
    assert set(en) == set(nl), "every Dutch text has an English one"
    for key, template in en.items():
        assert _fields(template) == _fields(nl[key]), key


def test_a_text_missing_in_english_falls_back_to_dutch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    english = po_path("en", tmp_path)
    english.parent.mkdir(parents=True)
    english.write_text(po_path("en").read_text(encoding="utf-8").replace(
        'msgid "card.fase"\nmsgstr "Phase"', 'msgid "card.fase"\nmsgstr ""'), encoding="utf-8")
    monkeypatch.setattr(catalogues, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(texts, "_translations", {"nl": texts._translation("nl")})
    use_language("en")
    try:
        assert t("usage", usage="x") == "Usage: x"
        assert t("card.fase") == "Fase"
    finally:
        use_language("nl")


def test_the_bot_answers_in_english_when_set(chat) -> None:  # type: ignore[no-untyped-def]
    use_language("en")
    try:
        assert "No opgave has code JGD-99" in chat.text("status JGD-99")
    finally:
        use_language("nl")
