"""Afwegingen: starting one, each respondent's conversation, and the combined result.

The conversation's transitions are ``bot.conversation``'s; this module loads a
respondent's state from the database, applies one transition and stores it, guarded by
the conversation's versie so a stale or double-clicked button records nothing. Only
confirmed answers count: one voice per gemeente (its PLO member's, the later
confirmation if two answer), the rest is advice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from functools import lru_cache

from sqlalchemy import delete, select, update

from bot import conversation as machine
from bot import workdays
from bot.context import Ctx
from bot.conversation import Said, State, Toestand, Turn
from bot.errors import UserError
from bot.permissions import require
from bot.questionnaire import (
    Questionnaire,
    QuestionnaireError,
    Result,
    Tally,
    Typed,
    combine,
    load,
    outcome,
)
from bot.services import afweging_messages as messages
from bot.services import audit, meetings, notify
from bot.texts import t
from config import DATA_DIR
from storage.models import (
    Afweging,
    Agendapunt,
    Antwoord,
    Gemeente,
    Gesprek,
    Opgave,
    Overleg,
    Persoon,
    PloLid,
    Respondent,
    VragenlijstVersie,
)

QUESTIONNAIRES = DATA_DIR / "vragenlijsten"
DEFAULT_QUESTIONNAIRE = "lekstroom-afwegingskader"
SOORT = "afweging"
NUDGE_AFTER_WORKING_DAYS = 2
DEFAULT_TERM_WORKING_DAYS = 10
DEFAULT_AGENDA_BODY = "bpsdl"
FINAL = ("bevestigd", "gestopt", "verlopen")


# --- questionnaires ----------------------------------------------------------------------


def available() -> list[str]:
    return sorted(p.stem for p in QUESTIONNAIRES.glob("*.toml"))


@lru_cache(maxsize=16)
def from_file(sleutel: str) -> Questionnaire:
    path = QUESTIONNAIRES / f"{sleutel}.toml"
    if not path.is_file():
        raise UserError(t("afweging.vragenlijst_onbekend", id=sleutel,
                          ids=", ".join(available())))
    try:
        return load(path)
    except QuestionnaireError as error:
        raise UserError(str(error)) from None


_versions: dict[tuple[str, int], Questionnaire] = {}


def of_version(ctx: Ctx, vragenlijst_id: int) -> Questionnaire:
    """The questionnaire exactly as it was when the afweging started. A stored version
    never changes, so its parsed form is kept per (sleutel, versie)."""
    row = ctx.session.get(VragenlijstVersie, vragenlijst_id)
    assert row is not None
    key = (row.sleutel, row.versie)
    if key not in _versions:
        _versions[key] = Questionnaire.model_validate(row.inhoud)
    return _versions[key]


def _version_row(ctx: Ctx, q: Questionnaire) -> VragenlijstVersie:
    row = ctx.session.scalar(select(VragenlijstVersie).where(
        VragenlijstVersie.sleutel == q.id, VragenlijstVersie.versie == q.versie))
    if row is None:
        row = VragenlijstVersie(sleutel=q.id, versie=q.versie, titel=q.titel,
                                inhoud=q.model_dump(mode="json"))
        ctx.session.add(row)
        ctx.session.flush()
    return row


def default_for(ctx: Ctx) -> str:
    return str(ctx.regio.instellingen.get("vragenlijst") or DEFAULT_QUESTIONNAIRE)


# --- starting ----------------------------------------------------------------------------


def open_for(ctx: Ctx, opgave: Opgave) -> Afweging | None:
    return ctx.session.scalar(select(Afweging).where(
        Afweging.opgave_id == opgave.id, Afweging.status == "open"))


def latest_for(ctx: Ctx, opgave: Opgave) -> Afweging | None:
    return ctx.session.scalar(select(Afweging).where(Afweging.opgave_id == opgave.id)
                              .order_by(Afweging.gestart_op.desc(), Afweging.id.desc()).limit(1))


def plo_members(ctx: Ctx) -> list[Persoon]:
    return list(ctx.session.scalars(
        select(Persoon).join(PloLid, PloLid.persoon_id == Persoon.id)
        .where(Persoon.regio_id == ctx.regio.id, Persoon.actief).distinct()
        .order_by(Persoon.naam)))


def _gemeente_of(ctx: Ctx, persoon: Persoon) -> int | None:
    """The gemeente someone speaks for: the one they sit in the PLO for, else their own."""
    plo = ctx.session.scalar(select(PloLid.gemeente_id).where(PloLid.persoon_id == persoon.id)
                             .order_by(PloLid.gemeente_id).limit(1))
    return plo if plo is not None else persoon.gemeente_id


def _term_end(ctx: Ctx) -> datetime:
    days = int(ctx.regio.instellingen.get("afweging_termijn_werkdagen",
                                          DEFAULT_TERM_WORKING_DAYS))
    end = workdays.of_regio(ctx.regio.instellingen).add(ctx.today, days)
    return datetime.combine(end, time(23, 59), ctx.tz)


def start(ctx: Ctx, opgave: Opgave, people: list[Persoon] | None = None,
          sleutel: str | None = None) -> tuple[Afweging, Conversation | None]:
    """Start an afweging and send each respondent (default: every PLO member, since the
    afweging itself decides who takes part) the first question in a DM. The actor's own
    conversation, if they are a respondent, is returned to answer right away."""
    require(ctx, "afweging.starten", opgave)
    if open_for(ctx, opgave) is not None:
        raise UserError(t("afweging.loopt_al", code=opgave.code))
    people = plo_members(ctx) if people is None else people
    if not people:
        raise UserError(t("afweging.geen_respondenten"))
    afweging = _create(ctx, opgave, from_file(sleutel or default_for(ctx)))
    mine: Conversation | None = None
    for persoon in people:
        conv = invite(ctx, afweging, persoon)
        if persoon.id == ctx.actor.id:
            mine = conv
            continue
        notify.to_person(ctx, persoon, messages.invitation(ctx, conv, opgave),
                         f"afweging:{afweging.id}:uitnodiging:{conv.respondent.id}")
    return afweging, mine


def _create(ctx: Ctx, opgave: Opgave, q: Questionnaire) -> Afweging:
    afweging = Afweging(opgave_id=opgave.id, vragenlijst_id=_version_row(ctx, q).id,
                        gestart_door_id=ctx.actor.id, gestart_op=ctx.now,
                        verloopt_op=_term_end(ctx), status="open")
    ctx.session.add(afweging)
    ctx.session.flush()
    audit.record(ctx, "afweging", afweging.id, "status", None, "open", opgave_id=opgave.id)
    return afweging


def afweging_respondents(ctx: Ctx, afweging: Afweging) -> list[Respondent]:
    return list(ctx.session.scalars(select(Respondent).where(
        Respondent.afweging_id == afweging.id).order_by(Respondent.id)))


def invite(ctx: Ctx, afweging: Afweging, persoon: Persoon) -> Conversation:
    """Make someone a respondent with a conversation at the first question; the adapter
    (or the outbox, for others than the actor) sends them that question."""
    respondent = Respondent(afweging_id=afweging.id, persoon_id=persoon.id,
                            gemeente_id=_gemeente_of(ctx, persoon), status="uitgenodigd",
                            uitgenodigd_op=ctx.now, laatst_actief_op=ctx.now)
    ctx.session.add(respondent)
    ctx.session.flush()
    q = of_version(ctx, afweging.vragenlijst_id)
    state = machine.begin(q)
    gesprek = Gesprek(persoon_id=persoon.id, soort=SOORT, onderwerp_id=respondent.id,
                      toestand=state.toestand, stap=state.stap, versie=1,
                      gestart_op=ctx.now, bijgewerkt_op=ctx.now)
    ctx.session.add(gesprek)
    ctx.session.flush()
    return Conversation(gesprek, respondent, afweging, q, state, persoon)


# --- one respondent's conversation -------------------------------------------------------


@dataclass
class Conversation:
    gesprek: Gesprek
    respondent: Respondent
    afweging: Afweging
    q: Questionnaire
    state: State
    persoon: Persoon

    @property
    def opgave_id(self) -> int:
        return self.afweging.opgave_id


def _answers(ctx: Ctx, respondent_id: int) -> dict[str, Typed]:
    rows = ctx.session.execute(select(Antwoord.vraag, Antwoord.waarde, Antwoord.toelichting)
                               .where(Antwoord.respondent_id == respondent_id))
    return {vraag: Typed(waarde, toelichting) for vraag, waarde, toelichting in rows}


def load_conversation(ctx: Ctx, gesprek: Gesprek) -> Conversation:
    respondent = ctx.session.get(Respondent, gesprek.onderwerp_id)
    assert respondent is not None
    afweging = ctx.session.get(Afweging, respondent.afweging_id)
    persoon = ctx.session.get(Persoon, gesprek.persoon_id)
    assert afweging is not None and persoon is not None
    q = of_version(ctx, afweging.vragenlijst_id)
    state = State(Toestand(gesprek.toestand), gesprek.stap, _answers(ctx, respondent.id))
    return Conversation(gesprek, respondent, afweging, q, state, persoon)


def current(ctx: Ctx) -> Conversation | None:
    """The conversation a typed DM belongs to: the one the actor is in (the latest),
    else the latest they paused; only of afwegingen still open."""
    rows = ctx.session.scalars(
        select(Gesprek).join(Respondent, Respondent.id == Gesprek.onderwerp_id)
        .join(Afweging, Afweging.id == Respondent.afweging_id)
        .where(Gesprek.persoon_id == ctx.actor.id, Gesprek.soort == SOORT,
               Gesprek.toestand.in_([s.value for s in machine.OPEN]),
               Afweging.status == "open")
        .order_by(Gesprek.bijgewerkt_op.desc(), Gesprek.id.desc())).all()
    active = [g for g in rows if g.toestand != Toestand.GEPAUZEERD] or rows
    return load_conversation(ctx, active[0]) if active else None


def conversation_by_id(ctx: Ctx, gesprek_id: int) -> Conversation:
    gesprek = ctx.session.get(Gesprek, gesprek_id)
    if gesprek is None or gesprek.persoon_id != ctx.actor.id or gesprek.soort != SOORT:
        raise UserError(t("gesprek.niet_van_jou"))
    return load_conversation(ctx, gesprek)


class Stale(Exception):
    """Another press or message changed the conversation first."""


def react(ctx: Ctx, conv: Conversation, text: str) -> Turn:
    return apply(ctx, conv, machine.react(conv.q, conv.state, text), conv.gesprek.versie)


def choose(ctx: Ctx, conv: Conversation, versie: int, stap: str, value: str) -> Turn:
    if versie != conv.gesprek.versie:
        return Turn(conv.state, Said.STALE)
    return apply(ctx, conv, machine.choose(conv.q, conv.state, stap, value), versie)


def control(ctx: Ctx, conv: Conversation, versie: int, word: str) -> Turn:
    """A control button: the word it stands for (terug, later, stop, klaar, or the
    number of a summary line), taken as typed — the versie makes sure the state is still
    the one the button was shown with."""
    if versie != conv.gesprek.versie:
        return Turn(conv.state, Said.STALE)
    return apply(ctx, conv, machine.react(conv.q, conv.state, word), versie)


def resume(ctx: Ctx, conv: Conversation) -> Turn:
    """``invullen`` again: a paused conversation picks up, a stopped one starts afresh, a
    confirmed one opens its summary (unconfirmed until ``klaar`` again)."""
    state = conv.state
    if state.toestand == Toestand.GESTOPT:
        ctx.session.execute(delete(Antwoord).where(
            Antwoord.respondent_id == conv.respondent.id))
        turn = Turn(machine.begin(conv.q), Said.ASK)
    elif state.toestand == Toestand.BEVESTIGD:
        turn = Turn(machine.begin(conv.q, state.answers), Said.SUMMARY)
    elif state.toestand == Toestand.GEPAUZEERD:
        turn = Turn(machine.begin_at(conv.q, state), Said.RESUMED)
    else:
        return Turn(state, Said.ASK if state.toestand == Toestand.VRAAG else Said.SUMMARY)
    return apply(ctx, conv, turn, conv.gesprek.versie)


def apply(ctx: Ctx, conv: Conversation, turn: Turn, versie: int) -> Turn:
    """Store one transition. The versie guard is a conditional update: of two presses
    racing on the same question, one changes the row and the other finds it changed."""
    if not turn.changed:
        return turn
    if conv.afweging.status != "open":
        return Turn(conv.state, Said.CLOSED)
    changed = ctx.session.execute(
        update(Gesprek).where(Gesprek.id == conv.gesprek.id, Gesprek.versie == versie)
        .values(toestand=turn.state.toestand.value, stap=turn.state.stap,
                versie=Gesprek.versie + 1, bijgewerkt_op=ctx.now)
        .execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        raise Stale
    ctx.session.refresh(conv.gesprek)
    if turn.recorded is not None:
        _store_answer(ctx, conv, turn.recorded, turn.state.answers[turn.recorded])
    respondent = conv.respondent
    respondent.laatst_actief_op = ctx.now
    respondent.status = {Toestand.BEVESTIGD: "bevestigd", Toestand.GESTOPT: "gestopt"}.get(
        turn.state.toestand, "bezig")
    respondent.bevestigd_op = ctx.now if turn.said == Said.CONFIRMED else None
    conv.state = turn.state
    if turn.said in (Said.CONFIRMED, Said.STOPPED):
        audit.record(ctx, "respondent", respondent.id, "status", None, respondent.status,
                     opgave_id=conv.opgave_id)
        finish_if_complete(ctx, conv.afweging)
    return turn


def _store_answer(ctx: Ctx, conv: Conversation, stap: str, typed: Typed) -> None:
    row = ctx.session.scalar(select(Antwoord).where(
        Antwoord.respondent_id == conv.respondent.id, Antwoord.vraag == stap))
    if row is None:
        row = Antwoord(respondent_id=conv.respondent.id, vraag=stap,
                       vragenlijst_id=conv.afweging.vragenlijst_id)
        ctx.session.add(row)
    row.waarde, row.toelichting, row.beantwoord_op = typed.value, typed.toelichting, ctx.now


def fill_in(ctx: Ctx, opgave: Opgave) -> tuple[Conversation, Turn]:
    """``/opgave afweging <code> invullen``: anyone may, starting the afweging with the
    region's default questionnaire if none is open."""
    afweging = open_for(ctx, opgave)
    if afweging is None:
        afweging = _create(ctx, opgave, from_file(default_for(ctx)))
    respondent = ctx.session.scalar(select(Respondent).where(
        Respondent.afweging_id == afweging.id, Respondent.persoon_id == ctx.actor.id))
    if respondent is None:
        conv = invite(ctx, afweging, ctx.actor)
        return conv, Turn(conv.state, Said.ASK)
    gesprek = ctx.session.scalar(select(Gesprek).where(
        Gesprek.soort == SOORT, Gesprek.onderwerp_id == respondent.id))
    assert gesprek is not None
    conv = load_conversation(ctx, gesprek)
    return conv, resume(ctx, conv)


