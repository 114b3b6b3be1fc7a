"""A thin client for the Mattermost REST API v4, on ``requests`` (tests mock it with
``responses``). Failures come out in the dispatcher's terms: HTTP 429 as
``RateLimited`` (Retry-After, else X-RateLimit-Reset, both in seconds), a read timeout as
``MaybeDelivered`` (the server may have stored the post); anything else raises."""

from __future__ import annotations

from typing import Any

import requests

from bot.dispatch import MaybeDelivered, RateLimited


class MattermostError(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(f"HTTP {status}: {text[:300]}")
        self.status = status


class Client:
    def __init__(self, url: str, token: str, timeout: float = 10.0) -> None:
        self.api = url.rstrip("/") + "/api/v4"
        self.timeout = timeout
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"
        self._me: str | None = None
        self._channels: dict[tuple[str, str], str] = {}

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self.http.request(method, self.api + path, timeout=self.timeout,
                                         **kwargs)
        except requests.exceptions.ReadTimeout as error:
            raise MaybeDelivered(repr(error)) from None
        if response.status_code == 429:
            wait = response.headers.get("Retry-After") or response.headers.get(
                "X-RateLimit-Reset") or "1"
            raise RateLimited(float(wait))
        if response.status_code >= 400:
            raise MattermostError(response.status_code, response.text)
        return response.json() if response.content else None

    def me(self) -> str:
        """The bot account's user id."""
        if self._me is None:
            self._me = str(self.call("GET", "/users/me")["id"])
        return self._me

    def direct_channel(self, user_id: str) -> str:
        key = ("@", user_id)
        if key not in self._channels:
            channel = self.call("POST", "/channels/direct", json=[self.me(), user_id])
            self._channels[key] = str(channel["id"])
        return self._channels[key]

    def channel_by_name(self, team_id: str, name: str) -> str:
        key = (team_id, name)
        if key not in self._channels:
            channel = self.call("GET", f"/teams/{team_id}/channels/name/{name}")
            self._channels[key] = str(channel["id"])
        return self._channels[key]

    def create_post(self, channel_id: str, message: str, props: dict[str, Any],
                    root_id: str | None = None, pending_post_id: str | None = None) -> str:
        body: dict[str, Any] = {"channel_id": channel_id, "message": message, "props": props}
        if root_id:
            body["root_id"] = root_id
        if pending_post_id:
            body["pending_post_id"] = pending_post_id
        return str(self.call("POST", "/posts", json=body)["id"])

    def channel_posts(self, channel_id: str, page: int = 0, per_page: int = 200) -> dict[
            str, Any]:
        return dict(self.call("GET", f"/channels/{channel_id}/posts",
                              params={"page": page, "per_page": per_page}))

    def posts_since(self, channel_id: str, since_ms: int) -> dict[str, Any]:
        """Posts created *or changed* since ``since_ms`` (Unix ms), at most 1,000 a call,
        ordered by create time; ``since`` takes no paging parameters."""
        return dict(self.call("GET", f"/channels/{channel_id}/posts",
                              params={"since": since_ms}))

    def my_channels(self) -> list[dict[str, Any]]:
        """Every channel the bot is a member of, across teams (server 6.1+); its direct
        channels have ``type`` "D"."""
        return list(self.call("GET", "/users/me/channels"))

    def user(self, user_id: str) -> dict[str, Any]:
        return dict(self.call("GET", f"/users/{user_id}"))

    def users_by_usernames(self, usernames: list[str]) -> list[dict[str, Any]]:
        """The accounts among ``usernames`` (unknown names are left out)."""
        return list(self.call("POST", "/users/usernames", json=usernames))

    def user_teams(self, user_id: str) -> list[dict[str, Any]]:
        return list(self.call("GET", f"/users/{user_id}/teams"))

    def open_dialog(self, trigger_id: str, url: str, dialog: dict[str, Any]) -> None:
        self.call("POST", "/actions/dialogs/open",
                  json={"trigger_id": trigger_id, "url": url, "dialog": dialog})

    def get_post(self, post_id: str) -> dict[str, Any]:
        return dict(self.call("GET", f"/posts/{post_id}"))

    def patch_post(self, post_id: str, message: str, props: dict[str, Any]) -> None:
        self.call("PUT", f"/posts/{post_id}/patch", json={"message": message, "props": props})

    @property
    def websocket_url(self) -> str:
        """The WebSocket API's address (ws:// or wss:// beside the REST API)."""
        base = self.api.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        return base + "/websocket"
