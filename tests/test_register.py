"""The register as people use it through /opgave (issue: foundation)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.dates import format_short
from storage.db import Database
from storage.models import AuditRegel, Mijlpaal, Opgave, OutboxBericht, Persoon
from storage.queries import refresh_first_open
from tests.conftest import NOW, Chat


def test_overview_counts_phases_and_statuses_and_leads_with_attention(chat: Chat) -> None:
    text = chat.text("status")
    assert text.startswith("*Lekstroom: 12 opgaven*")
    assert "Jouw opgaven:" in text
    assert "  uitvoering: 3" in text
    assert "  🟠 risico: 1" in text
    attention = text.split("Vraagt aandacht:")[1].split("Per fase:")[0]
    assert attention.index("MOB-02") < attention.index("JGD-03")  # blocked before risk
    assert "MOB-02 Wonen en zorg: huisvesting kwetsbare groepen · geblokkeerd, mijlpaal 2 " \
           "dagen te laat" in attention
    assert attention.count("MOB-02") == 1


def test_the_overview_lists_the_first_five_of_mine_with_their_count_and_next_milestone(
    any_demo_db: Database,
) -> None:
    """Checked against the register read the long way: every opgave where she holds a
    role, in agenda order; the next milestone is the first open one by date and number."""
    with any_demo_db.write() as s:
        me = s.scalar(select(Persoon.id).where(Persoon.handle == "plo-houten"))
        for opgave in s.scalars(select(Opgave).where(Opgave.code.in_(
                ["JGD-01", "JGD-03", "WMO-02", "MOB-02", "IZA-01"]))):
            opgave.bestuurlijk_opdrachtgever_id = me
        # A closed milestone before the first open one, and two open on the same day.
        first = s.scalars(select(Mijlpaal).join(Opgave).where(Opgave.code == "JGD-01")
                          .order_by(Mijlpaal.datum)).first()
        assert first is not None
        first.afgerond_op = NOW
        refresh_first_open(s)
    with any_demo_db.read() as s:
        mine = sorted((o for o in s.scalars(select(Opgave)) if me in (
            o.projectleider_id, o.ambtelijk_opdrachtgever_id, o.bestuurlijk_opdrachtgever_id)),
            key=lambda o: (o.agenda_volgorde, o.code))
        nexts = {o.code: min(((m.datum, m.volgnummer) for m in o.mijlpalen
                              if m.afgerond_op is None), default=None) for o in mine}
    text = Chat(any_demo_db).text("status")
    shown = text.split("Jouw opgaven:\n")[1].split("Vraagt aandacht:")[0].splitlines()
    assert len(mine) > 5
    assert [row.split()[2] for row in shown[:5]] == [o.code for o in mine[:5]]
    assert shown[5] == f"  • … en nog {len(mine) - 5}: /opgave mijn"
    for row, opgave in zip(shown, mine[:5], strict=False):
        next_one = nexts[opgave.code]
        if next_one is None:
            assert "volgende mijlpaal" not in row
        else:
            assert row.endswith(f"volgende mijlpaal {format_short(next_one[0])}")


def test_mijn_shows_the_first_open_milestone_by_date_then_number(any_demo_db: Database,
                                                                 ) -> None:
    with any_demo_db.write() as s:
        opgave = s.scalars(select(Opgave).where(Opgave.code == "JGD-03")).one()
        day = min(m.datum for m in opgave.mijlpalen if m.afgerond_op is None)
        s.add_all([Mijlpaal(opgave_id=opgave.id, volgnummer=8, titel="Later genummerd",
                            datum=day),
                   Mijlpaal(opgave_id=opgave.id, volgnummer=9, titel="Al afgerond",
                            datum=day - timedelta(days=3), afgerond_op=NOW)])
        s.flush()
        refresh_first_open(s, [opgave.id])
    text = Chat(any_demo_db).text("mijn", as_="pl-jeugdinkoop")
    assert "JGD-03 Kostenbeheersing Jeugdhulp · JGD-03#1 Scenario's kostenbeheersing" in text


def test_a_card_lists_open_milestones_with_their_reference(chat: Chat) -> None:
    text = chat.text("status JGD-01")
    assert "*JGD-01 · Inkoop Jeugd 2027: regionale segmenten en Essentiële Functies*" in text
    assert "JGD-01#1 Marktconsultatie afgerond · 20 nov 2026, 4 dagen te laat" in text
    assert "JGD-01#2 Inkoopstrategie vastgesteld · 29 nov 2026" in text
    assert "Projectleider: Femke Bakker" in text
    assert "[Historie]" in text


def test_a_vacant_role_shows_on_the_card(chat: Chat) -> None:
    text = chat.text("status WMO-03")
    assert "Vacant: projectleider." in text
    assert "Projectleider: vacant" in text


def test_status_with_a_search_term_gives_the_single_match_or_a_list(chat: Chat) -> None:
    assert chat.text("status zorgfraude").startswith("*WMO-02 · Zorgfraude")
    listed = chat.text("status jeugd")
    assert listed.startswith("*4 opgaven gevonden voor ‘jeugd’*")
    assert listed.count("[Bekijk]") == 4


def test_unknown_code_and_search_say_so(chat: Chat) -> None:
    assert "Ik vind geen opgave met code JGD-99" in chat.text("status JGD-99")
    assert "Geen opgave gevonden voor ‘ruimtevaart’" in chat.text("zoek ruimtevaart")


def test_search_pages_with_a_more_button(chat: Chat) -> None:
    reply = chat("zoek e")
    assert reply.messages[0].heading == "12 opgaven gevonden voor ‘e’"
    more = reply.messages[0].buttons[0]
    assert more.label == "Meer"
    page_two = chat.bot.action(chat.caller, more.action, more.args, chat.now)
    assert len(page_two.messages[0].sections[0].lines) == 2


def test_mijn_lists_opgaven_per_driehoek_role(chat: Chat) -> None:
    text = chat.text("mijn", as_="pl-jeugdinkoop")
    assert text.startswith("*Mijn opgaven*\nAls projectleider:")
    assert "JGD-03 Kostenbeheersing Jeugdhulp · JGD-03#1 Scenario's kostenbeheersing" in text
    assert "geen rol in de driehoek" in chat.text("mijn", as_="medewerker-houten")


def test_nieuw_creates_at_once_with_vacant_roles_and_tells_the_plo(
    chat: Chat, demo_db: Database
) -> None:
    text = chat.text("nieuw Regiovisie Jeugd 2028")
    assert text.startswith("*Opgave JGD-05 is aangemaakt*")
    with demo_db.read() as s:
        opgave = s.scalars(select(Opgave).where(Opgave.code == "JGD-05")).one()
        assert (opgave.fase, opgave.thema) == ("voorstel", "Jeugd")
        assert opgave.projectleider_id is None
        audit = s.scalars(select(AuditRegel).where(AuditRegel.opgave_id == opgave.id)).all()
        assert [(a.veld, a.nieuw) for a in audit] == [
            ("aangemaakt", "JGD-05 Regiovisie Jeugd 2028")]
        assert audit[0].door_id == opgave_creator(s)
        outbox = s.scalars(select(OutboxBericht)).one()
        assert (outbox.doel_soort, outbox.doel) == ("kanaal", "plo")
        assert outbox.delivery_key == f"opgave-nieuw:{opgave.id}:#plo:console"


def opgave_creator(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(Persoon.id).where(Persoon.handle == "plo-houten"))


def test_a_code_past_9999_that_the_register_issues_is_read_as_a_code(any_demo_db: Database
                                                                     ) -> None:
    chat = Chat(any_demo_db)
    with any_demo_db.write() as s:
        s.scalars(select(Opgave).where(Opgave.code == "JGD-04")).one().code = "JGD-9999"
    assert chat.text("nieuw Regiovisie Jeugd 2028").startswith("*Opgave JGD-10000 is aangemaakt*")
    assert chat.text("status jgd-10000").startswith("*JGD-10000 · Regiovisie Jeugd 2028*")
    assert chat.text("historie JGD-10000").startswith("*Historie JGD-10000")


def test_a_code_with_five_digits_shows_its_card_not_a_search(any_demo_db: Database) -> None:
    with any_demo_db.write() as s:
        s.scalars(select(Opgave).where(Opgave.code == "WMO-02")).one().code = "PERF-00042"
    chat = Chat(any_demo_db)
    assert chat.text("status PERF-00042").startswith("*PERF-00042 · Zorgfraude")
    # A code is looked up, never searched for: "PERF-0004" is in "PERF-00042" but no code.
    assert "Ik vind geen opgave met code PERF-0004" in chat.text("status PERF-0004")


def test_a_title_without_theme_gets_the_general_prefix(chat: Chat) -> None:
    assert chat.text("nieuw Samenwerkingsagenda 2027").startswith("*Opgave ALG-01")
    assert chat.text("nieuw Nog een agenda").startswith("*Opgave ALG-02")


def test_a_lid_may_not_create_and_nothing_changes(chat: Chat, demo_db: Database) -> None:
    def counts() -> tuple[int, int, int]:
        with demo_db.read() as s:
            return tuple(s.scalar(select(func.count()).select_from(m))  # type: ignore[return-value]
                         for m in (Opgave, AuditRegel, OutboxBericht))

    before = counts()
    text = chat.text("nieuw Iets", as_="medewerker-houten")
    assert text.startswith("Dat mag jij niet (opgaven aanmaken). Dat mogen ambtelijk "
                           "opdrachtgevers, PLO-leden en de programmamanager")
    assert counts() == before


def test_a_too_long_title_is_refused(chat: Chat) -> None:
    assert "Die titel is te lang (201 tekens)" in chat.text("nieuw " + "x" * 201)


def test_historie_shows_who_changed_what(chat: Chat) -> None:
    chat("nieuw Regiovisie Jeugd 2028")
    text = chat.text("historie JGD-05")
    assert "24 nov 2026 10:00 · Anouk de Vries · aangemaakt: – → JGD-05 Regiovisie Jeugd 2028" \
        in text


def test_an_unknown_person_is_told_in_dutch(chat: Chat) -> None:
    assert "Ik ken jou (‘onbekend’) nog niet" in chat.text("status", as_="onbekend")


def test_the_overview_follows_every_change_of_the_register(chat: Chat) -> None:
    before = chat.text("status")
    assert "  🟢 op koers: 6" in before
    chat("update JGD-02 risico", as_="pl-jeugdinkoop")
    after = chat.text("status")
    assert "  🟢 op koers: 5" in after and "  🟠 risico: 2" in after
    line_before = next(ln for ln in after.splitlines() if "MOB-02" in ln)
    assert "te laat" in line_before
    chat("mijlpaal klaar MOB-02#1", as_="pl-beschermdwonen")
    line_after = next(ln for ln in chat.text("status").splitlines() if "MOB-02" in ln)
    assert "geblokkeerd" in line_after and "te laat" not in line_after
