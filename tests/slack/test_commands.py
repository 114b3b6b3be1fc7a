"""/opgave on Slack: signed requests in, the exact Web API calls out."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy import func, select

from bot.grammar import Grammar, Parsed
from bot.platforms.slack.sender import SlackSender, sending_client
from config.settings import Settings
from storage.models import OutboxBericht, Overleg, PlatformKanaal
from tests.slack.conftest import SlackClient, sign


def test_status_answers_in_the_ack_itself(slack: SlackClient) -> None:
    answer = slack.command("U0PLO", "status")
    assert answer.status == 200
    body = answer.json()
    assert body["response_type"] == "ephemeral"
    assert body["blocks"][0] == {"type": "header", "text": {
        "type": "plain_text", "text": "Lekstroom: 12 opgaven", "emoji": True}}
    assert "*Vraagt aandacht*" in answer.text


def test_a_command_is_parsed_once_per_request_also_when_refused(
    slack: SlackClient, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The listener is picked by what the command is (does it call Slack after the
    ack?), and the core answers from that same reading."""
    parsed: list[str] = []
    reading = Grammar.parse

    def counted(grammar: Grammar, text: str, today: date) -> Parsed:
        parsed.append(text)
        return reading(grammar, text, today)

    monkeypatch.setattr(Grammar, "parse", counted)
    assert slack.command("U0PLO", "status PERF-00042").text.startswith(
        "Ik vind geen opgave met code PERF-00042")
    assert slack.command("U0PLO", "mijlpaal verplaats").text.startswith(
        "Er ontbreekt nog iets: code#nr.")
    assert "niets veranderd" in slack.command("U0LID", "bijwerken JGD-03 risico loopt uit").text
    assert parsed == ["status PERF-00042", "mijlpaal verplaats",
                      "bijwerken JGD-03 risico loopt uit"]


def test_a_card_mentions_people_with_slack_accounts(slack: SlackClient) -> None:
    text = slack.command("U0PLO", "status JGD-03").text
    assert "*Projectleider*\n<@U0PL>" in text
    assert "*Bestuurlijk opdrachtgever*\n<@U0BO>" in text


def test_unsigned_wrongly_signed_and_replayed_requests_are_refused(slack: SlackClient) -> None:
    body = b"command=%2Fopgave&text=nieuw+Ongetekend&team_id=T1&user_id=U0PLO"
    form = "application/x-www-form-urlencoded"
    assert slack.post(body, form, signature="").status == 401
    assert slack.post(body, form, signature="v0=" + "0" * 64).status == 401
    old = int(time.time()) - 6 * 60
    assert slack.post(body, form, timestamp=old, signature=sign(body, old)).status == 401
    assert slack.post(body, form, signature=sign(body, int(time.time()), "wrong")).status == 401
    with slack.db.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxBericht)) == 0
    assert slack.stand_in.calls == []


def test_a_write_delivers_its_outbox_through_the_web_api(slack: SlackClient) -> None:
    answer = slack.command("U0PLO", "nieuw Regiovisie Jeugd 2028")
    assert "Opgave JGD-05 is aangemaakt" in answer.text
    post = slack.stand_in.wait_for("chat.postMessage")[0]
    # The configured channel "plo" is asked of Slack once, then posted to by its ID.
    assert post.body["channel"] == "C0PLO"
    assert [m for m in slack.stand_in.methods() if m != "auth.test"][:2] == [
        "conversations.list", "chat.postMessage"]
    with slack.db.read() as s:
        assert s.execute(select(PlatformKanaal.platform, PlatformKanaal.team_id,
                                PlatformKanaal.naam, PlatformKanaal.extern_id)).all() == [
            ("slack", "T1", "plo", "C0PLO")]
    assert post.body["metadata"] == {"event_type": "regiobot_delivery", "event_payload": {
        "delivery_key": "opgave-nieuw:13:#plo:slack"}}
    assert post.body["blocks"][0]["text"]["text"] == "Nieuwe opgave JGD-05"
    assert "Aangemaakt door <@U0PLO>" in post.body["blocks"][1]["text"]["text"]


PUBLISH = "views.publish"
DM = ["conversations.open", "chat.postMessage"]


