"""A bad setting stops start-up with one line naming the variable."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from bot.settings import SettingsError, load_settings, parse_offsets, parse_quiet_hours


@pytest.fixture(autouse=True)
def _no_env_file(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    for name in ("POKJANAL_TIMEZONE", "POKJANAL_RATE_LIMIT", "POKJANAL_TELEGRAM_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_match_the_spec() -> None:
    settings = load_settings()
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.file_api_url == "https://api.telegram.org/file/bot"
    assert settings.database_url == "sqlite:///pokjanal.db"
    assert settings.timezone == "Asia/Jakarta"
    assert settings.reminder_offsets == [timedelta(days=3), timedelta(days=1), timedelta(hours=2)]
    assert settings.quiet_window == (time(21, 0), time(6, 0))
    assert settings.rate_limit == 25
    assert settings.tick_seconds == 30


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("POKJANAL_TIMEZONE", "Asia/Nowhere"),
        ("POKJANAL_RATE_LIMIT", "fast"),
        ("POKJANAL_RATE_LIMIT", "100"),
        ("POKJANAL_RATE_LIMIT", "30"),  # the first reply of a burst would make a 31st
        ("POKJANAL_MEETING_REMINDERS", "3 days"),
        ("POKJANAL_QUIET_HOURS", "late"),
        ("POKJANAL_DATABASE_URL", "mysql://x"),
        ("POKJANAL_TELEGRAM_API_URL", "localhost"),
    ],
)
def test_a_bad_value_names_its_variable_in_one_line(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(variable + ":")
    assert "\n" not in message


def test_a_missing_token_says_how_to_get_one() -> None:
    settings = load_settings()
    with pytest.raises(SettingsError, match="BotFather"):
        settings.token()


def test_offsets_and_quiet_hours_parse() -> None:
    assert parse_offsets("2h, 30m,1d") == [
        timedelta(days=1),
        timedelta(hours=2),
        timedelta(minutes=30),
    ]
    assert parse_quiet_hours("off") is None
    assert parse_quiet_hours("22.00-05.30") == (time(22, 0), time(5, 30))


def test_a_plain_http_webhook_only_with_a_local_bot_api_server() -> None:
    """Telegram posts only to https; a self-hosted Bot API server (or the sandbox) also to http."""
    secret = "s3cret"
    official = load_settings(webhook_url="http://bot.example.org/hook", webhook_secret=secret)
    with pytest.raises(SettingsError, match="POKJANAL_WEBHOOK_URL"):
        official.webhook_path()
    assert (
        load_settings(
            webhook_url="https://bot.example.org/tg/hook", webhook_secret=secret
        ).webhook_path()
        == "tg/hook"
    )
    local = load_settings(
        telegram_api_url="http://127.0.0.1:8081/bot",
        webhook_url="http://127.0.0.1:8443/telegram",
        webhook_secret=secret,
    )
    assert local.local_api and local.webhook_path() == "telegram"


def test_whatsapp_is_off_until_its_number_and_token_are_set() -> None:
    settings = load_settings()
    assert not settings.whatsapp_enabled
    assert settings.whatsapp_api_url == "https://graph.facebook.com"
    on = load_settings(whatsapp_phone_id="1001", whatsapp_token="EAAG")
    assert on.whatsapp_enabled and on.whatsapp_credentials() == ("1001", "EAAG")


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"whatsapp_webhook_url": None}, "POKJANAL_WHATSAPP_WEBHOOK_URL"),
        ({"whatsapp_app_secret": ""}, "POKJANAL_WHATSAPP_APP_SECRET"),
        ({"whatsapp_verify_token": ""}, "POKJANAL_WHATSAPP_VERIFY_TOKEN"),
    ],
)
def test_a_half_set_up_whatsapp_webhook_is_refused_with_one_line(
    overrides: dict[str, object], named: str
) -> None:
    values: dict[str, object] = {
        "whatsapp_phone_id": "1001",
        "whatsapp_token": "EAAG",
        "whatsapp_app_secret": "secret",
        "whatsapp_verify_token": "verify",
        "whatsapp_webhook_url": "https://bot.example.id/whatsapp",
    }
    settings = load_settings(**(values | overrides))
    with pytest.raises(SettingsError, match=named):
        settings.whatsapp_webhook()


def test_whatsapp_values_are_checked_at_start() -> None:
    with pytest.raises(SettingsError, match="POKJANAL_WHATSAPP_PHONE_ID"):
        load_settings(whatsapp_phone_id="12ab")
    with pytest.raises(SettingsError, match="POKJANAL_WHATSAPP_TEMPLATE_MESSAGE"):
        load_settings(whatsapp_template_message="Pokjanal Pesan")
    with pytest.raises(SettingsError, match="POKJANAL_WHATSAPP_TEMPLATE_LANGUAGES"):
        load_settings(whatsapp_template_languages="id,fr")
    settings = load_settings(whatsapp_webhook_url="https://bot.example.id/hooks/wa")
    assert settings.whatsapp_webhook_url and settings.template_languages == ["id", "en"]
