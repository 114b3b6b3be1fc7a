"""Nothing is lost from an agenda (issue 23 §3), across three simulated weeks of the demo
region through the console and `regiobot tick`: items accepted and declined by command
(the submitter told either way), an item after the deadline for papers going to the
meeting after and saying so, what a meeting did not handle moving to the next one, a
decision that asks whether the milestone waiting for it is done, a meeting nobody closed
brought up once the next working day, closing the meeting meant (and never twice), and
the agenda of a given meeting."""

from __future__ import annotations

import pytest

from tests.e2e.test_console import regiobot
from tests.e2e.test_meeting_cycle import chat, delivered, lines, tick


@pytest.fixture(scope="module")
def weeks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    workdir = tmp_path_factory.mktemp("agenda-lifecycle")
    assert regiobot(workdir, "demo", "--now", "2026-11-24T10:00+01:00").returncode == 0
    # The PLO meets on 1 and 15 December (papers by 26 November and 10 December); its
    # voorzitter is the programmamanager. The BPSDL meets on 10 December.
    return {
        "submit": chat(workdir, "medewerker-houten", "2026-11-24T10:00+01:00",
                       "/overleg agendapunt plo Wachttijden jeugd-ggz bespreken JGD-03",
                       "/overleg agendapunt plo Leerlingenvervoer",
                       "/overleg agendapunt plo Inzet gemeenten 2027"),
        "review": chat(workdir, "programmamanager", "2026-11-24T11:00+01:00",
                       "/overleg accepteer plo wachttijden", "/overleg afwijzen plo leerlingen",
                       "/overleg accepteer plo vervoer", "/overleg accepteer plo xyz"),
        "late": chat(workdir, "medewerker-houten", "2026-11-27T10:00+01:00",
                     "/overleg agendapunt plo Begroting 2027", "/overleg agenda plo",
                     "/overleg agenda plo 15 december"),
        "close": chat(workdir, "programmamanager", "2026-12-01T11:30+01:00",
                      "/overleg afsluiten plo", "/overleg afsluiten plo",
                      "/overleg afsluiten plo 15 december", "/overleg agenda plo",
                      "/overleg agenda plo 1 december"),
        "decide": chat(workdir, "programmamanager", "2026-12-10T16:30+01:00",
                       "/overleg besluit bpsdl JGD-03 raad Maatregelenpakket vastgesteld",
                       "#2"),
        "same_evening": tick(workdir, "2026-12-10T17:00+01:00"),
        "next_working_day": tick(workdir, "2026-12-11T09:05+01:00"),
        "monday": tick(workdir, "2026-12-14T09:05+01:00"),
        "closed_by_date": chat(workdir, "secretaris-bpsdl", "2026-12-14T10:00+01:00",
                               "/overleg afsluiten bpsdl 10 december",
                               "/overleg afsluiten bpsdl 10 december"),
        "tuesday": tick(workdir, "2026-12-15T09:05+01:00"),
    }


def test_the_voorzitter_accepts_and_declines_by_command_and_the_submitter_hears_both(
        weeks: dict[str, str]) -> None:
    assert weeks["submit"].count(" Accepteren] [#") == 3  # buttons as well
    assert weeks["review"] == lines(
        "‘Wachttijden jeugd-ggz bespreken’ staat op de agenda van Programmaleidersoverleg.",
        "→ @medewerker-houten: Je agendapunt ‘Wachttijden jeugd-ggz bespreken’ staat op de "
        "agenda van Programmaleidersoverleg (geaccepteerd door Marieke Jansen).",
        "‘Leerlingenvervoer’ komt niet op de agenda van Programmaleidersoverleg.",
        "→ @medewerker-houten: Je agendapunt ‘Leerlingenvervoer’ komt niet op de agenda van "
        "Programmaleidersoverleg (afgewezen door Marieke Jansen). Vraag gerust waarom.",
        # a declined item is not waiting any more: typing it again changes nothing
        "Programmaleidersoverleg heeft geen ingediend agendapunt ‘vervoer’ dat nog "
        "geaccepteerd moet worden. Zie /overleg agenda plo.",
        "Gebruik: /overleg accepteer <overleg> <agendapunt>",
        "Programmaleidersoverleg heeft geen ingediend agendapunt ‘xyz’ dat nog geaccepteerd "
        "moet worden. Zie /overleg agenda plo.",
        "Gebruik: /overleg accepteer <overleg> <agendapunt>")


