"""/hadir <kode> and the QR deep link ?start=hadir_<kode>: recording arrival on the day.

Written against the ``Chat`` port: on WhatsApp the same step answers "HADIR <kode>" (the code
the reminder and the hall's poster show)."""

from __future__ import annotations

from telegram import Update

from handlers.context import BotContext
from handlers.i18n import language_of, t
from handlers.people_view import format_when
from handlers.port import Chat, Env
from handlers.telegram_chat import TelegramChat
from models import checkin
from models.checkin import Outcome

DEEP_LINK_PREFIX = "hadir_"


async def on_checkin(chat: Chat, env: Env, code: str) -> None:
    now = env.deps.clock.now()
    person = env.person_of(chat.account)
    with env.uow() as session:
        result = (
            checkin.check_in(session, code=code, person=person, now=now, method="code")
            if person is not None and code.strip()
            else None
        )
    lang = person.language if person else language_of(chat.language_hint)
    if person is None:
        await chat.say(t(lang, "register.prompt"))
        return
    if result is None:
        await chat.say(t(lang, "checkin.ask_code"))
        return
    meeting = result.meeting
    if result.outcome == Outcome.UNKNOWN_CODE or meeting is None:
        await chat.say(t(lang, "checkin.unknown_code", code=code.strip()[:12]))
        return
    opens, _ = meeting.checkin_window
    values = {
        "title": meeting.title,
        "time": format_when(lang, now, meeting.timezone),
        "opens": format_when(lang, opens, meeting.timezone),
    }
    await chat.say(t(lang, f"checkin.{result.outcome.value}", **values))


async def hadir(update: Update, context: BotContext) -> None:
    """/hadir KODE."""
    await record(update, context, " ".join(context.args or []))


async def record(update: Update, context: BotContext, code: str) -> None:
    if update.effective_user is not None and update.effective_chat is not None:
        await on_checkin(TelegramChat(update, context), context, code)