# --- the result ----------------------------------------------------------------------------


@dataclass
class Voice:
    respondent: Respondent
    persoon: Persoon
    gemeente: Gemeente | None
    answers: dict[str, Typed]
    result: Result
    counts: bool = True
    superseded: bool = False

    @property
    def naam(self) -> str:
        """Who the voice is: its gemeente, else the person (advice)."""
        return self.gemeente.naam if self.gemeente is not None else self.persoon.naam


@dataclass
class Uitslag:
    afweging: Afweging
    opgave: Opgave
    q: Questionnaire
    voices: list[Voice]  # confirmed: counted, superseded and advice alike
    waiting: list[tuple[Persoon, str]]  # who has not confirmed, and their status
    tallies: list[Tally] = field(default_factory=list)
    result: Result | None = None

    @property
    def counted(self) -> list[Voice]:
        return [v for v in self.voices if v.counts]

    def toelichtingen(self, stap: str) -> list[tuple[Voice, Typed]]:
        return [(v, v.answers[stap]) for v in self.counted
                if stap in v.answers and v.answers[stap].toelichting]

    def deelname(self) -> list[tuple[Voice, str | None, bool]]:
        """Per counted gemeente: its answer to deelname, and whether to discuss first."""
        if not any(s.id == "deelname" for s in self.q.stappen):
            return []
        return [(voice, voice.answers["deelname"].value if "deelname" in voice.answers
                 else None, "vooraf_bespreken" in voice.result.flags)
                for voice in self.counted]