def test_every_subcommand_answers_and_makes_exactly_its_web_api_calls(
    slack: SlackClient,
) -> None:
    """Reads answer in the ack and call nothing; a change refreshes App Home for who
    acted and for everyone it notified, and delivers its notifications."""
    expectations: list[tuple[str, str, str, list[str]]] = [
        ("U0PLO", "help", "/opgave status [&lt;code|zoekterm&gt;]", []),
        ("U0PLO", "mijn", "Als ambtelijk opdrachtgever", []),
        ("U0PLO", "zoek jeugd", "4 opgaven gevonden voor ‘jeugd’", []),
        ("U0PLO", "historie JGD-03", "Nog geen wijzigingen.", []),
        ("U0PL", "update JGD-03 op koers loopt", "Status van JGD-03: 🟢 op koers.", [PUBLISH]),
        ("U0PL", "update JGD-03 risico budget", "Status van JGD-03: 🟠 risico.",
         [*DM, *DM, PUBLISH, PUBLISH, PUBLISH]),
        ("U0PL", "fase JGD-03 impactanalyse", "JGD-03 is nu in fase impactanalyse.", [PUBLISH]),
        ("U0PL", "mijlpaal toevoegen JGD-03 1 maart 2027 Evaluatie", "JGD-03#3 Evaluatie",
         [PUBLISH]),
        ("U0PL", "mijlpaal klaar JGD-03#1", "is afgerond", [PUBLISH]),
        ("U0PL", "mijlpaal verplaats JGD-03#2 12 januari 2027", "naar 12 jan 2027", [PUBLISH]),
        ("U0PL", "mijlpaal besluit JGD-03#3 plo", "besluit Programmaleidersoverleg", [PUBLISH]),
        ("U0PL", "mijlpaal verwijder JGD-03#3", "is verwijderd", [PUBLISH]),
        ("U0AO", "wijzig JGD-03 niveau bovenregionaal", "niveau van JGD-03 is bijgewerkt",
         [PUBLISH]),
        ("U0AO", "rol WMO-03 projectleider <@U0WMO|pl-wmo>", "Gerrit Visser is nu projectleider",
         [*DM, PUBLISH, PUBLISH]),
        ("U0AO", "deelname JGD-03 Lopik niet eigen regeling", "Lopik doet niet mee aan JGD-03",
         [PUBLISH]),
        ("U0PL", "inzet JGD-03 Houten 40", "Houten zet 40 uur in", [PUBLISH]),
        ("U0PL", "dilemma JGD-03 Scope schuift", "Dilemma JGD-03#D1 is gemeld",
         [*DM, *DM, PUBLISH, PUBLISH, PUBLISH]),
        ("U0AO", "dilemma escaleer JGD-03#D1 bestuurder", "voorgelegd aan Karel Boer",
         [*DM, PUBLISH, PUBLISH]),
        ("U0BO", "dilemma opgelost JGD-03#D1", "Dilemma JGD-03#D1 is opgelost.", [PUBLISH]),
        ("U0PM", "beheer rooster", "Rooster (", []),
        ("U0PM", "beheer persoon toevoegen pl-vervoer Pieter Vos", "staat in het rooster",
         [PUBLISH]),
        ("U0PM", "beheer persoon wijzig @pl-vervoer gemeente Lopik", "is bijgewerkt", [PUBLISH]),
        ("U0PM", "beheer koppel @pl-vervoer <@U0NEW|pieter>", "is gekoppeld aan Pieter Vos",
         [PUBLISH]),
        # The first post to the PLO channel asks Slack for its ID, once.
        ("U0PM", "beheer persoon vertrek @pl-vervoer", "Pieter Vos is vertrokken",
         ["conversations.list", "chat.postMessage", PUBLISH]),
        ("U0PM", "beheer werkruimte koppel lekstroom", "hoort al bij Lekstroom", [PUBLISH]),
        # Refused: nothing changed, so nothing is delivered and App Home stays as it is.
        ("U0LID", "nieuw Iets", "Dat mag jij niet (opgaven aanmaken)", []),
        ("U0LID", "verwijder alles", "Ik ken het commando ‘verwijder’ niet.", []),
    ]
    slack.command("U0PLO", "help")  # Bolt checks the token once (auth.test), then caches it
    assert slack.stand_in.methods() == ["auth.test"]
    for user, text, expected, calls in expectations:
        before = len(slack.stand_in.calls)
        answer = slack.command(user, text)
        assert answer.status == 200, text
        assert answer.json()["response_type"] == "ephemeral"
        assert expected in answer.text, (text, answer.text)
        made = slack.stand_in.wait_for_total(before + len(calls))[before:]
        assert sorted(c.method for c in made) == sorted(calls), (text, [c.method for c in made])
        for call in made:
            if call.method == "chat.postMessage":
                assert call.body["metadata"]["event_type"] == "regiobot_delivery"


