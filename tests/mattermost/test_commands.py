"""/opgave and /overleg on Mattermost: token-checked requests in, the exact REST calls
out."""

from __future__ import annotations

import responses
from sqlalchemy import func, select

from storage.models import AuditRegel, Identiteit, OutboxBericht, Persoon
from tests.mattermost.conftest import (
    BOT,
    OVERLEG_TOKEN,
    Api,
    MattermostClient,
    dm_channel,
    user_id,
)

POST = ("POST", "/api/v4/posts")
# The PLO channel found by name in the regio's team (once: the client remembers it).
CHANNEL_PLO = ("GET", "/api/v4/teams/teamlekstroom0000000000000/channels/name/plo")


def _count(mm: MattermostClient, model: type) -> int:
    with mm.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_status_answers_in_the_response_itself(mm: MattermostClient) -> None:
    answer = mm.command("plo-houten", "status")
    assert answer.status == 200
    body = answer.json()
    assert body["response_type"] == "ephemeral"
    assert body["text"].startswith("**Lekstroom: 12 opgaven**")
    assert "**Vraagt aandacht**" in body["text"]
    assert mm.api.calls() == []  # a read calls nothing


def test_a_card_mentions_people_by_username(mm: MattermostClient) -> None:
    text = mm.command("plo-houten", "status JGD-03").text
    assert "**Projectleider:** @pl-jeugdinkoop" in text
    assert "**Bestuurlijk opdrachtgever:** @wethouder-houten" in text


def test_an_unknown_or_missing_token_gets_401_and_changes_nothing(
    mm: MattermostClient,
) -> None:
    audits, outbox = _count(mm, AuditRegel), _count(mm, OutboxBericht)
    assert mm.command("plo-houten", "nieuw Vervalst", token="wrong").status == 401
    assert mm.command("plo-houten", "nieuw Vervalst", token=None, header=None).status == 401
    # A right form token with a wrong header token (or the other way round) is refused too.
    assert mm.command("plo-houten", "nieuw Vervalst", header="wrong").status == 401
    assert mm.command("plo-houten", "nieuw Vervalst", token=None, header="wrong").status == 401
    assert (_count(mm, AuditRegel), _count(mm, OutboxBericht)) == (audits, outbox)
    assert mm.api.calls() == []


def test_each_command_may_have_its_own_token(mm: MattermostClient) -> None:
    answer = mm.command("plo-houten", "lijst", root="overleg", token=OVERLEG_TOKEN)
    assert answer.status == 200
    assert "Overleggen van Lekstroom" in answer.text


def test_a_write_delivers_its_outbox_through_the_rest_api(mm: MattermostClient) -> None:
    answer = mm.command("plo-houten", "nieuw Regiovisie Jeugd 2028")
    assert "Opgave JGD-05 is aangemaakt" in answer.text
    post = mm.api.posts_to("chplo")[0]
    assert post["props"]["regiobot_delivery"] == "opgave-nieuw:13:#plo:mattermost"
    assert post["message"].startswith("**Nieuwe opgave JGD-05**")
    assert "Aangemaakt door @plo-houten" in post["message"]
    assert mm.api.calls() == [CHANNEL_PLO, POST]


def _dm(handle: str) -> list[tuple[str, str]]:
    """A DM to someone the bot has not written to yet: the direct channel, then the post."""
    return [("POST", "/api/v4/channels/direct"), POST]


def test_every_subcommand_answers_and_makes_exactly_its_rest_calls(
    mm: MattermostClient,
) -> None:
    """Reads answer in the response and call nothing; a change delivers its
    notifications (a DM opens the direct channel once per person)."""
    expectations: list[tuple[str, str, str, list[tuple[str, str]]]] = [
        ("plo-houten", "help", "/opgave status [<code|zoekterm>]", []),
        ("plo-houten", "mijn", "Als ambtelijk opdrachtgever", []),
        ("plo-houten", "zoek jeugd", "4 opgaven gevonden voor ‘jeugd’", []),
        ("plo-houten", "historie JGD-03", "Nog geen wijzigingen.", []),
        ("pl-jeugdinkoop", "update JGD-03 op koers loopt", "Status van JGD-03: 🟢 op koers.",
         []),
        ("pl-jeugdinkoop", "update JGD-03 risico budget", "Status van JGD-03: 🟠 risico.",
         [*_dm("plo-houten"), *_dm("wethouder-houten")]),
        ("pl-jeugdinkoop", "fase JGD-03 impactanalyse", "JGD-03 is nu in fase impactanalyse.",
         []),
        ("pl-jeugdinkoop", "mijlpaal toevoegen JGD-03 1 maart 2027 Evaluatie",
         "JGD-03#3 Evaluatie", []),
        ("pl-jeugdinkoop", "mijlpaal klaar JGD-03#1", "is afgerond", []),
        ("pl-jeugdinkoop", "mijlpaal verplaats JGD-03#2 12 januari 2027", "naar 12 jan 2027",
         []),
        ("pl-jeugdinkoop", "mijlpaal besluit JGD-03#3 plo", "besluit Programmaleidersoverleg",
         []),
        ("pl-jeugdinkoop", "mijlpaal verwijder JGD-03#3", "is verwijderd", []),
        ("plo-nieuwegein", "wijzig JGD-03 niveau bovenregionaal",
         "niveau van JGD-03 is bijgewerkt", []),
        ("plo-nieuwegein", "rol WMO-03 projectleider @pl-wmo", "Gerrit Visser is nu projectleider",
         _dm("pl-wmo")),
        ("plo-nieuwegein", "deelname JGD-03 Lopik niet eigen regeling",
         "Lopik doet niet mee aan JGD-03", []),
        ("pl-jeugdinkoop", "inzet JGD-03 Houten 40", "Houten zet 40 uur in", []),
        ("pl-jeugdinkoop", "dilemma JGD-03 Scope schuift", "Dilemma JGD-03#D1 is gemeld",
         [POST, POST]),
        ("plo-nieuwegein", "dilemma escaleer JGD-03#D1 bestuurder", "voorgelegd aan Karel Boer",
         [POST]),
        ("wethouder-houten", "dilemma opgelost JGD-03#D1", "Dilemma JGD-03#D1 is opgelost.",
         []),
        ("programmamanager", "beheer rooster", "Rooster (", []),
        ("programmamanager", "beheer persoon toevoegen pl-vervoer Pieter Vos",
         "staat in het rooster", []),
        ("programmamanager", "beheer persoon wijzig @pl-vervoer gemeente Lopik", "is bijgewerkt",
         [("POST", "/api/v4/users/usernames")]),
        ("programmamanager", "beheer persoon vertrek @pl-vervoer", "Pieter Vos is vertrokken",
         [("POST", "/api/v4/users/usernames"), CHANNEL_PLO, POST]),
        ("programmamanager", "beheer werkruimte koppel lekstroom", "hoort al bij Lekstroom", []),
        ("medewerker-houten", "nieuw Iets", "Dat mag jij niet (opgaven aanmaken)", []),
        ("medewerker-houten", "verwijder alles", "Ik ken het commando ‘verwijder’ niet.", []),
    ]
    for handle, text, expected, calls in expectations:
        before = len(mm.api.mock.calls)
        answer = mm.command(handle, text)
        assert answer.status == 200, text
        assert answer.json()["response_type"] == "ephemeral"
        assert expected in answer.plain, (text, answer.text)
        made = mm.api.calls(before)
        assert sorted(made) == sorted(calls), (text, made)
    for post in mm.api.posts:
        assert post["props"]["regiobot_delivery"].endswith(":mattermost")
        assert post["pending_post_id"].startswith(f"{BOT}:")