def uitslag(ctx: Ctx, afweging: Afweging) -> Uitslag:
    opgave = ctx.session.get(Opgave, afweging.opgave_id)
    assert opgave is not None
    q = of_version(ctx, afweging.vragenlijst_id)
    rows = ctx.session.execute(
        select(Respondent, Persoon, Gemeente).join(Persoon, Persoon.id == Respondent.persoon_id)
        .outerjoin(Gemeente, Gemeente.id == Respondent.gemeente_id)
        .where(Respondent.afweging_id == afweging.id).order_by(Respondent.id)).all()
    plo = {(p, g) for p, g in ctx.session.execute(select(PloLid.persoon_id, PloLid.gemeente_id)
                                                  .where(PloLid.persoon_id.in_(
                                                      [persoon.id for _, persoon, _ in rows])))}
    given: dict[int, dict[str, Typed]] = {}
    for respondent_id, vraag, waarde, toelichting in ctx.session.execute(
            select(Antwoord.respondent_id, Antwoord.vraag, Antwoord.waarde, Antwoord.toelichting)
            .join(Respondent, Respondent.id == Antwoord.respondent_id)
            .where(Respondent.afweging_id == afweging.id, Respondent.status == "bevestigd")):
        given.setdefault(respondent_id, {})[vraag] = Typed(waarde, toelichting)
    voices: list[Voice] = []
    waiting: list[tuple[Persoon, str]] = []
    for respondent, persoon, gemeente in rows:
        if respondent.status != "bevestigd":
            if respondent.status != "gestopt":
                waiting.append((persoon, respondent.status))
            continue
        answers = given.get(respondent.id, {})
        voices.append(Voice(respondent, persoon, gemeente, answers,
                            outcome(q, {k: a.value for k, a in answers.items()}),
                            counts=(persoon.id, respondent.gemeente_id) in plo))
    # One voice per gemeente: the later confirmation counts, the earlier is shown.
    latest: dict[int, Voice] = {}
    for voice in sorted((v for v in voices if v.counts),
                        key=lambda v: (v.respondent.bevestigd_op or ctx.now, v.respondent.id)):
        gemeente_id = voice.respondent.gemeente_id or 0
        if gemeente_id in latest:
            latest[gemeente_id].counts, latest[gemeente_id].superseded = False, True
        latest[gemeente_id] = voice
    result = Uitslag(afweging, opgave, q, voices, waiting)
    result.tallies, result.result = combine(
        q, [{k: a.value for k, a in v.answers.items()} for v in result.counted])
    return result


