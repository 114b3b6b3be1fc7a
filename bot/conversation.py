"""The afweging conversation as an explicit state machine, free of database and platform.

A state is where the respondent is (a question, the summary, paused, stopped,
confirmed) and what they answered. Each message or button press is one transition,
``react`` or ``choose``, returning the new state and what to tell them. The service
stores the state in the database after every transition, so the conversation resumes
where it was after any restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from bot.questionnaire import Answers, Questionnaire, Typed, asked, live, next_step, read_answer


class Toestand(StrEnum):
    VRAAG = "vraag"
    SAMENVATTING = "samenvatting"
    GEPAUZEERD = "gepauzeerd"
    GESTOPT = "gestopt"
    BEVESTIGD = "bevestigd"


OPEN = (Toestand.VRAAG, Toestand.SAMENVATTING, Toestand.GEPAUZEERD)


class Said(StrEnum):
    """What the respondent is told after a transition (a text key under ``gesprek.``)."""

    ASK = "vraag"
    SUMMARY = "samenvatting"
    PAUSED = "gepauzeerd"
    RESUMED = "hervat"
    STOPPED = "gestopt"
    CONFIRMED = "bevestigd"
    NOT_UNDERSTOOD = "niet_begrepen"
    HELP = "help"
    NOT_UNDERSTOOD_SUMMARY = "niet_begrepen_samenvatting"
    FIRST = "eerste_vraag"
    NO_SUCH_NUMBER = "geen_nummer"
    NOT_YET = "nog_niet_klaar"
    STALE = "verouderd"
    CLOSED = "gesloten"


WORDS: dict[str, frozenset[str]] = {
    "terug": frozenset({"terug", "vorige", "back"}),
    "later": frozenset({"later", "pauze", "pause"}),
    "stop": frozenset({"stop", "stoppen", "annuleer", "cancel"}),
    "klaar": frozenset({"klaar", "bevestig", "akkoord", "done", "confirm"}),
    "help": frozenset({"help", "hulp", "uitleg"}),
}


@dataclass(frozen=True)
class State:
    toestand: Toestand
    stap: str | None = None
    answers: Mapping[str, Typed] = field(default_factory=dict)

    def values(self) -> Answers:
        return {k: a.value for k, a in self.answers.items()}


@dataclass(frozen=True)
class Turn:
    state: State
    said: Said
    # The step whose answer was recorded by this transition, if any.
    recorded: str | None = None

    @property
    def changed(self) -> bool:
        return self.said not in (Said.NOT_UNDERSTOOD, Said.NOT_UNDERSTOOD_SUMMARY, Said.FIRST,
                                 Said.NO_SUCH_NUMBER, Said.NOT_YET, Said.STALE, Said.CLOSED)


def begin(q: Questionnaire, answers: Mapping[str, Typed] | None = None) -> State:
    """Where a respondent starts (or restarts): the first open step, else the summary."""
    answers = dict(answers or {})
    step = next_step(q, {k: a.value for k, a in answers.items()})
    if step is None:
        return State(Toestand.SAMENVATTING, None, answers)
    return State(Toestand.VRAAG, step.id, answers)


def summary(q: Questionnaire, state: State) -> list[tuple[int, str, Typed]]:
    """The numbered lines of the summary: every step asked, with the answer that counts."""
    kept = live(q, state.values())
    return [(n, s.id, state.answers[s.id])
            for n, s in enumerate((s for s in asked(q, kept) if s.id in kept), start=1)]


def _word(text: str) -> str | None:
    lowered = " ".join(text.lower().split()).strip(" .!")
    return next((word for word, spellings in WORDS.items() if lowered in spellings), None)


def react(q: Questionnaire, state: State, text: str) -> Turn:
    """One typed message: an answer, a number (from the summary), or a control word."""
    if state.toestand in (Toestand.GESTOPT, Toestand.BEVESTIGD):
        return Turn(state, Said.CLOSED)
    word = _word(text)
    if word == "stop":
        return Turn(replace(state, toestand=Toestand.GESTOPT), Said.STOPPED)
    if state.toestand == Toestand.GEPAUZEERD:
        # Whatever they type after a pause picks the conversation up, without taking it
        # as an answer: the question is shown again first.
        return Turn(begin_at(q, state), Said.RESUMED)
    if word == "help":
        # Asked how to answer: say so and show where they are again, recording nothing.
        return Turn(state, Said.HELP)
    if word == "later":
        return Turn(replace(state, toestand=Toestand.GEPAUZEERD), Said.PAUSED)
    if word == "terug":
        return back(q, state)
    if state.toestand == Toestand.SAMENVATTING:
        if word == "klaar":
            return Turn(replace(state, toestand=Toestand.BEVESTIGD), Said.CONFIRMED)
        if text.strip().isdigit():
            return jump(q, state, int(text.strip()))
        return Turn(state, Said.NOT_UNDERSTOOD_SUMMARY)
    if word == "klaar":
        return Turn(state, Said.NOT_YET)
    assert state.stap is not None
    typed = read_answer(q.step(state.stap), text)
    if typed is None:
        return Turn(state, Said.NOT_UNDERSTOOD)
    return record(q, state, state.stap, typed)


def choose(q: Questionnaire, state: State, stap: str, value: str) -> Turn:
    """A button press: only for the question it was shown with, while it is the current
    one; anything else (a stale or double-clicked button) records nothing."""
    if state.toestand != Toestand.VRAAG or state.stap != stap or value not in q.step(
            stap).values:
        return Turn(state, Said.STALE)
    return record(q, state, stap, Typed(value))


def record(q: Questionnaire, state: State, stap: str, typed: Typed) -> Turn:
    answers = {**state.answers, stap: typed}
    step = next_step(q, {k: a.value for k, a in answers.items()}, after=stap)
    if step is None:
        return Turn(State(Toestand.SAMENVATTING, None, answers), Said.SUMMARY, stap)
    return Turn(State(Toestand.VRAAG, step.id, answers), Said.ASK, stap)


def back(q: Questionnaire, state: State) -> Turn:
    steps = [s.id for s in asked(q, state.values())]
    if state.toestand == Toestand.SAMENVATTING:
        return Turn(replace(state, toestand=Toestand.VRAAG, stap=steps[-1]), Said.ASK)
    index = steps.index(state.stap) if state.stap in steps else 0
    if index == 0:
        return Turn(state, Said.FIRST)
    return Turn(replace(state, stap=steps[index - 1]), Said.ASK)


def jump(q: Questionnaire, state: State, number: int) -> Turn:
    lines = summary(q, state)
    if not 1 <= number <= len(lines):
        return Turn(state, Said.NO_SUCH_NUMBER)
    return Turn(replace(state, toestand=Toestand.VRAAG, stap=lines[number - 1][1]), Said.ASK)


def begin_at(q: Questionnaire, state: State) -> State:
    """After a pause: the question it paused on, else the first open one, else the summary."""
    if state.stap is not None and state.stap in {s.id for s in asked(q, state.values())}:
        return replace(state, toestand=Toestand.VRAAG)
    return begin(q, state.answers)
