"""The afwegingskader's rule, straight from the data file (issue: afwegingskader)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.questionnaire import (
    JA,
    NEE,
    WEET_NIET,
    QuestionnaireError,
    combine,
    load,
    next_step,
    outcome,
    read_answer,
)
from config import DATA_DIR

Q = load(DATA_DIR / "vragenlijsten" / "lekstroom-afwegingskader.toml")
SEVEN = [s.id for s in Q.group_steps("meerwaarde")]


def seven(*values: str, **overrides: str) -> dict[str, str]:
    answers = dict(zip(SEVEN, values or (NEE,) * 7, strict=True))
    return {"verplicht": NEE, "standpunt": NEE, **answers, **overrides}


def test_the_default_questionnaire_is_the_seeds() -> None:
    assert (Q.id, Q.versie) == ("lekstroom-afwegingskader", 1)
    assert Q.step("verplicht").tekst == "Zijn we verplicht een opgave gezamenlijk op te pakken?"
    assert len(SEVEN) == 7
    assert Q.step("besluiten").tekst.startswith("Betreft het een onderwerp waarover te ")
    assert Q.step("reikwijdte").keuzes == ("alleen voorbereiding", "ook uitvoering")


@pytest.mark.parametrize(("answers", "expected", "open_steps"), [
    ({"verplicht": JA}, "gezamenlijk", ()),
    ({"verplicht": NEE, "standpunt": JA}, "gezamenlijk", ()),
    (seven(JA, NEE, NEE, NEE, NEE, NEE, NEE), "meerwaarde", ()),
    (seven(NEE, NEE, NEE, NEE, NEE, NEE, JA), "meerwaarde", ()),
    (seven(JA, WEET_NIET, NEE, NEE, NEE, NEE, NEE), "meerwaarde", ()),
    (seven(), "lokaal", ()),
    (seven(NEE, WEET_NIET, NEE, NEE, NEE, WEET_NIET, NEE), "onbepaald",
     ("inwoners", "financieel")),
    ({"verplicht": WEET_NIET, "standpunt": NEE, **dict.fromkeys(SEVEN, NEE)}, "lokaal", ()),
    ({"verplicht": NEE, "standpunt": NEE}, "onbepaald", tuple(SEVEN)),
])
def test_every_branch_of_the_rule(answers: dict[str, str], expected: str,
                                  open_steps: tuple[str, ...]) -> None:
    result = outcome(Q, answers)
    assert result.id == expected
    assert result.open == open_steps


def test_vraag_een_ja_skips_the_seven() -> None:
    step = next_step(Q, {"verplicht": JA, "standpunt": NEE})
    assert step is not None and step.id == "reikwijdte"


def test_lokaal_oppakken_skips_reikwijdte_and_deelname() -> None:
    assert next_step(Q, seven()) is None


def test_not_joining_asks_about_negative_effects_and_flags_vooraf_bespreken() -> None:
    answers = seven(JA, NEE, NEE, NEE, NEE, NEE, NEE, reikwijdte="ook uitvoering", deelname=NEE)
    step = next_step(Q, answers)
    assert step is not None and step.id == "negatief_effect"
    assert outcome(Q, answers | {"negatief_effect": JA}).flags == ("vooraf_bespreken",)
    assert next_step(Q, answers | {"deelname": JA}) is None


def test_combined_result_follows_each_questions_majority() -> None:
    houten = seven(JA, NEE, NEE, NEE, NEE, NEE, NEE)
    lopik = seven()
    nieuwegein = seven(JA, NEE, NEE, NEE, NEE, NEE, NEE)
    tallies, result = combine(Q, [houten, lopik, nieuwegein])
    first = next(t for t in tallies if t.step == "doelstellingen")
    assert dict(first.counts) == {JA: 2, NEE: 1}
    assert first.majority == JA and first.disagreement
    assert result.id == "meerwaarde"


def test_a_tie_leaves_the_question_open() -> None:
    tallies, result = combine(Q, [seven(JA, NEE, NEE, NEE, NEE, NEE, NEE), seven()])
    assert next(t for t in tallies if t.step == "doelstellingen").majority is None
    assert result.id == "onbepaald"
    assert result.open == ("doelstellingen",)


def test_a_skipped_question_is_no_vote() -> None:
    tallies, result = combine(Q, [{"verplicht": JA, "standpunt": NEE}, seven()])
    assert sum(next(t for t in tallies if t.step == "inwoners").counts.values()) == 1
    verplicht = next(t for t in tallies if t.step == "verplicht")
    assert verplicht.majority is None  # one ja, one nee
    assert result.id == "lokaal"


# An oracle written from PRODUCT.md, independent of the engine and the data file.
def oracle(answers: dict[str, str]) -> str:
    if JA in (answers.get("verplicht"), answers.get("standpunt")):
        return "gezamenlijk"
    values = [answers.get(s) for s in SEVEN]
    if JA in values:
        return "meerwaarde"
    if all(v == NEE for v in values):
        return "lokaal"
    return "onbepaald"


@given(st.fixed_dictionaries({}, optional={
    step: st.sampled_from([JA, NEE, WEET_NIET]) for step in ["verplicht", "standpunt", *SEVEN]
}))
def test_the_rule_agrees_with_an_independent_oracle(answers: dict[str, str]) -> None:
    assert outcome(Q, answers).id == oracle(answers)


@pytest.mark.parametrize(("content", "problem"), [
    ("id = \n", "geen geldige TOML"),
    ('id = "x"\nversie = 1\nsoort = "afweging"\ntitel = "T"\nstappen = []\n'
     'uitkomsten = [{ id = "a", tekst = "A", als = { groep_ja = "nergens" } }]\n',
     "het bestand: uitkomst a: onbekende groep ‘nergens’"),
    ('id = "x"\nversie = 1\nsoort = "afweging"\ntitel = "T"\n'
     '[[stappen]]\nid = "r"\ntekst = "Kies"\nsoort = "keuze"\nkeuzes = ["een"]\n'
     '[[uitkomsten]]\nid = "a"\ntekst = "A"\nals = { anders = true }\n',
     "stappen[1]: een keuzevraag heeft minstens twee keuzes"),
    ('id = "x"\nversie = "een"\nsoort = "afweging"\ntitel = "T"\nstappen = []\n'
     'uitkomsten = []\n', "versie: moet een geheel getal zijn"),
    ('id = "x"\nversie = 1\nsoort = "afweging"\ntitel = "T"\nvragen = []\nstappen = []\n'
     'uitkomsten = []\n', "vragen: is geen bekend veld"),
    ('id = "x"\nversie = 1\nsoort = "varianten"\ntitel = "T"\n'
     'varianten = [{ id = "v1", titel = "Variant 1" }]\n',
     "het bestand: een variantenscore heeft schaal, varianten en criteria nodig"),
])
def test_a_malformed_file_is_refused_naming_file_place_and_problem(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "kapot.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert problem in str(caught.value)


@pytest.mark.parametrize(("step", "text", "value", "toelichting"), [
    ("verplicht", "ja", JA, None),
    ("verplicht", "Ja", JA, None),
    ("verplicht", "j", JA, None),
    ("verplicht", "nee, want de inkoop loopt al via U16", NEE,
     "want de inkoop loopt al via U16"),
    ("verplicht", "n - niet wettelijk", NEE, "niet wettelijk"),
    ("verplicht", "?", WEET_NIET, None),
    ("verplicht", "weet ik niet: hangt af van het college", WEET_NIET,
     "hangt af van het college"),
    ("reikwijdte", "2", "ook uitvoering", None),
    ("reikwijdte", "alleen voorbereiding, eerst verkennen", "alleen voorbereiding",
     "eerst verkennen"),
    ("deelname", "ja", JA, None),
])
def test_one_message_is_one_answer_with_its_toelichting(
    step: str, text: str, value: str, toelichting: str | None
) -> None:
    found = read_answer(Q.step(step), text)
    assert found is not None
    assert (found.value, found.toelichting) == (value, toelichting)


@pytest.mark.parametrize(("step", "text"), [
    ("verplicht", "misschien"), ("verplicht", "jawel"), ("verplicht", "nein"),
    ("deelname", "?"), ("reikwijdte", "3"), ("reikwijdte", "ja"), ("verplicht", ""),
])
def test_anything_else_is_no_answer(step: str, text: str) -> None:
    assert read_answer(Q.step(step), text) is None


def test_the_variant_scoring_example_compares_variants_per_criterion() -> None:
    scoring = load(DATA_DIR / "vragenlijsten" / "leusden-samenwerkingsvarianten.toml")
    assert [m.teken for m in scoring.schaal] == ["++", "+", "+/-", "-", "--", "==", "??",
                                                 "n.t.b."]
    assert len(scoring.stappen) == len(scoring.criteria) * len(scoring.varianten) == 48
    step = scoring.step("ict.v2")
    found = read_answer(step, "++ meer directe invloed op inrichting ICT")
    assert found is not None and (found.value, found.toelichting) == (
        "++", "meer directe invloed op inrichting ICT")
    assert read_answer(step, "+/-") == read_answer(step, "3")
    tallies, result = combine(scoring, [{"ict.v2": "++"}, {"ict.v2": "++"}, {"ict.v2": "-"}])
    ict = next(t for t in tallies if t.step == "ict.v2")
    assert (ict.majority, ict.disagreement, result.id) == ("++", True, "vergelijking")


def test_a_majority_of_weet_ik_niet_leaves_the_question_open() -> None:
    unsure = seven(WEET_NIET, NEE, NEE, NEE, NEE, NEE, NEE)
    tallies, result = combine(Q, [unsure, unsure, seven(JA, NEE, NEE, NEE, NEE, NEE, NEE)])
    assert next(t for t in tallies if t.step == "doelstellingen").majority == WEET_NIET
    assert (result.id, result.open) == ("onbepaald", ("doelstellingen",))


def test_an_answer_left_behind_by_terug_steers_nothing() -> None:
    # Deelname was nee with negative effects, then revised to ja: no vooraf bespreken.
    answers = seven(JA, NEE, NEE, NEE, NEE, NEE, NEE, reikwijdte="ook uitvoering",
                    deelname=JA, negatief_effect=JA)
    assert outcome(Q, answers).flags == ()
    # Vraag één became ja after the seven were answered: the seven are no votes.
    tallies, _ = combine(Q, [seven(verplicht=JA), seven()])
    assert sum(next(t for t in tallies if t.step == "inwoners").counts.values()) == 1
