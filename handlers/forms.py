"""Forms of the register: building them (with the region's choices and current values)
and handling their submissions. Validation itself is the core's (``bot.forms``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from bot.context import Ctx
from bot.errors import NotFound
from bot.forms import FieldKind, Form, FormContext, FormField, Option
from bot.grammar import Mention, MijlpaalRef, mention
from bot.permissions import require
from bot.replies import Reply
from bot.services import changes, milestones, register, roster
from bot.texts import t
from bot.vocab import NIVEAUS, REIKWIJDTES, STATUSES, VORMEN
from handlers import afweging, herinneringen, vergaderen, views
from storage.models import Gemeente, Mijlpaal, Overleg, Persoon

Build = Callable[[Ctx, dict[str, str]], Form]
Submit = Callable[[Ctx, Form, dict[str, Any]], Reply]


def _options(values: list[str] | tuple[str, ...]) -> list[Option]:
    return [Option(value=v, label=v) for v in values]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _opgave_fields(ctx: Ctx) -> list[FormField]:
    return [
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
                  max_length=changes.LONG_TEXT_MAX, hint=t("field.opdracht.hint")),
    ]


def new_opgave_form(ctx: Ctx, args: dict[str, str]) -> Form:
    require(ctx, "opgave.aanmaken")
    gemeenten = ctx.session.scalars(
        select(Gemeente).where(Gemeente.regio_id == ctx.regio.id).order_by(Gemeente.naam))
    persoon = FieldKind.PERSOON
    return Form(
        id="opgave.nieuw", title=t("form.nieuw.title"), submit_label=t("form.nieuw.submit"),
        fields=[
            *_opgave_fields(ctx),
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
                      kind=FieldKind.DATE, hint=t("field.datum.hint"), working_day=True),
        ],
    )


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


EDITABLE = ("titel", "thema", "niveau", "vorm", "reikwijdte", "jaar", "opdracht", "budget",
            "evaluatie")


def edit_opgave_form(ctx: Ctx, args: dict[str, str]) -> Form:
    opgave = register.get(ctx, args["code"])
    require(ctx, "opgave.wijzigen", opgave)
    fields = [
        *_opgave_fields(ctx),
        FormField(name="budget", label=t("field.budget"), kind=FieldKind.AMOUNT,
                  hint=t("field.budget.hint")),
        FormField(name="evaluatie", label=t("field.evaluatie"), kind=FieldKind.LONG_TEXT,
                  max_length=changes.LONG_TEXT_MAX),
    ]
    current = [f.model_copy(update={"initial": _text(getattr(opgave, f.name))}) for f in fields]
    return Form(id="opgave.wijzig", title=t("form.wijzig.title", code=opgave.code),
                submit_label=t("form.wijzig.submit"), fields=current,
                args={"code": opgave.code, "versie": str(opgave.versie)})


def submit_edit_opgave(ctx: Ctx, form: Form, values: dict[str, Any]) -> Reply:
    opgave = changes.edit(ctx, form.args["code"], {k: values.get(k) for k in EDITABLE},
                          versie=int(form.args["versie"]))
    return Reply.of(views.done(opgave.code, t("done.wijzig.form", code=opgave.code)))


def new_milestone_form(ctx: Ctx, args: dict[str, str]) -> Form:
    opgave = register.get(ctx, args["code"])
    require(ctx, "opgave.mijlpalen", opgave)
    bodies = ctx.session.scalars(select(Overleg).where(Overleg.regio_id == ctx.regio.id)
                                 .order_by(Overleg.code))
    return Form(id="mijlpaal.nieuw", title=t("form.mijlpaal.title", code=opgave.code),
                submit_label=t("form.mijlpaal.submit"), args={"code": opgave.code}, fields=[
        FormField(name="titel", label=t("field.titel"), kind=FieldKind.TEXT, required=True),
        FormField(name="datum", label=t("field.datum"), kind=FieldKind.DATE, required=True,
                  hint=t("field.datum.hint"), working_day=True),
        FormField(name="besluit_door", label=t("field.besluit_door"), kind=FieldKind.CHOICE,
                  options=[Option(value=b.code, label=b.naam) for b in bodies]),
    ])


def submit_new_milestone(ctx: Ctx, form: Form, values: dict[str, Any]) -> Reply:
    opgave, mijlpaal = milestones.add(ctx, form.args["code"], values["datum"], values["titel"],
                                      values.get("besluit_door"))
    return Reply.of(views.done(opgave.code, t(
        "done.mijlpaal.toevoegen", ref=f"{opgave.code}#{mijlpaal.volgnummer}",
        titel=mijlpaal.titel, date=views.short_date(mijlpaal.datum))))


def status_form(ctx: Ctx, args: dict[str, str]) -> Form:
    opgave = register.get(ctx, args["code"])
    require(ctx, "opgave.status", opgave)
    return Form(id="opgave.status", title=t("form.status.title", code=opgave.code),
                submit_label=t("form.status.submit"),
                args={"code": opgave.code, "versie": args.get("versie", str(opgave.versie))},
                fields=[
        FormField(name="status", label=t("field.status"), kind=FieldKind.CHOICE, required=True,
                  options=_options(STATUSES), initial=opgave.status),
        FormField(name="toelichting", label=t("field.toelichting"), kind=FieldKind.LONG_TEXT,
                  max_length=changes.LONG_TEXT_MAX),
    ])


def submit_status(ctx: Ctx, form: Form, values: dict[str, Any]) -> Reply:
    opgave = changes.update_status(ctx, form.args["code"], values["status"],
                                   values.get("toelichting"), versie=int(form.args["versie"]))
    return Reply.of(views.done(opgave.code, t("done.status", code=opgave.code,
                                              status=views.status_label(opgave.status))))


def move_form(ctx: Ctx, args: dict[str, str]) -> Form:
    opgave = register.get(ctx, args["code"])
    require(ctx, "opgave.mijlpalen", opgave)
    open_ones = ctx.session.scalars(select(Mijlpaal).where(
        Mijlpaal.opgave_id == opgave.id, Mijlpaal.afgerond_op.is_(None))
        .order_by(Mijlpaal.datum, Mijlpaal.volgnummer))
    return Form(id="mijlpaal.verplaats", title=t("form.verplaats.title", code=opgave.code),
                submit_label=t("form.verplaats.submit"),
                args={"code": opgave.code, "versie": args.get("versie", str(opgave.versie))},
                fields=[
        FormField(name="mijlpaal", label=t("field.mijlpaal"), kind=FieldKind.CHOICE,
                  required=True, initial=args.get("mijlpaal"), options=[
                      Option(value=str(m.volgnummer),
                             label=f"#{m.volgnummer} {m.titel} ({views.short_date(m.datum)})")
                      for m in open_ones]),
        FormField(name="datum", label=t("field.nieuwe_datum"), kind=FieldKind.DATE,
                  required=True, hint=t("field.datum.hint"), working_day=True),
    ])


def submit_move(ctx: Ctx, form: Form, values: dict[str, Any]) -> Reply:
    changes.check_version(register.get(ctx, form.args["code"]), int(form.args["versie"]))
    ref = MijlpaalRef(form.args["code"], int(values["mijlpaal"]))
    opgave, mijlpaal, old = milestones.move(ctx, ref, values["datum"])
    return Reply.of(views.done(opgave.code, t(
        "done.mijlpaal.verplaats", ref=str(ref), titel=mijlpaal.titel,
        old=views.short_date(old), new=views.short_date(mijlpaal.datum))))


FORMS: dict[str, tuple[Build, Submit]] = {
    "opgave.status": (status_form, submit_status),
    "mijlpaal.verplaats": (move_form, submit_move),
    "opgave.nieuw": (new_opgave_form, submit_new_opgave),
    "opgave.wijzig": (edit_opgave_form, submit_edit_opgave),
    "mijlpaal.nieuw": (new_milestone_form, submit_new_milestone),
    "afweging.start": (afweging.start_form, afweging.submit_start),
    "mijlpaal.later": (herinneringen.later_form, herinneringen.submit_later),
    "mijlpaal.blokkade": (herinneringen.blokkade_form, herinneringen.submit_blokkade),
    "besluit.stap": (vergaderen.step_form, vergaderen.submit_step),
}


def open_form(ctx: Ctx, form_id: str, args: dict[str, str]) -> Reply:
    build, _ = FORMS[form_id]
    return Reply(form=build(ctx, args))


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
        """A persoon id (Slack's roster picker), a mention or handle as a command takes
        it (roster.resolve), or a full name as a console user may type it."""
        typed = typed.strip()
        if typed.isdigit():
            found = ctx.session.get(Persoon, int(typed))
            return found.id if found and found.regio_id == ctx.regio.id else None
        try:
            return roster.resolve(ctx, mention(typed) or Mention(raw=typed,
                                                                 handle=typed.lower())).id
        except NotFound:
            return ctx.session.scalar(select(Persoon.id).where(
                Persoon.regio_id == ctx.regio.id, Persoon.actief,
                func.lower(Persoon.naam) == typed.lower()))

    return FormContext(today=ctx.today, resolve_persoon=resolve)
