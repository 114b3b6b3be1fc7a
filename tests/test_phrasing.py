"""Every count and every list of roles reads as Dutch: "1 lid", "2 leden"; "Dat mag de
programmamanager", "Dat mogen de voorzitter en de programmamanager" (issue 22)."""

from __future__ import annotations

import re
import string

import pytest

from bot.permissions import PERMISSIONS, how_many_may, who_may
from bot.texts import catalogue, t, tn
from tests.conftest import Chat

# Dutch nouns that follow a number in our texts: plural → singular.
NOUNS = {"dagen": "dag", "werkdagen": "werkdag", "weken": "week", "leden": "lid",
         "opgaven": "opgave", "mijlpalen": "mijlpaal", "personen": "persoon",
         "mensen": "persoon", "vragen": "vraag", "gemeenten": "gemeente",
         "fouten": "fout", "antwoorden": "antwoord", "wijzigingen": "wijziging",
         "besluiten": "besluit", "velden": "veld"}
NUMBER = re.compile(r"\{(count|total|aantal|days|weeks|n|asked)\}\s+(\w+)")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _sample(template: str, count: int) -> str:
    values = {name: "X" for name in _fields(template)}
    values["count"] = str(count)
    return template.format(**values)


def test_a_number_before_a_noun_is_always_a_one_and_other_pair() -> None:
    """A text that puts a number before a noun must come as ``.one`` and ``.other``, so
    ``tn`` picks the singular for 1."""
    nl = catalogue("nl")
    for key, template in nl.items():
        for _, noun in NUMBER.findall(template):
            if noun in NOUNS:
                assert key.endswith(".other"), f"{key}: ‘{template}’ needs a .one form"
        assert "(en)" not in template and "(s)" not in template, key


def plural_texts() -> list[str]:
    nl = catalogue("nl")
    return sorted(key[: -len(".other")] for key in nl
                  if key.endswith(".other") and f"{key[:-6]}.one" in nl)


@pytest.mark.parametrize("key", plural_texts())
@pytest.mark.parametrize("count", [0, 1, 2])
def test_each_count_phrase_reads_as_dutch_for_0_1_and_2(key: str, count: int) -> None:
    template = catalogue("nl")[f"{key}.{'one' if count == 1 else 'other'}"]
    text = _sample(template, count)
    for plural, singular in NOUNS.items():
        if count == 1:
            assert not re.search(rf"\b1 {plural}\b", text), text
        else:
            assert not re.search(rf"\b{count} {singular}\b", text), text
    if "{count}" in catalogue("nl")[f"{key}.other"] and count != 1:
        assert str(count) in text


@pytest.mark.parametrize(("key", "values", "expected"), [
    ("overleg.leden", {}, ["0 leden", "1 lid", "2 leden"]),
    ("roster.heading", {}, ["Rooster (0 personen)", "Rooster (1 persoon)",
                            "Rooster (2 personen)"]),
    ("overview.heading", {"regio": "Lekstroom"}, ["Lekstroom: 0 opgaven", "Lekstroom: 1 opgave",
                                                 "Lekstroom: 2 opgaven"]),
    ("audit.deelnemers", {}, ["0 gemeenten doen mee", "1 gemeente doet mee",
                              "2 gemeenten doen mee"]),
    ("mijlpaal.late", {"date": "1 dec"}, ["1 dec, 0 dagen te laat", "1 dec, 1 dag te laat",
                                          "1 dec, 2 dagen te laat"]),
    ("count.dagen", {}, ["0 dagen", "1 dag", "2 dagen"]),
    ("afweging.open_aantal", {}, ["Nog open: 0 vragen", "Nog open: 1 vraag",
                                  "Nog open: 2 vragen"]),
    ("import.refused", {}, ["0 fouten in het bestand", "1 fout in het bestand",
                            "2 fouten in het bestand"]),
    ("statusvraag.vraag", {}, ["Al 0 weken", "Al 1 week", "Al 2 weken"]),
    ("digest.afweging", {"done": 0}, ["0 van 0 antwoorden", "0 van 1 antwoord",
                                      "0 van 2 antwoorden"]),
    ("afweging.gestart", {"code": "JGD-03", "namen": "Anouk"},
     ["0 mensen krijgen", "1 persoon krijgt", "2 mensen krijgen"]),
])
def test_counts_render_as_dutch(key: str, values: dict[str, object],
                                expected: list[str]) -> None:
    for count, text in zip((0, 1, 2), expected, strict=True):
        assert text in tn(key, count, **values)


def test_a_late_milestone_in_the_attention_list_counts_its_days() -> None:
    one_day = tn("attention.te_laat", 1, dagen=tn("count.dagen", 1))
    assert one_day == "mijlpaal 1 dag te laat"
    assert tn("attention.te_laat", 2, dagen=tn("count.dagen", 5)) == \
        "2 mijlpalen te laat (oudste 5 dagen)"


@pytest.mark.parametrize("action", list(PERMISSIONS))
def test_a_refusal_agrees_with_who_may(action: str) -> None:
    who = who_may(action)
    text = tn("permission.denied", how_many_may(action), action=t(f"action.{action}"),
              who=who)
    several = t("list.and") in who or who in ("PLO-leden", "ambtelijk opdrachtgevers",
                                              "bestuurlijk opdrachtgevers")
    assert (f"Dat mogen {who};" if several else f"Dat mag {who};") in text


def test_one_role_and_several_roles_through_the_console(chat: Chat) -> None:
    assert "Dat mag de programmamanager; er is niets veranderd." in chat.text("beheer rooster")
    assert ("Dat mogen ambtelijk opdrachtgevers, PLO-leden en de programmamanager; er is "
            "niets veranderd.") in chat.text("nieuw Iets", as_="medewerker-houten")
    overleggen = chat.bot.command(chat.caller, "overleg", "lijst", chat.now)
    shown = " ".join(line.plain for m in overleggen.messages for s in m.sections
                     for line in s.lines)
    assert "· 1 lid ·" in shown and "· 2 leden ·" in shown and "· 0 leden ·" in shown
    assert "1 leden" not in shown
