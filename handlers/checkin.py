"""/hadir <kode> and the QR deep link ?start=hadir_<kode>: recording arrival on the day."""

from __future__ import annotations

from telegram import Update

from handlers.context import BotContext
from handlers.i18n import language_of, t
from handlers.people_view import format_when
from models import checkin
from models.checkin import Outcome

DEEP_LINK_PREFIX = "hadir_"


async def hadir(update: Update, context: BotContext) -> None:
    """/hadir KODE."""
    await record(update, context, " ".join(context.args or []))


async def record(update: Update, context: BotContext, code: str) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    now = context.deps.clock.now()
    person = context.person_for(user.id)
    with context.uow() as session:
        result = (
            checkin.check_in(session, code=code, person=person, now=now, method="code")
            if person is not None and code.strip()
            else None
        )
    lang = person.language if person else language_of(user.language_code)
    if person is None:
        await chat.send_message(t(lang, "register.prompt"))
        return
    if result is None:
        await chat.send_message(t(lang, "checkin.ask_code"))
        return
    meeting = result.meeting
    if result.outcome == Outcome.UNKNOWN_CODE or meeting is None:
        await chat.send_message(t(lang, "checkin.unknown_code", code=code.strip()[:12]))
        return
    opens, _ = meeting.checkin_window
    values = {
        "title": meeting.title,
        "time": format_when(lang, now, meeting.timezone),
        "opens": format_when(lang, opens, meeting.timezone),
    }
    await chat.send_message(t(lang, f"checkin.{result.outcome.value}", **values))
