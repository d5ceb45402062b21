"""``pokjanal run``: the bot for real, by long polling or webhook."""

from __future__ import annotations

from bot.app import ALLOWED_UPDATES, build_application
from bot.database import open_database
from bot.settings import Settings


def run_bot(settings: Settings, *, webhook: bool, listen: str, port: int) -> None:
    """Run until SIGINT/SIGTERM. Raises DeliveryLocked when another process delivers already."""
    engine = open_database(settings.database_url)
    app = build_application(settings, engine=engine)
    if webhook:
        assert settings.webhook_url is not None and settings.webhook_secret is not None
        secret = settings.webhook_secret.get_secret_value()
        # Telegram sends the secret in X-Telegram-Bot-Api-Secret-Token; PTB refuses
        # requests without it, so nobody else can post fake updates to the webhook.
        app.run_webhook(
            listen=listen,
            port=port,
            url_path=settings.webhook_path(),
            webhook_url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
