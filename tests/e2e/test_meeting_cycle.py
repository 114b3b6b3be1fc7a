"""A whole PLO meeting cycle as people and the operator live it: the console for what
people type, `regiobot tick --now …` for what the worker sends. Agendapunt submitted and
accepted, the agenda, the summary two working days before (also over Easter), a decision
that each college and raad must take, the besluitenlijst, feedback per gemeente and its
reminders, the college and raad steps of two gemeenten of which one decides afwijkend,
the card's row per gemeente and the digest's lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_console import regiobot


def chat(workdir: Path, handle: str, now: str, *lines: str) -> str:
    done = regiobot(workdir, "chat", "--as", handle, "--now", now,
                    stdin="".join(f"{line}\n" for line in lines))
    assert done.returncode == 0, done.stderr
    return done.stdout


def tick(workdir: Path, now: str) -> str:
    done = regiobot(workdir, "tick", "--now", now)
    assert done.returncode == 0, done.stderr
    return done.stdout


def delivered(out: str, header: str) -> str:
    """The delivery that starts with ``header``, up to the next one (or the tick's summary)."""
    start = out.index(header)
    ends = [e for e in (out.find("\n→ ", start), out.find("\ntick ", start)) if e >= 0]
    return out[start:min(ends)] if ends else out[start:]


def in_bundle(out: str, who: str, title: str) -> list[str]:
    """The section of ``who``'s DM (a bundle of what was due together) titled ``title``:
    its title and its lines, unindented."""
    shown = delivered(out, f"→ @{who}: ").removeprefix(f"→ @{who}: ").split("\n")
    start = next(n for n, ln in enumerate(shown) if ln.strip().startswith(title))
    rest = [ln.strip() for ln in shown[start + 1:]]
    return [shown[start].strip(), *rest[:next((n for n, ln in enumerate(shown[start + 1:])
                                               if not ln.startswith("    ")), len(rest))]]


def lines(*text: str) -> str:
    return "\n".join(text) + "\n"


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    workdir = tmp_path_factory.mktemp("meeting-cycle")
    assert regiobot(workdir, "demo", "--now", "2026-11-24T10:00+01:00").returncode == 0
    return {
        "submit": chat(workdir, "medewerker-houten", "2026-11-24T10:00+01:00",
                       "/overleg agendapunt plo Wachttijden jeugd-ggz bespreken JGD-03",
                       "als programmamanager", "#1", "/overleg agenda plo",
                       "/overleg agenda bpsdl"),
        "friday": tick(workdir, "2026-11-27T09:05+01:00"),
        "meeting": chat(workdir, "programmamanager", "2026-12-01T11:30+01:00",
                        "/overleg besluit plo JGD-03 raad Wachttijdenaanpak regionaal oppakken",
                        "/overleg afsluiten plo"),
        "feedback": chat(workdir, "plo-houten", "2026-12-02T10:00+01:00",
                         "/overleg stappen JGD-03", "#1", "/overleg stappen JGD-03", "#3",
                         "8-12-2026", "als plo-lopik", "/overleg stappen JGD-03", "#5",
                         "/overleg stappen JGD-03", "#7", "8-12-2026"),
        "thursday": tick(workdir, "2026-12-03T09:05+01:00"),
        "college_day_after": tick(workdir, "2026-12-09T09:05+01:00"),
        "colleges": chat(workdir, "plo-houten", "2026-12-10T10:00+01:00",
                         "/overleg stappen JGD-03", "#1", "conform", "", "", "#2", "17-12-2026",
                         "als plo-lopik", "/overleg stappen JGD-03", "#4", "afwijkend",
                         "Lopik doet alleen de eerste drie maatregelen", ""),
        "raad_day_after": tick(workdir, "2026-12-18T09:05+01:00"),
        "raad": chat(workdir, "plo-houten", "2026-12-18T10:00+01:00",
                     "/overleg stappen JGD-03", "#1", "conform", "", "", "/opgave status JGD-03",
                     "als plo-nieuwegein", "/overleg vergadering ao-jeugd 31 maart 2027 13:30"),
        "monday": tick(workdir, "2026-12-21T09:05+01:00"),
        "before_easter": tick(workdir, "2027-03-25T09:05+01:00"),
        "friday_before_easter": tick(workdir, "2027-03-26T09:05+01:00"),
    }


def test_anyone_submits_and_the_voorzitter_accepts(cycle: dict[str, str]) -> None:
    assert cycle["submit"] == lines(
        "Agendapunt ‘Wachttijden jeugd-ggz bespreken’ ingediend bij Programmaleidersoverleg, "
        "voor dinsdag 1 december 2026 10:00. De voorzitter of secretaris beslist of het op de "
        "agenda komt.",
        "→ @programmamanager: *Nieuw agendapunt voor Programmaleidersoverleg*",
        "  Van Olaf Kramer: Wachttijden jeugd-ggz bespreken",
        "  Bij JGD-03 Kostenbeheersing Jeugdhulp.",
        "  Voor de vergadering van dinsdag 1 december 2026 10:00.",
        "  [#1 Accepteren] [#2 Afwijzen]",
        "Je bent nu Marieke Jansen (@programmamanager).",
        "‘Wachttijden jeugd-ggz bespreken’ staat op de agenda van Programmaleidersoverleg.",
        "→ @medewerker-houten: Je agendapunt ‘Wachttijden jeugd-ggz bespreken’ staat op de "
        "agenda van Programmaleidersoverleg (geaccepteerd door Marieke Jansen).",
        "*Agenda Programmaleidersoverleg, dinsdag 1 december 2026 10:00*",
        "Ter besluitvorming:",
        "  • Wachttijden jeugd-ggz bespreken 🟠 · Olaf Kramer  [#3 Bekijk]",
        "(Stukken uiterlijk donderdag 26 november 2026.)",
        # the preview names who must be there, as the summary two working days before
        "*Agenda Bestuurlijk Platform Sociaal Domein Lekstroom, donderdag 10 december 2026"
        " 15:00*",
        "Ter besluitvorming:",
        "  • JGD-01#2 Inkoopstrategie vastgesteld · 29 nov 2026 🟡 · Femke Bakker, Dirk van"
        " Leeuwen, Lotte Brouwer  [#4 Bekijk]",
        "  • JGD-03#2 Besluit maatregelenpakket · 10 dec 2026 🟠 · Femke Bakker, Dirk van"
        " Leeuwen, Karel Boer  [#5 Bekijk]",
        "  • WMO-03#1 Opdrachtomschrijving naar BPSDL · 10 dec 2026 ⚪ · Esra Yilmaz, Lotte"
        " Brouwer  [#6 Bekijk]",
        "(Stukken uiterlijk vrijdag 20 november 2026.)")


def test_two_working_days_before_the_channel_hears_who_must_be_there(
        cycle: dict[str, str]) -> None:
    assert delivered(cycle["friday"], "→ #plo: *Programmaleidersoverleg") == lines(
        "→ #plo: *Programmaleidersoverleg, dinsdag 1 december 2026 10:00: wat er te besluiten"
        " is*",
        "  Ter besluitvorming (wie er moet zijn):",
        "    • Wachttijden jeugd-ggz bespreken 🟠 · Olaf Kramer  [Bekijk]",
        "  Aanwezig:",
        "    • Olaf Kramer",
        "  (Details: /opgave status <code> · de agenda: /overleg agenda plo)").rstrip("\n")


def test_the_besluitenlijst_goes_round_and_each_gemeente_is_asked(
        cycle: dict[str, str]) -> None:
    out = cycle["meeting"]
    assert out.startswith(lines(
        "✅ Besluit van Programmaleidersoverleg vastgelegd bij JGD-03.",
        "[#1 Bekijk]",
        "*Besluitenlijst Programmaleidersoverleg, dinsdag 1 december 2026 10:00*",
        "JGD-03 Wachttijdenaanpak regionaal oppakken (college en raad)",
        "(Elke gemeente koppelt terug; ik volg het per gemeente.)",
        "Vergadering afgesloten; 1 besluit gaat rond.",
        "→ #plo: *Besluitenlijst Programmaleidersoverleg, dinsdag 1 december 2026 10:00*",
        "  JGD-03 Wachttijdenaanpak regionaal oppakken (college en raad)",
        "  (Elke gemeente koppelt terug; ik volg het per gemeente.)",
        "→ #ao-jeugd: *Besluit Programmaleidersoverleg*",
        "  Wachttijdenaanpak regionaal oppakken"))
    assert delivered(out, "→ @plo-lopik:") == lines(
        "→ @plo-lopik: *JGD-03: koppel het besluit terug in Lopik*",
        "  Programmaleidersoverleg heeft besloten. Koppel het terug in de organisatie van Lopik"
        " en druk dan op Teruggekoppeld:",
        "  Wachttijdenaanpak regionaal oppakken",
        "  Daarna besluiten het college en de raad.",
        "  [#4 Teruggekoppeld]").rstrip("\n")
    assert out.count("koppel het besluit terug in") == 5


def test_feedback_and_the_planned_college_date_per_gemeente(cycle: dict[str, str]) -> None:
    assert cycle["feedback"].startswith(lines(
        "Houten, volgende stap: teruggekoppeld.",
        "Wachttijdenaanpak regionaal oppakken",
        "[#1 Teruggekoppeld]",
        "Vastgelegd voor Houten. Volgende stap: voorgelegd aan het college.",
        "[#2 Volgende stap vastleggen]",
        "Houten, volgende stap: voorgelegd aan het college.",
        "Wachttijdenaanpak regionaal oppakken",
        "[#3 Volgende stap vastleggen]",
        "*Houten: voorgelegd aan het college*"))
    assert cycle["feedback"].endswith(lines(
        "Datum collegevergadering (verplicht; bijv. 12 maart of 12-03): 8-12-2026",
        "Vastgelegd voor Lopik. Volgende stap: besluit college.",
        "[#8 Volgende stap vastleggen]"))


def test_who_has_not_fed_back_after_two_working_days_is_reminded(
        cycle: dict[str, str]) -> None:
    out = cycle["thursday"]
    assert in_bundle(out, "plo-ijsselstein", "JGD-03: IJsselstein") == [
        "JGD-03: IJsselstein is nog niet rond:",
        "• Het besluit is nog niet teruggekoppeld.",
        "• Wachttijdenaanpak regionaal oppakken",
        "[Teruggekoppeld]"]
    assert "Houten is nog niet rond" not in out and "Lopik is nog niet rond" not in out


def test_a_college_date_that_passed_is_chased(cycle: dict[str, str]) -> None:
    out = cycle["college_day_after"]
    assert in_bundle(out, "plo-lopik", "JGD-03: Lopik") == [
        "JGD-03: Lopik is nog niet rond:",
        "• Het college zou op 8 dec 2026 besluiten; dat besluit staat nog niet vast.",
        "• Wachttijdenaanpak regionaal oppakken",
        "[Volgende stap vastleggen]"]


def test_one_college_follows_and_one_deviates_with_its_reasons(cycle: dict[str, str]) -> None:
    typed = cycle["colleges"][:cycle["colleges"].find("→ ")]  # what was delivered: below
    assert typed == lines(
        "Houten, volgende stap: besluit college.",
        "Wachttijdenaanpak regionaal oppakken",
        "[#1 Volgende stap vastleggen]",
        "*Houten: besluit college*",
        "Formulier ‘Houten: besluit college’: vul de velden in (leeg laten mag als een veld "
        "niet verplicht is; ‘annuleer’ stopt).",
        "Besluit (verplicht; kies uit: 1 conform, 2 afwijkend): conform",
        "Toelichting (Verplicht bij afwijkend): ",
        "Datum besluit (bijv. 12 maart of 12-03): ",
        "Vastgelegd voor Houten. Volgende stap: voorgelegd aan de raad.",
        "[#2 Volgende stap vastleggen]",
        "*Houten: voorgelegd aan de raad*",
        "Formulier ‘Houten: voorgelegd aan de raad’: vul de velden in (leeg laten mag als een "
        "veld niet verplicht is; ‘annuleer’ stopt).",
        "Datum raadsvergadering (verplicht; bijv. 12 maart of 12-03): 17-12-2026",
        "Vastgelegd voor Houten. Volgende stap: besluit raad.",
        "[#3 Volgende stap vastleggen]",
        "Je bent nu Carla Mulder (@plo-lopik).",
        "Lopik, volgende stap: besluit college.",
        "Wachttijdenaanpak regionaal oppakken",
        "[#4 Volgende stap vastleggen]",
        "*Lopik: besluit college*",
        "Formulier ‘Lopik: besluit college’: vul de velden in (leeg laten mag als een veld "
        "niet verplicht is; ‘annuleer’ stopt).",
        "Besluit (verplicht; kies uit: 1 conform, 2 afwijkend): afwijkend",
        "Toelichting (Verplicht bij afwijkend): Lopik doet alleen de eerste drie maatregelen",
        "Datum besluit (bijv. 12 maart of 12-03): ",
        "Vastgelegd voor Lopik. Volgende stap: voorgelegd aan de raad.",
        "[#5 Volgende stap vastleggen]")


def test_the_deviating_college_is_told_to_the_programmamanager_and_the_sponsor(
        cycle: dict[str, str]) -> None:
    # JGD-03's ambtelijk opdrachtgever is plo-nieuwegein; the console delivers at once.
    for who in ("programmamanager", "plo-nieuwegein"):
        assert delivered(cycle["colleges"], f"→ @{who}: *JGD-03: het college van Lopik "
                         "besluit afwijkend*").rstrip("\n") == lines(
            f"→ @{who}: *JGD-03: het college van Lopik besluit afwijkend*",
            "  Opgave JGD-03 Kostenbeheersing Jeugdhulp.",
            "  Regionaal advies van Programmaleidersoverleg: Wachttijdenaanpak regionaal "
            "oppakken",
            "  Reden: Lopik doet alleen de eerste drie maatregelen",
            "  (Vastgelegd door Carla Mulder.)").rstrip("\n")
    assert cycle["colleges"].count("besluit afwijkend*") == 2


def test_a_raad_date_that_passed_is_chased_and_then_recorded(cycle: dict[str, str]) -> None:
    assert in_bundle(cycle["raad_day_after"], "plo-houten", "JGD-03: Houten") == [
        "JGD-03: Houten is nog niet rond:",
        "• De raad zou op 17 dec 2026 besluiten; dat besluit staat nog niet vast.",
        "• Wachttijdenaanpak regionaal oppakken",
        "[Volgende stap vastleggen]"]
    out = cycle["raad"]
    assert out.startswith(lines(
        "Houten, volgende stap: besluit raad.",
        "Wachttijdenaanpak regionaal oppakken",
        "[#1 Volgende stap vastleggen]",
        "*Houten: besluit raad*"))
    assert lines(
        "Vastgelegd voor Houten. Daarmee is Houten rond.",
        "*JGD-03 · Kostenbeheersing Jeugdhulp*") in out
    assert lines(
        "Besluit Programmaleidersoverleg: Wachttijdenaanpak regionaal oppakken:",
        "  • Houten: ✅ rond (besluit raad conform)",
        "  • IJsselstein: ⏳ nog terug te koppelen",
        "  • Lopik: ⏳ nog voor te leggen aan de raad (besluit college afwijkend)",
        "  • Nieuwegein: ⏳ nog terug te koppelen",
        "  • Vijfheerenlanden: ⏳ nog terug te koppelen") in out


def test_the_digest_lists_what_is_open_per_gemeente(cycle: dict[str, str]) -> None:
    digest = delivered(cycle["monday"], "→ #plo: *PLO-digest")
    assert lines(
        "  Besluiten per gemeente (nog niet rond):",
        "    • IJsselstein: JGD-03 (terugkoppelen)",
        "    • Lopik: JGD-03 (voorleggen aan raad)",
        "    • Nieuwegein: JGD-03 (terugkoppelen)",
        "    • Vijfheerenlanden: JGD-03 (terugkoppelen)") in digest + "\n"


def test_the_summary_before_a_meeting_after_easter_comes_on_friday(
        cycle: dict[str, str]) -> None:
    assert "Vergadering van Ambtelijk Overleg Jeugd gepland op woensdag 31 maart 2027 13:30." \
        in cycle["raad"]
    header = "→ #ao-jeugd: *Ambtelijk Overleg Jeugd, woensdag 31 maart 2027 13:30"
    assert header not in cycle["before_easter"]
    assert delivered(cycle["friday_before_easter"], header).startswith(lines(
        "→ #ao-jeugd: *Ambtelijk Overleg Jeugd, woensdag 31 maart 2027 13:30: wat er te "
        "besluiten is*",
        "  Niets ter besluitvorming: overweeg de vergadering te laten vervallen.",
        "  Ter informatie:"))


def test_a_rhythm_day_on_christmas_moves_to_the_next_working_day_and_says_so(
        tmp_path: Path) -> None:
    assert regiobot(tmp_path, "demo", "--now", "2026-12-02T10:00+01:00").returncode == 0
    # The last Friday of December 2026 is Eerste Kerstdag; the RTO has no voorzitter.
    assert "op een vrije dag, dan plan ik hem op de werkdag erna" in chat(
        tmp_path, "programmamanager", "2026-12-02T10:00+01:00",
        "/overleg ritme rto elke laatste vrijdag van de maand 10:00")
    planned = tick(tmp_path, "2026-12-03T09:05+01:00")
    for to in ("#rto", "@programmamanager"):
        told = delivered(planned, f"→ {to}: *Regionaal teamleidersoverleg: vergadering "
                                  "verschoven*")
        assert "Volgens het ritme viel de vergadering op vrijdag 25 december 2026, maar dat " \
               "is Eerste kerstdag. Ik heb hem verschoven naar maandag 28 december 2026 " \
               "10:00." in " ".join(told.split())
    assert planned.count("vergadering verschoven*") == 2
    listing = chat(tmp_path, "plo-houten", "2026-12-03T10:00+01:00",
                   "/overleg vergaderingen rto")
    assert "maandag 28 december 2026 10:00 · verschoven van vrijdag 25 december 2026 " \
           "(Eerste kerstdag)" in listing
    assert "vrijdag 25 december 2026 10:00" not in listing
    assert "vergadering verschoven" not in tick(tmp_path, "2026-12-04T09:05+01:00")
