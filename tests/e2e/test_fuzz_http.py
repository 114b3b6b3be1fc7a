"""No request from outside produces a 500. Malformed bodies, headers, content types, JSON,
form fields, huge inputs and odd unicode (NUL included) are thrown at every endpoint
the web process serves — ``/slack/events`` and the Mattermost ``/command``, ``/action``
and ``/dialog`` — on SQLite and PostgreSQL. A request that is not authenticated, or
comes from a workspace that is not the region's, changes no row of any table.

Bounded and repeatable: a fixed number of examples per test, derandomised."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import Regiobot
from bot.platforms.mattermost.app import MattermostAdapter
from bot.web import Router
from config.settings import Settings
from storage.db import Database
from tests.conftest import AMS, NOW
from tests.e2e.outside import Raw, SettlingSlackAdapter, raw_post, row_counts
from tests.mattermost.conftest import (
    CHANNEL,
    TEAM,
    TOKEN,
    Api,
    link_mattermost_accounts,
    mattermost_settings,
    user_id,
)
from tests.slack.conftest import SECRET, USERS, link_slack_accounts, sign
from tests.slack.stand_in import StandIn, start
from tests.webserver import Background

FUZZ = settings(max_examples=40, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
OTHER_SLACK, OTHER_MM = "T_OTHER", "teamother00000000000000000"
RECEIPTS = frozenset({"verwerkt_event"})  # a signed event is recorded as received

PATHS = ["/slack/events", "/mattermost/command", "/mattermost/action", "/mattermost/dialog"]
ODD_PATHS = ["/", "/slack", "/slack/events/", "/slack/events?ssl_check=1", "/mattermost",
             "/mattermost/command/", "/mattermost/%00", "/mattermost/..%2fcommand",
             "/healthz", "/slack/install", "/mattermost/command?x=%ff"]
ODD = ["", "\x00", "a\x00b", "\u202e\u202d", "\ufeff", "🙂" * 40, "e\u0301", "<!channel>",
       "%00", "%", "_", "x" * 5000, "{", "[]", "null", '{"a":', "\\", "'", '"', "\r\n",
       "\udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"), "ß" * 300,
       "0", "-1", "1e999", "NaN", "true", "status", "nieuw \x00", "help", "beheer rooster",
       "status JGD-03", "zoek %", "agenda bpsdl", "vergadering bpsdl 31-12-9999"]
text = st.one_of(st.text(max_size=80), st.sampled_from(ODD))
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=10)
CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/json", "text/plain",
                 "multipart/form-data; boundary=x", "", "application/json; charset=latin-1",
                 "application/x-www-form-urlencoded; charset=utf-16", "\x7f", "é/è"]
HEADER_NAMES = ["X-Slack-Request-Timestamp", "X-Slack-Signature", "Authorization",
                "X-Slack-Retry-Num", "X-Slack-Retry-Reason", "Content-Encoding",
                "Transfer-Encoding-Not", "X-Forwarded-For", "Cookie"]
header_value = st.one_of(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255),
                                 max_size=60),
                         st.sampled_from(["abc", "", "1700000000.5", "v0=", "Token ",
                                          "Token " + TOKEN + "x", "v0=é", "9" * 5000,
                                          "Bearer x", str(int(time.time()))]))


def huge(size: int) -> bytes:
    return b"a=" + b"\xf0\x9f\x99\x82" * (size // 4)


body = st.one_of(
    st.binary(max_size=200),
    text.map(lambda s: s.encode("utf-8", "surrogatepass")),
    json_value.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(text, text, max_size=6).map(lambda d: urlencode(d).encode()),
    json_value.map(lambda v: urlencode({"payload": json.dumps(v)}).encode()),
    st.sampled_from([999_999, 1_000_001, 3_000_000]).map(huge),
)


@dataclass
class Web:
    port: int
    db: Database
    slack: SettlingSlackAdapter
    mm: MattermostAdapter
    stand_in: StandIn
    context: dict[str, Any]  # a button's sealed context, issued to pl-jeugdinkoop
    state: str  # a dialog's sealed state, issued to plo-houten

    def send(self, path: str, data: bytes, headers: dict[str, str],
             method: str = "POST") -> Raw:
        answer = raw_post(self.port, path, data, headers, method)
        self.slack.settle()
        self.mm.settle()
        assert answer.status < 500, (path, headers, data[:300], answer)
        return answer


def _clock() -> datetime:
    return NOW


def _command(port: int, handle: str, words: str) -> Raw:
    fields = {"channel_id": CHANNEL, "team_id": TEAM, "user_id": user_id(handle),
              "user_name": handle, "command": "/opgave", "text": words,
              "trigger_id": "trigger0", "token": TOKEN}
    answer = raw_post(port, "/mattermost/command", urlencode(fields).encode(), {
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": f"Token {TOKEN}"})
    assert answer.status == 200, answer
    return answer


@pytest.fixture
def web(any_demo_db: Database) -> Iterator[Web]:
    db = any_demo_db
    link_slack_accounts(db)
    link_mattermost_accounts(db)
    stand_in = start()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        Api(mock)
        slack = SettlingSlackAdapter(Regiobot(db, AMS), db, Settings(
            slack_bot_token="xoxb-test", slack_signing_secret=SECRET,
            slack_api_url=stand_in.url, database_url=db.url), _clock)
        mm = MattermostAdapter(Regiobot(db, AMS), db, mattermost_settings(db), _clock)
        server = Background(Router(db, {"/slack": slack.endpoint(), "/mattermost": mm}),
                            threads=4)
        # A real button and a real dialog, as Mattermost would hand them to people.
        card = json.loads(_command(server.port, "pl-jeugdinkoop", "status JGD-03").body)
        context = card["attachments"][0]["actions"][0]["integration"]["context"]
        _command(server.port, "plo-houten", "nieuw")
        mm.settle()
        opened = [c for c in mock.calls if c.request.url.endswith("/actions/dialogs/open")]
        state = json.loads(opened[-1].request.body)["dialog"]["state"]
        yield Web(server.port, db, slack, mm, stand_in, context, state)
        server.stop()
        slack.executor.shutdown(wait=True)
        mm.executor.shutdown(wait=True)
        stand_in.server.shutdown()


# --- anyone: nothing authenticated, nothing changes ------------------------------------------


@FUZZ
@given(path=st.sampled_from(PATHS + ODD_PATHS),
       method=st.sampled_from(["POST"] * 6 + ["GET", "PUT", "DELETE", "OPTIONS"]),
       content_type=st.sampled_from(CONTENT_TYPES), data=body,
       headers=st.dictionaries(st.sampled_from(HEADER_NAMES), header_value, max_size=4))
def test_an_unauthenticated_request_is_never_a_500_and_changes_nothing(
    web: Web, path: str, method: str, content_type: str, data: bytes,
    headers: dict[str, str],
) -> None:
    if headers.get("Authorization", "").strip() == f"Token {TOKEN}":
        headers["Authorization"] = "Token x"  # a real token is the next tests' business
    before = row_counts(web.db)
    web.send(path, data, {"Content-Type": content_type, **headers}, method)
    assert row_counts(web.db) == before


# --- Slack: signed, so Slack's, but malformed or from another workspace ---------------------

SLACK_TYPES = ["block_actions", "view_submission", "view_closed", "block_suggestion",
               "shortcut", "message_action", "event_callback", "url_verification",
               "interactive_message", "dialog_submission", "app_rate_limited"]
EVENT_TYPES = ["message", "message", "app_home_opened", "app_mention", "tokens_revoked"]


def mostly(*real: Any, odd: st.SearchStrategy[Any] = text) -> st.SearchStrategy[Any]:
    """One of ``real`` three times in four, else something odd: deep enough to reach the
    handlers, odd enough to find their edges."""
    sample = st.sampled_from(real)
    return st.one_of(sample, sample, sample, odd)


slack_team = mostly("T1", "T1", OTHER_SLACK, "")
slack_user = mostly(*USERS, "U_NEW", "")
maybe = st.one_of(json_value, st.just(None))


@st.composite
def slack_body(draw: st.DrawFn) -> tuple[bytes, str, str]:
    """A body shaped more or less like one of Slack's, and the team it names."""
    team = draw(slack_team)
    user = draw(slack_user)
    kind = draw(st.sampled_from(["command", "interaction", "event", "form"]))
    if kind == "command":
        fields = {"command": draw(mostly("/opgave", "/opgave", "/overleg", "/x", "")),
                  "text": draw(mostly(*ODD[-10:], odd=text)), "team_id": team, "user_id": user,
                  "user_name": draw(text), "channel_id": draw(text),
                  "trigger_id": draw(text), "response_url": draw(st.sampled_from(
                      ["", "not a url", "http://127.0.0.1:9/x"]))}
        drop = draw(st.sets(st.sampled_from(sorted(fields)), max_size=3))
        data = urlencode({k: v for k, v in fields.items() if k not in drop}).encode()
        return data, "application/x-www-form-urlencoded", team
    if kind == "interaction":
        payload: dict[str, Any] = {
            "type": draw(st.sampled_from(SLACK_TYPES)), "team": draw(mostly(
                {"id": team}, {"id": team}, None, team, odd=json_value)),
            "user": draw(mostly({"id": user, "team_id": team}, {"id": user}, None,
                                odd=json_value)),
            "actions": draw(mostly(*[
                [{"action_id": "rb:x", "value": draw(text), "type": "button"}],
                [{"action_id": "rb:x", "value": '{"a": "cmd", "g": {"text": "status"}}'}],
                [{"action_id": "rb:x", "value": '{"a": "cmd", "g": [1]}'}], [], None],
                odd=json_value)),
            "view": draw(mostly(*[
                {"id": "V1", "callback_id": "rb-form", "private_metadata": draw(text),
                 "state": {"values": draw(json_value)}},
                {"id": "V1", "callback_id": "rb-form",
                 "private_metadata": '{"f": "opgave.nieuw", "g": {}}',
                 "state": {"values": {"b": {"titel": {"type": "plain_text_input",
                                                      "value": draw(text)}}}}},
                None], odd=json_value)),
            "trigger_id": draw(maybe), "value": draw(maybe), "action_id": "rb-persoon",
            "block_id": draw(maybe), "container": draw(maybe), "channel": draw(maybe)}
        drop = draw(st.sets(st.sampled_from(sorted(payload)), max_size=4))
        payload = {k: v for k, v in payload.items() if k not in drop}
        return (urlencode({"payload": json.dumps(payload)}).encode(),
                "application/x-www-form-urlencoded", team)
    if kind == "event":
        event = {"type": draw(st.sampled_from(EVENT_TYPES)), "user": user,
                 "channel_type": draw(mostly("im", "im", "channel")),
                 "text": draw(mostly(*ODD[-10:])), "channel": draw(mostly("D1")),
                 "tab": draw(mostly("home", "messages"))}
        envelope = {"type": "event_callback", "team_id": team, "event": draw(
            mostly(event, odd=st.sampled_from([None, [], "x", {}]))),
            "event_id": draw(text | st.none()), "api_app_id": "A1",
            "challenge": draw(maybe)}
        return json.dumps(envelope).encode(), "application/json", team
    return draw(body), draw(st.sampled_from(CONTENT_TYPES)), team


