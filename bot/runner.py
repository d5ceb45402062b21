"""``pokjanal run``: the bot for real, by long polling or webhook."""

from __future__ import annotations

import asyncio
import logging
import signal

from bot.app import (
    ALLOWED_UPDATES,
    AnyApplication,
    build_application,
    close_requests,
    start_services,
    stop_services,
)
from bot.database import open_database
from bot.inbox import inbox_of
from bot.settings import Settings
from bot.web import LISTEN_KEY, WEB_KEY, start_web
from bot.webhook import TelegramWebhook
from bot.whatsapp_only import serve_whatsapp_only

log = logging.getLogger(__name__)


def run_bot(settings: Settings, *, webhook: bool, listen: str, port: int) -> None:
    """Run until SIGINT/SIGTERM. Raises DeliveryLocked when another process delivers already."""
    engine = open_database(settings.database_url, erasure_key=settings.erasure_secret)
    if settings.whatsapp_enabled and not settings.telegram_enabled and not webhook:
        settings.whatsapp_webhook()  # without the webhook nothing could reach the bot
        asyncio.run(serve_whatsapp_only(settings, engine, listen=listen, port=port))
        return
    app = build_application(settings, engine=engine)
    if settings.whatsapp_webhook_url:
        settings.whatsapp_webhook()  # a half setup stops here, with one line naming it
    if (settings.whatsapp_webhook_url or settings.public_url) and not webhook:
        # Telegram by polling, while Meta posts WhatsApp's webhook here and the console is
        # served on the same address.
        app.bot_data[LISTEN_KEY] = (listen, port)
    if webhook:
        asyncio.run(serve_webhook(app, settings, listen=listen, port=port))
    else:
        # The Updater's offset moves on only after the inbox stored each update (see bot.inbox).
        try:
            app.run_polling(allowed_updates=ALLOWED_UPDATES, close_loop=False)
        finally:
            loop = asyncio.get_event_loop()
            loop.run_until_complete(close_requests(app))
            loop.close()


async def serve_webhook(app: AnyApplication, settings: Settings, *, listen: str, port: int) -> None:
    """Listen, then tell Telegram where to post; stop on SIGINT/SIGTERM.

    The webhook stays registered when the bot stops: Telegram keeps the updates meanwhile and
    posts them once the bot is back.
    """
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await app.initialize()
        await start_services(app)  # the inbox's backlog is handed out before anything new
        await app.start()
        handler = TelegramWebhook(inbox_of(app), secret=secret)
        server = await start_web(
            app, listen, port, telegram=handler, telegram_path=settings.webhook_path()
        )
        try:
            await app.bot.set_webhook(
                url=settings.webhook_url,
                secret_token=secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            log.info("webhook: listening on %s:%d for %s", listen, port, settings.webhook_url)
            await stop.wait()
        finally:
            await server.stop()
            app.bot_data.pop(WEB_KEY, None)
            if app.running:
                await app.stop()
            await stop_services(app)
    finally:
        await app.shutdown()
        await close_requests(app)
