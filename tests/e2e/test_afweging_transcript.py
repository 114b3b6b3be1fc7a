"""A whole afweging typed into the console: the programmamanager starts it for two PLO
members, who disagree, through to the combined uitslag (issue: afwegingskader)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_console import NOW, assert_in_order, regiobot

SESSION = """\
als programmamanager
/opgave afweging JGD-03
1, 3

als plo-houten
nee
nee, geen wettelijke taak
ja, want de kosten stijgen in alle vijf gemeenten
ja
nee
ja, zelfde aanbieders
nee
weet ik niet
ja
ook uitvoering
ja
klaar
als plo-lopik
misschien
nee
nee
nee, Lopik werkt al met een eigen aanbieder
terug
nee, Lopik werkt al met een eigen aanbieder
nee
nee
nee
nee
nee
nee
3
weet ik niet, hangt af van de scenario's
alleen voorbereiding
nee
ja, want dan valt de inkoop voor de anderen duurder uit
klaar
/opgave afweging JGD-03 uitslag
"""


def test_two_plo_members_who_disagree_get_a_combined_uitslag(tmp_path: Path) -> None:
    assert regiobot(tmp_path, "demo", "--now", NOW).returncode == 0
    result = regiobot(tmp_path, "chat", "--as", "pl-jeugdinkoop", "--now", NOW, stdin=SESSION)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    expected_in_order = [
        # the programmamanager picks two respondents from the PLO
        "✅ Afweging JGD-03 gestart: 2 mensen krijgen de vragen in een DM (Anouk de Vries, "
        "Carla Mulder).",
        "→ @plo-houten: *Afweging JGD-03 · Kostenbeheersing Jeugdhulp*",
        "Vraag 1 van 11 Zijn we verplicht een opgave gezamenlijk op te pakken?",
        "→ @plo-lopik: *Afweging JGD-03 · Kostenbeheersing Jeugdhulp*",
        # Houten answers one question per message, toelichting included
        "Je bent nu Anouk de Vries (@plo-houten).",
        "Vraag 2 van 11",
        "Vraag 3 van 11",
        "Vraag 11 van 11 Doet jouw gemeente mee aan deze opgave?",
        "3. Levert het project of de inspanning een positieve bijdrage",
        "Ja — want de kosten stijgen in alle vijf gemeenten",
        "Jouw uitkomst: meerwaarde: kan focus van het programma vormen",
        "Bedankt, je antwoorden voor JGD-03 zijn bevestigd en tellen mee.",
        # Lopik types something that is no answer, goes back once, and ends lokaal …
        "Je bent nu Carla Mulder (@plo-lopik).",
        "Dat is geen antwoord op deze vraag; er is niets vastgelegd.",
        "Vraag 3 van 11",
        "Je antwoord nu: Nee — Lopik werkt al met een eigen aanbieder",
        "Jouw uitkomst: geen regionale meerwaarde: lokaal oppakken",
        # … then changes question 3 from the summary: now reikwijdte and deelname follow
        "Vraag 3 van 9",
        "Vraag 10 van 11 Doen we alleen de voorbereiding gezamenlijk",
        "Vraag 12 van 12 Heeft het niet meedoen van jouw gemeente negatieve effecten",
        "Jouw uitkomst: nog niet te bepalen",
        "⚠️ vooraf bespreken",
        "Bedankt, je antwoorden voor JGD-03 zijn bevestigd en tellen mee.",
        # complete: to the opgave's thread, the PLO channel and the bestuurlijk opdrachtgever
        "→ #ao-jeugd: *Uitslag afweging JGD-03 Kostenbeheersing Jeugdhulp*",
        "→ #plo: *Uitslag afweging JGD-03 Kostenbeheersing Jeugdhulp*",
        "→ @wethouder-houten: *Uitslag afweging JGD-03 Kostenbeheersing Jeugdhulp*",
        # the combined uitslag, asked for afterwards
        "*Uitslag afweging JGD-03 Kostenbeheersing Jeugdhulp*",
        "Uitkomst: nog niet te bepalen",
        "Houten (Anouk de Vries): meerwaarde: kan focus van het programma vormen",
        "Lopik (Carla Mulder): nog niet te bepalen",
        "1. Zijn we verplicht een opgave gezamenlijk op te pakken? Nee (Nee 2)",
        "open (gelijke stand) (Ja 1 · Weet ik niet 1) — verschil van mening",
        "Houten: Ja — want de kosten stijgen in alle vijf gemeenten",
        "Lopik: Weet ik niet — hangt af van de scenario's",
        "Houten: doet mee",
        "Lopik: doet niet mee — ⚠️ vooraf bespreken",
    ]
    assert_in_order(out, expected_in_order)
    assert "Traceback" not in out + result.stderr
