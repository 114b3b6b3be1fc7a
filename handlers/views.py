"""Turn service results into messages: lead with what the reader must do, fit a phone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from bot import paging
from bot.besluitvorming import next_step
from bot.context import Ctx
from bot.dates import format_moment, format_short
from bot.messages import Button, Line, Message, Part, PersonRef, Section, fact, line
from bot.services import audit
from bot.services.register import (
    PAGE,
    Attention,
    Brief,
    Card,
    DeelnameRow,
    Found,
    History,
    Overview,
    next_milestones,
    vacant_roles,
)
from bot.texts import current_language, t, tn
from bot.vocab import STATUS_ICONS

if TYPE_CHECKING:
    from bot.services.home import Home
from storage.models import Dilemma, Mijlpaal, Opgave, Persoon

CARD_MILESTONE_BUTTONS = 8
# Lines with a button each become a block of their own on Slack (50 per message, 100 in
# App Home): lists with buttons show this many and say how many more there are.
LIST_WITH_BUTTONS = 10


def person(persoon: Persoon | None) -> Part:
    if persoon is None:
        return t("role.vacant")
    return PersonRef(persoon_id=persoon.id, naam=persoon.naam)


def status_label(status: str | None) -> str:
    if status is None:
        return t("status.none")
    return f"{STATUS_ICONS.get(status, '')} {status}".strip()


def view_button(code: str) -> Button:
    return Button(label=t("button.bekijk"), action="cmd", args={"text": f"status {code}"})


def opgave_line(opgave: Opgave | Brief, extra: str | None = None,
                with_button: bool = False) -> Line:
    parts: list[Part] = [f"{STATUS_ICONS.get(opgave.status or '', '⚪')} ",
                         opgave.code, f" {opgave.titel}"]
    if extra:
        parts.append(f" · {extra}")
    return line(*parts, button=view_button(opgave.code) if with_button else None)


def hours(value: Decimal) -> str:
    return format(value.normalize(), "f")


def short_date(value: date) -> str:
    return format_short(value, current_language())


def milestone_text(ctx: Ctx, mijlpaal: Mijlpaal, code: str) -> str:
    days = (mijlpaal.datum - ctx.today).days
    when = short_date(mijlpaal.datum)
    if days < 0:
        when = tn("mijlpaal.late", -days, date=when)
    text = f"{code}#{mijlpaal.volgnummer} {mijlpaal.titel} · {when}"
    if mijlpaal.besluit_door is not None:
        text += " · " + t("mijlpaal.besluit_door", overleg=mijlpaal.besluit_door.code.upper())
    return text


def dilemma_line(opgave: Opgave, dilemma: Dilemma) -> Line:
    marker = "🔒 " if dilemma.vertrouwelijk else ""
    state = t(f"dilemma.status.{dilemma.status}")
    return line(f"{marker}{opgave.code}#D{dilemma.volgnummer} ", dilemma.tekst, f" · {state}")


def deelname_lines(rows: list[DeelnameRow]) -> list[Line]:
    mee = [d.gemeente for d in rows if d.doet_mee]
    lines = [line(t("card.doen_mee", names=", ".join(mee)))] if mee else []
    for d in (d for d in rows if not d.doet_mee):
        reason = f" ({d.reden})" if d.reden else ""
        effect = t("card.effect_besproken") if d.besproken else t("card.effect_open")
        lines.append(line(t("card.doet_niet_mee", naam=d.gemeente), reason, f" · {effect}"))
    return lines


def done(code: str, text: str) -> Message:
    """A confirmation: what changed, and a button to look at the opgave."""
    return Message(sections=[Section(lines=[line("✅ ", text)])], buttons=[view_button(code)])


def note(text: str) -> Message:
    return Message(sections=[Section(lines=[line(text)])])


def overview(ctx: Ctx, data: Overview) -> Message:
    sections: list[Section] = []
    if data.mine:
        lines = []
        for item in data.mine:
            extra = t(f"role.{item.role}.short")
            if item.next_date is not None:
                extra += " · " + t("overview.next", date=format_short(item.next_date))
            lines.append(opgave_line(item.opgave, extra))
        if data.mine_total > len(data.mine):
            lines.append(line(t("overview.more_mine", count=data.mine_total - len(data.mine))))
        sections.append(Section(title=t("overview.mine"), lines=lines))
    if data.attention:
        lines = [_attention_line(ctx, item) for item in data.attention]
        if data.attention_total > len(data.attention):
            lines.append(line(t("overview.more", count=data.attention_total - len(lines))))
        sections.append(Section(title=t("overview.attention"), lines=lines))
    sections.append(Section(title=t("overview.per_fase"), facts=[
        fact(fase, str(count)) for fase, count in data.per_fase]))
    if data.per_status:
        sections.append(Section(title=t("overview.per_status"), facts=[
            fact(status_label(status), str(count)) for status, count in data.per_status]))
    return Message(
        heading=tn("overview.heading", data.total, regio=ctx.regio.naam),
        sections=sections,
        context=[t("overview.hint")],
    )


def _attention_line(ctx: Ctx, item: Attention) -> Line:
    reasons = []
    for reason in item.reasons:
        if reason == "te_laat" and item.late_since is not None:
            days = (ctx.today - item.late_since).days
            reasons.append(tn("attention.te_laat", item.late_count, dagen=tn("count.dagen", days)))
        else:
            reasons.append(t(f"attention.{reason}"))
    return opgave_line(item.opgave, ", ".join(reasons))


def card(ctx: Ctx, data: Card, open_dilemmas: list[Dilemma] | None = None,
         shared: bool = False) -> Message:
    opgave = data.opgave
    lang = current_language()
    facts = [
        fact(t("card.fase"), opgave.fase),
        fact(t("card.status"), status_label(opgave.status)),
        fact(t("label.projectleider"), person(opgave.projectleider)),
        fact(t("label.ambtelijk_opdrachtgever"), person(opgave.ambtelijk_opdrachtgever)),
        fact(t("label.bestuurlijk_opdrachtgever"), person(opgave.bestuurlijk_opdrachtgever)),
    ]
    if opgave.thema:
        facts.insert(0, fact(t("card.thema"), opgave.thema))
    if opgave.afweging_uitkomst:
        facts.append(fact(t("card.afweging"), opgave.afweging_uitkomst))
    sections = [Section(facts=facts)]
    todo = _card_todo(ctx, data)
    if todo:
        sections.insert(0, Section(title=t("card.todo"), lines=[line(x) for x in todo]))
    if opgave.status_toelichting:
        when = format_moment(opgave.status_op, ctx.tz, lang) if opgave.status_op else ""
        sections.append(Section(title=t("card.toelichting", when=when), lines=[
            line(opgave.status_toelichting)]))
    if data.open_mijlpalen:
        # Every open milestone is listed; the first few carry an Afgerond button (each
        # button line is a block of its own on Slack, the rest share one).
        lines = [line(milestone_text(ctx, m, opgave.code), button=None if shared or n >=
                      CARD_MILESTONE_BUTTONS else done_button(opgave, m))
                 for n, m in enumerate(data.open_mijlpalen)]
        sections.append(Section(title=t("card.mijlpalen"), lines=lines))
    if open_dilemmas:
        sections.append(Section(title=t("card.dilemmas_open"), lines=[
            dilemma_line(opgave, d) for d in open_dilemmas]))
    if data.deelname:
        sections.append(Section(title=t("card.deelname"), lines=deelname_lines(data.deelname)))
    for decision in data.followed:
        sections.append(Section(title=t("card.besluit", overleg=decision.overleg,
                                        tekst=decision.tekst),
                                lines=[line(f"{naam}: {followed_state(decision.lokaal, done)}")
                                       for naam, done in decision.steps.items()]))
    if data.inzet:
        sections.append(Section(title=t("card.inzet", year=ctx.today.year), lines=[line(
            ", ".join(t("card.inzet.gemeente", naam=naam, uren=hours(uren))
                      for naam, uren in data.inzet))]))
    context = [tn("card.context", data.done_count, year=opgave.jaar or "–",
                 niveau=opgave.niveau or "–", vorm=opgave.vorm or "–")]
    if shared:
        context.append(t("card.shared", naam=ctx.actor.naam))
    version = {"code": opgave.code, "versie": str(opgave.versie)}
    buttons = [
        Button(label=t("button.status"), action="form", style="primary",
               args={"form": "opgave.status", **version}),
        Button(label=t("button.verplaats"), action="form",
               args={"form": "mijlpaal.verplaats", **version}),
        Button(label=t("button.historie"), action="cmd", args={"text": f"historie {opgave.code}"}),
    ]
    if not data.open_mijlpalen:
        del buttons[1]
    return Message(heading=f"{opgave.code} · {opgave.titel}", sections=sections,
                   buttons=buttons, context=context)


def followed_state(lokaal: str, done: dict[str, str | None]) -> str:
    """Where one gemeente is with a decision: "✅ rond (raad conform)", "⏳ wacht op het
    college"; a deviating college or raad decision is always named."""
    owed = next_step(lokaal, done)
    outcome = next((f"{t('besluit.stap.' + stap)} {done[stap]}" for stap in ("raad", "college")
                    if done.get(stap)), None)
    if owed is None:
        return t("card.besluit.rond") + (f" ({outcome})" if outcome else "")
    text = t(f"card.besluit.nog.{owed}")
    return text + (f" ({outcome})" if done.get("college") == "afwijkend" and outcome else "")


