"""Socket Mode: the same app, reached over a WebSocket instead of HTTP."""

from __future__ import annotations

from bot.app import Regiobot
from bot.platforms import slack as slack_platform
from config.settings import Settings
from storage.db import Database
from tests.conftest import AMS, NOW
from tests.slack.conftest import SECRET, link_slack_accounts
from tests.slack.stand_in import StandIn
from tests.slack.ws_stand_in import SocketModeStandIn


def test_a_slash_command_over_socket_mode_is_acked_with_the_answer(
    demo_db: Database, stand_in: StandIn
) -> None:
    link_slack_accounts(demo_db)
    server = SocketModeStandIn()
    stand_in.socket_url = server.url
    settings = Settings(slack_bot_token="xoxb-test", slack_signing_secret=SECRET,
                        slack_app_token="xapp-test", slack_api_url=stand_in.url,
                        database_url=demo_db.url)
    handler = slack_platform.socket_mode(Regiobot(demo_db, AMS), demo_db, settings,
                                         lambda: NOW)
    handler.connect()
    try:
        assert server.connected.wait(10)
        opened = stand_in.wait_for("apps.connections.open")[0]
        assert opened.headers["Authorization"] == "Bearer xapp-test"
        server.send({"envelope_id": "env-1", "type": "slash_commands",
                     "accepts_response_payload": True, "payload": {
                         "token": "legacy", "team_id": "T1", "team_domain": "lekstroom",
                         "channel_id": "C0PLO", "channel_name": "plo", "user_id": "U0PL",
                         "user_name": "pl-jeugdinkoop", "command": "/opgave",
                         "text": "status JGD-03", "api_app_id": "A1",
                         "response_url": stand_in.response_url, "trigger_id": "t1"}})
        ack = server.receive_text()
        assert ack["envelope_id"] == "env-1"
        assert ack["payload"]["response_type"] == "ephemeral"
        assert ack["payload"]["blocks"][0]["text"]["text"] == "JGD-03 · Kostenbeheersing Jeugdhulp"
    finally:
        handler.close()
        server.close()