def finish_if_complete(ctx: Ctx, afweging: Afweging) -> bool:
    if any(r.status not in FINAL for r in afweging_respondents(ctx, afweging)):
        return False
    finish(ctx, afweging, "afgerond")
    return True


def finish(ctx: Ctx, afweging: Afweging, status: str) -> Uitslag:
    """Close the afweging: store the result on it, post it to the opgave's thread and the
    PLO channel, send it to the bestuurlijk opdrachtgever, put it on the next agenda of
    the bestuurlijk overleg (the seed makes it a choice for bestuurders), and audit."""
    result = uitslag(ctx, afweging)
    afweging.status, afweging.afgerond_op = status, ctx.now
    afweging.uitkomst = stored(result)
    opgave = result.opgave
    audit.record(ctx, "afweging", afweging.id, "status", "open", status, opgave_id=opgave.id)
    if result.result is not None and result.counted:
        audit.record(ctx, "opgave", opgave.id, "afweging", opgave.afweging_uitkomst,
                     result.result.tekst, opgave_id=opgave.id)
        opgave.afweging_uitkomst = result.result.tekst
    message = messages.uitslag(result, final=True)
    key = f"afweging:{afweging.id}:uitslag"
    notify.to_thread(ctx, opgave, message, key)
    if notify.home_channel(ctx, opgave) != notify.plo_channel(ctx):
        # Without an overleg the thread is in the PLO channel already: posted once.
        notify.to_channel(ctx, notify.plo_channel(ctx), message, key)
    notify.to_people(ctx, [opgave.bestuurlijk_opdrachtgever], message, key)
    _on_agenda(ctx, afweging, opgave, result)
    return result


