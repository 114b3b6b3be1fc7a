"""``/opgave`` commands that change the register: each calls one service and returns one
reply."""

from __future__ import annotations

from difflib import get_close_matches
from typing import Any

from bot import amounts
from bot.commands import OPGAVE_FIELDS
from bot.context import Ctx
from bot.dates import looks_like_date
from bot.errors import UserError
from bot.replies import Reply
from bot.services import changes, dilemmas, milestones, register, roster
from bot.texts import t
from handlers import forms, views
from handlers.registry import handles


@handles("nieuw")
def nieuw(ctx: Ctx, args: dict[str, Any]) -> Reply:
    titel = args.get("titel")
    if not titel:
        return forms.open_form(ctx, "opgave.nieuw", {})
    return Reply.of(views.created(register.create(ctx, register.NewOpgave(titel=titel))))


@handles("wijzig")
def wijzig(ctx: Ctx, args: dict[str, Any]) -> Reply:
    veld = args.get("veld")
    if veld is None and args.get("waarde"):
        raise _unknown_field(str(args["waarde"]).split()[0])
    if veld is None:
        return forms.open_form(ctx, "opgave.wijzig", {"code": args["code"]})
    value = changes.clean_field(ctx, veld, args.get("waarde"))
    opgave = changes.edit(ctx, args["code"], {veld: value})
    return Reply.of(views.done(opgave.code, t("done.wijzig", veld=t(f"veld.zin.{veld}"),
                                              code=opgave.code)))


def _unknown_field(word: str) -> UserError:
    """A word after the code that names no field: say so (and what was meant, when close)
    rather than open the form as if nothing was typed."""
    close = get_close_matches(word.lower(), OPGAVE_FIELDS, n=1)
    hint = t("grammar.did_you_mean", suggestion=close[0]) if close else ""
    return UserError(t("change.unknown_field", word=word[:40],
                       choices=", ".join(OPGAVE_FIELDS)) + hint,
                     usage="/opgave wijzig <code> [<veld>] [<waarde>]")


@handles("update")
def update(ctx: Ctx, args: dict[str, Any]) -> Reply:
    opgave = changes.update_status(ctx, args["code"], args["status"], args.get("toelichting"))
    return Reply.of(views.done(opgave.code, t("done.status", code=opgave.code,
                                              status=views.status_label(opgave.status))))


@handles("fase")
def fase(ctx: Ctx, args: dict[str, Any]) -> Reply:
    opgave = changes.set_fase(ctx, args["code"], args["fase"])
    return Reply.of(views.done(opgave.code, t("done.fase", code=opgave.code, fase=opgave.fase)))


@handles("mijlpaal.toevoegen")
def mijlpaal_toevoegen(ctx: Ctx, args: dict[str, Any]) -> Reply:
    if args.get("datum") is None and not args.get("titel"):
        return forms.open_form(ctx, "mijlpaal.nieuw", {"code": args["code"]})
    if args.get("datum") is None and looks_like_date(args["titel"]):
        # "12 Besluit", "volgende maand Besluit": a date was typed but could not be read.
        raise UserError(t("grammar.bad_datum", word=args["titel"].split()[0][:40],
                          year=ctx.today.year),
                        usage="/opgave mijlpaal toevoegen <code> <datum> <titel>")
    if args.get("datum") is None or not args.get("titel"):
        missing = "datum" if args.get("datum") is None else "titel"
        raise UserError(t("grammar.missing", what=missing),
                        usage="/opgave mijlpaal toevoegen <code> <datum> <titel>")
    opgave, mijlpaal = milestones.add(ctx, args["code"], args["datum"], args["titel"])
    return Reply.of(views.done(opgave.code, t(
        "done.mijlpaal.toevoegen", ref=f"{opgave.code}#{mijlpaal.volgnummer}",
        titel=mijlpaal.titel, date=views.short_date(mijlpaal.datum))))


@handles("mijlpaal.klaar")
def mijlpaal_klaar(ctx: Ctx, args: dict[str, Any]) -> Reply:
    opgave, mijlpaal = milestones.done(ctx, args["mijlpaal"])
    return Reply.of(views.done(opgave.code, t("done.mijlpaal.klaar", ref=str(args["mijlpaal"]),
                                              titel=mijlpaal.titel)))