def test_overleg_commands_answer_through_slack(slack: SlackClient) -> None:
    assert "Overleggen van Lekstroom" in slack.command("U0PLO", "lijst", root="overleg").text
    assert "is lid van Ambtelijk overleg Wmo" in slack.command(
        "U0PM", "beheer lid ao-wmo <@U0PLO|plo-houten>", root="overleg").text


def test_deel_posts_the_card_in_the_channel(slack: SlackClient) -> None:
    answer = slack.command("U0PL", "status JGD-03 deel")
    assert answer.json()["response_type"] == "in_channel"
    assert "Gedeeld door" in answer.text


def test_a_new_slack_user_is_matched_by_the_email_slack_gives(slack: SlackClient) -> None:
    from storage.models import Identiteit, Persoon

    with slack.db.write() as s:
        s.add(Persoon(regio_id=1, handle="pl-vervoer", naam="Pieter Vos",
                      email="u0new@example.org"))
    answer = slack.command("U0NEW", "mijn")
    assert "geen rol in de driehoek" in answer.text
    info = slack.stand_in.of("users.info")
    assert [c.body["user"] for c in info] == ["U0NEW"]
    with slack.db.read() as s:
        owner = s.scalar(select(Persoon.handle).join(Identiteit).where(
            Identiteit.extern_id == "U0NEW"))
    assert owner == "pl-vervoer"
    slack.command("U0NEW", "mijn")
    assert len(slack.stand_in.of("users.info")) == 1  # known now: Slack is not asked again


def test_an_unknown_slack_user_becomes_a_lid_and_the_manager_hears_of_it(
    slack: SlackClient,
) -> None:
    assert "Dat mag jij niet (opgaven aanmaken)" in slack.command("U0XYZ", "nieuw Iets").text
    with slack.db.read() as s:  # a refused first command writes nothing, no notice either
        assert s.scalar(select(func.count()).select_from(OutboxBericht)) == 0
    assert "digest voortaan" in slack.command("U0XYZ", "digest aan").text
    notice = slack.stand_in.wait_for("chat.postMessage")[0]
    assert notice.body["channel"] == "DU0PM"
    assert notice.body["blocks"][0]["text"]["text"] == \
        "Nieuw: Gebruiker U0XYZ is nog niet gekoppeld"


def test_a_channel_picked_with_a_hash_is_kept_and_resolves_to_its_id(
        slack: SlackClient) -> None:
    # Slack escapes a picked channel as <#ID|name>; a private one may come without name.
    sender = SlackSender(sending_client(Settings(
        slack_bot_token="xoxb-test", slack_api_url=slack.stand_in.url,
        database_url=slack.db.url)), slack.db)
    for typed, kept, channel_id in (("<#C0AOWMO|ao-wmo>", "ao-wmo", "C0AOWMO"),
                                    ("<#C0WMO|>", "C0WMO", "C0WMO")):
        answer = slack.command("U0PM", f"beheer kanaal ao-wmo {typed}", root="overleg")
        assert answer.status == 200 and "geen kanaalnaam" not in answer.text, answer.text
        with slack.db.read() as s:
            assert s.scalar(select(Overleg.kanaal).where(Overleg.code == "ao-wmo")) == kept
        assert sender.channel_id("T1", kept) == channel_id
    assert slack.stand_in.methods().count("conversations.info") == 1  # for the bare ID
    with slack.db.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxBericht)) == 0