def done_button(opgave: Opgave, mijlpaal: Mijlpaal) -> Button:
    return Button(label=t("button.afgerond"), action="mijlpaal.klaar", args={
        "ref": f"{opgave.code}#{mijlpaal.volgnummer}", "versie": str(opgave.versie)})


def _card_todo(ctx: Ctx, data: Card) -> list[str]:
    opgave = data.opgave
    todo = []
    vacant = [t(f"role.{role}") for role in vacant_roles(opgave)]
    if vacant:
        todo.append(t("card.vacant", roles=", ".join(vacant)))
    late = [m for m in data.open_mijlpalen if m.datum < ctx.today]
    if late:
        todo.append(tn("card.late", len(late)))
    return todo


def found(ctx: Ctx, data: Found, term: str) -> Message:
    if data.total == 0:
        return Message(heading=t("opgave.nothing_found", term=term),
                       context=[t("found.none_hint")])
    page = paging.page_of(data.total, data.page, PAGE)
    rest, buttons = paging.more(ctx, "opgave", f"zoek {term}", page, "opgave")
    return Message(
        heading=tn("found.heading", data.total, term=term),
        sections=[Section(lines=[opgave_line(o, o.fase, with_button=True)
                                 for o in data.items] + rest)],
        buttons=buttons,
        context=[t("found.context", shown=page.stop, total=data.total)]
        if data.total > len(data.items) else [],
    )


