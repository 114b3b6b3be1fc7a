"""User texts live in one catalogue per language; the second language stays in step."""

from __future__ import annotations

import string

from bot.texts import catalogue, t, use_language


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_english_texts_use_the_same_placeholders_as_dutch() -> None:
    nl, en = catalogue("nl"), catalogue("en")
    assert set(en) <= set(nl)
    for key, template in en.items():
        assert _fields(template) == _fields(nl[key]), key


def test_a_text_missing_in_english_falls_back_to_dutch() -> None:
    use_language("en")
    try:
        assert t("usage", usage="x") == "Usage: x"
        assert t("card.fase") == "Fase"
    finally:
        use_language("nl")