@handles("mijlpaal.verplaats")
def mijlpaal_verplaats(ctx: Ctx, args: dict[str, Any]) -> Reply:
    opgave, mijlpaal, old = milestones.move(ctx, args["mijlpaal"], args["datum"])
    return Reply.of(views.done(opgave.code, t(
        "done.mijlpaal.verplaats", ref=str(args["mijlpaal"]), titel=mijlpaal.titel,
        old=views.short_date(old), new=views.short_date(mijlpaal.datum))))


@handles("mijlpaal.verwijder")
def mijlpaal_verwijder(ctx: Ctx, args: dict[str, Any]) -> Reply:
    opgave, description = milestones.remove(ctx, args["mijlpaal"])
    return Reply.of(views.done(opgave.code, t("done.mijlpaal.verwijder",
                                              ref=str(args["mijlpaal"]), titel=description)))


@handles("mijlpaal.besluit")
def mijlpaal_besluit(ctx: Ctx, args: dict[str, Any]) -> Reply:
    opgave, _, overleg = milestones.set_decision(ctx, args["mijlpaal"], args.get("overleg"))
    key = "done.mijlpaal.besluit" if overleg else "done.mijlpaal.geen_besluit"
    return Reply.of(views.done(opgave.code, t(key, ref=str(args["mijlpaal"]),
                                              overleg=overleg.naam if overleg else "")))


@handles("rol")
def rol(ctx: Ctx, args: dict[str, Any]) -> Reply:
    mention = args.get("persoon")
    persoon = roster.resolve(ctx, mention) if mention else None
    opgave, persoon = changes.set_role(ctx, args["code"], args["rol"], persoon)
    if persoon is None:
        return Reply.of(views.done(opgave.code, t("done.rol.vacant", rol=args["rol"],
                                                  code=opgave.code)))
    return Reply.of(views.done(opgave.code, t("done.rol", rol=args["rol"], code=opgave.code,
                                              naam=persoon.naam)))


@handles("deelname")
def deelname(ctx: Ctx, args: dict[str, Any]) -> Reply:
    opgave, gemeenten = changes.set_deelname(ctx, args["code"], args["gemeente"],
                                             args["keuze"], args.get("reden"))
    names, keuze = ", ".join(g.naam for g in gemeenten), args["keuze"]
    if _all(args):
        return Reply.of(views.done(opgave.code, t(f"done.deelname.{keuze}.alle",
                                                  gemeente=names, code=opgave.code)))
    return Reply.of(views.done(opgave.code, t(f"done.deelname.{keuze}", gemeente=names,
                                              code=opgave.code)))


@handles("inzet")
def inzet(ctx: Ctx, args: dict[str, Any]) -> Reply:
    opgave, gemeenten, year, hours = changes.set_inzet(ctx, args["code"], args["gemeente"],
                                                       args["uren"], args.get("jaar"))
    values = {"gemeente": gemeenten[0].naam, "uren": amounts.shown(hours), "jaar": year,
              "code": opgave.code}
    if _all(args):
        return Reply.of(views.done(opgave.code, t("done.inzet.alle", **values)))
    return Reply.of(views.done(opgave.code, t("done.inzet", **values)))


def _all(args: dict[str, Any]) -> bool:
    return str(args["gemeente"]).strip().lower() in changes.ALL_GEMEENTEN


@handles("dilemma")
def dilemma(ctx: Ctx, args: dict[str, Any]) -> Reply:
    opgave, item = dilemmas.raise_dilemma(ctx, args["code"], args["tekst"],
                                          args.get("vertrouwelijk") is not None)
    key = "done.dilemma.vertrouwelijk" if item.vertrouwelijk else "done.dilemma"
    return Reply.of(views.done(opgave.code, t(key, ref=f"{opgave.code}#D{item.volgnummer}")))


@handles("dilemma.escaleer")
def dilemma_escaleer(ctx: Ctx, args: dict[str, Any]) -> Reply:
    opgave, _, target = dilemmas.escalate(ctx, args["dilemma"], args["naar"])
    return Reply.of(views.done(opgave.code, t("done.dilemma.escaleer", ref=str(args["dilemma"]),
                                              naar=target)))


@handles("dilemma.opgelost")
def dilemma_opgelost(ctx: Ctx, args: dict[str, Any]) -> Reply:
    opgave, _ = dilemmas.resolve(ctx, args["dilemma"], args.get("toelichting"))
    return Reply.of(views.done(opgave.code, t("done.dilemma.opgelost", ref=str(args["dilemma"]))))