def history(ctx: Ctx, data: History) -> Message:
    lang = current_language()
    lines = []
    for item in data.entries:
        entry = item.entry
        change = audit.describe(entry)
        who = item.door or t("history.system")
        lines.append(line(f"{format_moment(entry.op, ctx.tz, lang)} · ", who, f" · {change}"))
    if not lines:
        lines = [line(t("history.empty"))]
    page = paging.page_of(data.total, data.page, PAGE)
    rest, buttons = paging.more(ctx, "opgave", f"historie {data.opgave.code}", page,
                                "wijziging")
    return Message(heading=t("history.heading", code=data.opgave.code,
                             titel=data.opgave.titel),
                   sections=[Section(lines=lines + rest)], buttons=buttons)


def mine(ctx: Ctx, per_role: dict[str, list[Opgave]]) -> Message:
    if not per_role:
        return Message(heading=t("mine.heading"), sections=[Section(lines=[
            line(t("mine.none"))])])
    nexts = next_milestones(ctx.session, [o.id for os in per_role.values() for o in os])
    sections = []
    for role, opgaven in per_role.items():
        lines = []
        for opgave in opgaven[:LIST_WITH_BUTTONS]:
            nxt = nexts.get(opgave.id)
            extra = milestone_text(ctx, nxt, opgave.code) if nxt else t("mine.no_milestone")
            lines.append(opgave_line(opgave, extra, with_button=True))
        lines += more_line(len(opgaven))
        sections.append(Section(title=t(f"mine.as.{role}"), lines=lines))
    return Message(heading=t("mine.heading"), sections=sections)


def created(opgave: Opgave) -> Message:
    return Message(
        heading=t("created.heading", code=opgave.code),
        sections=[Section(lines=[line(opgave.titel), line(t(
            "created.next" if vacant_roles(opgave) else "created.next.complete",
            code=opgave.code))])],
        buttons=[view_button(opgave.code)],
    )


def more_line(total: int) -> list[Line]:
    hidden = total - LIST_WITH_BUTTONS
    return [line(t("list.more", count=hidden))] if hidden > 0 else []


def home(ctx: Ctx, data: Home) -> Message:
    """App Home: what waits for me first, then my opgaven per role, then what is due."""
    sections = []
    waiting = [line(milestone_text(ctx, m, o.code), button=done_button(o, m))
               for o, m in data.late[:LIST_WITH_BUTTONS]] + more_line(len(data.late))
    waiting += [line(t("home.vacant", code=o.code, titel=o.titel)) for o in data.vacant]
    waiting += [dilemma_line(o, d) for o, d in data.dilemmas]
    if waiting:
        sections.append(Section(title=t("home.waiting"), lines=waiting))
    for role, opgaven in data.per_role.items():
        sections.append(Section(title=t(f"mine.as.{role}"), lines=[
            opgave_line(o, o.fase, with_button=True) for o in opgaven[:LIST_WITH_BUTTONS]
        ] + more_line(len(opgaven))))
    if data.upcoming:
        sections.append(Section(title=t("home.upcoming"), lines=[
            line(milestone_text(ctx, m, o.code), button=done_button(o, m))
            for o, m in data.upcoming[:LIST_WITH_BUTTONS]] + more_line(len(data.upcoming))))
    if not sections:
        sections.append(Section(lines=[line(t("mine.none"))]))
    return Message(heading=t("home.heading", naam=ctx.actor.naam), sections=sections,
                   context=[t("home.context")])