@settings(FUZZ, max_examples=80)
@given(shaped=slack_body())
def test_a_signed_slack_request_is_never_a_500(web: Web, shaped: tuple[bytes, str, str]) -> None:
    data, content_type, team = shaped
    before = row_counts(web.db, RECEIPTS)
    now = int(time.time())
    web.send("/slack/events", data, {"Content-Type": content_type,
                                     "X-Slack-Request-Timestamp": str(now),
                                     "X-Slack-Signature": sign(data, now)})
    if team != "T1":  # the only linked workspace: anything else is refused, unwritten
        assert row_counts(web.db, RECEIPTS) == before


# --- Mattermost: with a real token, or a real seal, but odd in every other way --------------

mm_team = mostly(TEAM, OTHER_MM, OTHER_MM, "")
mm_user = mostly(user_id("pl-jeugdinkoop"), user_id("plo-houten"),
                 "newcomer000000000000000000", "")


@FUZZ
@given(team=mm_team, user=mm_user, command=mostly("/opgave", "/overleg", "/x"),
       words=mostly(*ODD[-10:]), drop=st.sets(st.sampled_from(
           ["channel_id", "team_id", "user_id", "trigger_id", "text", "command"]), max_size=3),
       extra=st.dictionaries(text, text, max_size=3))
