"""The offline console as a newcomer uses it: real processes, piped commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

NOW = "2026-11-24T10:00:00+01:00"


def regiobot(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGIOBOT_")}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, input=stdin, capture_output=True,
        text=True, timeout=120, env=env,
    )


def assert_in_order(out: str, expected_in_order: list[str]) -> None:
    """Each expected text appears in the transcript, after the one before it."""
    position = 0
    for expected in expected_in_order:
        found = out.find(expected, position)
        assert found >= 0, f"missing after position {position}: {expected}\n\n{out}"
        position = found + len(expected)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("newcomer")
    first = regiobot(path, "demo", "--now", NOW)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Regio Lekstroom staat klaar (12 opgaven).")
    assert "  plo-houten            Anouk de Vries (ambtelijk opdrachtgever, plo-lid)" \
        in first.stdout
    assert "wethouder-lopik" not in first.stdout  # no chat account
    return path


def test_demo_is_idempotent(workdir: Path) -> None:
    again = regiobot(workdir, "demo", "--now", NOW)
    assert again.returncode == 0
    assert again.stdout.startswith("Regio Lekstroom bestond al; er is niets dubbel toegevoegd.")


def test_a_piped_session_with_buttons_switches_and_a_form(workdir: Path) -> None:
    session = "\n".join([
        "/opgave status JGD-03",
        "#5",
        "#1",
        "als pl-jeugdinkoop",
        "/opgave mijn",
        "als niemand",
        "als plo-lopik",
        "/opgave nieuw",
        "Jongerenwerk in de regio",
        "1",
        "regionaal",
        "samen verkennen",
        "",
        "",
        "Verkennen wat we samen kunnen doen",
        "@pl-jeugdinkoop",
        "@plo-lopik",
        "@wethouder-planeet",
        "Houten, Lopik",
        "Startnotitie",
        "30 februari",
        "@wethouder-houten",
        "15 januari 2027",
        "/opgave status JGD-05",
        "hallo bot",
    ]) + "\n"
    result = regiobot(workdir, "chat", "--as", "plo-houten", "--now", NOW, stdin=session)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "*JGD-03 · Kostenbeheersing Jeugdhulp*" in out
    assert "JGD-03#1 Scenario's kostenbeheersing · 25 nov 2026  [#1 Afgerond]" in out
    assert "[#3 Status bijwerken] [#4 Verplaats] [#5 Historie]" in out
    assert "*Historie JGD-03 · Kostenbeheersing Jeugdhulp*\nNog geen wijzigingen." in out
    assert "✅ Mijlpaal JGD-03#1 Scenario's kostenbeheersing is afgerond." in out
    assert "Je bent nu Femke Bakker (@pl-jeugdinkoop)." in out
    assert "Als projectleider:" in out
    assert "Ik ken ‘niemand’ niet. Kies uit: medewerker-houten," in out
    assert "Je bent nu Carla Mulder (@plo-lopik)." in out
    # The form: asked field by field, wrong fields asked again with their message.
    assert "Titel (verplicht): Jongerenwerk in de regio" in out
    assert "2 velden zijn nog niet goed; er is niets opgeslagen." in out
    assert "  Bestuurlijk opdrachtgever: Ik ken ‘@wethouder-planeet’ niet in het rooster." in out
    assert "  Datum eerste mijlpaal: ‘30 februari’ bestaat niet als datum" in out
    assert "*Opgave JGD-05 is aangemaakt*" in out
    assert "→ #plo: *Nieuwe opgave JGD-05*" in out
    assert "  Aangemaakt door Carla Mulder" in out
    card = out.split("*JGD-05 · Jongerenwerk in de regio*")[1]
    assert "Bestuurlijk opdrachtgever: Karel Boer" in card
    assert "JGD-05#1 Startnotitie · 15 jan 2027" in card
    assert "Doen mee: Houten, Lopik" in card
    assert out.rstrip().endswith("Voor de opgaven: typ /opgave help.")
    assert "Traceback" not in out + result.stderr


def test_an_unknown_handle_at_start_is_a_clear_dutch_message(workdir: Path) -> None:
    result = regiobot(workdir, "chat", "--as", "wethouder-lopik", "--now", NOW)
    assert result.returncode == 2
    assert result.stderr.startswith("Ik ken ‘wethouder-lopik’ niet. Kies uit:")


def test_a_bad_instant_is_a_clear_dutch_message(workdir: Path) -> None:
    result = regiobot(workdir, "chat", "--as", "plo-houten", "--now", "gisteren")
    assert result.returncode == 2
    assert "‘gisteren’ is geen tijdstip" in result.stderr


def test_an_invalid_setting_stops_start_up_with_one_line(workdir: Path) -> None:
    env = dict(os.environ, REGIOBOT_TIMEZONE="Mars/Olympus")
    result = subprocess.run([sys.executable, "-m", "bot", "demo"], cwd=workdir, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Ongeldige instelling REGIOBOT_TIMEZONE: onbekende tijdzone 'Mars/Olympus'"]


# What the console's first answer must not load: platform SDKs, migrations, the
# scheduler, charts, the PostgreSQL dialect on SQLite, and tables the command never reads.
NOT_ON_THE_CONSOLE_PATH = (
    "slack_sdk", "slack_bolt", "alembic", "apscheduler", "matplotlib", "requests",
    "websocket", "sqlalchemy.dialects.postgresql", "psycopg", "storage.models.afweging",
    "storage.models.afwezigheid",
)


def test_the_console_path_imports_no_platform_sdk_alembic_or_scheduler(workdir: Path) -> None:
    probe = (
        "import sys, io\n"
        "from bot.cli import main\n"
        "sys.stdin = io.StringIO('/opgave status\\n')\n"
        f"main(['chat', '--as', 'plo-houten', '--now', '{NOW}'])\n"
        f"heavy = sorted(m for m in sys.modules if m.startswith({NOT_ON_THE_CONSOLE_PATH!r}))\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=workdir, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("*Lekstroom: 1")
    assert "volgende mijlpaal 8 dec 2026" in result.stdout
    assert "HEAVY []" in result.stdout
