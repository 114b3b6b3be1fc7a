"""Which module handles which command. Modules are imported on first use, so answering
one command does not load the code of all the others (the console starts faster)."""

from __future__ import annotations

from importlib import import_module

from handlers.registry import HANDLERS, Handler

READS = frozenset({"help", "status", "mijn", "zoek", "historie"})
REMINDERS = frozenset({"afwezig", "terug", "digest"})
MEETINGS = frozenset({"overleg.vergaderingen", "overleg.vergadering", "overleg.verplaats",
                      "overleg.ritme", "overleg.agendapunt", "overleg.agenda",
                      "overleg.accepteer", "overleg.afwijzen",
                      "overleg.besluit", "overleg.afsluiten", "overleg.stappen",
                      "overleg.delegeer"})


def module_of(command: str) -> str:
    if command in MEETINGS:
        return "handlers.vergaderen"
    if command.startswith("overleg."):
        return "handlers.overleg"
    if command.startswith("beheer."):
        return "handlers.beheer"
    if command == "afweging":
        return "handlers.afweging"
    if command in REMINDERS:
        return "handlers.herinneringen"
    return "handlers.opgave" if command in READS else "handlers.wijzigen"


def handler_for(command: str) -> Handler:
    if command not in HANDLERS:
        import_module(module_of(command))
    return HANDLERS[command]