def test_a_mattermost_command_with_a_real_token_is_never_a_500(
    web: Web, team: str, user: str, command: str, words: str, drop: set[str],
    extra: dict[str, str],
) -> None:
    fields = {**extra, "channel_id": CHANNEL, "team_id": team, "user_id": user,
              "command": command, "text": words, "trigger_id": "trigger1", "token": TOKEN}
    data = urlencode({k: v for k, v in fields.items() if k not in drop}).encode()
    before = row_counts(web.db)
    web.send("/mattermost/command", data, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": f"Token {TOKEN}"})
    if team != TEAM:
        assert row_counts(web.db) == before


@FUZZ
@given(endpoint=st.sampled_from(["action", "dialog"]), team=mm_team, user=mm_user,
       real=st.booleans(), fields=st.dictionaries(st.sampled_from(
           ["post_id", "channel_id", "trigger_id", "submission", "cancelled", "state",
            "context", "callback_id", "type", "user_name"]), json_value, max_size=4))
def test_a_mattermost_click_or_dialog_is_never_a_500(
    web: Web, endpoint: str, team: str, user: str, real: bool, fields: dict[str, Any],
) -> None:
    sealed: dict[str, Any] = ({"context": web.context} if endpoint == "action"
                              else {"state": web.state, "submission": {"titel": "X"}})
    data = {"user_id": user, "team_id": team, "channel_id": CHANNEL,
            **(sealed if real else {}), **fields}
    before = row_counts(web.db)
    web.send(f"/mattermost/{endpoint}", json.dumps(data).encode(),
             {"Content-Type": "application/json"})
    if team != TEAM:
        assert row_counts(web.db) == before
