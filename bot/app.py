"""The composition root: settings, database and clock wired into a python-telegram-bot app."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session
from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

import handlers
from bot.channels import build_whatsapp
from bot.delivery import DELIVERY_KEY, Delivery
from bot.flood import RetryRepliesOnFlood
from bot.http import AiohttpRequest
from bot.inbox import INBOX_KEY, DurableUpdateQueue, Inbox, StoreBeforePolling, inbox_of
from bot.settings import Settings
from bot.tables import read_table
from bot.web import (
    CONSOLE_KEY,
    LISTEN_KEY,
    WEB_KEY,
    WHATSAPP_KEY,
    chat_links,
    start_web,
    whatsapp_of,
)
from console.web import Console
from handlers import sheet_upload
from handlers.context import DEPS_KEY, BotContext, Deps
from handlers.telegram_chat import TelegramMessenger
from models import action_drafts, actions, erasures
from models.accounts import Channel
from models.clock import Clock, SystemClock
from models.db import unit_of_work
from models.file_store import FileStore
from models.outbox import settle_early_statuses
from scheduler.action_planners import action_planner
from scheduler.planners import meeting_planner

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
CONNECTIONS = 8
POOL_WAIT_SECONDS = 10.0


def make_delivery(
    settings: Settings, engine: Engine, clock: Clock, *, send_timeout: float | None = None
) -> Delivery:
    """The delivery engine with the district's planners (meetings, follow-up actions)."""
    delivery = Delivery(settings, engine, clock, send_timeout=send_timeout)
    delivery.planners.append(
        meeting_planner(settings.reminder_offsets, clock.now, settings.timezone)
    )
    delivery.planners.append(action_planner(clock.now, settings.timezone))

    def settle_whatsapp_statuses(session: Session) -> int:
        settle_early_statuses(session, now=clock.now())
        return 0  # nothing new queued by itself; re-queued rows wake the dispatcher below

    delivery.planners.append(settle_whatsapp_statuses)
    return delivery


def make_deps(settings: Settings, engine: Engine, clock: Clock, delivery: Delivery) -> Deps:
    return Deps(
        engine=engine,
        clock=clock,
        public_url=settings.public_url,
        body_name=settings.body_name,
        timezone=settings.timezone,
        retention=settings.retention,
        files=FileStore(settings.files_dir, max_bytes=int(settings.evidence_max_mb * 1024 * 1024)),
        wake_delivery=delivery.wake,
        read_sheet=read_table,
    )


def build_application(
    settings: Settings,
    *,
    engine: Engine,
    clock: Clock | None = None,
    token: str | None = None,
    send_timeout: float | None = None,
) -> AnyApplication:
    """Build the bot for ``settings.telegram_api_url``: Telegram, a local server or the sandbox."""
    context_types = ContextTypes(context=BotContext)
    clock = clock or SystemClock()
    erasures.configure(engine, settings.erasure_secret)
    inbox = Inbox(engine, clock)
    requests = (
        AiohttpRequest(connection_pool_size=CONNECTIONS, pool_timeout=POOL_WAIT_SECONDS),
        StoreBeforePolling(inbox.flush),
    )
    app = (
        ApplicationBuilder()
        .token(token or settings.token())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.file_api_url)
        .context_types(context_types)
        .update_queue(DurableUpdateQueue(inbox.receive_update))
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(RetryRepliesOnFlood())
        # aiohttp instead of httpx (bot/http.py): a ninth of the CPU per request. 8
        # connections carry Telegram's 30 messages a second at 250 ms a call; a request that
        # finds them all busy waits for one (up to 10 s) instead of failing.
        .request(requests[0])
        .get_updates_request(requests[1])
        .post_init(start_services)
        .post_stop(stop_services)
        .build()
    )
    delivery = make_delivery(settings, engine, clock, send_timeout=send_timeout)
    app.bot_data[DELIVERY_KEY] = delivery
    app.bot_data[INBOX_KEY] = inbox
    app.bot_data[REQUESTS_KEY] = requests
    deps = make_deps(settings, engine, clock, delivery)
    deps.messengers[Channel.TELEGRAM.value] = TelegramMessenger(app.bot)
    app.bot_data[DEPS_KEY] = deps
    if settings.public_url:
        app.bot_data[CONSOLE_KEY] = Console(
            deps,
            public_url=settings.public_url,
            language=settings.language,
            read_sheet=read_table,
            links=chat_links(settings, lambda: _username(app)),
        )
    if settings.whatsapp_enabled:
        channel = build_whatsapp(
            settings,
            engine=engine,
            clock=clock,
            deps=deps,
            inbox_=inbox,
            wake_delivery=delivery.wake,
        )
        app.bot_data[WHATSAPP_KEY] = channel
        delivery.senders[Channel.WHATSAPP.value] = channel.sender
    handlers.register_all(app)
    return app


