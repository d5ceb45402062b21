"""The bot's one HTTP server: Telegram's webhook (with --webhook), WhatsApp's webhook (when
WhatsApp is set up), on ``--listen``/``--port``; later the console too."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy.engine import Engine
from telegram.ext import Application

from bot.channels import WhatsAppChannel, add_whatsapp_routes
from bot.delivery import DELIVERY_KEY, Delivery
from bot.health import check
from bot.settings import Settings
from bot.webhook import TelegramWebhook
from console.links import ChatLinks
from console.web import Console

WEB_KEY = "pokjanal.web"
WHATSAPP_KEY = "pokjanal.whatsapp"
CONSOLE_KEY = "pokjanal.console"
LISTEN_KEY = "pokjanal.listen"
# Telegram updates are under 1 MB; WhatsApp envelopes under 3 MB (media comes by id).
MAX_BODY_BYTES = 3 * 1024 * 1024


@dataclass
class WebServer:
    runner: web.AppRunner
    port: int

    async def stop(self) -> None:
        await self.runner.cleanup()


@dataclass
class HealthProbe:
    """``GET /healthz``: what `pokjanal health` checks, as JSON; 200 when all is well, else 503,
    so a monitor or the reverse proxy needs only the status code. Counts only, no names."""

    engine: Engine
    clock: Callable[[], datetime]
    tick_seconds: float

    @classmethod
    def of(cls, delivery: Delivery) -> HealthProbe:
        return cls(delivery.engine, delivery.clock.now, delivery.settings.tick_seconds)

    async def handle(self, _request: web.Request) -> web.Response:
        now = self.clock()
        found = await asyncio.to_thread(check, self.engine, now=now, tick_seconds=self.tick_seconds)
        return web.json_response(found.as_json(now), status=200 if found.ok else 503)


def whatsapp_of(app: Application[Any, Any, Any, Any, Any, Any]) -> WhatsAppChannel | None:
    found: WhatsAppChannel | None = app.bot_data.get(WHATSAPP_KEY)
    return found


async def serve(
    listen: str,
    port: int,
    *,
    whatsapp: WhatsAppChannel | None = None,
    telegram: TelegramWebhook | None = None,
    telegram_path: str = "",
    console: Console | None = None,
    health: HealthProbe | None = None,
) -> WebServer:
    """Listen; the port actually bound (``port=0`` picks a free one) is in the answer."""
    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    if health is not None:
        web_app.router.add_get("/healthz", health.handle)
    if console is not None:
        console.add_routes(web_app)
    if telegram is not None:
        web_app.router.add_post("/" + telegram_path.strip("/"), telegram.handle)
    if whatsapp is not None:
        add_whatsapp_routes(web_app, whatsapp)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, listen, port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    bound = port
    server = getattr(site, "_server", None)
    if server is not None and server.sockets:
        bound = server.sockets[0].getsockname()[1]
    return WebServer(runner, bound)


async def start_web(
    app: Application[Any, Any, Any, Any, Any, Any],
    listen: str,
    port: int,
    *,
    telegram: TelegramWebhook | None = None,
    telegram_path: str = "",
) -> WebServer:
    """``serve`` for the application's channels; kept in ``bot_data`` to be stopped with it."""
    server = await serve(
        listen,
        port,
        whatsapp=whatsapp_of(app),
        telegram=telegram,
        telegram_path=telegram_path,
        console=app.bot_data.get(CONSOLE_KEY),
        health=HealthProbe.of(app.bot_data[DELIVERY_KEY]),
    )
    app.bot_data[WEB_KEY] = server
    return server


def chat_links(settings: Settings, username: Callable[[], str | None]) -> ChatLinks:
    """The console's links into the bot's chat: Telegram's when the bot's username is known
    (asked of Telegram at start, or POKJANAL_BOT_USERNAME), WhatsApp's when the number is set."""
    return ChatLinks(
        telegram_username=lambda: username() or settings.bot_username,
        whatsapp_number=settings.whatsapp_number,
    )