def stored(result: Uitslag) -> dict[str, object]:
    return {
        "uitkomst": result.result.id if result.result else None,
        "tekst": result.result.tekst if result.result else None,
        "open": list(result.result.open) if result.result else [],
        "stemmen": {v.naam: v.result.id for v in result.counted},
        "telling": {tally.step: dict(tally.counts) for tally in result.tallies if tally.counts},
        "vooraf_bespreken": [v.naam for v, _, flag in result.deelname() if flag],
    }


def _on_agenda(ctx: Ctx, afweging: Afweging, opgave: Opgave, result: Uitslag) -> None:
    code = str(ctx.regio.instellingen.get("afweging_overleg") or DEFAULT_AGENDA_BODY)
    body = ctx.session.scalar(select(Overleg).where(Overleg.regio_id == ctx.regio.id,
                                                    Overleg.code == code)) \
        or ctx.session.scalar(select(Overleg).where(Overleg.regio_id == ctx.regio.id,
                                                    Overleg.soort == "bestuurlijk")
                              .order_by(Overleg.id).limit(1))
    if body is None:
        return
    # The first meeting whose papers are still to come, not one this afternoon.
    planned = meetings.meeting_for(ctx, body)
    meeting = planned.id if planned else None
    bron = f"afweging:{afweging.id}"
    if ctx.session.scalar(select(Agendapunt.id).where(Agendapunt.bron == bron)) is None:
        ctx.session.add(Agendapunt(
            overleg_id=body.id, vergadering_id=meeting, opgave_id=opgave.id, soort="afweging",
            titel=t("afweging.agendapunt", code=opgave.code, titel=opgave.titel),
            toelichting=result.result.tekst if result.result else None,
            ingediend_door_id=None, ingediend_op=ctx.now, bron=bron, status="geaccepteerd"))


