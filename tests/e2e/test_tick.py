"""`regiobot tick --now`: one planning and dispatch pass for an instant, as an operator
(or a test) runs it; on the console platform the deliveries print."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_console import NOW, assert_in_order, regiobot


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    first = regiobot(tmp_path, "demo", "--now", NOW)
    assert first.returncode == 0, first.stderr
    return tmp_path


def test_monday_morning_prints_reminders_and_the_digest_once(workdir: Path) -> None:
    monday = regiobot(workdir, "tick", "--now", "2026-11-30T09:05:00+01:00")
    assert monday.returncode == 0, monday.stderr
    assert_in_order(monday.stdout, [
        "→ @pl-jeugdinkoop: ",  # one DM: the reminders due this morning, bundled
        "JGD-03#2 Besluit maatregelenpakket: bijna zover:",
        "over 8 werkdagen (donderdag 10 december 2026)",
        "[Afgerond] [Verplaats] [Blokkade melden] [Herinner me later]",
        "tick 2026-11-30T09:05:00+01:00: gepland herinneringen=",
    ])
    assert_in_order(monday.stdout, [
        "→ #plo: *PLO-digest week van maandag 30 november 2026*", "Te doen:"])
    again = regiobot(workdir, "tick", "--now", "2026-11-30T11:00:00+01:00")
    assert "→" not in again.stdout and "verstuurd 0" in again.stdout


def test_monday_gives_a_wethouder_one_overview_without_buttons(workdir: Path) -> None:
    monday = regiobot(workdir, "tick", "--now", "2026-11-30T09:05:00+01:00")
    assert monday.returncode == 0, monday.stderr
    to_him = [part for part in monday.stdout.split("\n→ ")
              if part.startswith("@wethouder-houten:")]
    assert len(to_him) == 1, to_him  # no milestone reminders, one overview
    overview = to_him[0].split("\ntick ")[0]
    assert "*Weekoverzicht bestuurlijk opdrachtgever, week van maandag 30 november 2026*" \
        in overview
    assert "JGD-03#1 Scenario's kostenbeheersing: 5 dagen te laat" in overview
    assert "[" not in overview  # nothing to click that a wethouder may not use
    # wethouder-lopik has no account: his stand-in gets it by DM, in the third person
    to_lopik = [part for part in monday.stdout.split("\n→ ") if part.startswith("@plo-lopik:")]
    assert "Voor Maarten de Graaf (Wethouder Lopik, geen chataccount): Weekoverzicht" \
        in "".join(to_lopik)
    assert "→ #plo: *Voor" not in monday.stdout


def test_before_nine_nothing_goes_out(workdir: Path) -> None:
    early = regiobot(workdir, "tick", "--now", "2026-11-30T08:30:00+01:00")
    assert early.returncode == 0 and "→" not in early.stdout


def test_the_outbox_command_shows_an_empty_outbox(workdir: Path) -> None:
    regiobot(workdir, "tick", "--now", "2026-11-30T09:05:00+01:00")
    listing = regiobot(workdir, "outbox")
    assert listing.returncode == 0 and "De outbox is leeg" in listing.stdout
    wrong = regiobot(workdir, "outbox", "retry", "999999")
    assert wrong.returncode == 2 and "Geen bericht 999999" in wrong.stderr


def test_the_worker_stops_cleanly_on_sigterm(workdir: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import threading

    env = {k: v for k, v in os.environ.items() if not k.startswith("REGIOBOT_")}
    worker = subprocess.Popen([sys.executable, "-m", "bot", "worker"], cwd=workdir, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Wait for the line that says it started, however slowly a loaded machine starts it;
    # only a worker silent for ten minutes is stopped (its stderr then ends, and we fail).
    silent = threading.Timer(600, worker.kill)
    silent.start()
    try:
        started = ""
        assert worker.stderr is not None
        for said in worker.stderr:
            started += said
            if "started" in said:
                break
        assert "started" in started, started
    finally:
        silent.cancel()
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=300)  # a safety net; it stops in a second
    assert worker.returncode == 0, err
    assert "stopped" in err
