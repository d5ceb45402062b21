"""A district on WhatsApp only: no Telegram token, no python-telegram-bot application.

The same inbox, delivery engine (its tick on a plain task instead of the job queue), planners
and WhatsApp channel as beside Telegram, and the HTTP server for Meta's webhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from bot.app import SWEEP_EVERY_SECONDS, make_delivery, make_deps, sweep_files
from bot.channels import WhatsAppChannel, build_whatsapp
from bot.delivery import Delivery
from bot.inbox import Inbox
from bot.settings import Settings
from bot.tables import read_table
from bot.web import HealthProbe, WebServer, chat_links, serve
from console.web import Console
from handlers.deps import Deps
from models.accounts import Channel
from models.clock import Clock, SystemClock

log = logging.getLogger(__name__)


@dataclass
class WhatsAppOnly:
    inbox: Inbox
    delivery: Delivery
    channel: WhatsAppChannel
    server: WebServer
    sweeper: asyncio.Task[None]

    async def stop(self) -> None:
        self.sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.sweeper
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
    pages = (
        Console(
            deps,
            public_url=settings.public_url,
            language=settings.language,
            read_sheet=read_table,
            links=chat_links(settings, lambda: None),
        )
        if settings.public_url
        else None
    )
    server = await serve(
        listen, port, whatsapp=channel, console=pages, health=HealthProbe.of(delivery)
    )
    log.info("whatsapp only: listening on %s:%d", listen, server.port)
    sweeper = asyncio.create_task(_sweep_forever(deps, inbox))
    return WhatsAppOnly(inbox, delivery, channel, server, sweeper)


async def _sweep_forever(deps: Deps, inbox: Inbox) -> None:
    """The hourly clean-up the job queue runs beside Telegram: expired report drafts and
    unreferenced files, and handled messages older than the inbox keeps them."""
    while True:
        await asyncio.sleep(SWEEP_EVERY_SECONDS)
        try:
            await asyncio.to_thread(sweep_files, deps)
            await asyncio.to_thread(inbox.prune)
        except Exception:  # a full disk must not stop the bot
            log.exception("the hourly clean-up failed; trying again in an hour")


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
