"""The afweging conversation's state machine: one question at a time, terug, later,
stop, a number from the summary, klaar (issue: afwegingskader)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.conversation import Said, State, Toestand, begin, choose, react, summary
from bot.questionnaire import JA, NEE, WEET_NIET, Typed, outcome
from tests.test_questionnaire import SEVEN, Q, oracle


def say(state: State, *texts: str) -> State:
    for text in texts:
        state = react(Q, state, text).state
    return state


def test_it_starts_at_vraag_een() -> None:
    state = begin(Q)
    assert (state.toestand, state.stap) == (Toestand.VRAAG, "verplicht")


def test_one_message_is_one_answer_and_moves_on() -> None:
    turn = react(Q, begin(Q), "nee, want niet wettelijk")
    assert turn.said == Said.ASK and turn.recorded == "verplicht"
    assert turn.state.stap == "standpunt"
    assert turn.state.answers["verplicht"] == Typed(NEE, "want niet wettelijk")


def test_ja_on_vraag_een_skips_the_seven() -> None:
    state = say(begin(Q), "ja, wettelijke taak", "nee")
    assert state.stap == "reikwijdte"


def test_terug_revises_the_previous_answer() -> None:
    state = say(begin(Q), "nee", "nee", "ja")
    back = react(Q, state, "terug")
    assert back.said == Said.ASK and back.state.stap == "doelstellingen"
    state = say(back.state, "nee, toch niet")
    assert state.answers["doelstellingen"] == Typed(NEE, "toch niet")
    assert state.stap == "inwoners"  # on to the first question not yet answered


def test_terug_on_the_first_question_says_so_and_changes_nothing() -> None:
    turn = react(Q, begin(Q), "terug")
    assert turn.said == Said.FIRST and not turn.changed and turn.state == begin(Q)


def test_something_else_is_no_answer_and_records_nothing() -> None:
    turn = react(Q, begin(Q), "misschien wel")
    assert turn.said == Said.NOT_UNDERSTOOD and turn.state == begin(Q)


def test_later_pauses_and_any_message_resumes_at_the_same_question() -> None:
    state = say(begin(Q), "nee", "later")
    assert state.toestand == Toestand.GEPAUZEERD
    turn = react(Q, state, "ja")  # picks up, not taken as an answer
    assert turn.said == Said.RESUMED
    assert (turn.state.toestand, turn.state.stap) == (Toestand.VRAAG, "standpunt")
    assert "standpunt" not in turn.state.answers


def test_all_nee_ends_in_the_summary_and_klaar_confirms() -> None:
    state = say(begin(Q), *["nee"] * 9)
    assert state.toestand == Toestand.SAMENVATTING  # lokaal: no reikwijdte or deelname
    assert [stap for _, stap, _ in summary(Q, state)] == ["verplicht", "standpunt", *SEVEN]
    assert react(Q, state, "klaar").state.toestand == Toestand.BEVESTIGD


def test_a_number_in_the_summary_jumps_back_to_that_question() -> None:
    state = say(begin(Q), *["nee"] * 9)
    turn = react(Q, state, "4")
    assert turn.state.stap == "inwoners"
    # Changing it to ja makes reikwijdte and deelname follow before the summary.
    state = say(turn.state, "ja")
    assert state.stap == "reikwijdte"
    assert react(Q, state, "klaar").said == Said.NOT_YET
    assert react(Q, say(state, "2", "ja"), "12").said == Said.NO_SUCH_NUMBER


def test_stop_cancels_and_nothing_more_is_taken() -> None:
    state = say(begin(Q), "nee", "stop")
    assert state.toestand == Toestand.GESTOPT
    assert react(Q, state, "ja").said == Said.CLOSED


def test_a_button_counts_only_for_the_question_it_was_shown_with() -> None:
    first = choose(Q, begin(Q), "verplicht", NEE)
    assert first.recorded == "verplicht"
    again = choose(Q, first.state, "verplicht", JA)  # the same question's button, later
    assert again.said == Said.STALE and again.state == first.state


# --- random conversations against an oracle written from PRODUCT.md ------------------------

Action = tuple[str, int, str | None]
actions = st.lists(st.tuples(
    st.sampled_from(["answer", "answer", "answer", "terug", "later", "onzin"]),
    st.integers(min_value=0, max_value=20),
    st.one_of(st.none(), st.sampled_from(["want de inkoop loopt al", "zie nota", "lastig"])),
), max_size=40)


def expected_steps(mine: dict[str, Typed]) -> list[str]:
    """Which questions a respondent is asked, by PRODUCT.md, given their answers."""
    values = {k: v.value for k, v in mine.items()}
    steps = ["verplicht", "standpunt"]
    if JA not in (values.get("verplicht"), values.get("standpunt")):
        steps += SEVEN
    if oracle(values) != "lokaal":
        steps += ["reikwijdte", "deelname"]
        if values.get("deelname") == NEE:
            steps.append("negatief_effect")
    return steps


@settings(max_examples=150, deadline=None)
@given(actions)
def test_random_conversations_agree_with_an_independent_oracle(script: list[Action]) -> None:
    state = begin(Q)
    mine: dict[str, Typed] = {}  # what the respondent said last, per question shown

    def answer(index: int, toelichting: str | None) -> None:
        nonlocal state
        assert state.stap is not None
        value = Q.step(state.stap).values[index % len(Q.step(state.stap).values)]
        stap = state.stap
        state = react(Q, state, value + (f", {toelichting}" if toelichting else "")).state
        mine[stap] = Typed(value, toelichting)

    for kind, index, toelichting in script:
        if state.toestand == Toestand.GEPAUZEERD:
            state = react(Q, state, "hallo").state
            assert state.toestand in (Toestand.VRAAG, Toestand.SAMENVATTING)
        elif kind == "answer" and state.toestand == Toestand.VRAAG:
            answer(index, toelichting)
        elif kind == "answer":
            state = react(Q, state, str(index % len(summary(Q, state)) + 1)).state
        else:
            state = react(Q, state, {"onzin": "hmm"}.get(kind, kind)).state
    if state.toestand == Toestand.GEPAUZEERD:
        state = react(Q, state, "verder").state
    while state.toestand == Toestand.VRAAG:
        answer(1, None)  # nee (or the second choice)
    state = react(Q, state, "klaar").state

    assert state.toestand == Toestand.BEVESTIGD
    shown = {stap: typed for _, stap, typed in summary(Q, state)}
    assert list(shown) == expected_steps(mine)
    assert all(shown[stap] == mine[stap] for stap in shown)
    values = {k: v.value for k, v in state.answers.items()}
    assert outcome(Q, values).id == oracle({k: v.value for k, v in mine.items()})
    flagged = "vooraf_bespreken" in outcome(Q, values).flags
    assert flagged == ("negatief_effect" in shown and shown["negatief_effect"].value == JA)


def test_weet_ik_niet_is_an_answer_that_leaves_the_question_open() -> None:
    state = say(begin(Q), "nee", "nee", "?", *["nee"] * 6)
    assert state.answers["doelstellingen"].value == WEET_NIET
    result = outcome(Q, state.values())
    assert (result.id, result.open) == ("onbepaald", ("doelstellingen",))
    assert state.stap == "reikwijdte"  # not lokaal: reikwijdte and deelname follow
