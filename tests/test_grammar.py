"""/opgave is parsed once, from one table, for every platform."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import OPGAVE
from bot.errors import UserError
from bot.grammar import Arg, Command, Grammar, Kind, Mention, MijlpaalRef, Target
from tests.conftest import Chat

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(("text", "command", "args"), [
    ("", "status", {}),
    ("status", "status", {"doel": None}),
    ("STATUS jgd-03", "status", {"doel": Target(code="JGD-03")}),
    ("status inkoop jeugd", "status", {"doel": Target(zoekterm="inkoop jeugd")}),
    ("overview JGD-03", "status", {"doel": Target(code="JGD-03")}),
    ("status perf-00042", "status", {"doel": Target(code="PERF-00042")}),
    ("status JGD-10000 deel", "status", {"doel": Target(code="JGD-10000", share=True)}),
    ("mijn", "mijn", {}),
    ("mine", "mijn", {}),
    ("zoek beschermd wonen", "zoek", {"zoekterm": "beschermd wonen"}),
    ("search IZA", "zoek", {"zoekterm": "IZA"}),
    ("historie wmo-02", "historie", {"code": "WMO-02"}),
    ("history WMO-02", "historie", {"code": "WMO-02"}),
    ("nieuw Regiovisie Jeugd", "nieuw", {"titel": "Regiovisie Jeugd"}),
    ('nieuw "Regiovisie Jeugd"', "nieuw", {"titel": "Regiovisie Jeugd"}),
    ("nieuw", "nieuw", {"titel": None}),
    ("new  Wonen   en zorg ", "nieuw", {"titel": "Wonen   en zorg"}),
    ("help", "help", {"onderwerp": None}),
    ("help status", "help", {"onderwerp": "status"}),
    ("?", "help", {"onderwerp": None}),
])
def test_commands_parse_from_the_table(text: str, command: str, args: dict[str, object]) -> None:
    parsed = OPGAVE.parse(text, TODAY)
    assert parsed.command.name == command
    assert parsed.args == args


@pytest.mark.parametrize(("text", "message", "usage"), [
    ("historie", "Er ontbreekt nog iets: code.", "/opgave historie <code>"),
    ("historie inkoop", "‘inkoop’ is geen opgavecode", "/opgave historie <code>"),
    ("historie JGD-03 extra", "Ik begrijp het laatste deel niet: ‘extra’", "historie <code>"),
    ("mijn opgaven", "Ik begrijp het laatste deel niet", "/opgave mijn"),
    ("zoek", "Er ontbreekt nog iets: zoekterm.", "/opgave zoek <zoekterm>"),
    ("statsu", "Bedoel je ‘status’?", "/opgave help"),
    ("verwijder alles", "Ik ken het commando ‘verwijder’ niet.", "/opgave help"),
])
def test_refusals_say_what_was_wrong_and_the_usage(text: str, message: str, usage: str) -> None:
    with pytest.raises(UserError) as caught:
        OPGAVE.parse(text, TODAY)
    assert message in caught.value.message
    assert caught.value.usage is not None and usage in caught.value.usage


# A grammar with every kind of argument, as later commands will use them.
SAMPLE = Grammar("opgave", (
    Command("update", ("update", "bijwerken"), "cmd.status", args=(
        Arg("code", Kind.CODE), Arg("status", Kind.STATUS),
        Arg("toelichting", Kind.TEKST, optional=True))),
    Command("verplaats", ("mijlpaal verplaats",), "cmd.status", args=(
        Arg("mijlpaal", Kind.MIJLPAAL), Arg("datum", Kind.DATUM))),
    Command("toevoegen", ("mijlpaal toevoegen", "milestone add"), "cmd.status", args=(
        Arg("code", Kind.CODE), Arg("datum", Kind.DATUM), Arg("titel", Kind.TEKST))),
    Command("rol", ("rol",), "cmd.status", args=(
        Arg("code", Kind.CODE), Arg("rol", Kind.KEUZE, choices=(
            "projectleider", "ambtelijk opdrachtgever", "bestuurlijk opdrachtgever")),
        Arg("persoon", Kind.PERSOON, optional=True))),
    Command("inzet", ("inzet",), "cmd.status", args=(
        Arg("code", Kind.CODE), Arg("uren", Kind.GETAL))),
), default="update")


@pytest.mark.parametrize(("text", "args"), [
    ("update JGD-03 op koers", {"code": "JGD-03", "status": "op koers", "toelichting": None}),
    ("update JGD-03 on track loopt", {"code": "JGD-03", "status": "op koers",
                                      "toelichting": "loopt"}),
    ("bijwerken jgd-03 risico budget loopt uit", {
        "code": "JGD-03", "status": "risico", "toelichting": "budget loopt uit"}),
    ("mijlpaal verplaats JGD-03#2 12 maart 2027", {
        "mijlpaal": MijlpaalRef("JGD-03", 2), "datum": date(2027, 3, 12)}),
    ("mijlpaal verplaats jgd-03#2 12-03-2027", {
        "mijlpaal": MijlpaalRef("JGD-03", 2), "datum": date(2027, 3, 12)}),
    ("mijlpaal verplaats JGD-03#2 2027-03-12", {
        "mijlpaal": MijlpaalRef("JGD-03", 2), "datum": date(2027, 3, 12)}),
    ("mijlpaal verplaats perf-00042#2 2027-03-12", {
        "mijlpaal": MijlpaalRef("PERF-00042", 2), "datum": date(2027, 3, 12)}),
    ("mijlpaal toevoegen JGD-03 12 maart Besluit BPSDL", {
        "code": "JGD-03", "datum": date(2027, 3, 12), "titel": "Besluit BPSDL"}),
    ("milestone add JGD-03 1 december Concept klaar", {
        "code": "JGD-03", "datum": date(2026, 12, 1), "titel": "Concept klaar"}),
    ("rol JGD-03 ambtelijk opdrachtgever @plo-houten", {
        "code": "JGD-03", "rol": "ambtelijk opdrachtgever",
        "persoon": Mention(raw="@plo-houten", handle="plo-houten")}),
    ("rol JGD-03 projectleider <@U024BE7LH|femke>", {
        "code": "JGD-03", "rol": "projectleider",
        "persoon": Mention(raw="<@U024BE7LH|femke>", handle="femke",
                           platform_user_id="U024BE7LH")}),
    ("rol JGD-03 projectleider", {"code": "JGD-03", "rol": "projectleider", "persoon": None}),
    ("inzet JGD-03 120", {"code": "JGD-03", "uren": 120}),
])
def test_every_kind_of_argument(text: str, args: dict[str, object]) -> None:
    assert SAMPLE.parse(text, TODAY).args == args


@pytest.mark.parametrize(("text", "message"), [
    ("update JGD-03 prima", "‘prima’ is geen status"),
    ("mijlpaal verplaats JGD-03 12 maart", "‘JGD-03’ is geen mijlpaal"),
    ("mijlpaal verplaats JGD-03#2 30 februari 2027", "bestaat niet als datum"),
    ("rol JGD-03 baas", "‘baas’ is geen geldige keuze"),
    # A handle without "@" names a person (issue 23); punctuation does not.
    ("rol JGD-03 projectleider femke!", "Ik begrijp het laatste deel niet: ‘femke!’"),
    ("inzet JGD-03 veel", "‘veel’ is geen getal"),
])
def test_argument_errors_are_specific(text: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        SAMPLE.parse(text, TODAY)
    assert message in caught.value.message


def test_help_lists_every_command_of_the_table(chat: Chat) -> None:
    text = chat.text("help")
    for command in OPGAVE.commands:
        assert command.usage("opgave") in text
    assert "Wie mag wat" in text


# Common Dutch words; every answer of the bot contains some of them.
DUTCH_WORDS = {"de", "het", "een", "is", "niet", "geen", "van", "voor", "met", "op", "opgave",
               "opgaven", "gebruik", "je", "ik", "mijn", "gevonden", "historie", "nog", "dat",
               "per", "fase", "zo", "werkt"}


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(["status", "zoek", "historie", "nieuw", "mijn", "help", "JGD-03",
                              "#2", "<@U1|x>", "@plo-houten", "12", "maart", "2027", "‘", "\n",
                              "op", "koers", "<!channel>", "x" * 300]), max_size=8).map(" ".join),
))
def test_random_command_text_never_raises_and_answers_in_dutch(chat: Chat, text: str) -> None:
    reply = chat(text)
    assert reply.messages or reply.form is not None
    rendered = chat.text(text) if reply.messages else reply.form.title  # type: ignore[union-attr]
    assert set(re.findall(r"[a-zë]+", rendered.lower())) & DUTCH_WORDS, rendered
    assert "Traceback" not in rendered
    assert "referentie" not in rendered, rendered
