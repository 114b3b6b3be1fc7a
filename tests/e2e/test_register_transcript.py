"""A week in the register, typed into the console as the people concerned would."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_console import NOW, assert_in_order, regiobot

SESSION = """\
/opgave update JGD-03 aandacht scenario's liggen bij de colleges
/opgave mijlpaal klaar JGD-03#1
/opgave mijlpaal verplaats JGD-03#2 14 januari 2027
/opgave mijlpaal toevoegen JGD-03 1 maart 2027 Evaluatie maatregelen
/opgave update WMO-01 risico
als plo-lopik
/opgave nieuw
Vervoer naar dagbesteding
Wmo
regionaal
samen verkennen
alleen voorbereiding

Verkennen of we het vervoer naar dagbesteding samen inkopen



Lopik, IJsselstein


/opgave rol WMO-04 projectleider @pl-wmo
/opgave rol WMO-04 ambtelijk @plo-lopik
/opgave rol WMO-04 bestuurlijk @wethouder-lopik
/opgave deelname WMO-04 Houten niet eigen contract tot 2028
/opgave deelname WMO-04 Nieuwegein mee
/opgave status WMO-04
als programmamanager
/opgave beheer koppel @wethouder-lopik @wethouder-lopik
/opgave beheer persoon toevoegen pl-vervoer Pieter Vos
/opgave beheer persoon vertrek @pl-wmo @pl-vervoer
als wethouder-lopik
/opgave mijn
"""


def test_a_week_in_the_register(tmp_path: Path) -> None:
    assert regiobot(tmp_path, "demo", "--now", NOW).returncode == 0
    result = regiobot(tmp_path, "chat", "--as", "pl-jeugdinkoop", "--now", NOW, stdin=SESSION)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    expected_in_order = [
        # the projectleider keeps her own opgave up to date …
        "✅ Status van JGD-03: 🟡 aandacht.",
        "✅ Mijlpaal JGD-03#1 Scenario's kostenbeheersing is afgerond.",
        "✅ Mijlpaal JGD-03#2 Besluit maatregelenpakket verplaatst van 10 dec 2026 naar "
        "14 jan 2027.",
        "✅ Mijlpaal JGD-03#3 Evaluatie maatregelen op 1 mrt 2027 toegevoegd.",
        # … and is refused on someone else's.
        "Dat mag jij niet (de status van deze opgave bijwerken). Dat mogen de projectleider, "
        "de ambtelijk opdrachtgever, PLO-leden en de programmamanager; er is niets veranderd.",
        # a PLO member creates an opgave with the form …
        "Titel (verplicht): Vervoer naar dagbesteding",
        "*Opgave WMO-04 is aangemaakt*",
        "→ #plo: *Nieuwe opgave WMO-04*",
        # … assigns the driehoek and sets deelname for two gemeenten
        "✅ Gerrit Visser is nu projectleider van WMO-04.",
        "→ @pl-wmo: *Je bent nu projectleider van WMO-04*",
        "✅ Maarten de Graaf is nu bestuurlijk opdrachtgever van WMO-04.",
        # wethouder-lopik has no account: his stand-in receives it, about him (issue 23)
        "→ @plo-lopik: *Maarten de Graaf (Wethouder Lopik, geen chataccount) is nu "
        "bestuurlijk opdrachtgever van WMO-04*",
        "(Je krijgt dit als vervanger van Maarten de Graaf.)",
        "✅ Houten doet niet mee aan WMO-04.",
        "✅ Nieuwegein doet mee aan WMO-04.",
        "*WMO-04 · Vervoer naar dagbesteding*",
        "Projectleider: Gerrit Visser",
        "Ambtelijk opdrachtgever: Carla Mulder",
        "Bestuurlijk opdrachtgever: Maarten de Graaf",
        "  • Doen mee: IJsselstein, Lopik, Nieuwegein",
        "  • Houten doet niet mee (eigen contract tot 2028) · negatief effect nog niet besproken",
        # the programmamanager links an account and hands over the roles of who leaves
        "@wethouder-lopik (console) is gekoppeld aan Maarten de Graaf.",
        "Pieter Vos (@pl-vervoer) staat in het rooster.",
        "*Gerrit Visser is vertrokken; de rollen gaan naar Pieter Vos:*",
        "WMO-04 projectleider",
        "→ #plo: *Gerrit Visser vertrekt; Pieter Vos neemt over*",
        "Je bent nu Maarten de Graaf (@wethouder-lopik).",
        "Als bestuurlijk opdrachtgever:",
        "WMO-04 Vervoer naar dagbesteding",
    ]
    assert_in_order(out, expected_in_order)
    assert "Traceback" not in out + result.stderr
