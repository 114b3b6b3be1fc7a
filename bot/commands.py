"""The command table: every ``/opgave`` and ``/overleg`` subcommand, parsed once for
every platform.

To add a command, add a row here and a handler under the same name (``handlers``);
``help`` and the README's command list follow this table.

Each row: name (the handler's key), keyword phrases (Dutch first; a phrase may have
several words), the text key of its summary, its arguments in order, English aliases,
a help topic, whether it writes (a writing command runs in a writing unit of work) and
an example.
"""

from __future__ import annotations

from bot.grammar import Arg, Command, Grammar, Kind

CODE = Arg("code", Kind.CODE)
MIJLPAAL = Arg("mijlpaal", Kind.MIJLPAAL, label="code#nr")
DILEMMA = Arg("dilemma", Kind.DILEMMA, label="code#Dnr")
ROLE = Arg("rol", Kind.KEUZE, choices=(
    "projectleider", "ambtelijk opdrachtgever", "bestuurlijk opdrachtgever"), aliases={
    "pl": "projectleider", "ambtelijk": "ambtelijk opdrachtgever",
    "ao": "ambtelijk opdrachtgever", "bestuurlijk": "bestuurlijk opdrachtgever",
    "bo": "bestuurlijk opdrachtgever", "project lead": "projectleider"})
OPGAVE_FIELDS = ("titel", "thema", "niveau", "vorm", "reikwijdte", "jaar", "opdracht",
                 "budget", "evaluatie")
PERSON_FIELDS = ("naam", "functie", "email", "gemeente", "vervanger", "plo",
                 "programmamanager")
OVERLEG_ROLES = ("lid", "voorzitter", "secretaris")
OVERLEG_KINDS = ("bestuurlijk", "ambtelijk", "werkgroep")

