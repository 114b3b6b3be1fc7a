"""Questionnaires as data: loading and checking a file, which step comes next, and the
outcome by the questionnaire's own rule — for one respondent and for several combined.

A questionnaire file (TOML, under config/vragenlijsten/) lists groups, steps, outcomes
and flags. Conditions are small and declarative, so a region can bring its own file:

- ``groep_ja = "<group>"``: some answer in the group is *ja*;
- ``groep_alle_nee = "<group>"``: every step of the group is answered *nee*;
- ``uitkomst = "<outcome>"``: the answers so far lead to that outcome;
- ``antwoord = { <step> = "<value>" }``: those steps have those answers;
- ``anders = true``: always (the last outcome).

A second kind, ``soort = "varianten"`` (seed 003), scores variants per criterion on a
scale the file defines; its steps are generated (criterion × variant) and its result is
a comparison table rather than an outcome.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from bot.texts import t, t_or

JA, NEE, WEET_NIET = "ja", "nee", "weet ik niet"
StepKind = Literal["ja_nee_weet_niet", "ja_nee", "keuze", "schaal"]
VALUES: dict[str, tuple[str, ...]] = {
    "ja_nee_weet_niet": (JA, NEE, WEET_NIET),
    "ja_nee": (JA, NEE),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    groep_ja: str | None = None
    groep_alle_nee: str | None = None
    uitkomst: str | None = None
    antwoord: dict[str, str] | None = None
    anders: bool | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Condition:
        given = [k for k, v in self.model_dump().items() if v is not None]
        if len(given) != 1:
            raise ValueError(t("vragenlijst.voorwaarde"))
        return self


class Group(_Strict):
    id: str
    titel: str
    overslaan_als: Condition | None = None


class Step(_Strict):
    id: str
    tekst: str
    soort: StepKind
    groep: str | None = None
    keuzes: tuple[str, ...] = ()
    overslaan_als: Condition | None = None
    alleen_als: Condition | None = None

    @model_validator(mode="after")
    def _choices(self) -> Step:
        if self.chooses and len(self.keuzes) < 2:
            raise ValueError(t("vragenlijst.twee_keuzes"))
        if not self.chooses and self.keuzes:
            raise ValueError(t("vragenlijst.keuzes_bij_keuze", soort=self.soort))
        return self

    @property
    def chooses(self) -> bool:
        """Answered by one of its own choices (words or number), not ja/nee."""
        return self.soort in ("keuze", "schaal")

    @property
    def values(self) -> tuple[str, ...]:
        return self.keuzes if self.chooses else VALUES[self.soort]


class Outcome(_Strict):
    id: str
    tekst: str
    als: Condition


class ScaleMark(_Strict):
    teken: str
    betekenis: str


class Item(_Strict):
    id: str
    titel: str


class Questionnaire(_Strict):
    id: str
    versie: int
    soort: Literal["afweging", "varianten"]
    titel: str
    inleiding: str = ""
    groepen: tuple[Group, ...] = ()
    stappen: tuple[Step, ...] = ()
    uitkomsten: tuple[Outcome, ...] = ()
    vlaggen: tuple[Outcome, ...] = ()
    # Variant scoring only: the scale, what is compared, and on which criteria.
    schaal: tuple[ScaleMark, ...] = ()
    varianten: tuple[Item, ...] = ()
    criteria: tuple[Item, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _generate_scoring_steps(cls, data: object) -> object:
        """A variant scoring file names criteria and variants; its steps (one per
        criterion and variant, grouped by criterion) follow from them."""
        if not isinstance(data, dict) or data.get("soort") != "varianten" or "stappen" in data:
            return data
        given = [data.get(k) for k in ("criteria", "varianten", "schaal")]
        if not all(isinstance(x, list) and x and all(isinstance(i, dict) for i in x)
                   for x in given):
            return data  # the field checks below say what is missing
        criteria, variants, scale = cast(list[list[dict[str, Any]]], given)
        marks = [str(m.get("teken")) for m in scale]
        return {**data, "groepen": [{"id": c.get("id"), "titel": c.get("titel")}
                                    for c in criteria],
                "stappen": [{"id": f"{c.get('id')}.{v.get('id')}", "groep": c.get("id"),
                             "soort": "schaal", "keuzes": marks,
                             "tekst": f"{c.get('titel')} — {v.get('titel')}"}
                            for c in criteria for v in variants]}

    @property
    def scoring(self) -> bool:
        return self.soort == "varianten"

    @model_validator(mode="after")
    def _references(self) -> Questionnaire:
        if self.scoring:
            if not (self.schaal and self.varianten and self.criteria):
                raise ValueError(t("vragenlijst.varianten"))
            if self.uitkomsten:
                raise ValueError(t("vragenlijst.varianten_uitkomsten"))
        steps = [s.id for s in self.stappen]
        duplicates = sorted({s for s in steps if steps.count(s) > 1})
        if duplicates:
            raise ValueError(t("vragenlijst.dubbel", ids=", ".join(duplicates)))
        groups = {g.id for g in self.groepen}
        outcomes = {o.id for o in self.uitkomsten}
        for step in self.stappen:
            if step.groep is not None and step.groep not in groups:
                raise ValueError(t("vragenlijst.onbekend", place=f"stap {step.id}",
                                   wat="groep", id=step.groep))
        conditions = [(f"groep {g.id}", g.overslaan_als) for g in self.groepen]
        conditions += [(f"stap {s.id}", c) for s in self.stappen
                       for c in (s.overslaan_als, s.alleen_als)]
        conditions += [(f"uitkomst {o.id}", o.als) for o in (*self.uitkomsten, *self.vlaggen)]
        for place, condition in conditions:
            if condition is None:
                continue
            if condition.uitkomst is not None and not place.startswith("stap"):
                raise ValueError(t("vragenlijst.uitkomst_alleen_stap", place=place))
            for group in (condition.groep_ja, condition.groep_alle_nee):
                if group is not None and group not in groups:
                    raise ValueError(t("vragenlijst.onbekend", place=place, wat="groep",
                                       id=group))
            if condition.uitkomst is not None and condition.uitkomst not in outcomes:
                raise ValueError(t("vragenlijst.onbekend", place=place, wat="uitkomst",
                                   id=condition.uitkomst))
            for step_id in condition.antwoord or {}:
                if step_id not in steps:
                    raise ValueError(t("vragenlijst.onbekend", place=place, wat="stap",
                                   id=step_id))
        if not self.stappen:
            raise ValueError(t("vragenlijst.geen_stappen"))
        if not self.scoring and (not self.uitkomsten
                                 or self.uitkomsten[-1].als.anders is not True):
            raise ValueError(t("vragenlijst.laatste_anders"))
        return self

    def step(self, step_id: str) -> Step:
        return next(s for s in self.stappen if s.id == step_id)

    def group_steps(self, group_id: str) -> list[Step]:
        return [s for s in self.stappen if s.groep == group_id]


class QuestionnaireError(Exception):
    """A questionnaire file that cannot be used; the message names file, place, problem."""


def _place(location: tuple[object, ...]) -> str:
    parts: list[str] = []
    for item in location:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}[{item + 1}]"] if parts else [f"[{item + 1}]"]
        else:
            parts.append(str(item))
    return ".".join(parts) or t("vragenlijst.het_bestand")


def load(path: Path) -> Questionnaire:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise QuestionnaireError(t("vragenlijst.onleesbaar", path=path, error=error)) from None
    except tomllib.TOMLDecodeError as error:
        raise QuestionnaireError(t("vragenlijst.toml", path=path, error=error)) from None
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "value_error":
            problem = str(first["msg"]).removeprefix("Value error, ")
        else:
            problem = t_or(f"vragenlijst.type.{first['type']}", str(first["msg"]))
        raise QuestionnaireError(t("vragenlijst.fout", path=path, place=_place(first["loc"]),
                                   problem=problem)) from None


# --- the rule ----------------------------------------------------------------------------

Answers = dict[str, str]  # step id → value


def holds(q: Questionnaire, condition: Condition, answers: Answers) -> bool:
    if condition.anders:
        return True
    if condition.groep_ja is not None:
        return any(answers.get(s.id) == JA for s in q.group_steps(condition.groep_ja))
    if condition.groep_alle_nee is not None:
        steps = q.group_steps(condition.groep_alle_nee)
        return bool(steps) and all(answers.get(s.id) == NEE for s in steps)
    if condition.uitkomst is not None:
        return _first_outcome(q, answers).id == condition.uitkomst
    return all(answers.get(k) == v for k, v in (condition.antwoord or {}).items())


def live(q: Questionnaire, answers: Answers) -> Answers:
    """The answers that count: those of steps still asked. Walking the steps in order,
    each skip is decided on the earlier answers that count, so an answer left behind by
    ``terug`` (the seven after vraag één became *ja*, the negative effect after deelname
    became *ja*) can steer nothing."""
    kept: Answers = {}
    for step in q.stappen:
        if step.id in answers and not skipped(q, step, kept):
            kept[step.id] = answers[step.id]
    return kept


def skipped(q: Questionnaire, step: Step, answers: Answers) -> bool:
    if _group_skipped(q, step, answers):
        return True
    if step.overslaan_als is not None and holds(q, step.overslaan_als, answers):
        return True
    return step.alleen_als is not None and not holds(q, step.alleen_als, answers)


def asked(q: Questionnaire, answers: Answers) -> list[Step]:
    """The steps this respondent is (or will be) asked, given the answers so far."""
    kept = live(q, answers)
    return [s for s in q.stappen if not skipped(q, s, kept)]


def next_step(q: Questionnaire, answers: Answers, after: str | None = None) -> Step | None:
    """The first step still to answer — after ``after`` if one is, else from the start."""
    todo = [s for s in asked(q, answers) if s.id not in answers]
    if after is not None:
        ids = [s.id for s in q.stappen]
        later = [s for s in todo if ids.index(s.id) > ids.index(after)]
        todo = later or todo
    return todo[0] if todo else None


@dataclass(frozen=True)
class Result:
    id: str
    tekst: str
    open: tuple[str, ...] = ()  # step ids still open, for "nog niet te bepalen"
    flags: tuple[str, ...] = ()


COMPARISON = "vergelijking"


def outcome(q: Questionnaire, answers: Answers) -> Result:
    """The first outcome whose condition holds, on the answers that count."""
    return _first_outcome(q, live(q, answers))


def _first_outcome(q: Questionnaire, kept: Answers) -> Result:
    if q.scoring:
        return Result(COMPARISON, q.titel)
    for item in q.uitkomsten:
        if holds(q, item.als, kept):
            # The last outcome ("nog niet te bepalen") names the questions still open:
            # those of groups that are asked, answered "weet ik niet" or not yet.
            open_steps = tuple(
                s.id for s in q.stappen if s.groep is not None
                and not _group_skipped(q, s, kept) and kept.get(s.id) in (None, WEET_NIET)
            ) if item.als.anders else ()
            flags = tuple(f.id for f in q.vlaggen if holds(q, f.als, kept))
            return Result(item.id, item.tekst, open_steps, flags)
    raise AssertionError("the last outcome always holds")  # checked at load


def _group_skipped(q: Questionnaire, step: Step, answers: Answers) -> bool:
    group = next((g for g in q.groepen if g.id == step.groep), None)
    return bool(group and group.overslaan_als and holds(q, group.overslaan_als, answers))


# --- several respondents -------------------------------------------------------------------


@dataclass
class Tally:
    step: str
    counts: Counter[str] = field(default_factory=Counter)
    majority: str | None = None  # None: a tie for first place, or no votes

    @property
    def disagreement(self) -> bool:
        return len([v for v in self.counts.values() if v]) > 1


def combine(q: Questionnaire, respondents: list[Answers]) -> tuple[list[Tally], Result]:
    """Per step the tally (a step someone skipped is no vote from them), each step's
    majority, and the outcome by the rule on those majorities: a tie for first place or
    a majority of *weet ik niet* leaves the step open."""
    tallies = []
    majority: Answers = {}
    counted = [live(q, answers) for answers in respondents]
    for step in q.stappen:
        counts: Counter[str] = Counter()
        for answers in counted:
            if step.id in answers:
                counts[answers[step.id]] += 1
        tally = Tally(step.id, counts)
        ranked = counts.most_common()
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            tally.majority = ranked[0][0]
        tallies.append(tally)
        if tally.majority is not None:
            majority[step.id] = tally.majority
        elif counts and not step.chooses:
            majority[step.id] = WEET_NIET
    return tallies, _first_outcome(q, majority)


# --- what people type ----------------------------------------------------------------------

ALIASES = {
    JA: (JA, "j", "yes", "y"),
    NEE: (NEE, "n", "no"),
    WEET_NIET: (WEET_NIET, "?", "weet niet", "geen idee", "don't know"),
}
_SEPARATORS = " ,.;:-–—!"  # "Ja!" is ja


@dataclass(frozen=True)
class Typed:
    """One message is one answer: the value, and the rest of the message as toelichting."""

    value: str
    toelichting: str | None = None


def read_answer(step: Step, text: str) -> Typed | None:
    """``ja``, ``nee, want de inkoop loopt al``, ``?``, ``weet ik niet``; for a choice its
    words or its number. None when the message is no answer to this step."""
    cleaned = " ".join(text.strip().split())
    lowered = cleaned.lower()
    candidates: list[tuple[str, str]] = []
    if step.chooses:
        for number, choice in enumerate(step.keuzes, start=1):
            candidates += [(choice, choice.lower()), (choice, str(number))]
    else:
        candidates = [(value, alias) for value in step.values for alias in ALIASES[value]]
    # Longest first, so "weet ik niet" is not read as "weet".
    for value, alias in sorted(candidates, key=lambda c: -len(c[1])):
        if lowered == alias or (lowered.startswith(alias) and lowered[len(alias)] in
                                _SEPARATORS):
            # "nee, want de inkoop loopt al" keeps "want …": the toelichting as written.
            rest = cleaned[len(alias):].strip(_SEPARATORS)
            return Typed(value, rest or None)
    return None
