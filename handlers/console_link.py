"""/konsol (KONSOL on WhatsApp): an admin's one-time link to the secretariat's web console."""

from __future__ import annotations

from telegram import Update

from handlers.context import BotContext
from handlers.i18n import language_of, t
from handlers.port import Chat, Env
from handlers.telegram_chat import TelegramChat
from models import console

SIGN_IN_PATH = "/konsol/masuk?t="


async def on_konsol(chat: Chat, env: Env) -> None:
    person = env.person_of(chat.account)
    lang = person.language if person else language_of(chat.language_hint)
    if person is None or not person.is_admin:
        await chat.say(t(lang, "admin.only"))
        return
    public_url = env.deps.public_url
    if not public_url:
        await chat.say(t(lang, "konsol.not_configured"))
        return
    with env.uow() as session:
        token = console.issue_link(session, person, now=env.deps.clock.now())
    if token is None:
        await chat.say(t(lang, "admin.only"))
        return
    await chat.say(t(lang, "konsol.link", url=public_url.rstrip("/") + SIGN_IN_PATH + token))


async def konsol(update: Update, context: BotContext) -> None:
    if update.effective_user is not None:
        await on_konsol(TelegramChat(update, context), context)
