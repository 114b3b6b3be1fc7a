"""The baseline of bench/slack_status.py: a Bolt app that only acks /opgave, configured
like ours (signing secret, Web API address, process_before_response) and served by the
same server."""

from __future__ import annotations

import os

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient


def application() -> SlackRequestHandler:
    app = App(signing_secret=os.environ["REGIOBOT_SLACK_SIGNING_SECRET"],
              client=WebClient(token="xoxb-bench",
                               base_url=os.environ["REGIOBOT_SLACK_API_URL"]),
              process_before_response=True, token_verification_enabled=False)

    @app.command("/opgave")
    def ack_only(ack: Ack) -> None:
        ack()

    return SlackRequestHandler(app)
