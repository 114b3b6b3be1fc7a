"""Issue 23 §2: a roster file that gives someone without a chat account a stand-in who has
none either warns, in the dry run and when applied, as the command does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from bot.services import roster_import
from storage.db import Database
from storage.models import Persoon, Regio
from tests.conftest import AMS, NOW
from tests.test_roster import CSV

WARNING = ("Let op: Pieter Vos heeft ook geen chataccount. Berichten voor Maarten de Graaf "
           "bereiken zo niemand; kies een vervanger met een chataccount.")


def _planned(db: Database, text: str) -> roster_import.Plan:
    with db.write() as s:
        regio = s.scalars(select(Regio)).one()
        plan = roster_import.plan(s, regio, text)
        roster_import.warn(s, regio, plan, NOW, AMS)
        return plan


def test_a_stand_in_without_an_account_in_the_file_is_warned_about(
        any_demo_db: Database) -> None:
    assert _planned(any_demo_db, CSV).warnings == [WARNING]
    # The check changed nothing: no Pieter Vos, Maarten de Graaf's stand-in as it was.
    with any_demo_db.read() as s:
        assert s.scalar(select(Persoon).where(Persoon.handle == "pl-vervoer")) is None
        lopik = s.scalars(select(Persoon).where(Persoon.handle == "wethouder-lopik")).one()
        assert lopik.vervanger is not None and lopik.vervanger.handle == "plo-lopik"


def test_a_stand_in_with_an_account_in_the_file_is_not_warned_about(
        any_demo_db: Database) -> None:
    fine = "handle;naam;vervanger\nwethouder-lopik;Maarten de Graaf;plo-houten\n"
    plan = _planned(any_demo_db, fine)
    assert plan.warnings == [] and len(plan.changes) == 1


def test_the_import_command_warns_in_its_dry_run_and_its_result(tmp_path: Path) -> None:
    (tmp_path / "rooster.csv").write_text(CSV, encoding="utf-8")
    run = [sys.executable, "-m", "bot"]
    subprocess.run([*run, "demo"], cwd=tmp_path, check=True, capture_output=True)
    dry = subprocess.run([*run, "rooster", "import", "rooster.csv"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert WARNING in dry.stdout.splitlines()
    done = subprocess.run([*run, "rooster", "import", "rooster.csv", "--toepassen"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.stdout.splitlines()[-2:] == [WARNING, "Het rooster is bijgewerkt."]
