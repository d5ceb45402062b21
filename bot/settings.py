"""Settings from the environment (or a .env file), prefix POKJANAL_.

A bad value stops start-up with one line naming the variable (see ``load_settings``), never a
traceback: the person deploying reads that line, not Python internals.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.retention import Period

ENV_PREFIX = "POKJANAL_"
INDONESIAN_ZONES = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")


class SettingsError(Exception):
    """One line for the operator: which variable is wrong and what is expected."""


def parse_offsets(text: str) -> list[timedelta]:
    """``3d,1d,2h,30m`` -> offsets, largest first."""
    offsets = []
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*([dhm])\s*", part)
        if not match:
            raise ValueError(f"'{part.strip()}' is not a number followed by d, h or m")
        amount, unit = int(match.group(1)), match.group(2)
        offsets.append(
            timedelta(days=amount)
            if unit == "d"
            else timedelta(hours=amount)
            if unit == "h"
            else timedelta(minutes=amount)
        )
    if not offsets:
        raise ValueError("empty")
    return sorted(set(offsets), reverse=True)


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """``21:00-06:00`` -> (start, end); ``off`` -> None."""
    if text.strip().lower() in ("off", "none", ""):
        return None
    match = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})\s*", text)
    if not match:
        raise ValueError("expected HH:MM-HH:MM or off")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError("hours 00-23, minutes 00-59")
    return time(h1, m1), time(h2, m2)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    database_url: str = "sqlite:///pokjanal.db"
    timezone: str = "Asia/Jakarta"
    meeting_reminders: str = "3d,1d,2h"
    quiet_hours: str = "21:00-06:00"
    # Telegram allows about 30/s for everything the bot sends. Replies are counted in the
    # engine's pace, but only once they went: the first of a burst lands on top of the engine,
    # so the engine stays below 30 (28 at most; 25 leaves room for a registration's burst).
    rate_limit: float = Field(default=25, gt=0, le=28)
    tick_seconds: float = Field(default=30, ge=1, le=3600)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    body_name: str = "Pokjanal Posyandu"  # since Permendagri 13/2024 also "TP Posyandu"
    bot_username: str | None = None  # for printing t.me deep links from the CLI
    language: str = "id"  # of the command line's own messages
    files_dir: Path = Path("files")  # evidence photos and documents (relative to the cwd)
    # Telegram lets a bot download up to 20 MB; evidence past this is refused with a message.
    evidence_max_mb: float = Field(default=10, gt=0, le=20)
    # How long reasons, representatives, reporters and evidence are kept (the privacy notice
    # says it; `pokjanal privacy purge` applies it): 2y, 18m, 90d.
    retention: str = "2y"
    # The public address of this server (https://…): the console's sign-in links start with it.
    public_url: str | None = None
    # WhatsApp Cloud API (all of the first four are needed to switch WhatsApp on).
    whatsapp_phone_id: str | None = None
    whatsapp_token: SecretStr | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_url: str = "https://graph.facebook.com"
    whatsapp_webhook_url: str | None = None
    # The business number people write to, for click-to-chat links (digits, country code).
    whatsapp_number: str | None = None
    # Templates (sent outside the 24-hour window), as submitted for approval with
    # `pokjanal whatsapp templates`: their names and the languages approved for them.
    whatsapp_template_invitation: str = "pokjanal_undangan"
    whatsapp_template_message: str = "pokjanal_pesan"
    whatsapp_template_languages: str = "id,en"
    # The Cloud API allows about 80 messages a second per number by default.
    whatsapp_rate: float = Field(default=70, gt=0, le=1000)
    # The secret of the erased numbers' marks (HMAC-SHA256); unset: a random key made for this
    # installation and kept in its database. Set it before the first erasure, never change it.
    erasure_key: SecretStr | None = None

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in ("id", "en"):
            raise ValueError("expected id or en")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/]+", value):
            raise ValueError("expected http(s)://host[:port]/bot")
        return value.rstrip("/")

    @field_validator("whatsapp_api_url")
    @classmethod
    def _whatsapp_api_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/]+", value):
            raise ValueError("expected http(s)://host[:port] (the Graph API's host)")
        return value.rstrip("/")

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        # Only scheme and host: the console's paths start at the root (/konsol/…).
        if not re.fullmatch(r"https?://[^/\s?#]+/?", value.strip()):
            raise ValueError("expected the server's address, e.g. https://pokjanal.example.go.id")
        return value.strip().rstrip("/")

    @field_validator("whatsapp_phone_id", "whatsapp_number")
    @classmethod
    def _digits(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        cleaned = value.strip().lstrip("+").replace(" ", "").replace("-", "")
        if not cleaned.isdigit():
            raise ValueError("expected digits only")
        return cleaned

    @field_validator("whatsapp_template_invitation", "whatsapp_template_message")
    @classmethod
    def _template_name(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9_]{1,512}", value):
            raise ValueError("template names are lowercase letters, digits and _")
        return value

    @field_validator("whatsapp_template_languages")
    @classmethod
    def _template_languages(cls, value: str) -> str:
        codes = [code.strip() for code in value.split(",") if code.strip()]
        if not codes or any(code not in ("id", "en") for code in codes):
            raise ValueError("expected a list of id and en, e.g. id,en")
        return ",".join(codes)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("expected sqlite:///FILE or postgresql+psycopg://...")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone; use one of {', '.join(INDONESIAN_ZONES)}"
            ) from exc
        return value

    @field_validator("meeting_reminders")
    @classmethod
    def _reminders(cls, value: str) -> str:
        parse_offsets(value)
        return value

    @field_validator("retention")
    @classmethod
    def _retention(cls, value: str) -> str:
        return str(Period.parse(value))

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str) -> str:
        parse_quiet_hours(value)
        return value

    @property
    def file_api_url(self) -> str:
        """Where files are downloaded: Telegram's ``/file/bot`` beside ``/bot``."""
        base = self.telegram_api_url
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file"

    @property
    def erasure_secret(self) -> str | None:
        return self.erasure_key.get_secret_value() if self.erasure_key else None

    @property
    def local_api(self) -> bool:
        """True for a self-hosted Bot API server or the sandbox rather than api.telegram.org."""
        host = self.telegram_api_url.split("://", 1)[1].split("/", 1)[0]
        return host.split(":")[0].lower() != "api.telegram.org"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def reminder_offsets(self) -> list[timedelta]:
        return parse_offsets(self.meeting_reminders)

    @property
    def quiet_window(self) -> tuple[time, time] | None:
        return parse_quiet_hours(self.quiet_hours)

    def webhook_path(self) -> str:
        """The path Telegram posts to, taken from POKJANAL_WEBHOOK_URL; the secret is required.

        Without the secret anyone who guesses the URL could post fake updates.
        """
        # Telegram posts only to https; a local Bot API server (or the sandbox) also to http.
        scheme = r"^https?://[^/]+" if self.local_api else r"^https://[^/]+"
        if not self.webhook_url or not re.match(scheme, self.webhook_url):
            raise SettingsError(
                f"{ENV_PREFIX}WEBHOOK_URL: --webhook needs the public https:// URL "
                "that Telegram posts to"
            )
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise SettingsError(
                f"{ENV_PREFIX}WEBHOOK_SECRET: required with --webhook; 1-256 characters A-Z, a-z, "
                "0-9, _ and -"
            )
        path = self.webhook_url.split("://", 1)[1].partition("/")[2].strip("/")
        return path or "telegram"

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(self.whatsapp_phone_id and self.whatsapp_token)

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_token is not None and bool(
            self.telegram_token.get_secret_value().strip()
        )

    @property
    def template_languages(self) -> list[str]:
        return self.whatsapp_template_languages.split(",")

    def whatsapp_webhook(self) -> tuple[str, str, str]:
        """(path, verify token, app secret) of the Cloud API webhook; refuses a half setup.

        Without the app secret a forged POST could not be told from Meta's.
        """
        if not self.whatsapp_webhook_url or not re.match(
            r"^https?://[^/]+", self.whatsapp_webhook_url
        ):
            raise SettingsError(
                f"{ENV_PREFIX}WHATSAPP_WEBHOOK_URL: the public https:// URL Meta posts to "
                "is required for WhatsApp"
            )
        secret = self.whatsapp_app_secret.get_secret_value() if self.whatsapp_app_secret else ""
        verify = self.whatsapp_verify_token.get_secret_value() if self.whatsapp_verify_token else ""
        if not secret.strip():
            raise SettingsError(
                f"{ENV_PREFIX}WHATSAPP_APP_SECRET: required to check Meta's signatures "
                "(App settings > Basic > App secret)"
            )
        if not verify.strip():
            raise SettingsError(
                f"{ENV_PREFIX}WHATSAPP_VERIFY_TOKEN: required; the same text as in the app's "
                "webhook settings"
            )
        path = self.whatsapp_webhook_url.split("://", 1)[1].partition("/")[2].strip("/")
        return path or "whatsapp", verify.strip(), secret.strip()

    def whatsapp_credentials(self) -> tuple[str, str]:
        if not self.whatsapp_enabled:
            raise SettingsError(
                f"{ENV_PREFIX}WHATSAPP_PHONE_ID and {ENV_PREFIX}WHATSAPP_TOKEN are both needed "
                "for WhatsApp"
            )
        assert self.whatsapp_phone_id is not None and self.whatsapp_token is not None
        return self.whatsapp_phone_id, self.whatsapp_token.get_secret_value().strip()

    def token(self) -> str:
        if self.telegram_token is None or not self.telegram_token.get_secret_value().strip():
            raise SettingsError(
                f"{ENV_PREFIX}TELEGRAM_TOKEN is not set: create a bot with @BotFather in "
                "Telegram (/newbot), then export POKJANAL_TELEGRAM_TOKEN=<the token it gives>"
            )
        return self.telegram_token.get_secret_value().strip()


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation error into one ``SettingsError`` line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ENV_PREFIX + str(first["loc"][0]).upper() if first["loc"] else ENV_PREFIX
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from None