def test_overleg_commands_answer_through_mattermost(mm: MattermostClient) -> None:
    assert "Overleggen van Lekstroom" in mm.command("plo-houten", "lijst", root="overleg").text
    assert "is lid van Ambtelijk overleg Wmo" in mm.command(
        "programmamanager", "beheer lid ao-wmo @plo-houten", root="overleg").text


def test_deel_posts_the_card_in_the_channel(mm: MattermostClient) -> None:
    answer = mm.command("pl-jeugdinkoop", "status JGD-03 deel")
    assert answer.json()["response_type"] == "in_channel"
    assert "Gedeeld door" in answer.text


def test_an_unknown_command_is_answered_in_dutch(mm: MattermostClient) -> None:
    answer = mm.command("plo-houten", "x", root="weer")
    assert answer.status == 200
    assert answer.text == "Ik ken /weer niet. Typ /opgave help."


def test_a_new_user_is_matched_by_the_email_the_server_shows(
    mm: MattermostClient, api: Api,
) -> None:
    api.usernames[user_id("pieter.vos")] = "pieter.vos"
    with mm.db.write() as s:
        s.add(Persoon(regio_id=1, handle="pl-vervoer", naam="Pieter Vos",
                      email="pieter.vos@example.org"))
    answer = mm.command("pieter.vos", "mijn")
    assert "geen rol in de driehoek" in answer.text
    with mm.db.read() as s:
        owner, username = s.execute(select(Persoon.handle, Identiteit.gebruikersnaam).join(
            Identiteit).where(Identiteit.extern_id == user_id("pieter.vos"))).one()
    assert (owner, username) == ("pl-vervoer", "pieter.vos")
    asked = [c for c in mm.api.mock.calls if "/users/" in c.request.url
             and c.request.url.endswith(user_id("pieter.vos"))]
    mm.command("pieter.vos", "mijn")
    assert len(asked) == 1  # known now: the server is not asked again
    assert [c for c in mm.api.mock.calls if c.request.url.endswith(user_id("pieter.vos"))
            ] == asked


def test_koppel_links_a_typed_username_to_its_account_id(mm: MattermostClient,
                                                          api: Api) -> None:
    api.usernames["zzzznew0000000000000000000"] = "j.jansen"
    mm.command("programmamanager", "beheer persoon toevoegen pl-vervoer Pieter Vos")
    answer = mm.command("programmamanager", "beheer koppel @pl-vervoer @j.jansen")
    assert "is gekoppeld aan Pieter Vos" in answer.text
    with mm.db.read() as s:
        account = s.execute(select(Identiteit.extern_id, Identiteit.gebruikersnaam).join(
            Persoon).where(Persoon.handle == "pl-vervoer")).one()
    assert tuple(account) == ("zzzznew0000000000000000000", "j.jansen")


def test_a_dm_notification_goes_to_the_direct_channel(mm: MattermostClient) -> None:
    mm.command("plo-nieuwegein", "rol WMO-03 projectleider @pl-wmo")
    post = mm.api.posts_to(dm_channel(user_id("pl-wmo")))[0]
    assert post["props"]["regiobot_delivery"].startswith("rol:")


def test_when_mattermost_fails_us_the_person_gets_an_apology_with_a_reference(
    mm: MattermostClient, api: Api,
) -> None:
    api.mock.replace(responses.POST, "https://mm.example.org/api/v4/actions/dialogs/open",
                     status=500, json={"message": "boom"})
    answer = mm.command("plo-houten", "nieuw")
    assert answer.status == 200
    assert answer.plain.startswith("Sorry, er ging iets mis aan onze kant.")
