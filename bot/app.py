"""The composition root: settings, database and clock wired into a python-telegram-bot app."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.engine import Engine
from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

import handlers
from bot.settings import Settings
from handlers.context import DEPS_KEY, BotContext, Deps
from models.clock import Clock, SystemClock

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def build_application(
    settings: Settings,
    *,
    engine: Engine,
    clock: Clock | None = None,
    token: str | None = None,
) -> AnyApplication:
    """Build the bot for ``settings.telegram_api_url``: Telegram, a local server or the sandbox."""
    context_types = ContextTypes(context=BotContext)
    app = (
        ApplicationBuilder()
        .token(token or settings.token())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.file_api_url)
        .context_types(context_types)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .post_init(_post_init)
        .build()
    )
    app.bot_data[DEPS_KEY] = Deps(
        engine=engine,
        clock=clock or SystemClock(),
        body_name=settings.body_name,
        timezone=settings.timezone,
    )
    handlers.register_all(app)
    return app


async def _post_init(app: AnyApplication) -> None:
    try:
        await handlers.publish_commands(app)
    except TelegramError as exc:  # the menu is a convenience; the bot works without it
        log.warning("could not publish the command menu: %s", exc)


ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