def test_an_item_after_the_deadline_for_papers_goes_to_the_meeting_after_and_says_so(
        weeks: dict[str, str]) -> None:
    out = weeks["late"]
    assert out.startswith(lines(
        "Agendapunt ‘Begroting 2027’ ingediend bij Programmaleidersoverleg. De stukken voor "
        "de vergadering van dinsdag 1 december 2026 10:00 moesten uiterlijk donderdag 26 "
        "november 2026 binnen zijn, dus het komt op dinsdag 15 december 2026 10:00. De "
        "voorzitter of secretaris beslist of het op de agenda komt.",
        "→ @programmamanager: *Nieuw agendapunt voor Programmaleidersoverleg*",
        "  Van Olaf Kramer: Begroting 2027",
        "  Voor de vergadering van dinsdag 15 december 2026 10:00."))
    next_one = out[out.index("*Agenda Programmaleidersoverleg, dinsdag 1 december"):
                   out.index("*Agenda Programmaleidersoverleg, dinsdag 15 december")]
    assert "Begroting 2027" not in next_one and "Wachttijden" in next_one


def test_the_agenda_of_a_given_meeting_not_only_the_next(weeks: dict[str, str]) -> None:
    out = weeks["late"]
    assert out[out.index("*Agenda Programmaleidersoverleg, dinsdag 15 december"):] == lines(
        "*Agenda Programmaleidersoverleg, dinsdag 15 december 2026 10:00*",
        "Ter besluitvorming:",
        # still open items of the meeting before are shown on the one after it as well
        "  • Wachttijden jeugd-ggz bespreken 🟠 · Olaf Kramer  [#5 Bekijk]",
        "Ingediend, nog niet geaccepteerd:",
        "  • Inzet gemeenten 2027  [#6 Accepteren]",
        "  • Begroting 2027  [#7 Accepteren]",
        "(Stukken uiterlijk donderdag 10 december 2026.)",
        "(Accepteren of afwijzen kan ook getypt: /overleg accepteer plo <titel> of /overleg "
        "afwijzen plo <titel>.)")


