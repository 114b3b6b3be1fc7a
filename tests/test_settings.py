from __future__ import annotations

import pytest

from config.settings import Settings, SettingsError, load_settings, normalise_database_url


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("REGIOBOT_DATABASE_URL", "DATABASE_URL", "REGIOBOT_REMINDER_DAYS",
                 "REGIOBOT_TIMEZONE", "REGIOBOT_MATTERMOST_COMMAND_TOKENS"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_are_an_embedded_sqlite_file_in_dutch_in_amsterdam() -> None:
    settings = Settings()
    assert settings.database_url == "sqlite:///./var/regiobot.db"
    assert settings.language == "nl"
    assert settings.timezone == "Europe/Amsterdam"
    assert settings.reminder_days == [14, 7, 1]


@pytest.mark.parametrize(("url", "expected"), [
    ("postgres://u:p@db/regiobot", "postgresql+psycopg://u:p@db/regiobot"),
    ("postgresql://u@db/regiobot", "postgresql+psycopg://u@db/regiobot"),
    ("postgresql+psycopg://u@db/x", "postgresql+psycopg://u@db/x"),
    ("sqlite:///var/x.db", "sqlite:///var/x.db"),
])
def test_every_postgres_spelling_reaches_psycopg3(url: str, expected: str) -> None:
    assert normalise_database_url(url) == expected


def test_database_url_falls_back_to_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/heroku")
    assert Settings().database_url == "postgresql+psycopg://u@db/heroku"
    monkeypatch.setenv("REGIOBOT_DATABASE_URL", "sqlite:///own.db")
    assert Settings().database_url == "sqlite:///own.db"


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGIOBOT_REMINDER_DAYS", "10, 5,1")
    monkeypatch.setenv("REGIOBOT_MATTERMOST_COMMAND_TOKENS", "abc,def")
    settings = Settings()
    assert settings.reminder_days == [10, 5, 1]
    assert settings.mattermost_command_tokens == ["abc", "def"]


def test_env_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".env").write_text("REGIOBOT_LANGUAGE=en\n")
    assert Settings().language == "en"


@pytest.mark.parametrize(("name", "value"), [
    ("REGIOBOT_REMINDER_DAYS", "14,zeven"),
    ("REGIOBOT_TIMEZONE", "Europe/Lekstroom"),
    ("REGIOBOT_SEND_TIME", "9 uur"),
    ("REGIOBOT_LANGUAGE", "fr"),
])
def test_an_invalid_setting_stops_with_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"Ongeldige instelling {name}:")
