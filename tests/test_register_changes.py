"""What a projectleider and a PLO member do every week (issue: the register)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from bot.app import Caller
from storage.db import Database
from storage.models import (
    AuditRegel,
    Deelname,
    Dilemma,
    Inzet,
    Mijlpaal,
    Opgave,
    OutboxBericht,
    StatusUpdate,
)
from tests.conftest import Chat


def opgave(db: Database, code: str) -> Opgave:
    with db.read() as s:
        found = s.scalars(select(Opgave).where(Opgave.code == code)).one()
        s.expunge(found)
        return found


def outbox(db: Database) -> list[tuple[str, str, str | None]]:
    with db.read() as s:
        return [(r.doel_soort, r.doel, r.bericht.get("heading"))
                for r in s.scalars(select(OutboxBericht).order_by(OutboxBericht.id))]


def test_a_status_update_is_stored_audited_and_told_to_the_sponsors(
    chat: Chat, demo_db: Database
) -> None:
    text = chat.text("update JGD-03 geblokkeerd wacht op besluit colleges", as_="pl-jeugdinkoop")
    assert text.startswith("✅ Status van JGD-03: 🔴 geblokkeerd.")
    found = opgave(demo_db, "JGD-03")
    assert (found.status, found.status_toelichting) == ("geblokkeerd",
                                                         "wacht op besluit colleges")
    assert found.status_op == chat.now
    with demo_db.read() as s:
        assert s.scalars(select(StatusUpdate.status).where(
            StatusUpdate.opgave_id == found.id).order_by(StatusUpdate.id.desc())).first() \
            == "geblokkeerd"
        changes = {(a.veld, a.oud, a.nieuw) for a in s.scalars(select(AuditRegel))}
    assert ("status", "risico", "geblokkeerd") in changes
    assert outbox(demo_db) == [("persoon", "5", "JGD-03 staat nu op geblokkeerd"),
                               ("persoon", "12", "JGD-03 staat nu op geblokkeerd")]


def test_phases_come_from_the_region_and_may_be_abbreviated(chat: Chat, demo_db: Database) -> None:
    assert "nu in fase impactanalyse" in chat.text("fase JGD-03 impact", as_="pl-jeugdinkoop")
    refused = chat.text("fase JGD-03 afronden", as_="pl-jeugdinkoop")
    assert refused.startswith("‘afronden’ is geen fase. Kies uit: voorstel, analyse,")
    assert opgave(demo_db, "JGD-03").fase == "impactanalyse"


def test_milestones_are_added_closed_moved_and_removed(chat: Chat, demo_db: Database) -> None:
    pl = "pl-jeugdinkoop"
    assert "Mijlpaal JGD-03#3 Evaluatie op 1 mrt 2027 toegevoegd." in chat.text(
        "mijlpaal toevoegen JGD-03 1 maart 2027 Evaluatie", as_=pl)
    assert "is afgerond" in chat.text("mijlpaal klaar JGD-03#1", as_=pl)
    assert "al afgerond op 24 nov 2026" in chat.text("mijlpaal klaar JGD-03#1", as_=pl)
    assert "verplaatst van 10 dec 2026 naar 12 jan 2027" in chat.text(
        "mijlpaal verplaats JGD-03#2 12-01-2027", as_=pl)
    assert "is verwijderd" in chat.text("mijlpaal verwijder JGD-03#3", as_=pl)
    assert "JGD-03 heeft geen mijlpaal JGD-03#9" in chat.text("mijlpaal klaar JGD-03#9", as_=pl)
    with demo_db.read() as s:
        rows = s.execute(select(Mijlpaal.volgnummer, Mijlpaal.datum, Mijlpaal.afgerond_op)
                         .join(Opgave).where(Opgave.code == "JGD-03")
                         .order_by(Mijlpaal.volgnummer)).all()
    assert [(n, d) for n, d, _ in rows] == [(1, date(2026, 11, 25)), (2, date(2027, 1, 12))]
    assert rows[0][2] == chat.now
    card = chat.text("status JGD-03", as_=pl)
    assert "JGD-03#2 Besluit maatregelenpakket · 12 jan 2027 · besluit BPSDL" in card
    assert "JGD-03#1" not in card


def test_without_date_and_title_the_milestone_form_opens(chat: Chat) -> None:
    reply = chat("mijlpaal toevoegen JGD-03", as_="pl-jeugdinkoop")
    assert reply.form is not None
    assert [f.name for f in reply.form.fields] == ["titel", "datum", "besluit_door"]
    half = chat.text("mijlpaal toevoegen JGD-03 12 maart", as_="pl-jeugdinkoop")
    assert "Er ontbreekt nog iets: titel." in half


def test_roles_are_assigned_vacated_and_the_new_holder_is_told(
    chat: Chat, demo_db: Database
) -> None:
    assert "Gerrit Visser is nu projectleider van WMO-03." in chat.text(
        "rol WMO-03 projectleider @pl-wmo", as_="plo-vijfheerenlanden")
    assert opgave(demo_db, "WMO-03").projectleider_id is not None
    assert outbox(demo_db) == [("persoon", "8", "Je bent nu projectleider van WMO-03")]
    assert "De rol bestuurlijk opdrachtgever van WMO-03 is nu vacant." in chat.text(
        "rol WMO-03 bo", as_="plo-vijfheerenlanden")
    assert opgave(demo_db, "WMO-03").bestuurlijk_opdrachtgever_id is None
    assert "Ik ken ‘@niemand’ niet in het rooster" in chat.text(
        "rol WMO-03 projectleider @niemand", as_="plo-vijfheerenlanden")


def test_deelname_records_who_does_not_join_and_whether_it_was_discussed(
    chat: Chat, demo_db: Database
) -> None:
    ao = "plo-nieuwegein"
    assert "Bespreek het negatieve effect" in chat.text(
        "deelname JGD-03 lopik niet eigen regeling", as_=ao)
    card = chat.text("status JGD-03", as_=ao)
    assert "Lopik doet niet mee (eigen regeling) · negatief effect nog niet besproken" in card
    assert "Doen mee: Houten, IJsselstein, Nieuwegein, Vijfheerenlanden" in card
    chat("deelname JGD-03 Lopik besproken", as_=ao)
    assert "negatief effect besproken" in chat.text("status JGD-03", as_=ao)
    assert "Houten doet mee; ‘besproken’ hoort bij" in chat.text(
        "deelname JGD-03 Houten besproken", as_=ao)
    assert "‘Utrecht’ is geen gemeente van deze regio" in chat.text(
        "deelname JGD-03 Utrecht mee", as_=ao)
    with demo_db.read() as s:
        lopik = s.scalars(select(Deelname).where(Deelname.doet_mee.is_(False))).all()
    assert sorted((d.reden, d.negatief_effect_besproken) for d in lopik) == [
        ("Eigen regeling loopt tot 2028", True), ("eigen regeling", True)]


def test_inzet_is_kept_per_gemeente_and_year(chat: Chat, demo_db: Database) -> None:
    chat("inzet JGD-03 Houten 120", as_="pl-jeugdinkoop")
    chat("inzet JGD-03 hout 80", as_="pl-jeugdinkoop")
    chat("inzet JGD-03 Lopik 16 2027", as_="pl-jeugdinkoop")
    with demo_db.read() as s:
        rows = sorted((i.jaar, i.uren) for i in s.scalars(select(Inzet)))
    assert rows == [(2026, Decimal("80")), (2027, Decimal("16"))]
    assert "Inzet 2026:\n  • Houten 80 uur" in chat.text("status JGD-03")


def test_wijzig_checks_each_field_like_the_form(chat: Chat, demo_db: Database) -> None:
    ao = "plo-nieuwegein"
    assert "‘landelijk’ past niet bij niveau" in chat.text("wijzig JGD-03 niveau landelijk", as_=ao)
    assert "is geen bedrag" in chat.text("wijzig JGD-03 budget veel", as_=ao)
    chat("wijzig JGD-03 budget 12.500,50", as_=ao)
    chat("wijzig JGD-03 titel Kostenbeheersing Jeugdhulp 2027", as_=ao)
    found = opgave(demo_db, "JGD-03")
    assert (found.budget, found.titel) == (Decimal("12500.50"), "Kostenbeheersing Jeugdhulp 2027")


def test_a_form_made_for_an_older_version_changes_nothing(chat: Chat, demo_db: Database) -> None:
    ao = Caller("console", "lekstroom", "plo-nieuwegein")
    form = chat("wijzig JGD-03", as_="plo-nieuwegein").form
    assert form is not None
    assert form.field("titel").initial == "Kostenbeheersing Jeugdhulp"
    chat("update JGD-03 aandacht", as_="pl-jeugdinkoop")  # someone else changes it meanwhile
    values = {f.name: f.initial for f in form.fields} | {"titel": "Overschreven"}
    reply = chat.bot.submit(ao, form.id, form.args, values, chat.now)
    assert "intussen door iemand anders gewijzigd" in reply.messages[0].sections[0].lines[0].plain
    assert opgave(demo_db, "JGD-03").titel == "Kostenbeheersing Jeugdhulp"
    fresh = chat("wijzig JGD-03", as_="plo-nieuwegein").form
    assert fresh is not None
    values = {f.name: f.initial for f in fresh.fields} | {"titel": "Nieuw", "budget": "1.000"}
    reply = chat.bot.submit(ao, fresh.id, fresh.args, values, chat.now)
    assert not reply.errors
    assert (opgave(demo_db, "JGD-03").titel, opgave(demo_db, "JGD-03").budget) == (
        "Nieuw", Decimal("1000.00"))


def test_an_invalid_form_reports_every_field_and_stores_nothing(
    chat: Chat, demo_db: Database
) -> None:
    caller = Caller("console", "lekstroom", "plo-houten")
    form = chat("nieuw").form
    assert form is not None
    reply = chat.bot.submit(caller, form.id, form.args, {
        "titel": "", "jaar": "1850", "projectleider": "@niemand", "deelnemers": "Houten, Mars",
        "mijlpaal_titel": "Start"}, chat.now)
    assert set(reply.errors) == {"titel", "jaar", "projectleider", "deelnemers",
                                 "mijlpaal_datum"}
    assert reply.errors["mijlpaal_datum"] == "Een eerste mijlpaal heeft een datum nodig."
    with demo_db.read() as s:
        assert len(s.scalars(select(Opgave)).all()) == 12


# --- dilemmas -------------------------------------------------------------------------

SECRET = "Lopik overweegt uit te stappen"


def test_a_vertrouwelijk_dilemma_stays_in_its_circle(chat: Chat, demo_db: Database) -> None:
    chat(f"dilemma JGD-03 vertrouwelijk {SECRET}", as_="pl-jeugdinkoop")
    outsiders = ("plo-houten", "medewerker-houten", "pl-wmo", "secretaris-bpsdl")
    circle = ("pl-jeugdinkoop", "plo-nieuwegein", "wethouder-houten", "programmamanager")
    views = ("status JGD-03", "status", "zoek uit te stappen", "zoek Kostenbeheersing",
             "historie JGD-03", "mijn", "help")
    for handle in outsiders:
        for view in views:
            assert SECRET not in chat.text(view, as_=handle), (handle, view)
        assert "Ik vind geen dilemma JGD-03#D1" in chat.text(
            "dilemma opgelost JGD-03#D1", as_=handle)
    for handle in circle:
        assert f"🔒 JGD-03#D1 {SECRET}" in chat.text("status JGD-03", as_=handle)
    assert SECRET in chat.text("historie JGD-03", as_="wethouder-houten")
    # Notifications went to the circle only.
    assert {doel for _, doel, _ in outbox(demo_db)} == {"5", "12"}
    # Escalated to the BPSDL: its members see it, others still do not.
    chat("dilemma escaleer JGD-03#D1 bpsdl", as_="plo-nieuwegein")
    assert SECRET in chat.text("status JGD-03", as_="secretaris-bpsdl")
    assert SECRET not in chat.text("status JGD-03", as_="plo-houten")
    assert ("kanaal", "bpsdl", "Dilemma JGD-03#D1 aan jullie voorgelegd") in outbox(demo_db)


def test_region_wide_lists_see_a_vertrouwelijk_dilemma_only_inside_its_circle(
    chat: Chat, demo_db: Database
) -> None:
    """The filter the digest and other region-wide lists use."""
    from bot.context import Ctx
    from bot.services.visibility import dilemmas_anywhere
    from storage.models import Persoon, Regio
    from tests.conftest import AMS

    chat(f"dilemma JGD-03 vertrouwelijk {SECRET}", as_="pl-jeugdinkoop")
    chat("dilemma WMO-01 Planning inkoop schuift", as_="pl-wmo")

    def seen_by(handle: str) -> list[str]:
        with demo_db.read() as s:
            actor = s.scalars(select(Persoon).where(Persoon.handle == handle)).one()
            ctx = Ctx(s, s.scalars(select(Regio)).one(), actor, chat.now, AMS, "console")
            return sorted(s.scalars(select(Dilemma.tekst).where(dilemmas_anywhere(ctx))))

    assert seen_by("plo-houten") == ["Planning inkoop schuift"]
    assert seen_by("wethouder-houten") == [SECRET, "Planning inkoop schuift"]
    assert seen_by("programmamanager") == [SECRET, "Planning inkoop schuift"]


def test_a_confidential_notice_never_reaches_a_stand_in_outside_the_circle(
    chat: Chat, demo_db: Database
) -> None:
    # MOB-02: bestuurlijk opdrachtgever wethouder-lopik has no chat account; her stand-in
    # plo-lopik is the ambtelijk opdrachtgever and so inside the circle. Holding both
    # places, plo-lopik gets it once, as their own (issue 23: one message per person).
    chat(f"dilemma MOB-02 vertrouwelijk {SECRET}", as_="pl-beschermdwonen")
    with demo_db.read() as s:
        rows = s.scalars(select(OutboxBericht)).all()
    assert sorted(r.doel for r in rows) == ["4"]
    assert not any("vervanger" in c for r in rows for c in r.bericht["context"])
    # With a stand-in outside the circle, the programmamanager receives it instead.
    chat("beheer persoon wijzig @wethouder-lopik vervanger @medewerker-houten",
         as_="programmamanager")
    chat("dilemma MOB-02 vertrouwelijk Tweede zorg", as_="pl-beschermdwonen")
    with demo_db.read() as s:
        second = s.scalars(select(OutboxBericht).where(OutboxBericht.id > rows[-1].id)).all()
    assert sorted(r.doel for r in second) == ["1", "4"]


def test_dilemmas_are_escalated_and_resolved(chat: Chat, demo_db: Database) -> None:
    chat("dilemma JGD-03 Scope verschuift naar preventie", as_="pl-jeugdinkoop")
    assert "voorgelegd aan Karel Boer" in chat.text(
        "dilemma escaleer JGD-03#D1 bestuurder", as_="plo-nieuwegein")
    assert "Dilemma JGD-03#D1 is opgelost." in chat.text(
        "dilemma opgelost JGD-03#D1 besproken", as_="wethouder-houten")
    assert "al opgelost" in chat.text("dilemma opgelost JGD-03#D1", as_="wethouder-houten")
    with demo_db.read() as s:
        dilemma = s.scalars(select(Dilemma)).one()
    assert (dilemma.status, dilemma.geescaleerd_naar_bestuurder, dilemma.oplossing) == (
        "opgelost", True, "besproken")


def test_a_card_reads_the_same_on_both_databases(any_demo_db: Database) -> None:
    chat = Chat(any_demo_db)
    chat("deelname WEI-01 Houten niet eigen polis", as_="plo-ijsselstein")
    chat("inzet WEI-01 Houten 12", as_="pl-iza")
    chat("dilemma WEI-01 Premie stijgt", as_="pl-iza")
    card = chat.text("status WEI-01", as_="pl-iza")
    assert "Doen mee: IJsselstein, Nieuwegein, Vijfheerenlanden" in card
    assert "Houten doet niet mee (eigen polis) · negatief effect nog niet besproken" in card
    assert "Lopik doet niet mee (Eigen regeling loopt tot 2028) · negatief effect besproken" \
        in card
    assert "Inzet 2026:\n  • Houten 12 uur" in card
    assert "WEI-01#D1 Premie stijgt · open" in card
    overview = chat.text("status", as_="pl-iza")
    assert "Lekstroom: 12 opgaven" in overview and "Jouw opgaven:" in overview