# --- for the scheduler: nudges and expiry ------------------------------------------------


def nudge_due(ctx: Ctx) -> list[Conversation]:
    """Respondents of open afwegingen who have not answered for two working days since
    their last answer (or the last nudge): one nudge each, through the outbox."""
    calendar = workdays.of_regio(ctx.regio.instellingen)
    due: list[Conversation] = []
    for gesprek, respondent in ctx.session.execute(
            select(Gesprek, Respondent).join(Respondent, Respondent.id == Gesprek.onderwerp_id)
            .join(Afweging, Afweging.id == Respondent.afweging_id)
            .join(Opgave, Opgave.id == Afweging.opgave_id)
            .where(Gesprek.soort == SOORT, Afweging.status == "open",
                   Opgave.regio_id == ctx.regio.id,
                   Gesprek.toestand.in_([s.value for s in machine.OPEN]))):
        since = max(d for d in (respondent.laatst_actief_op, respondent.herinnerd_op,
                                respondent.uitgenodigd_op) if d is not None)
        if calendar.add(since.astimezone(ctx.tz).date(), NUDGE_AFTER_WORKING_DAYS) <= ctx.today:
            due.append(load_conversation(ctx, gesprek))
    return due


def send_nudges(ctx: Ctx) -> int:
    sent = 0
    for conv in nudge_due(ctx):
        opgave = ctx.session.get(Opgave, conv.opgave_id)
        assert opgave is not None
        message = messages.nudge(conv, opgave)
        sent += notify.to_person(ctx, conv.persoon, message,
                                 f"afweging:{conv.afweging.id}:herinnering:"
                                 f"{conv.respondent.id}:{ctx.today.isoformat()}")
        conv.respondent.herinnerd_op = ctx.now
    return sent


def expire(ctx: Ctx) -> list[Uitslag]:
    """Close the afwegingen whose term has passed, with the confirmed answers so far."""
    closed = []
    for afweging in ctx.session.scalars(
            select(Afweging).join(Opgave, Opgave.id == Afweging.opgave_id)
            .where(Afweging.status == "open", Opgave.regio_id == ctx.regio.id,
                   Afweging.verloopt_op <= ctx.now)):
        for respondent in afweging_respondents(ctx, afweging):
            if respondent.status not in FINAL:
                respondent.status = "verlopen"
        closed.append(finish(ctx, afweging, "verlopen"))
    return closed

