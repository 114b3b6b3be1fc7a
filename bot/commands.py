"""The command table: every ``/opgave`` subcommand, parsed once for every platform.

To add a command, add a row here and a handler in ``handlers`` under the same name;
``help`` and the README's command list are generated from this table.

Each row: name (the handler's key), keyword phrases (Dutch first, then English aliases;
a phrase may have several words), its arguments in order, the text key of its summary,
and whether it writes (a writing command runs in a writing unit of work).
"""

from __future__ import annotations

from bot.grammar import Arg, Command, Grammar, Kind

OPGAVE_COMMANDS: tuple[Command, ...] = (
    Command(
        "help", ("help", "hulp"), "cmd.help", aliases=("?",),
        args=(Arg("onderwerp", Kind.WOORD, optional=True),), topic="algemeen",
        example="/opgave help",
    ),
    Command(
        "status", ("status", "overzicht"), "cmd.status", aliases=("overview",),
        args=(Arg("doel", Kind.DOEL, optional=True, label="code|zoekterm"),),
        example="/opgave status JGD-03",
    ),
    Command("mijn", ("mijn",), "cmd.mijn", aliases=("mine", "my"), example="/opgave mijn"),
    Command(
        "zoek", ("zoek",), "cmd.zoek", aliases=("search", "find"),
        args=(Arg("zoekterm", Kind.TEKST),), example="/opgave zoek inkoop",
    ),
    Command(
        "historie", ("historie", "geschiedenis"), "cmd.historie", aliases=("history", "log"),
        args=(Arg("code", Kind.CODE),), example="/opgave historie JGD-03",
    ),
    Command(
        "nieuw", ("nieuw", "nieuwe"), "cmd.nieuw", aliases=("new", "create"),
        args=(Arg("titel", Kind.TEKST, optional=True),), writes=True,
        example="/opgave nieuw Regiovisie Jeugd 2027",
    ),
)

OPGAVE = Grammar("opgave", OPGAVE_COMMANDS, default="status")

GRAMMARS = {"opgave": OPGAVE}