OPGAVE_COMMANDS: tuple[Command, ...] = (
    Command("help", ("help", "hulp"), "cmd.help", aliases=("?",), topic="algemeen",
            args=(Arg("onderwerp", Kind.WOORD, optional=True),), example="/opgave help rol"),
    Command("status", ("status", "overzicht"), "cmd.status", aliases=("overview",),
            args=(Arg("doel", Kind.DOEL, optional=True, label="code|zoekterm"),),
            example="/opgave status JGD-03"),
    Command("mijn", ("mijn",), "cmd.mijn", aliases=("mine", "my"), example="/opgave mijn"),
    Command("zoek", ("zoek",), "cmd.zoek", aliases=("search", "find"),
            args=(Arg("zoekterm", Kind.TEKST),), example="/opgave zoek inkoop"),
    Command("historie", ("historie", "geschiedenis"), "cmd.historie",
            aliases=("history", "log"), args=(CODE,), example="/opgave historie JGD-03"),
    Command("nieuw", ("nieuw", "nieuwe"), "cmd.nieuw", aliases=("new", "create"),
            args=(Arg("titel", Kind.TEKST, optional=True),), writes=True,
            example="/opgave nieuw Regiovisie Jeugd 2028"),
    Command("wijzig", ("wijzig", "wijzigen"), "cmd.wijzig", aliases=("edit",), writes=True,
            args=(CODE, Arg("veld", Kind.KEUZE, optional=True, choices=OPGAVE_FIELDS),
                  Arg("waarde", Kind.TEKST, optional=True)),
            example="/opgave wijzig JGD-03 opdracht Kosten beheersen met vijf maatregelen"),
    Command("update", ("update", "bijwerken"), "cmd.update", writes=True,
            args=(CODE, Arg("status", Kind.STATUS),
                  Arg("toelichting", Kind.TEKST, optional=True)),
            example="/opgave update JGD-03 op koers maatregelen vastgesteld"),
    Command("fase", ("fase",), "cmd.fase", aliases=("phase",), writes=True,
            args=(CODE, Arg("fase", Kind.TEKST)), example="/opgave fase JGD-03 impactanalyse"),
    Command("mijlpaal.toevoegen", ("mijlpaal toevoegen", "mijlpaal nieuw"),
            "cmd.mijlpaal.toevoegen", aliases=("milestone add",), writes=True, topic="mijlpaal",
            args=(CODE, Arg("datum", Kind.DATUM, optional=True),
                  Arg("titel", Kind.TEKST, optional=True)),
            example="/opgave mijlpaal toevoegen JGD-03 12 maart 2027 Besluit maatregelen"),
    Command("mijlpaal.klaar", ("mijlpaal klaar", "mijlpaal afgerond"), "cmd.mijlpaal.klaar",
            aliases=("milestone done",), writes=True, topic="mijlpaal", args=(MIJLPAAL,),
            example="/opgave mijlpaal klaar JGD-03#1"),
    Command("mijlpaal.verplaats", ("mijlpaal verplaats",), "cmd.mijlpaal.verplaats",
            aliases=("milestone move",), writes=True, topic="mijlpaal",
            args=(MIJLPAAL, Arg("datum", Kind.DATUM)),
            example="/opgave mijlpaal verplaats JGD-03#2 2 april"),
    Command("mijlpaal.verwijder", ("mijlpaal verwijder",), "cmd.mijlpaal.verwijder",
            aliases=("milestone delete",), writes=True, topic="mijlpaal", args=(MIJLPAAL,),
            example="/opgave mijlpaal verwijder JGD-03#2"),
    Command("mijlpaal.besluit", ("mijlpaal besluit",), "cmd.mijlpaal.besluit",
            aliases=("milestone decision",), writes=True, topic="mijlpaal",
            args=(MIJLPAAL, Arg("overleg", Kind.WOORD, optional=True)),
            example="/opgave mijlpaal besluit JGD-03#2 bpsdl"),
    Command("rol", ("rol",), "cmd.rol", aliases=("role",), writes=True,
            args=(CODE, ROLE, Arg("persoon", Kind.PERSOON, optional=True)),
            example="/opgave rol WMO-03 projectleider @pl-wmo"),
    Command("deelname", ("deelname",), "cmd.deelname", aliases=("participation",),
            writes=True, args=(CODE, Arg("gemeente", Kind.WOORD), Arg(
                "keuze", Kind.KEUZE, label="mee|niet|besproken",
                choices=("mee", "niet", "besproken"),
                aliases={"doet mee": "mee", "ja": "mee", "nee": "niet", "doet niet mee": "niet"}),
                Arg("reden", Kind.TEKST, optional=True)),
            example="/opgave deelname WEI-01 Lopik niet eigen regeling tot 2028"),
    Command("inzet", ("inzet",), "cmd.inzet", aliases=("effort",), writes=True,
            args=(CODE, Arg("gemeente", Kind.WOORD), Arg("uren", Kind.GETAL),
                  Arg("jaar", Kind.GETAL, optional=True)),
            example="/opgave inzet JGD-03 Houten 120"),
    Command("dilemma", ("dilemma", "dilemma melden"), "cmd.dilemma", writes=True,
            topic="dilemma", args=(CODE, Arg("vertrouwelijk", Kind.KEUZE, optional=True,
                                             choices=("vertrouwelijk",),
                                             aliases={"confidential": "vertrouwelijk"}),
                                   Arg("tekst", Kind.TEKST)),
            example="/opgave dilemma JGD-03 vertrouwelijk Lopik overweegt uit te stappen"),
    Command("dilemma.escaleer", ("dilemma escaleer",), "cmd.dilemma.escaleer",
            aliases=("dilemma escalate",), writes=True, topic="dilemma",
            args=(DILEMMA, Arg("naar", Kind.WOORD, label="bestuurder|overleg")),
            example="/opgave dilemma escaleer JGD-03#D1 bpsdl"),
    Command("dilemma.opgelost", ("dilemma opgelost",), "cmd.dilemma.opgelost",
            aliases=("dilemma resolve",), writes=True, topic="dilemma",
            args=(DILEMMA, Arg("toelichting", Kind.TEKST, optional=True)),
            example="/opgave dilemma opgelost JGD-03#D1 besproken in BPSDL"),
    Command("afweging", ("afweging", "afwegingskader"), "cmd.afweging",
            aliases=("assessment",), writes=True, topic="afweging",
            args=(CODE, Arg("wat", Kind.KEUZE, optional=True, label="invullen|uitslag",
                            choices=("invullen", "uitslag"),
                            aliases={"vul in": "invullen", "fill in": "invullen",
                                     "result": "uitslag"})),
            example="/opgave afweging JGD-03 invullen"),
    Command("afwezig", ("afwezig",), "cmd.afwezig", aliases=("away",), writes=True,
            topic="herinneringen", args=(Arg("van", Kind.DATUM), Arg("tot", Kind.DATUM),
                                         Arg("vervanger", Kind.PERSOON, optional=True)),
            example="/opgave afwezig 21 december 8 januari @plo-lopik"),
    Command("terug", ("terug",), "cmd.terug", aliases=("back",), writes=True,
            topic="herinneringen", example="/opgave terug"),
    Command("digest", ("digest",), "cmd.digest", writes=True, topic="herinneringen",
            args=(Arg("keuze", Kind.KEUZE, label="aan|uit", choices=("aan", "uit"),
                      aliases={"on": "aan", "off": "uit"}),),
            example="/opgave digest aan"),
    Command("beheer.rooster", ("beheer rooster",), "cmd.beheer.rooster",
            aliases=("admin roster",), topic="beheer", example="/opgave beheer rooster"),
    Command("beheer.koppel", ("beheer koppel",), "cmd.beheer.koppel", aliases=("admin link",),
            writes=True, topic="beheer",
            args=(Arg("persoon", Kind.PERSOON), Arg("account", Kind.PERSOON)),
            example="/opgave beheer koppel @wethouder-lopik @wethouder-lopik"),
    Command("beheer.persoon.toevoegen", ("beheer persoon toevoegen",),
            "cmd.beheer.persoon.toevoegen", aliases=("admin person add",), writes=True,
            topic="beheer", args=(Arg("handle", Kind.WOORD), Arg("naam", Kind.TEKST)),
            example="/opgave beheer persoon toevoegen pl-vervoer Pieter Vos"),
    Command("beheer.persoon.wijzig", ("beheer persoon wijzig",), "cmd.beheer.persoon.wijzig",
            aliases=("admin person edit",), writes=True, topic="beheer",
            args=(Arg("persoon", Kind.PERSOON), Arg("veld", Kind.KEUZE, choices=PERSON_FIELDS),
                  Arg("waarde", Kind.TEKST, optional=True)),
            example="/opgave beheer persoon wijzig @pl-vervoer gemeente Lopik"),
    Command("beheer.persoon.vertrek", ("beheer persoon vertrek",),
            "cmd.beheer.persoon.vertrek", aliases=("admin person leave",), writes=True,
            topic="beheer", args=(Arg("persoon", Kind.PERSOON),
                                  Arg("opvolger", Kind.PERSOON, optional=True)),
            example="/opgave beheer persoon vertrek @pl-wmo @pl-vervoer"),
    Command("beheer.werkruimte", ("beheer werkruimte koppel",), "cmd.beheer.werkruimte",
            aliases=("admin workspace link",), writes=True, topic="beheer",
            args=(Arg("regio", Kind.WOORD),), example="/opgave beheer werkruimte koppel lekstroom"),
)