def _username(app: AnyApplication) -> str | None:
    """The bot's username once ``getMe`` has answered (None before the start)."""
    try:
        return app.bot.username
    except RuntimeError:
        return None


def delivery_of(app: AnyApplication) -> Delivery:
    delivery: Delivery = app.bot_data[DELIVERY_KEY]
    return delivery


async def start_services(app: AnyApplication) -> None:
    """After initialize(): the command menu, then the delivery engine and its tick.

    ``run_polling`` calls this as ``post_init``; tests and the demo, which start the
    application themselves, call it directly.
    """
    try:
        await handlers.publish_commands(app)
    except TelegramError as exc:  # the menu is a convenience; the bot works without it
        log.warning("could not publish the command menu: %s", exc)
    delivery = delivery_of(app)
    await delivery.start(app)
    limiter = app.bot.rate_limiter
    if delivery.dispatcher is not None and isinstance(limiter, RetryRepliesOnFlood):
        limiter.count_reply = delivery.dispatcher.pacer.count_other_send
    # After the delivery lock: only the one process that may deliver takes over the backlog.
    await inbox_of(app).start(app)
    listen = app.bot_data.get(LISTEN_KEY)
    if listen is not None and WEB_KEY not in app.bot_data:
        # Polling for Telegram while Meta posts WhatsApp's webhook here.
        await start_web(app, *listen)
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            _sweep_job,
            interval=SWEEP_EVERY_SECONDS,
            first=60,
            name="files",
            job_kwargs={
                "id": "files",
                "replace_existing": True,
                "max_instances": 1,
                "coalesce": True,
            },
        )


SWEEP_EVERY_SECONDS = 3600


def sweep_files(deps: Deps) -> int:
    """Expired report drafts go, then every stored file no evidence row points at."""
    with unit_of_work(deps.engine) as session:
        action_drafts.expire_report_drafts(session, now=deps.clock.now())
        referenced = actions.evidence_paths(session)
    removed = sheet_upload.clear_stale(deps.files)  # sheets an admin checked and never saved
    return removed + deps.files.sweep(referenced, now=deps.clock.now().timestamp())


async def _sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    try:
        removed = await asyncio.to_thread(sweep_files, context.application.bot_data[DEPS_KEY])
    except OSError as exc:  # a full or read-only disk must not stop the bot
        log.warning("could not clean the file store: %s", exc)
        return
    if removed:
        log.info("file store: %d unreferenced file(s) removed", removed)
    pruned = await asyncio.to_thread(inbox_of(context.application).prune)
    if pruned:
        log.info("inbox: %d handled update(s) older than a week removed", pruned)


REQUESTS_KEY = "pokjanal.requests"


async def close_requests(app: AnyApplication) -> None:
    """Close the HTTP sessions even when start-up failed half-way (a wrong token, Telegram
    unreachable): python-telegram-bot then skips its shutdown, and an aiohttp session left open
    warns when it is collected."""
    for request in app.bot_data[REQUESTS_KEY]:
        await request.shutdown()


async def stop_services(app: AnyApplication) -> None:
    server = app.bot_data.pop(WEB_KEY, None)
    if server is not None:
        await server.stop()
    await inbox_of(app).stop()
    await delivery_of(app).stop()
    channel = whatsapp_of(app)
    if channel is not None:
        await channel.close()


ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
