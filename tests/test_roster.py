"""People and their accounts, bodies, workspaces and the roster import."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.app import Caller, Regiobot
from bot.render_text import render
from bot.services import roster_import
from storage.db import Database
from storage.models import (
    Identiteit,
    Opgave,
    OutboxBericht,
    Overleg,
    OverlegLid,
    Persoon,
    PloLid,
    Regio,
    Werkruimte,
)
from tests.conftest import AMS, NOW, Chat


def text_of(reply) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(render(m, lambda b: f"[{b.label}]") for m in reply.messages)


def persoon(db: Database, handle: str) -> Persoon:
    with db.read() as s:
        found = s.scalars(select(Persoon).where(Persoon.handle == handle)).one()
        s.expunge(found)
        return found


def test_the_programmamanager_links_an_account_to_a_wethouder(chat: Chat) -> None:
    assert "Ik ken jou (‘wethouder-lopik’)" in chat.text("mijn", as_="wethouder-lopik")
    assert "@wethouder-lopik (console) is gekoppeld aan Maarten de Graaf." in chat.text(
        "beheer koppel @wethouder-lopik @wethouder-lopik", as_="programmamanager")
    assert chat.text("mijn", as_="wethouder-lopik").startswith(
        "*Mijn opgaven*\nAls bestuurlijk opdrachtgever:")
    assert "is al gekoppeld" in chat.text("beheer koppel @wethouder-lopik @wethouder-lopik",
                                           as_="programmamanager")


def test_leaving_hands_roles_to_the_successor_and_tells_the_plo(
    chat: Chat, demo_db: Database
) -> None:
    pm = "programmamanager"
    chat("beheer persoon toevoegen pl-vervoer Pieter Vos", as_=pm)
    text = chat.text("beheer persoon vertrek @pl-jeugdinkoop @pl-vervoer", as_=pm)
    assert text.startswith("*Femke Bakker is vertrokken; de rollen gaan naar Pieter Vos:*")
    assert "JGD-01 projectleider" in text and "JGD-03 projectleider" in text
    successor = persoon(demo_db, "pl-vervoer")
    with demo_db.read() as s:
        led = s.scalars(select(Opgave.code).where(Opgave.projectleider_id == successor.id))
        assert sorted(led) == ["JGD-01", "JGD-02", "JGD-03"]
        assert s.scalar(select(func.count()).select_from(Identiteit).join(Persoon).where(
            Persoon.handle == "pl-jeugdinkoop")) == 0
        seat = s.scalar(select(OverlegLid.persoon_id).join(Overleg).where(
            Overleg.code == "ao-jeugd", OverlegLid.persoon_id == successor.id))
        assert seat == successor.id
        notice = s.scalars(select(OutboxBericht).where(OutboxBericht.doel == "plo")).one()
    assert notice.bericht["heading"] == "Femke Bakker vertrekt; Pieter Vos neemt over"
    assert "Ik ken jou (‘pl-jeugdinkoop’)" in chat.text("mijn", as_="pl-jeugdinkoop")


def test_leaving_without_successor_leaves_roles_vacant(chat: Chat, demo_db: Database) -> None:
    chat("beheer persoon vertrek @plo-lopik", as_="programmamanager")
    with demo_db.read() as s:
        assert s.scalar(select(func.count()).select_from(PloLid)) == 4
    card = chat.text("status MOB-02")
    assert "Vacant: ambtelijk opdrachtgever." in card
    assert "MOB-02" in chat.text("status").split("Vraagt aandacht:")[1]


def test_roster_edits_are_checked(chat: Chat, demo_db: Database) -> None:
    pm = "programmamanager"
    assert "‘geen-mail’ is geen e-mailadres" in chat.text(
        "beheer persoon wijzig @pl-wmo email geen-mail", as_=pm)
    assert "De handle ‘pl-wmo’ bestaat al" in chat.text(
        "beheer persoon toevoegen pl-wmo Iemand Anders", as_=pm)
    assert "kan geen handle zijn" in chat.text("beheer persoon toevoegen Pl_Wmo! X", as_=pm)
    chat("beheer persoon wijzig @medewerker-houten plo Houten", as_=pm)
    assert "plo-lid" in chat.text("beheer rooster", as_=pm).split("@medewerker-houten")[1] \
        .split("\n")[0]
    assert "Dat mag jij niet (het rooster en de accounts beheren)" in chat.text(
        "beheer rooster", as_="plo-houten")


def test_first_contact_by_verified_email_links_the_roster_entry(demo_db: Database) -> None:
    bot = Regiobot(demo_db, AMS)
    with demo_db.write() as s:
        s.add(Werkruimte(regio_id=1, platform="slack", team_id="T1"))
    anouk = Caller("slack", "T1", "U1", display_name="Anouk", email="PLO-Houten@lekstroom.example")
    assert "Als ambtelijk opdrachtgever" in text_of(bot.command(anouk, "opgave", "mijn", NOW))
    with demo_db.read() as s:
        identity = s.scalars(select(Identiteit).where(Identiteit.extern_id == "U1")).one()
        assert identity.persoon.handle == "plo-houten"
        assert s.scalar(select(func.count()).select_from(OutboxBericht)) == 0


def test_someone_unknown_becomes_a_lid_and_the_manager_is_told(demo_db: Database) -> None:
    bot = Regiobot(demo_db, AMS)
    with demo_db.write() as s:
        s.add(Werkruimte(regio_id=1, platform="slack", team_id="T1"))
        # The manager has a Slack account too, so the notice can reach her there.
        s.add(Identiteit(persoon_id=1, platform="slack", team_id="T1", extern_id="UPM"))
    stranger = Caller("slack", "T1", "U9", display_name="Sanne Stagiair")
    assert "Lekstroom: 12 opgaven" in text_of(bot.command(stranger, "opgave", "status", NOW))
    refused = text_of(bot.command(stranger, "opgave", "nieuw Iets", NOW))
    assert "Dat mag jij niet (opgaven aanmaken)" in refused
    with demo_db.read() as s:
        lid = s.scalars(select(Persoon).where(Persoon.handle == "sanne-stagiair")).one()
        assert lid.naam == "Sanne Stagiair"
        notices = s.scalars(select(OutboxBericht).where(OutboxBericht.platform == "slack")).all()
    assert [(n.doel, n.bericht["heading"]) for n in notices] == [
        ("1", "Nieuw: Sanne Stagiair is nog niet gekoppeld")]
    # Linking moves the account to the real roster entry and retires the placeholder.
    pm = Caller("slack", "T1", "UPM")
    linked = text_of(bot.command(pm, "opgave", "beheer koppel @medewerker-houten <@U9>", NOW))
    assert "is gekoppeld aan Olaf Kramer" in linked
    assert "geen rol in de driehoek" in text_of(bot.command(stranger, "opgave", "mijn", NOW))
    with demo_db.read() as s:
        assert s.scalars(select(Identiteit.persoon_id).where(Identiteit.extern_id == "U9")) \
            .one() == persoon(demo_db, "medewerker-houten").id
        assert not s.scalars(select(Persoon.actief).where(Persoon.handle == "sanne-stagiair")) \
            .one()


def test_with_one_regio_every_workspace_belongs_to_it(demo_db: Database) -> None:
    bot = Regiobot(demo_db, AMS)
    bot.command(Caller("mattermost", "team-x", "u1", display_name="X"), "opgave", "status", NOW)
    with demo_db.read() as s:
        assert s.scalars(select(Werkruimte.team_id).where(
            Werkruimte.platform == "mattermost")).all() == ["team-x"]


def test_with_several_regios_an_unlinked_workspace_is_told_and_the_manager_links_it(
    demo_db: Database,
) -> None:
    bot = Regiobot(demo_db, AMS)
    with demo_db.write() as s:
        s.add(Regio(slug="utrecht-west", naam="Utrecht West", instellingen={}))
    user = Caller("slack", "T2", "U1", display_name="X")
    assert "hoort nog bij geen regio" in text_of(bot.command(user, "opgave", "status", NOW))
    assert "Alleen de programmamanager van Lekstroom" in text_of(
        bot.command(user, "opgave", "beheer werkruimte koppel lekstroom", NOW))
    manager = Caller("slack", "T2", "U2", email="programmamanager@lekstroom.example")
    assert "Deze werkruimte hoort nu bij Lekstroom." in text_of(
        bot.command(manager, "opgave", "beheer werkruimte koppel lekstroom", NOW))
    assert "Lekstroom: 12 opgaven" in text_of(bot.command(user, "opgave", "status", NOW))


def test_bodies_are_managed_with_overleg_beheer(chat: Chat, demo_db: Database) -> None:
    pm = "programmamanager"
    reply = chat.bot.command(Caller("console", "lekstroom", pm), "overleg",
                             "beheer nieuw wg-data werkgroep Werkgroep data", NOW)
    assert "Overleg Werkgroep data (wg-data) is aangemaakt." in text_of(reply)
    for text in ("beheer lid wg-data @pl-iza voorzitter", "beheer lid wg-data @pl-wmo voorzitter",
                 "beheer kanaal wg-data #data"):
        chat.bot.command(Caller("console", "lekstroom", pm), "overleg", text, NOW)
    listing = text_of(chat.bot.command(Caller("console", "lekstroom", "pl-iza"), "overleg",
                                       "lijst", NOW))
    assert "Werkgroep data (wg-data):\n  • werkgroep · 2 leden · voorzitter Gerrit Visser · #data"\
        in listing
    assert "Bestuurlijk Platform Sociaal Domein Lekstroom (bpsdl):" in listing


CSV = """handle;naam;functie;email;gemeente;plo;programmamanager;vervanger
pl-vervoer;Pieter Vos;Projectleider vervoer;pieter@lopik.example;Lopik;nee;nee;
plo-lopik;Carla Mulder;PLO-lid Lopik;carla@lopik.example;Lopik;ja;;
wethouder-lopik;Maarten de Graaf;;;;;;pl-vervoer
"""


def test_roster_import_dry_run_lists_changes_and_applying_makes_them(demo_db: Database) -> None:
    with demo_db.write() as s:
        regio = s.scalars(select(Regio)).one()
        plan = roster_import.plan(s, regio, CSV)
    assert plan.errors == []
    assert plan.new == ["Pieter Vos (@pl-vervoer)"]
    assert [(c.handle, c.veld, c.oud, c.nieuw) for c in plan.changes] == [
        ("plo-lopik", "email", "plo-lopik@lekstroom.example", "carla@lopik.example"),
        ("wethouder-lopik", "vervanger", "plo-lopik", "pl-vervoer")]
    assert persoon(demo_db, "plo-lopik").email == "plo-lopik@lekstroom.example"
    with demo_db.write() as s:
        regio = s.scalars(select(Regio)).one()
        roster_import.apply(s, regio, roster_import.plan(s, regio, CSV), NOW)
    assert persoon(demo_db, "pl-vervoer").naam == "Pieter Vos"
    assert persoon(demo_db, "wethouder-lopik").vervanger_id == persoon(demo_db, "pl-vervoer").id
    with demo_db.write() as s:
        again = roster_import.plan(s, s.scalars(select(Regio)).one(), CSV)
    assert (again.new, again.changes, again.unchanged) == ([], [], 3)


def test_a_roster_file_with_errors_names_each_line(demo_db: Database) -> None:
    bad = "handle,naam,gemeente,plo,vervanger\nX Y,,Utrecht,misschien,\nok-1,Ok,,ja,@nobody\n"
    with demo_db.write() as s:
        plan = roster_import.plan(s, s.scalars(select(Regio)).one(), bad)
    assert plan.errors == [
        "regel 2: ‘X Y’ kan geen handle zijn (kleine letters, cijfers en streepjes).",
        "regel 2: de naam ontbreekt.",
        "regel 2: ‘Utrecht’ is geen gemeente van deze regio.",
        "regel 2: plo moet ja of nee zijn, niet ‘misschien’.",
        "regel 3: een PLO-lid hoort bij een gemeente; vul die in.",
        "regel 3: vervanger ‘@nobody’ staat niet in het rooster of het bestand.",
    ]


def test_the_import_command_is_a_dry_run_unless_told(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "rooster.csv").write_text(CSV, encoding="utf-8")
    run = [sys.executable, "-m", "bot"]
    subprocess.run([*run, "demo"], cwd=tmp_path, check=True, capture_output=True)
    dry = subprocess.run([*run, "rooster", "import", "rooster.csv"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert dry.returncode == 0
    assert dry.stdout.splitlines()[-2:] == [
        "1 nieuw, 2 wijzigingen, 0 ongewijzigd.",
        "Dit was een proefrun; er is niets veranderd. Voer uit met --toepassen."]
    done = subprocess.run([*run, "rooster", "import", "rooster.csv", "--toepassen"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.stdout.splitlines()[-1] == "Het rooster is bijgewerkt."
