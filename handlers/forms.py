"""Forms of the register: opening them (with the region's choices) and their submissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, or_, select

from bot.context import Ctx
from bot.forms import FieldKind, Form, FormContext, FormField, Option
from bot.grammar import HANDLE, SLACK_MENTION
from bot.permissions import require
from bot.replies import Reply
from bot.services import register
from bot.texts import t
from bot.vocab import NIVEAUS, REIKWIJDTES, VORMEN
from handlers import views
from storage.models import Gemeente, Identiteit, Persoon

Submit = Callable[[Ctx, Form, dict[str, Any]], Reply]


def _options(values: list[str] | tuple[str, ...]) -> list[Option]:
    return [Option(value=v, label=v) for v in values]


def new_opgave_form(ctx: Ctx) -> Form:
    gemeenten = ctx.session.scalars(
        select(Gemeente).where(Gemeente.regio_id == ctx.regio.id).order_by(Gemeente.naam))
    persoon = FieldKind.PERSOON
    return Form(
        id="opgave.nieuw", title=t("form.nieuw.title"), submit_label=t("form.nieuw.submit"),
        fields=[
            FormField(name="titel", label=t("field.titel"), kind=FieldKind.TEXT, required=True),
            FormField(name="thema", label=t("field.thema"), kind=FieldKind.CHOICE,
                      options=_options(list(register.themas(ctx)))),
            FormField(name="niveau", label=t("field.niveau"), kind=FieldKind.CHOICE,
                      options=_options(NIVEAUS)),
            FormField(name="vorm", label=t("field.vorm"), kind=FieldKind.CHOICE,
                      options=_options(VORMEN)),
            FormField(name="reikwijdte", label=t("field.reikwijdte"), kind=FieldKind.CHOICE,
                      options=_options(REIKWIJDTES)),
            FormField(name="jaar", label=t("field.jaar"), kind=FieldKind.NUMBER,
                      minimum=2000, maximum=2100, initial=str(ctx.today.year)),
            FormField(name="opdracht", label=t("field.opdracht"), kind=FieldKind.LONG_TEXT,
                      max_length=3000, hint=t("field.opdracht.hint")),
            FormField(name="projectleider", label=t("label.projectleider"), kind=persoon),
            FormField(name="ambtelijk_opdrachtgever", label=t("label.ambtelijk_opdrachtgever"),
                      kind=persoon),
            FormField(name="bestuurlijk_opdrachtgever",
                      label=t("label.bestuurlijk_opdrachtgever"), kind=persoon),
            FormField(name="deelnemers", label=t("field.deelnemers"),
                      kind=FieldKind.MULTI_CHOICE,
                      options=[Option(value=str(g.id), label=g.naam) for g in gemeenten]),
            FormField(name="mijlpaal_titel", label=t("field.mijlpaal_titel"),
                      kind=FieldKind.TEXT),
            FormField(name="mijlpaal_datum", label=t("field.mijlpaal_datum"),
                      kind=FieldKind.DATE, hint=t("field.datum.hint")),
        ],
    )


def open_new_opgave(ctx: Ctx) -> Reply:
    require(ctx, "opgave.aanmaken")
    return Reply(form=new_opgave_form(ctx))


def submit_new_opgave(ctx: Ctx, form: Form, values: dict[str, Any]) -> Reply:
    new = register.NewOpgave(
        titel=values["titel"], thema=values.get("thema"), niveau=values.get("niveau"),
        vorm=values.get("vorm"), reikwijdte=values.get("reikwijdte"), jaar=values.get("jaar"),
        opdracht=values.get("opdracht"), projectleider_id=values.get("projectleider"),
        ambtelijk_opdrachtgever_id=values.get("ambtelijk_opdrachtgever"),
        bestuurlijk_opdrachtgever_id=values.get("bestuurlijk_opdrachtgever"),
        deelnemers=[int(v) for v in values.get("deelnemers", [])],
        mijlpaal_titel=values.get("mijlpaal_titel"), mijlpaal_datum=values.get("mijlpaal_datum"),
    )
    return Reply.of(views.created(register.create(ctx, new)))


FORMS: dict[str, tuple[Callable[[Ctx], Form], Submit]] = {
    "opgave.nieuw": (new_opgave_form, submit_new_opgave),
}


def cross_field_errors(form: Form, values: dict[str, Any]) -> dict[str, str]:
    """Rules between fields: a first milestone needs both its title and its date."""
    errors: dict[str, str] = {}
    if form.id == "opgave.nieuw":
        if values.get("mijlpaal_titel") and not values.get("mijlpaal_datum"):
            errors["mijlpaal_datum"] = t("form.mijlpaal_needs_date")
        if values.get("mijlpaal_datum") and not values.get("mijlpaal_titel"):
            errors["mijlpaal_titel"] = t("form.mijlpaal_needs_title")
    return errors


def form_context(ctx: Ctx) -> FormContext:
    def resolve(typed: str) -> int | None:
        typed = typed.strip()
        if typed.isdigit():
            found = ctx.session.get(Persoon, int(typed))
            return found.id if found and found.regio_id == ctx.regio.id else None
        if m := SLACK_MENTION.match(typed):
            return ctx.session.scalar(select(Identiteit.persoon_id).where(
                Identiteit.platform == ctx.platform, Identiteit.extern_id == m[1]))
        handle = m[1] if (m := HANDLE.match(typed)) else typed
        return ctx.session.scalar(select(Persoon.id).where(
            Persoon.regio_id == ctx.regio.id, Persoon.actief,
            or_(func.lower(Persoon.handle) == handle.lower(),
                func.lower(Persoon.naam) == typed.lower())))

    return FormContext(today=ctx.today, resolve_persoon=resolve)
