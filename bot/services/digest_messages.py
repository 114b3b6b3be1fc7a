"""The digest as a message: a "Te doen" section first, then one section per opgave that
has news, in agenda order; quiet opgaven are one closing line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from bot.dates import format_date, format_short
from bot.messages import Line, Message, PersonRef, Section, line
from bot.services import audit
from bot.services.digest import MAX_OPGAVEN, Digest, Few, Late, News, Overview
from bot.services.reminder_messages import when
from bot.texts import current_language, t, tn
from bot.vocab import STATUS_ICONS
from storage.models import Afwezigheid, Mijlpaal

MAX_CHANGES = 3
T = TypeVar("T")


def _date(value: date) -> str:
    return format_short(value, current_language())


def _milestone(news: News, m: Mijlpaal, today: date, escalated: set[int]) -> Line:
    ref = f"{news.opgave.code}#{m.volgnummer} {m.titel}"
    if m.datum < today:
        state = tn("herinnering.te_laat", (today - m.datum).days,
                  date=_date(m.datum))
        if m.id in escalated:
            state += t("digest.geescaleerd")
    else:
        state = _date(m.datum)
    parts: list[str | PersonRef] = [f"{ref} · {state}"]
    if m.eigenaar is not None:
        parts += [" · ", PersonRef(persoon_id=m.eigenaar.id, naam=m.eigenaar.naam)]
    return line(*parts)


def _todo_all(digest: Digest) -> list[Line]:
    """For the PLO channel: what the overleg must pick up, one line per kind."""
    lists = digest.listed()
    kinds = [
        ("digest.todo.te_laat", _some(lists.late, lambda m: _late_ref(m, digest.escalated))),
        ("digest.todo.status", _some(lists.stale, str)),
        ("digest.todo.vacant", _some(lists.vacant, lambda v: f"{v[0]} ({_roles(v[1])})")),
        ("digest.todo.afweging", _some(lists.waiting,
                                       lambda w: f"{w[0]} ({w[1][0]}/{w[1][1]})")),
    ]
    return [line(t(key, items=items)) for key, items in kinds if items] + \
        _unreachable(digest)


def _late_ref(m: Late, escalated: set[int]) -> str:
    ref = f"{m.code}#{m.volgnummer}"
    return t("digest.todo.geescaleerd", ref=ref) if m.id in escalated else ref


def _unreachable(digest: Digest) -> list[Line]:
    """For the programmamanager: the week's messages that reached no one, per person."""
    if not digest.unreachable:
        return []
    total = sum(n for _, n in digest.unreachable)
    items = _some(Few.of(digest.unreachable), lambda pair: f"{pair[0].naam} ({pair[1]})")
    return [line(tn("digest.onbereikbaar", total, items=items))]


def _roles(vacant: list[str]) -> str:
    """Vacant driehoek roles in words ("ambtelijk opdrachtgever"), not as stored."""
    return ", ".join(t(f"role.{role}") for role in vacant)


def _some(items: Few[T], name: Callable[[T], str]) -> str:
    """A list that stays readable on a phone: the first dozen, then how many more."""
    named = ", ".join(name(item) for item in items.first)
    return named + " " + tn("digest.en_meer", items.more) if items.more else named


def _todo_mine(digest: Digest) -> list[Line]:
    """For one reader: their own milestones, status requests and open questionnaires."""
    assert digest.reader is not None
    me = digest.reader.id
    lines: list[Line] = []
    for n in digest.listed().own:
        pl = n.opgave.projectleider_id == me
        for m in [*n.overdue, *n.upcoming]:
            if m.eigenaar_id == me or (m.eigenaar_id is None and pl):
                lines.append(_milestone(n, m, digest.today, digest.escalated))
        if n.stale and pl:
            lines.append(line(t("digest.todo.jouw_status", code=n.opgave.code)))
        if me in n.waiting_for:
            lines.append(line(t("digest.todo.jouw_afweging", code=n.opgave.code)))
    return lines + _unreachable(digest)


