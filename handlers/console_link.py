"""/konsol (KONSOL on WhatsApp): an admin's one-time link to the secretariat's web console."""

from __future__ import annotations

from urllib.parse import urlencode

from telegram import Update

from handlers.context import BotContext
from handlers.i18n import language_of, t
from handlers.port import Chat, Env
from handlers.telegram_chat import TelegramChat
from models import console

SIGN_IN_PATH = "/konsol/masuk?t="
NEXT = "ke"  # where the console opens after signing in (only a console page: see console.web)
MEETING_PATH = "/konsol/rapat/"


async def on_konsol(chat: Chat, env: Env) -> None:
    await console_link(chat, env)


async def console_link(chat: Chat, env: Env, *, meeting_id: int | None = None) -> None:
    """A one-time link to the console (to a meeting's page when ``meeting_id`` is given)."""
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
    url = public_url.rstrip("/") + SIGN_IN_PATH + token
    if meeting_id is not None:
        url += "&" + urlencode({NEXT: f"{MEETING_PATH}{meeting_id}"})
    await chat.say(t(lang, "konsol.link", url=url))


async def konsol(update: Update, context: BotContext) -> None:
    if update.effective_user is not None:
        await on_konsol(TelegramChat(update, context), context)
