"""Settings from REGIOBOT_* environment variables and an optional .env file.

Lists are comma-separated in the environment (``NoDecode`` stops pydantic-settings from
JSON-decoding them), so ``REGIOBOT_REMINDER_DAYS=14,7,1`` works as an operator expects.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./var/regiobot.db"


def normalise_database_url(url: str) -> str:
    """Send every PostgreSQL spelling to psycopg 3 (Heroku-style URLs say ``postgres://``)."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="REGIOBOT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("REGIOBOT_DATABASE_URL", "DATABASE_URL", "database_url"),
    )
    timezone: str = "Europe/Amsterdam"
    language: Literal["nl", "en"] = "nl"
    send_time: str = "09:00"
    reminder_days: Annotated[list[int], NoDecode] = [14, 7, 1]
    status_cadence_weeks: int = Field(default=4, ge=1, le=52)
    outbox_max_attempts: int = Field(default=8, ge=1, le=100)
    # A claimed row whose worker died is taken over after this long.
    outbox_lease_seconds: float = Field(default=120, ge=1, le=3600)
    send_timeout_seconds: float = Field(default=10, gt=0, le=60)
    # The platform's rates, kept by each dispatcher (Slack: about 1 post a second per
    # conversation; the total is the workspace's share the bot may take).
    send_per_conversation: float = Field(default=1, gt=0)
    send_per_second: float = Field(default=50, gt=0)
    digest_day: Literal["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"] = "maandag"
    # How often a worker plans and how often it looks for something to send (seconds).
    plan_every: float = Field(default=60, ge=1, le=3600)
    dispatch_every: float = Field(default=2, gt=0, le=600)

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"

    mattermost_url: str | None = None
    mattermost_bot_token: str | None = None
    mattermost_command_tokens: Annotated[list[str], NoDecode] = []
    secret: str | None = None
    # Where Mattermost reaches `regiobot web` (its buttons and dialogs call back here).
    public_url: str | None = None

    port: int = Field(default=8000, validation_alias=AliasChoices("REGIOBOT_PORT", "PORT", "port"))
    web_processes: int = Field(default=2, ge=1, le=64, validation_alias=AliasChoices(
        "REGIOBOT_WEB_PROCESSES", "WEB_CONCURRENCY", "web_processes"))
    web_threads: int = Field(default=8, ge=1, le=128)

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        return normalise_database_url(value.strip())

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"onbekende tijdzone {value!r}") from exc
        return value

    @field_validator("send_time")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        hours, sep, minutes = value.partition(":")
        if not (sep and hours.isdigit() and minutes.isdigit()
                and int(hours) < 24 and int(minutes) < 60):
            raise ValueError("schrijf een tijd als 09:00")
        return f"{int(hours):02d}:{int(minutes):02d}"

    @field_validator("reminder_days", "mattermost_command_tokens", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        return _split_commas(value)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SettingsError(Exception):
    """Raised with one readable line naming the variable that is wrong."""


def describe_error(error: ValidationError) -> str:
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "?"
    variable = field if field.isupper() else "REGIOBOT_" + field.upper()
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"Ongeldige instelling {variable}: {message}"


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(describe_error(error)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
