"""``storage.models`` loads a model module when one of its names is asked for (the
console's start pays only for the tables it reads), and still behaves as one package:
``Base`` brings every table, and a process that named only some models can write them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from storage.db import Database
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]


def python(code: str, cwd: Path) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True,
                            text=True, timeout=120, env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_naming_a_register_model_loads_the_register_and_nothing_else(tmp_path: Path) -> None:
    loaded = python(
        "import sys\n"
        "from sqlalchemy.orm import configure_mappers\n"
        "from storage.models import Opgave\n"
        "configure_mappers()\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('storage.models.'))))",
        tmp_path).split()
    assert loaded == ["storage.models.base", "storage.models.besluit", "storage.models.opgave",
                      "storage.models.overleg", "storage.models.people",
                      "storage.models.regio"]


def test_base_from_the_package_brings_every_table(tmp_path: Path) -> None:
    tables = python("from storage.models import Base\n"
                    "print(' '.join(sorted(Base.metadata.tables)))", tmp_path).split()
    for table in ("afweging", "afwezigheid", "audit_regel", "outbox", "paging_state",
                  "opgave", "mijlpaal", "persoon", "regio"):
        assert table in tables


def test_a_process_that_named_few_models_writes_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'regiobot.db'}"
    upgrade(Database(url))
    written = python(
        "from storage.db import Database\n"
        "from storage.models import Identiteit, Persoon, Regio, Werkruimte\n"
        f"db = Database({url!r})\n"
        "with db.write() as session:\n"
        "    regio = Regio(slug='r', naam='R')\n"
        "    session.add(regio)\n"
        "    session.flush()\n"
        "    persoon = Persoon(regio_id=regio.id, naam='Anouk', handle='anouk')\n"
        "    session.add_all([persoon, Werkruimte(regio=regio, platform='console',\n"
        "        team_id='r'),\n"
        "        Identiteit(persoon=persoon, platform='console', team_id='r', extern_id='a')])\n"
        "with db.read() as session:\n"
        "    print(session.query(Identiteit).one().persoon.naam)\n",
        tmp_path)
    assert written == "Anouk"
