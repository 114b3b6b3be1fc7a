"""Every refusal of a malformed command shows how to write it (issue 22: 2,583 refusals
of fuzzed commands lacked a "Gebruik: …" line). For every command in the table, typed in
the console: without its arguments, with garbage after it, and with each argument of
the wrong kind; each answer says what was wrong, shows that command's usage and leaves
the database as it was."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import Caller
from bot.commands import GRAMMARS
from bot.grammar import Arg, Command, Kind
from bot.render_text import render
from storage.db import Database
from tests.conftest import NOW, Chat
from tests.test_permissions import dump

# A value of each kind the grammar accepts, and one it must refuse.
GOOD = {Kind.CODE: "JGD-03", Kind.MIJLPAAL: "JGD-03#2", Kind.DILEMMA: "JGD-03#D1",
        Kind.PERSOON: "@plo-lopik", Kind.DATUM: "12-03-2027", Kind.STATUS: "aandacht",
        Kind.GETAL: "12", Kind.TEKST: "een tekst", Kind.DOEL: "JGD-03"}
WRONG = {Kind.CODE: "J@03", Kind.MIJLPAAL: "JGD-03#x", Kind.DILEMMA: "JGD-03#2",
         Kind.PERSOON: "plo/lopik", Kind.DATUM: "31-02-2027", Kind.STATUS: "groen",
         Kind.KEUZE: "xyz", Kind.GETAL: "veel"}
WORDS = {"overleg": "bpsdl", "gemeente": "Houten", "naar": "bpsdl", "onderwerp": "rol",
         "handle": "pl-nieuw", "regio": "lekstroom", "kanaal": "regio-x", "tijd": "10:00",
         "uren": "12"}
# Arguments that take the rest of the line cannot be followed by garbage.
SWALLOWS = {Kind.TEKST, Kind.DOEL}


def good(arg: Arg) -> str:
    if arg.kind is Kind.KEUZE:
        return arg.choices[0]
    if arg.kind is Kind.WOORD:
        return WORDS[arg.name]
    return GOOD[arg.kind]


def variants(root: str, command: Command) -> Iterator[tuple[str, str]]:
    """(what is wrong, the text typed after /root) for one command."""
    words = command.words[0]
    if all(arg.optional and arg.kind in SWALLOWS for arg in command.args) and command.args:
        # Anything goes after status and nieuw, but not a search or title this long.
        yield "te lang", words + " woord" * 60
    args = command.args
    required = [i for i, arg in enumerate(args) if not arg.optional]
    if required:
        yield "niets", words
        last = required[-1]
        yield "te weinig", " ".join([words, *(good(a) for a in args[:last])])
    if not args or args[-1].kind not in SWALLOWS:
        yield "rommel", " ".join([words, *(good(a) for a in args), "@@", "rommel"])
    for i in required:
        if args[i].kind in WRONG:
            typed = [good(a) if j != i else WRONG[a.kind] for j, a in enumerate(args)]
            yield f"{args[i].name} fout", " ".join([words, *typed])


CASES = [(root, command, what, text) for root, grammar in GRAMMARS.items()
         for command in grammar.commands for what, text in variants(root, command)]


def shown(reply) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(render(m, lambda b: f"[{b.label}]") for m in reply.messages)


@pytest.mark.parametrize(("root", "command", "what", "text"), CASES,
                         ids=[f"{r} {c.name} {w}" for r, c, w, _ in CASES])
def test_a_malformed_command_shows_its_usage_and_changes_nothing(
        demo_db: Database, root: str, command: Command, what: str, text: str) -> None:
    chat = Chat(demo_db)
    before = dump(demo_db)
    reply = chat.bot.command(Caller("console", "lekstroom", "programmamanager"), root, text,
                             NOW)
    answer = shown(reply)
    assert reply.refused, f"/{root} {text}\n{answer}"
    assert f"Gebruik: {command.usage(root)}" in answer, f"/{root} {text}\n{answer}"
    assert "Sorry" not in answer
    assert dump(demo_db) == before


def test_every_command_is_tried() -> None:
    tried = {(root, command.name) for root, command, _, _ in CASES}
    assert tried == {(root, c.name) for root, g in GRAMMARS.items() for c in g.commands}


@pytest.mark.parametrize(("root", "text", "usage"), [
    ("overleg", "vergadering bpsdl 12-03-2027 25:99", "/overleg vergadering <overleg> <datum>"),
    ("overleg", "ritme bpsdl onzin", "/overleg ritme <overleg> <ritme>"),
    ("overleg", "beheer kanaal ao-wmo #!", "/overleg beheer kanaal <overleg> <kanaal>"),
    ("opgave", "beheer persoon toevoegen P!! Pieter Vos",
     "/opgave beheer persoon toevoegen <handle> <naam>"),
    ("opgave", "beheer persoon wijzig @pl-wmo email geen-adres",
     "/opgave beheer persoon wijzig <persoon> <veld> [<waarde>]"),
    ("opgave", "afwezig 8 januari 2027 21 december 2026", "/opgave afwezig <van> <tot>"),
    ("opgave", "inzet JGD-03 Houten 999999", "/opgave inzet <code> <gemeente> <uren>"),
    ("opgave", "nieuw " + "lang " * 60, "/opgave nieuw [<titel>]"),
])
def test_a_value_the_command_cannot_use_shows_its_usage_too(
        any_demo_db: Database, root: str, text: str, usage: str) -> None:
    before = dump(any_demo_db)
    reply = Chat(any_demo_db).bot.command(Caller("console", "lekstroom", "programmamanager"),
                                          root, text, NOW)
    answer = shown(reply)
    assert reply.refused, answer
    assert f"Gebruik: {usage}" in answer, answer
    assert dump(any_demo_db) == before