OVERLEG_COMMANDS: tuple[Command, ...] = (
    Command("overleg.help", ("help", "hulp"), "cmd.overleg.help", aliases=("?",),
            args=(Arg("onderwerp", Kind.WOORD, optional=True),), example="/overleg help"),
    Command("overleg.lijst", ("lijst", "overzicht"), "cmd.overleg.lijst", aliases=("list",),
            example="/overleg lijst"),
    Command("overleg.beheer.nieuw", ("beheer nieuw",), "cmd.overleg.beheer.nieuw",
            aliases=("admin new",), writes=True, topic="beheer",
            args=(Arg("overleg", Kind.WOORD, label="code"),
                  Arg("soort", Kind.KEUZE, choices=OVERLEG_KINDS), Arg("naam", Kind.TEKST)),
            example="/overleg beheer nieuw wg-data werkgroep Werkgroep data"),
    Command("overleg.beheer.lid", ("beheer lid",), "cmd.overleg.beheer.lid",
            aliases=("admin member",), writes=True, topic="beheer",
            args=(Arg("overleg", Kind.WOORD), Arg("persoon", Kind.PERSOON),
                  Arg("rol", Kind.KEUZE, optional=True, choices=OVERLEG_ROLES)),
            example="/overleg beheer lid ao-wmo @pl-wmo secretaris"),
    Command("overleg.beheer.verwijder", ("beheer verwijder",), "cmd.overleg.beheer.verwijder",
            aliases=("admin remove",), writes=True, topic="beheer",
            args=(Arg("overleg", Kind.WOORD), Arg("persoon", Kind.PERSOON)),
            example="/overleg beheer verwijder ao-wmo @pl-wmo"),
    Command("overleg.beheer.kanaal", ("beheer kanaal",), "cmd.overleg.beheer.kanaal",
            aliases=("admin channel",), writes=True, topic="beheer",
            args=(Arg("overleg", Kind.WOORD), Arg("kanaal", Kind.WOORD)),
            example="/overleg beheer kanaal ao-wmo regio-wmo"),
)

OPGAVE = Grammar("opgave", OPGAVE_COMMANDS, default="status")
OVERLEG = Grammar("overleg", OVERLEG_COMMANDS, default="overleg.lijst")

GRAMMARS = {"opgave": OPGAVE, "overleg": OVERLEG}