def test_what_a_meeting_did_not_handle_moves_to_the_next_and_closing_twice_is_refused(
        weeks: dict[str, str]) -> None:
    out = weeks["close"]
    assert "Vergadering afgesloten; 0 besluiten gaan rond. Niet behandeld, doorgeschoven " \
           "naar dinsdag 15 december 2026 10:00: ‘Wachttijden jeugd-ggz bespreken’; ‘Inzet " \
           "gemeenten 2027’." in out
    assert lines(
        "Programmaleidersoverleg: de vergadering van dinsdag 1 december 2026 10:00 is al "
        "afgesloten (op dinsdag 1 december 2026 11:30). Een andere vergadering afsluiten: "
        "/overleg afsluiten plo <datum>",
        "Gebruik: /overleg afsluiten <overleg> [<datum>]",
        "Programmaleidersoverleg: de vergadering van dinsdag 15 december 2026 10:00 moet nog "
        "komen; afsluiten kan vanaf de dag zelf.",
        "Gebruik: /overleg afsluiten <overleg> [<datum>]",
        "*Agenda Programmaleidersoverleg, dinsdag 15 december 2026 10:00*",
        "Ter besluitvorming:",
        "  • Wachttijden jeugd-ggz bespreken 🟠 · Olaf Kramer  [#1 Bekijk]",
        "Ingediend, nog niet geaccepteerd:",
        "  • Inzet gemeenten 2027  [#2 Accepteren]",
        "  • Begroting 2027  [#3 Accepteren]",
        "(Stukken uiterlijk donderdag 10 december 2026.)",
        "(Accepteren of afwijzen kan ook getypt: /overleg accepteer plo <titel> of /overleg "
        "afwijzen plo <titel>.)",
        # the closed meeting's own agenda: what it handled, and that it is closed
        "*Agenda Programmaleidersoverleg, dinsdag 1 december 2026 10:00*",
        "Er werd niets behandeld dat op de agenda stond.",
        "(Deze vergadering is afgesloten op dinsdag 1 december 2026 11:30.)") in out
    # whoever submitted an item that moved on hears it, once per item, in one message
    assert lines(
        "→ @medewerker-houten: Je agendapunt ‘Wachttijden jeugd-ggz bespreken’ is niet "
        "behandeld in de vergadering van Programmaleidersoverleg van dinsdag 1 december 2026 "
        "10:00; het staat nu voor dinsdag 15 december 2026 10:00.",
        "  Je agendapunt ‘Inzet gemeenten 2027’ is niet behandeld in de vergadering van "
        "Programmaleidersoverleg van dinsdag 1 december 2026 10:00; het staat nu voor dinsdag "
        "15 december 2026 10:00.") in out
    assert out.count("→ @medewerker-houten:") == 1
    assert out.count("→ #plo: *Besluitenlijst") == 1


def test_a_decision_asks_whether_the_milestone_waiting_for_it_is_done(
        weeks: dict[str, str]) -> None:
    assert weeks["decide"] == lines(
        "✅ Besluit van Bestuurlijk Platform Sociaal Domein Lekstroom vastgelegd bij JGD-03.",
        "[#1 Bekijk]",
        "JGD-03#2 Besluit maatregelenpakket wachtte op het besluit van Bestuurlijk Platform "
        "Sociaal Domein Lekstroom. Is de mijlpaal daarmee afgerond?",
        "[#2 Afgerond]",
        "✅ Mijlpaal JGD-03#2 Besluit maatregelenpakket is afgerond.",
        "[#3 Bekijk]")


def test_a_meeting_nobody_closed_is_brought_up_once_the_next_working_day(
        weeks: dict[str, str]) -> None:
    heading = "Bestuurlijk Platform Sociaal Domein Lekstroom: vergadering nog niet afgesloten*"
    assert heading not in weeks["same_evening"]
    for who in ("wethouder-houten", "secretaris-bpsdl"):  # voorzitter and secretaris
        told = delivered(weeks["next_working_day"], f"→ @{who}: *{heading}") + "\n"
        assert told.startswith(lines(
            f"→ @{who}: *{heading}",
            "  De vergadering van donderdag 10 december 2026 15:00 is nog niet afgesloten. "
            "Sluit hem af, dan gaat de besluitenlijst rond en schuift wat niet behandeld is "
            "door naar de volgende vergadering: /overleg afsluiten bpsdl 10-12-2026",
            "  [Afsluiten]"))
    assert weeks["next_working_day"].count(heading) == 2
    assert heading not in weeks["monday"] and heading not in weeks["tuesday"]


def test_the_meeting_named_by_date_is_closed_once(weeks: dict[str, str]) -> None:
    out = weeks["closed_by_date"]
    assert out.startswith(lines(
        "*Besluitenlijst Bestuurlijk Platform Sociaal Domein Lekstroom, donderdag 10 december "
        "2026 15:00*",
        "JGD-03 Maatregelenpakket vastgesteld (college en raad)"))
    assert "Bestuurlijk Platform Sociaal Domein Lekstroom: de vergadering van donderdag 10 " \
           "december 2026 15:00 is al afgesloten (op maandag 14 december 2026 10:00)." in out
    assert out.count("→ #bpsdl: *Besluitenlijst") == 1
