"""The permission table, role × mutation: allowed changes happen, refused ones say who may
and leave the database exactly as it was (compared by a full dump)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import Caller
from storage.db import Database
from storage.models import Base, Identiteit, Opgave, Persoon
from tests.conftest import Chat, load_demo, sqlite_database

# JGD-03's driehoek in these tests: projectleider pl-jeugdinkoop, ambtelijk opdrachtgever
# ao-extern (not a PLO member, so the scoped role is tested on its own), bestuurlijk
# opdrachtgever wethouder-houten. pl-wmo leads other opgaven; plo-houten is in the PLO.
PERSONAS = ("programmamanager", "plo-houten", "pl-jeugdinkoop", "ao-extern",
            "wethouder-houten", "pl-wmo", "medewerker-houten")

PM = {"programmamanager"}
SPONSORS = PM | {"plo-houten", "ao-extern"}
DRIEHOEK = SPONSORS | {"pl-jeugdinkoop"}

# Written from PRODUCT.md's role table, independently of bot/permissions.py.
MUTATIONS: list[tuple[str, str, set[str]]] = [
    ("opgave", "nieuw Regionale aanpak laaggeletterdheid", SPONSORS),
    ("opgave", "wijzig JGD-03 opdracht Vijf maatregelen uitwerken", SPONSORS),
    ("opgave", "update JGD-03 aandacht planning schuift", DRIEHOEK),
    ("opgave", "fase JGD-03 impactanalyse", DRIEHOEK),
    ("opgave", "mijlpaal toevoegen JGD-03 1 maart 2027 Evaluatie", DRIEHOEK),
    ("opgave", "mijlpaal klaar JGD-03#1", DRIEHOEK),
    ("opgave", "mijlpaal verplaats JGD-03#2 12 januari 2027", DRIEHOEK),
    ("opgave", "mijlpaal verwijder JGD-03#2", DRIEHOEK),
    ("opgave", "mijlpaal besluit JGD-03#2 plo", DRIEHOEK),
    ("opgave", "rol JGD-03 projectleider @pl-wmo", SPONSORS),
    ("opgave", "rol JGD-03 bestuurlijk", SPONSORS),
    ("opgave", "deelname JGD-03 Lopik niet eigen regeling", SPONSORS),
    ("opgave", "inzet JGD-03 Houten 120", DRIEHOEK),
    ("opgave", "dilemma JGD-03 Kosten lopen verder op", DRIEHOEK),
    ("opgave", "dilemma escaleer JGD-03#D1 bpsdl", SPONSORS),
    ("opgave", "dilemma escaleer JGD-03#D1 bestuurder", SPONSORS),
    ("opgave", "dilemma opgelost JGD-03#D1 besproken", SPONSORS | {"wethouder-houten"}),
    ("opgave", "beheer koppel @wethouder-lopik @wethouder-lopik", PM),
    ("opgave", "beheer persoon toevoegen pl-vervoer Pieter Vos", PM),
    ("opgave", "beheer persoon wijzig @pl-onderwijs gemeente Houten", PM),
    ("opgave", "beheer persoon vertrek @pl-onderwijs @pl-iza", PM),
    ("overleg", "beheer nieuw wg-data werkgroep Werkgroep data", PM),
    ("overleg", "beheer lid ao-wmo @pl-iza secretaris", PM),
    ("overleg", "beheer verwijder ao-wmo @pl-wmo", PM),
    ("overleg", "beheer kanaal ao-wmo regio-wmo", PM),
]


def dump(db: Database) -> dict[str, list[tuple[object, ...]]]:
    with db.engine.connect() as connection:
        return {name: sorted(map(tuple, connection.execute(table.select())), key=repr)
                for name, table in Base.metadata.tables.items()}


@pytest.fixture
def register_db(tmp_path: Path) -> Iterator[Database]:
    db = _fresh(tmp_path / "start")
    yield db
    db.dispose()


@pytest.mark.parametrize(("root", "text", "allowed"), MUTATIONS, ids=[m[1] for m in MUTATIONS])
def test_every_role_for_every_mutation(register_db: Database, tmp_path: Path, root: str,
                                       text: str, allowed: set[str]) -> None:
    chat = Chat(register_db)
    for handle in PERSONAS:
        before = dump(register_db)
        reply = chat.bot.command(Caller("console", "lekstroom", handle), root, text, chat.now)
        rendered = " ".join(line.plain for m in reply.messages for s in m.sections
                            for line in s.lines)
        if handle in allowed:
            assert "mag jij niet" not in rendered, (handle, rendered)
            assert dump(register_db) != before, (handle, text, rendered)
            # Undo by reloading: the next persona starts from the same state.
            register_db = _fresh(tmp_path / handle)
            chat = Chat(register_db)
        else:
            assert "mag jij niet" in rendered or "Ik vind geen dilemma" in rendered, (
                handle, rendered)
            assert dump(register_db) == before, (handle, text)


def _fresh(path: Path) -> Database:
    """The demo region, JGD-03's driehoek as above, and one open dilemma JGD-03#D1."""
    path.mkdir()
    db = sqlite_database(path)
    Base.metadata.create_all(db.engine)
    load_demo(db)
    with db.write() as s:
        extern = Persoon(regio_id=1, handle="ao-extern", naam="Rik Ambtenaar")
        s.add(extern)
        s.flush()
        s.add(Identiteit(persoon_id=extern.id, platform="console", team_id="lekstroom",
                         extern_id="ao-extern"))
        s.scalars(select(Opgave).where(Opgave.code == "JGD-03")).one() \
            .ambtelijk_opdrachtgever_id = extern.id
    Chat(db)("dilemma JGD-03 Lopik twijfelt over deelname", as_="programmamanager")
    return db


def test_help_renders_the_permission_table(chat: Chat) -> None:
    text = chat.text("help")
    assert "de status van deze opgave bijwerken: de projectleider, de ambtelijk " \
           "opdrachtgever, PLO-leden en de programmamanager" in text
    assert "het rooster en de accounts beheren: de programmamanager" in text
