"""Issue 23 §4: the Dutch catalogue reads as Dutch — a count agrees with its noun, and
what is posted in a channel speaks in the third person ("jij" only in a DM)."""

from __future__ import annotations

import re

from bot.texts import catalogue

NL = catalogue("nl")
# A number placeholder directly followed by a noun needs a .one/.other pair.
COUNT_THEN_WORD = re.compile(r"\{(count|aantal|n|dagen|weken|uren|total|shown)\} (\w+)")
# Words after a number that read the same for one and for more.
SAME_FOR_ONE = {"van", "uur", "t", "tot", "keer", "procent", "getoond"}
PLURAL_NOUNS = ("leden", "dagen", "opgaven", "opgaves", "weken", "werkdagen", "wijzigingen",
                "mijlpalen", "punten", "agendapunten", "vragen", "gemeenten", "personen",
                "besluiten", "dilemma's", "regels", "berichten", "overleggen", "jaren")
ONE_THEN_PLURAL = re.compile(r"(?<![\d#.,])\b1 (" + "|".join(PLURAL_NOUNS) + r")\b")
# Texts that are posted in a channel (the digest of the PLO channel, the papers and
# summary of a meeting, the besluitenlijst, an afweging's result); the personal digest's
# own to-do lines (digest.todo.jouw_…) go by DM.
CHANNEL_PREFIXES = ("samenvatting.", "stukken.", "besluitenlijst.", "digest.",
                    "afweging.uitslag")
DM_ONLY = ("digest.todo.jouw_",)
SECOND_PERSON = re.compile(r"\b(jij|je|jou|jouw|jullie)\b", re.IGNORECASE)


def test_a_count_followed_by_a_noun_has_a_singular_and_a_plural_form() -> None:
    wrong = [f"{key}: {text}" for key, text in NL.items()
             if not key.endswith((".one", ".other"))
             for m in COUNT_THEN_WORD.finditer(text) if m[2] not in SAME_FOR_ONE]
    assert wrong == []


def test_every_singular_has_its_plural_and_the_other_way_round() -> None:
    stems = {key.rsplit(".", 1)[0] for key in NL if key.endswith((".one", ".other"))}
    missing = [stem for stem in stems
               if f"{stem}.one" not in NL or f"{stem}.other" not in NL]
    assert missing == []


def test_no_text_says_one_with_a_plural_noun() -> None:
    wrong = [f"{key}: {text}" for key, text in NL.items() if ONE_THEN_PLURAL.search(text)]
    wrong += [f"{key}: {text}" for key, text in NL.items() if key.endswith(".one")
              and re.search(r"\{count\} (" + "|".join(PLURAL_NOUNS) + r")\b", text)]
    assert wrong == []


def test_channel_texts_speak_in_the_third_person() -> None:
    wrong = [f"{key}: {text}" for key, text in NL.items()
             if key.startswith(CHANNEL_PREFIXES) and not key.startswith(DM_ONLY)
             and SECOND_PERSON.search(text)]
    assert wrong == []


def test_no_stray_punctuation() -> None:
    stray = re.compile(r"\s[,.;:](?!\w)|[,;:]\.|\.\.(?!\.)|\s{2,}\S|\(\s|\s\)")
    assert all(stray.search(bad) for bad in ("Klaar .", "Klaar,.", "Zie ( hier)", "a  b"))
    wrong = [f"{key}: {text!r}" for key, text in NL.items()
             if stray.search(text.replace("…", "x"))]
    assert wrong == []


def test_articles_and_spelling() -> None:
    wrong = re.compile(r"\bde afwegingskader\b|\bopgaves\b|\been leden\b", re.IGNORECASE)
    assert [f"{key}: {text}" for key, text in NL.items() if wrong.search(text)] == []
