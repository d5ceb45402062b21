"""A district on WhatsApp only: no Telegram token, no python-telegram-bot application.

The same inbox, delivery engine (its tick on a plain task instead of the job queue), planners
and WhatsApp channel as beside Telegram, and the HTTP server for Meta's webhook.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from bot.app import make_delivery, make_deps
from bot.channels import WhatsAppChannel, build_whatsapp
from bot.delivery import Delivery
from bot.inbox import Inbox
from bot.settings import Settings
from bot.web import WebServer, serve
from models.accounts import Channel
from models.clock import Clock, SystemClock

log = logging.getLogger(__name__)


@dataclass
class WhatsAppOnly:
    inbox: Inbox
    delivery: Delivery
    channel: WhatsAppChannel
    server: WebServer

    async def stop(self) -> None:
        await self.server.stop()
        await self.inbox.stop()
        await self.delivery.stop()
        await self.channel.close()


async def start_whatsapp_only(
    settings: Settings, engine: Engine, *, listen: str, port: int, clock: Clock | None = None
) -> WhatsAppOnly:
    clock = clock or SystemClock()
    inbox = Inbox(engine, clock)
    delivery = make_delivery(settings, engine, clock)
    deps = make_deps(settings, engine, clock, delivery)
    channel = build_whatsapp(
        settings, engine=engine, clock=clock, deps=deps, inbox_=inbox, wake_delivery=delivery.wake
    )
    delivery.senders[Channel.WHATSAPP.value] = channel.sender
    await delivery.start(None)
    await inbox.start(None)  # what the last run left unhandled first
    server = await serve(listen, port, whatsapp=channel)
    log.info("whatsapp only: listening on %s:%d", listen, server.port)
    return WhatsAppOnly(inbox, delivery, channel, server)


async def serve_whatsapp_only(
    settings: Settings, engine: Engine, *, listen: str, port: int
) -> None:
    """Run until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    running = await start_whatsapp_only(settings, engine, listen=listen, port=port)
    try:
        await stop.wait()
    finally:
        await running.stop()
