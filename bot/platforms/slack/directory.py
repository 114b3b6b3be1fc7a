"""Who is who on Slack: ``users.info`` (name and e-mail; needs users:read.email)."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient

from bot.services.people import Profile

PLATFORM = "slack"


def profile_of(client: WebClient) -> Callable[[str], Profile]:
    def fetch(user_id: str) -> Profile:
        user = client.users_info(user=user_id)["user"]
        profile = user.get("profile", {})
        return Profile(display_name=profile.get("real_name") or user.get("real_name")
                       or user.get("name"), email=profile.get("email"))

    return fetch
