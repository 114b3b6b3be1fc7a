"""The afweging's messages: one question at a time, the summary, the uitslag and the
nudge. Each leads with what the reader must do and fits a phone. They are the core's:
the handler replies with them and the service sends them through the outbox (also when
the scheduler nudges or closes an afweging)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.context import Ctx
from bot.conversation import Said, Toestand, Turn, summary
from bot.dates import format_short
from bot.messages import Button, Line, Message, PersonRef, Section, Strong, line
from bot.questionnaire import (
    JA,
    NEE,
    WEET_NIET,
    Questionnaire,
    Result,
    Step,
    Typed,
    asked,
    outcome,
)
from bot.texts import t, tn
from storage.models import Opgave

if TYPE_CHECKING:
    from bot.services.afwegingen import Conversation, Uitslag

# A summary longer than this (a variant scoring) is changed by typing a number: a button
# per line would not fit one Slack message.
SUMMARY_BUTTONS = 15
VALUE_KEYS = {JA: "gesprek.waarde.ja", NEE: "gesprek.waarde.nee",
              WEET_NIET: "gesprek.waarde.weet_niet"}


def value_label(value: str) -> str:
    return t(VALUE_KEYS[value]) if value in VALUE_KEYS else value


def answer_parts(typed: Typed) -> list[str | Strong]:
    parts: list[str | Strong] = [Strong(text=value_label(typed.value))]
    if typed.toelichting:
        parts.append(f" — {typed.toelichting}")
    return parts


def heading(opgave: Opgave) -> str:
    return t("gesprek.kop", code=opgave.code, titel=opgave.titel)


def _args(conv: Conversation, **extra: str) -> dict[str, str]:
    return {"g": str(conv.gesprek.id), "v": str(conv.gesprek.versie), **extra}


def _control(conv: Conversation, word: str, style: str | None = None) -> Button:
    return Button(label=t(f"gesprek.knop.{word}"), action="afweging.stuur",
                  args=_args(conv, w=word), style=style)  # type: ignore[arg-type]


def _group_title(q: Questionnaire, step: Step) -> str | None:
    return next((g.titel for g in q.groepen if g.id == step.groep), None)


def question(conv: Conversation, opgave: Opgave) -> Message:
    q, state = conv.q, conv.state
    assert state.stap is not None
    step = q.step(state.stap)
    steps = [s.id for s in asked(q, state.values())]
    lines = [line(Strong(text=t("gesprek.nummer", n=steps.index(step.id) + 1,
                                totaal=len(steps))), " ", step.tekst)]
    if step.id in state.answers:
        lines.append(line(t("gesprek.huidig"), *answer_parts(state.answers[step.id])))
    buttons = [Button(label=value_label(v), action="afweging.antwoord",
                      args=_args(conv, s=step.id, w=v)) for v in step.values]
    buttons += [_control(conv, "terug"), _control(conv, "later")]
    hint = t(f"gesprek.hint.{step.soort}", keuzes=", ".join(
        f"{n} {c}" for n, c in enumerate(step.keuzes, start=1)), tekens=", ".join(step.keuzes))
    return Message(heading=heading(opgave),
                   sections=[Section(title=_group_title(q, step), lines=lines)],
                   buttons=buttons, context=[hint])


def invitation(ctx: Ctx, conv: Conversation, opgave: Opgave) -> Message:
    """The first question, with what the afweging is and who asked."""
    first = question(conv, opgave)
    intro = [line(t("afweging.uitnodiging", titel=conv.q.titel, datum=format_short(
        (conv.afweging.verloopt_op or ctx.now).astimezone(ctx.tz).date())))]
    if conv.q.inleiding:
        intro.append(line(conv.q.inleiding))
    intro += [line(Strong(text=m.teken), f" {m.betekenis}") for m in conv.q.schaal]
    return first.model_copy(update={"sections": [Section(lines=intro), *first.sections]})


def summary_message(conv: Conversation, opgave: Opgave) -> Message:
    q, state = conv.q, conv.state
    rows = summary(q, state)
    with_buttons = len(rows) <= SUMMARY_BUTTONS
    lines = [line(f"{n}. ", q.step(stap).tekst, " ", *answer_parts(typed), button=Button(
        label=t("gesprek.knop.wijzig"), action="afweging.stuur",
        args=_args(conv, w=str(n))) if with_buttons else None)
             for n, stap, typed in rows]
    sections = [Section(title=t("gesprek.samenvatting.titel"), lines=lines)]
    if not q.scoring:
        sections.append(Section(lines=result_lines(q, outcome(q, state.values()),
                                                   t("gesprek.jouw_uitkomst"))))
    return Message(heading=heading(opgave), sections=sections, buttons=[
        _control(conv, "klaar", "primary"), _control(conv, "later"),
        _control(conv, "stop", "danger")], context=[t("gesprek.samenvatting.hint")])


def result_lines(q: Questionnaire, result: Result, label: str) -> list[Line]:
    lines = [line(label, Strong(text=result.tekst))]
    if result.open:
        lines.append(line(t("afweging.open_vragen", vragen=", ".join(
            q.step(s).tekst for s in result.open)) if len(result.open) < 3 else
            tn("afweging.open_aantal", len(result.open))))
    for flag in result.flags:
        lines.append(line("⚠️ ", next(f.tekst for f in q.vlaggen if f.id == flag)))
    return lines


def reply(conv: Conversation, turn: Turn, opgave: Opgave) -> list[Message]:
    """What the respondent sees after a transition: a word on what happened, then where
    they are now (the next question or the summary)."""
    said = turn.said
    notes = {
        Said.PAUSED: t("gesprek.gepauzeerd", code=opgave.code),
        Said.STOPPED: t("gesprek.gestopt", code=opgave.code),
        Said.CONFIRMED: t("gesprek.bevestigd", code=opgave.code),
        Said.CLOSED: t("gesprek.gesloten", code=opgave.code),
        Said.NOT_UNDERSTOOD: t("gesprek.niet_begrepen"),
        Said.HELP: t("gesprek.help"),
        Said.NOT_UNDERSTOOD_SUMMARY: t("gesprek.niet_begrepen_samenvatting"),
        Said.FIRST: t("gesprek.eerste_vraag"),
        Said.NO_SUCH_NUMBER: t("gesprek.geen_nummer", aantal=len(summary(conv.q, conv.state))),
        Said.NOT_YET: t("gesprek.nog_niet_klaar"),
        Said.STALE: t("gesprek.verouderd"),
        Said.RESUMED: t("gesprek.hervat"),
    }
    messages = [Message(sections=[Section(lines=[line(notes[said])])])] if said in notes \
        else []
    if turn.state.toestand == Toestand.VRAAG:
        messages.append(question(conv, opgave))
    elif turn.state.toestand == Toestand.SAMENVATTING:
        messages.append(summary_message(conv, opgave))
    return messages


def nudge(conv: Conversation, opgave: Opgave) -> Message:
    waiting = conv.state.toestand
    where = t("afweging.herinnering.samenvatting") if waiting == Toestand.SAMENVATTING else \
        t("afweging.herinnering.vraag")
    return Message(heading=heading(opgave), sections=[Section(lines=[
        line(t("afweging.herinnering", code=opgave.code, waar=where))])],
        buttons=[Button(label=t("gesprek.knop.verder"), action="cmd", style="primary", args={
            "text": f"afweging {opgave.code} invullen"})])


# --- the uitslag ---------------------------------------------------------------------------


def uitslag(data: Uitslag, final: bool = False) -> Message:
    q = data.q
    sections: list[Section] = []
    lead = t("afweging.uitslag.kop_definitief" if final else "afweging.uitslag.kop",
             code=data.opgave.code, titel=data.opgave.titel)
    if data.result is not None and not q.scoring and data.counted:
        sections.append(Section(lines=result_lines(q, data.result, t("afweging.uitkomst"))))
    sections.append(Section(title=t("afweging.stemmen"), lines=_voices(data)))
    if data.counted:
        sections += _scores(data) if q.scoring else _tallies(data)
        deelname = _deelname(data)
        if deelname:
            sections.append(Section(title=t("afweging.deelname"), lines=deelname))
    buttons = [] if final else [Button(label=t("gesprek.knop.invullen"), action="cmd", args={
        "text": f"afweging {data.opgave.code} invullen"})]
    return Message(heading=lead, sections=sections, buttons=buttons,
                   context=[t("afweging.uitslag.regel")])


def _voices(data: Uitslag) -> list[Line]:
    lines = []
    for voice in data.voices:
        who = PersonRef(persoon_id=voice.persoon.id, naam=voice.persoon.naam)
        gemeente = voice.gemeente.naam if voice.gemeente else t("afweging.geen_gemeente")
        outcome = [] if data.q.scoring else [": ", voice.result.tekst]
        if voice.counts:
            lines.append(line(Strong(text=gemeente), " (", who, ")", *outcome))
        elif voice.superseded:
            lines.append(line(t("afweging.vervangen", gemeente=gemeente), who, *outcome))
        else:
            lines.append(line(t("afweging.advies"), who, *outcome))
    if data.waiting:
        lines.append(line(t("afweging.wacht_op"), *_joined(
            [PersonRef(persoon_id=p.id, naam=p.naam) for p, _ in data.waiting])))
    if not data.voices:
        lines.append(line(t("afweging.nog_geen_stemmen")))
    return lines


def _joined(parts: list[PersonRef]) -> list[str | PersonRef]:
    out: list[str | PersonRef] = []
    for n, part in enumerate(parts):
        out += ([", "] if n else []) + [part]
    return out


def _count_text(step: Step, counts: dict[str, int]) -> str:
    return " · ".join(f"{value_label(v)} {counts[v]}" for v in step.values if counts.get(v))


def _tallies(data: Uitslag) -> list[Section]:
    q = data.q
    sections: dict[str | None, Section] = {}
    for n, tally in enumerate(data.tallies, start=1):
        if not tally.counts or tally.step in ("deelname", "negatief_effect"):
            continue
        step = q.step(tally.step)
        title = _group_title(q, step)
        section = sections.setdefault(title, Section(title=title))
        verdict = value_label(tally.majority) if tally.majority else t("afweging.gelijk")
        parts: list[str | Strong] = [f"{n}. {step.tekst} ", Strong(text=verdict),
                                     f" ({_count_text(step, dict(tally.counts))})"]
        if tally.disagreement:
            parts.append(t("afweging.oneens"))
        section.lines.append(line(*parts))
        for voice, typed in data.toelichtingen(tally.step):
            section.lines.append(line("   ", voice.naam, ": ",
                                      *answer_parts(typed)))
    return list(sections.values())


def _scores(data: Uitslag) -> list[Section]:
    """Variant scoring: per criterion each variant's score (the majority, else the
    spread), with the toelichtingen."""
    q = data.q
    by_step = {tally.step: tally for tally in data.tallies}
    sections = []
    for criterion in q.criteria:
        lines = []
        for variant in q.varianten:
            stap = f"{criterion.id}.{variant.id}"
            tally = by_step.get(stap)
            if tally is None or not tally.counts:
                continue
            verdict = tally.majority or t("afweging.gelijk")
            spread = ", ".join(f"{v} {c}" for v, c in tally.counts.most_common())
            lines.append(line(variant.titel, ": ", Strong(text=verdict),
                              f" ({spread})" if tally.disagreement else ""))
            for voice, typed in data.toelichtingen(stap):
                lines.append(line("   ", voice.naam, ": ", *answer_parts(typed)))
        sections.append(Section(title=criterion.titel, lines=lines))
    return sections



def _deelname(data: Uitslag) -> list[Line]:
    lines = []
    for voice, value, flag in data.deelname():
        gemeente = voice.naam
        if value is None:
            lines.append(line(gemeente, ": ", t("afweging.deelname.onbekend")))
            continue
        text = t("afweging.deelname.ja" if value == JA else "afweging.deelname.nee")
        lines.append(line(Strong(text=gemeente), ": ", text,
                          t("afweging.deelname.bespreken") if flag else ""))
    return lines
