"""The afweging with real people and a real database, on SQLite and PostgreSQL: starting
it, answering by DM and by button, restarts, stale and double clicks, one voice per
gemeente, and where the result goes (issue: afwegingskader)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.app import Caller, Regiobot
from bot.context import Ctx
from bot.messages import Button
from bot.render_text import render
from bot.replies import Reply
from bot.services import afwegingen
from storage.db import Database
from storage.models import (
    Afweging,
    Agendapunt,
    Antwoord,
    AuditRegel,
    Gesprek,
    OutboxBericht,
    Overleg,
    Persoon,
    PloLid,
    Regio,
    Respondent,
    Vergadering,
    VragenlijstVersie,
)
from tests.conftest import AMS, NOW

ALL_NEE = ["nee"] * 9  # vraag één and the seven: lokaal oppakken, straight to the summary


class People:
    """Everyone talks to the same bot, as in the console."""

    def __init__(self, db: Database, now: datetime = NOW) -> None:
        self.db = db
        self.bot = Regiobot(db, AMS)
        self.now = now

    def caller(self, handle: str) -> Caller:
        return Caller("console", "lekstroom", handle)

    def command(self, handle: str, text: str) -> Reply:
        return self.bot.command(self.caller(handle), "opgave", text, self.now)

    def dm(self, handle: str, *texts: str) -> Reply:
        reply = Reply()
        for text in texts:
            reply = self.bot.direct_message(self.caller(handle), text, self.now)
        return reply

    def press(self, handle: str, button: Button) -> Reply:
        return self.bot.action(self.caller(handle), button.action, button.args, self.now)

    def start(self, by: str = "programmamanager", handles: list[str] | None = None,
              vragenlijst: str = "", code: str = "JGD-03") -> Reply:
        raw = {"respondenten": handles, "vragenlijst": vragenlijst or None}
        form = self.command(by, f"afweging {code}").form
        assert form is not None, text(self.command(by, f"afweging {code}"))
        raw = {k: v if v is not None else form.field(k).initial for k, v in raw.items()}
        return self.bot.submit(self.caller(by), form.id, form.args, raw, self.now)

    def persoon(self, handle: str) -> Persoon:
        with self.db.read() as session:
            found = session.scalar(select(Persoon).where(Persoon.handle == handle))
            assert found is not None
            return found

    def ctx(self, session, handle: str = "programmamanager") -> Ctx:  # type: ignore[no-untyped-def]
        regio = session.scalar(select(Regio))
        actor = session.scalar(select(Persoon).where(Persoon.handle == handle))
        return Ctx(session=session, regio=regio, actor=actor, now=self.now, tz=AMS,
                   platform="console")


def text(reply: Reply) -> str:
    return "\n".join(render(m, lambda b: f"[{b.label}]") for m in reply.messages)


def button(reply: Reply, label: str) -> Button:
    return next(b for m in reply.messages for b in [*m.buttons, *(
        ln.button for s in m.sections for ln in s.lines if ln.button)] if b.label == label)


def answers_of(db: Database, handle: str) -> dict[str, tuple[str, str | None]]:
    with db.read() as session:
        rows = session.execute(
            select(Antwoord.vraag, Antwoord.waarde, Antwoord.toelichting)
            .join(Respondent, Respondent.id == Antwoord.respondent_id)
            .join(Persoon, Persoon.id == Respondent.persoon_id).where(Persoon.handle == handle))
        return {vraag: (waarde, toelichting) for vraag, waarde, toelichting in rows}


@pytest.fixture
def people(any_demo_db: Database) -> People:
    return People(any_demo_db)


def test_starting_invites_every_plo_member_by_default(people: People) -> None:
    form = people.command("programmamanager", "afweging JGD-03").form
    assert form is not None and form.id == "afweging.start"
    assert len(form.field("respondenten").initial or []) == 5
    reply = people.start()
    assert "5 mensen krijgen de vragen in een DM" in text(reply)
    with people.db.read() as session:
        invitations = session.scalars(select(OutboxBericht).where(
            OutboxBericht.delivery_key.like("afweging:%:uitnodiging:%"))).all()
        assert len(invitations) == 5
        assert all("Zijn we verplicht" in str(row.bericht) for row in invitations)
        gemeenten = session.scalars(select(Respondent.gemeente_id)).all()
        assert len(set(gemeenten)) == 5 and None not in gemeenten


def test_only_the_plo_and_the_programmamanager_start_an_afweging(people: People) -> None:
    reply = people.command("pl-jeugdinkoop", "afweging JGD-03")
    assert reply.refused and "PLO-leden en de programmamanager" in text(reply)
    with people.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Afweging)) == 0


def test_a_typed_answer_with_its_toelichting_is_recorded_and_the_next_question_follows(
        people: People) -> None:
    people.start(handles=["plo-houten", "plo-lopik"])
    reply = people.dm("plo-houten", "nee, want het is geen wettelijke taak")
    assert "gemeenschappelijk standpunt" in text(reply)
    assert answers_of(people.db, "plo-houten") == {
        "verplicht": ("nee", "want het is geen wettelijke taak")}


def test_nonsense_gets_a_dutch_message_and_changes_nothing(people: People) -> None:
    people.start(handles=["plo-houten"])
    reply = people.dm("plo-houten", "misschien, ik twijfel")
    assert "Dat is geen antwoord op deze vraag; er is niets vastgelegd." in text(reply)
    assert answers_of(people.db, "plo-houten") == {}


def test_the_conversation_resumes_where_it_was_after_a_restart(people: People) -> None:
    people.start(handles=["plo-houten"])
    people.dm("plo-houten", "nee", "nee", "ja, de doelen zijn regionaal")
    # A restart: a new process has no caches and no connections, only the database.
    people.db.engine.dispose()
    afwegingen._versions.clear()
    afwegingen.from_file.cache_clear()
    restarted = People(people.db)
    reply = restarted.dm("plo-houten", "nee")
    assert "Vraag 5 van 11" in text(reply)
    assert answers_of(people.db, "plo-houten")["inwoners"] == ("nee", None)


def test_later_pauses_and_invullen_picks_it_up(people: People) -> None:
    people.start(handles=["plo-houten"])
    assert "Gepauzeerd" in text(people.dm("plo-houten", "nee", "later"))
    reply = people.command("plo-houten", "afweging JGD-03 invullen")
    assert "Welkom terug" in text(reply) and "gemeenschappelijk standpunt" in text(reply)


def test_a_stale_button_records_nothing(people: People) -> None:
    reply = people.command("plo-houten", "afweging JGD-03 invullen")
    old_ja = button(reply, "Ja")
    people.dm("plo-houten", "nee")
    stale = people.press("plo-houten", old_ja)
    assert "Die knop hoort bij een eerdere stap" in text(stale)
    assert "gemeenschappelijk standpunt" in text(stale)  # and where they are now
    assert answers_of(people.db, "plo-houten") == {"verplicht": ("nee", None)}


def test_a_double_click_records_one_answer(people: People) -> None:
    reply = people.command("plo-houten", "afweging JGD-03 invullen")
    ja = button(reply, "Ja")
    people.press("plo-houten", ja)
    second = people.press("plo-houten", ja)
    assert "Die knop hoort bij een eerdere stap" in text(second)
    assert answers_of(people.db, "plo-houten") == {"verplicht": ("ja", None)}
    with people.db.read() as session:
        gesprek = session.scalar(select(Gesprek))
        assert gesprek is not None and (gesprek.stap, gesprek.versie) == ("standpunt", 2)


def test_two_presses_at_the_same_moment_record_one_answer(people: People) -> None:
    reply = people.command("plo-houten", "afweging JGD-03 invullen")
    presses = [button(reply, "Ja"), button(reply, "Nee")]
    barrier = threading.Barrier(2)
    replies: list[str] = []

    def press(b: Button) -> None:
        barrier.wait()
        replies.append(text(People(people.db).press("plo-houten", b)))

    threads = [threading.Thread(target=press, args=(b,)) for b in presses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers_of(people.db, "plo-houten")) == 1
    assert sum("eerdere stap" in r for r in replies) == 1
    with people.db.read() as session:
        assert session.scalar(select(Gesprek.versie)) == 2


def test_a_number_from_the_summary_changes_that_answer(people: People) -> None:
    people.start(handles=["plo-houten"])
    summary = people.dm("plo-houten", *ALL_NEE)
    assert "Je antwoorden" in text(summary) and "lokaal oppakken" in text(summary)
    change = people.press("plo-houten", button(summary, "Wijzig"))  # the first line's
    assert "Vraag 1 van 9" in text(change)
    assert "Je antwoord nu: Nee" in text(change)


def test_only_confirmed_answers_count(people: People) -> None:
    people.start(handles=["plo-houten", "plo-lopik"])
    people.dm("plo-houten", *ALL_NEE)
    before = text(people.command("plo-lopik", "afweging JGD-03 uitslag"))
    assert "Nog niemand heeft zijn antwoorden bevestigd" in before
    assert "Wacht nog op: Anouk de Vries, Carla Mulder" in before
    people.dm("plo-houten", "klaar")
    after = text(people.command("plo-lopik", "afweging JGD-03 uitslag"))
    assert "Houten (Anouk de Vries): geen regionale meerwaarde: lokaal oppakken" in after
    assert "Wacht nog op: Carla Mulder" in after


def test_one_voice_per_gemeente_and_others_are_advice(people: People) -> None:
    with people.db.write() as session:
        houten = session.scalar(select(PloLid.gemeente_id).join(
            Persoon, Persoon.id == PloLid.persoon_id).where(
            Persoon.handle == "plo-houten"))
        tweede = session.scalar(select(Persoon).where(Persoon.handle == "medewerker-houten"))
        assert houten is not None and tweede is not None
        session.add(PloLid(persoon_id=tweede.id, gemeente_id=houten))
    people.start(handles=["plo-houten", "medewerker-houten"])
    people.dm("plo-houten", *ALL_NEE, "klaar")
    people.now += timedelta(minutes=5)
    people.dm("medewerker-houten", "ja", "nee", "alleen voorbereiding", "ja")
    people.command("pl-jeugdinkoop", "afweging JGD-03 invullen")
    people.dm("pl-jeugdinkoop", "nee", "nee", "ja", *["nee"] * 6, "1", "ja")
    people.dm("medewerker-houten", "klaar")
    result = text(people.command("plo-lopik", "afweging JGD-03 uitslag"))
    assert "Houten (Olaf Kramer): gezamenlijk" in result
    assert "Houten, eerder bevestigd (telt niet mee): Anouk de Vries" in result
    assert "Wacht nog op: Femke Bakker" in result  # advice counts only once confirmed
    people.dm("pl-jeugdinkoop", "klaar")
    final = text(people.command("plo-lopik", "afweging JGD-03 uitslag"))
    assert "Advies (telt niet mee): Femke Bakker: meerwaarde" in final
    assert "Uitkomst: gezamenlijk" in final  # Houten's one voice


def test_the_complete_result_goes_to_thread_plo_bestuurder_and_the_bpsdl_agenda(
        people: People) -> None:
    with people.db.write() as session:
        bpsdl = session.scalar(select(Overleg).where(Overleg.code == "bpsdl"))
        assert bpsdl is not None
        # Papers for the BPSDL of 10 December were due on 20 November: the result goes to
        # the meeting after it, whose papers are still to come (issue 23 §3).
        next_meeting = session.scalar(select(Vergadering.id).where(
            Vergadering.overleg_id == bpsdl.id,
            Vergadering.begint_op > datetime(2026, 12, 11, tzinfo=AMS))
            .order_by(Vergadering.begint_op).limit(1))
    people.start(handles=["plo-houten", "plo-lopik"])
    people.dm("plo-houten", "nee", "nee", "ja, want de kosten stijgen overal", *["nee"] * 6,
              "ook uitvoering", "ja", "klaar")
    people.dm("plo-lopik", *ALL_NEE)
    people.dm("plo-lopik", "3", "weet ik niet", "alleen voorbereiding", "nee",
              "ja, want dan valt de inkoop duurder uit", "klaar")
    with people.db.read() as session:
        afweging = session.scalar(select(Afweging))
        assert afweging is not None and afweging.status == "afgerond"
        assert afweging.uitkomst is not None
        assert afweging.uitkomst["uitkomst"] == "onbepaald"  # ja against weet ik niet
        assert afweging.uitkomst["open"] == ["doelstellingen"]
        assert afweging.uitkomst["vooraf_bespreken"] == ["Lopik"]
        kinds = {(r.doel_soort, r.doel) for r in session.scalars(select(OutboxBericht).where(
            OutboxBericht.delivery_key.like(f"afweging:{afweging.id}:uitslag%")))}
        opgave_id = str(afweging.opgave_id)
        assert ("draad", opgave_id) in kinds and ("kanaal", "plo") in kinds
        assert any(kind == "persoon" for kind, _ in kinds)
        item = session.scalar(select(Agendapunt))
        assert item is not None and item.bron == f"afweging:{afweging.id}"
        assert item.vergadering_id == next_meeting and item.soort == "afweging"
        audited = session.scalars(select(AuditRegel.nieuw).where(
            AuditRegel.entiteit == "afweging")).all()
        assert audited == ["open", "afgerond"]
    # stored on the opgave: its card shows the outcome
    assert "Afweging: nog niet te bepalen" in text(people.command("plo-houten", "status JGD-03"))
    final = text(people.command("plo-houten", "afweging JGD-03 uitslag"))
    assert "Lopik: doet niet mee — ⚠️ vooraf bespreken" in final
    assert "verschil van mening" in final and "want de kosten stijgen overal" in final


def test_the_result_of_an_opgave_without_an_overleg_is_posted_once_in_the_plo_channel(
        people: People) -> None:
    # MOB-02 has no overleg: its thread opens in #plo, which is the PLO post as well.
    people.start(handles=["plo-houten"], code="MOB-02")
    people.dm("plo-houten", *ALL_NEE, "klaar")
    with people.db.read() as session:
        afweging = session.scalar(select(Afweging))
        assert afweging is not None and afweging.status == "afgerond"
        rows = session.scalars(select(OutboxBericht).where(
            OutboxBericht.delivery_key.like(f"afweging:{afweging.id}:uitslag%"))).all()
        platforms = {r.platform for r in rows}
        public = [r for r in rows if r.doel_soort in ("draad", "kanaal")]
        assert len(public) == len(platforms)
        assert {r.doel_soort for r in public} == {"draad"}
        # the wethouder (no account) is reached through plo-lopik, once
        personal = [r for r in rows if r.doel_soort == "persoon"]
        assert len(personal) == len(platforms)


def test_an_answer_keeps_the_questionnaire_version_it_answered(
        people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(afwegingen, "_versions", {})  # this test's edited version stays here
    people.start(handles=["plo-houten"])
    people.dm("plo-houten", "nee")
    with people.db.write() as session:
        version = session.scalar(select(VragenlijstVersie))
        answer = session.scalar(select(Antwoord))
        assert version is not None and answer is not None
        assert (version.sleutel, version.versie) == ("lekstroom-afwegingskader", 1)
        assert answer.vragenlijst_id == version.id
        # Whatever the file says later, a running afweging reads the version it stored.
        version.inhoud = {**version.inhoud, "stappen": [
            {**s, "tekst": "Zoals opgeslagen?"} if s["id"] == "standpunt" else s
            for s in version.inhoud["stappen"]]}
    monkeypatch.setattr(afwegingen, "_versions", {})
    assert "Zoals opgeslagen?" in text(people.dm("plo-houten", "later", "verder"))


def test_invullen_starts_the_regions_default_when_none_is_open(people: People) -> None:
    reply = people.command("pl-jeugdinkoop", "afweging JGD-03 invullen")
    assert "Vraag 1 van 11" in text(reply)
    with people.db.read() as session:
        afweging = session.scalar(select(Afweging))
        assert afweging is not None and afweging.status == "open"
        assert session.scalar(select(func.count()).select_from(Respondent)) == 1


def test_stop_cancels_and_invullen_starts_afresh(people: People) -> None:
    people.start(handles=["plo-houten", "plo-lopik"])
    people.dm("plo-houten", "nee")
    assert "Gestopt" in text(people.dm("plo-houten", "stop"))
    reply = people.command("plo-houten", "afweging JGD-03 invullen")
    assert "Vraag 1 van 11" in text(reply)
    assert answers_of(people.db, "plo-houten") == {}


def test_a_variant_scoring_runs_as_a_conversation_too(people: People) -> None:
    people.start(handles=["plo-houten"], vragenlijst="leusden-samenwerkingsvarianten")
    reply = people.dm("plo-houten", "- kan als kritiek worden uitgelegd")
    assert "Vraag 2 van 48" in text(reply) and "Variant 2" in text(reply)
    assert answers_of(people.db, "plo-houten") == {
        "relaties.v1": ("-", "kan als kritiek worden uitgelegd")}


def test_nudges_two_working_days_after_the_last_answer(people: People) -> None:
    people.start(handles=["plo-houten", "plo-lopik"])
    people.dm("plo-lopik", *ALL_NEE, "klaar")
    for day, expected in ((25, []), (26, ["plo-houten"])):  # Wednesday, Thursday
        people.now = NOW.replace(day=day)
        with people.db.write() as session:
            ctx = people.ctx(session)
            assert [c.persoon.handle for c in afwegingen.nudge_due(ctx)] == expected
            afwegingen.send_nudges(ctx)
    with people.db.write() as session:
        assert afwegingen.nudge_due(people.ctx(session)) == []  # once, then two days later
        nudges = session.scalars(select(OutboxBericht.bericht).where(
            OutboxBericht.delivery_key.like("afweging:%:herinnering:%"))).all()
        assert len(nudges) == 1 and "wacht nog op je" in str(nudges[0])


def test_an_expired_afweging_closes_with_the_confirmed_answers(people: People) -> None:
    people.start(handles=["plo-houten", "plo-lopik"])
    people.dm("plo-lopik", *ALL_NEE, "klaar")
    people.now = NOW + timedelta(days=30)
    with people.db.write() as session:
        closed = afwegingen.expire(people.ctx(session))
        assert [len(u.counted) for u in closed] == [1]
    with people.db.read() as session:
        assert session.scalar(select(Afweging.status)) == "verlopen"
        statuses = sorted(session.scalars(select(Respondent.status)))
        assert statuses == ["bevestigd", "verlopen"]
    # Nothing is open any more: a DM is not taken as an answer.
    assert "Ik reageer hier op vragenlijsten" in text(people.dm("plo-houten", "ja"))