def _opgave(news: News, today: date, escalated: set[int]) -> Section:
    o = news.opgave
    icon = STATUS_ICONS.get(o.status or "", "⚪")
    lines: list[Line] = []
    for entry in news.changes[-MAX_CHANGES:]:
        lines.append(line(audit.describe(entry, "digest.wijziging")))
    if len(news.changes) > MAX_CHANGES:
        lines.append(line(tn("digest.meer_wijzigingen", len(news.changes) - MAX_CHANGES)))
    lines += [_milestone(news, m, today, escalated) for m in [*news.overdue, *news.upcoming]]
    lines += [line(t("digest.dilemma", ref=f"{o.code}#D{d.volgnummer}"), d.tekst)
              for d in news.dilemmas]
    if news.vacant:
        lines.append(line(t("digest.vacant", rollen=_roles(news.vacant))))
    if news.waiting:
        lines.append(line(tn("digest.afweging", news.waiting[1], done=news.waiting[0])))
    return Section(title=f"{icon} {o.code} {o.titel} · {o.fase}", lines=lines)


def is_empty(digest: Digest) -> bool:
    return not digest.told and (digest.reader is None or not _todo_mine(digest))


def digest(digest: Digest) -> Message:
    sections: list[Section] = []
    todo = _todo_mine(digest) if digest.reader is not None else _todo_all(digest)
    if todo:
        sections.append(Section(title=t("digest.todo"), lines=todo))
    lists = digest.listed()
    sections += [_opgave(n, digest.today, digest.escalated)
                 for n in digest.told[:MAX_OPGAVEN]]
    if lists.rest.total:
        sections.append(Section(lines=[line(t("digest.meer_opgaven",
                                               codes=_some(lists.rest, str)))]))
    if digest.besluiten:
        sections.append(Section(title=t("digest.besluiten"), lines=[
            line(f"{gemeente}: " + ", ".join(
                f"{o.code} ({t('digest.besluit.' + owed)})" for o, owed in open_ones))
            for gemeente, open_ones in digest.besluiten.items()]))
    if digest.away:
        sections.append(Section(title=t("digest.afwezig"), lines=[
            line(PersonRef(persoon_id=a.persoon.id, naam=a.persoon.naam),
                 t("digest.afwezig.tot", date=_date(a.tot)), *_stand_in(a))
            for a in digest.away]))
    quiet = max(digest.total - lists.told, 0)
    context = [tn("digest.stil", quiet)] if quiet else []
    if digest.moved:
        context.insert(0, t("digest.verschoven", dag=format_date(digest.week, current_language()),
                            reden=digest.moved))
    return Message(heading=t("digest.kop", date=format_date(digest.week, current_language())),
                   sections=sections, context=context)


def _stand_in(away: Afwezigheid) -> list[str | PersonRef]:
    if away.vervanger is None:
        return []
    return [t("digest.afwezig.vervanger"),
            PersonRef(persoon_id=away.vervanger.id, naam=away.vervanger.naam)]


def overview(found: Overview) -> Message:
    """A bestuurder's weekly overview: to read, not to act on in the chat (no buttons).
    One section per opgave that is late or at risk, then the dilemmas put to them."""
    sections: list[Section] = []
    for opgave, late in found.opgaven:
        icon = STATUS_ICONS.get(opgave.status or "", "⚪")
        lines = [line(t("overzicht.te_laat", ref=f"{opgave.code}#{m.volgnummer}",
                        titel=m.titel, when=when(m, found.today, 0))) for m in late]
        if not late and opgave.status_toelichting:
            lines.append(line(opgave.status_toelichting))
        sections.append(Section(
            title=f"{icon} {opgave.code} {opgave.titel} · {opgave.status or '–'}", lines=lines))
    if found.dilemmas:
        sections.append(Section(title=t("overzicht.dilemmas"), lines=[
            line(t("digest.dilemma", ref=f"{o.code}#D{d.volgnummer}"), d.tekst)
            for o, d in found.dilemmas]))
    return Message(heading=t("overzicht.kop", date=format_date(found.week, current_language())),
                   sections=sections, context=[t("overzicht.context")])
