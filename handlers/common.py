"""What every chat needs: presence, /bantuan, the expired-button catch-all and the error handler.

Where typed text, files and /batal go is decided in ``handlers.router``.
"""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden

from handlers.context import BotContext
from handlers.i18n import language_of, t, t_plain
from models import people
from models.accounts import Channel

log = logging.getLogger(__name__)


async def note_presence(update: Update, context: BotContext) -> None:
    """Runs before every handler (group -1): anyone who writes to the bot can be reached again,
    even if a 403 earlier marked them unreachable (they had blocked, now they unblocked)."""
    user = update.effective_user
    if user is None or (update.message is None and update.callback_query is None):
        return
    # The one lookup of the person for this update: every handler after this reuses it.
    person = context.person_for(user.id)
    if person is None:
        return
    if person.preferred_channel not in (None, Channel.TELEGRAM.value):
        # Someone on both channels wrote here last: proactive messages come here first.
        with context.uow() as session:
            people.prefer(session, person, Channel.TELEGRAM)
    if person.unreachable_at is None:
        return
    with context.uow() as session:
        if people.mark_reachable(session, user.id):
            log.info("user %s wrote again: reachable", user.id)


async def membership(update: Update, context: BotContext) -> None:
    """Telegram's my_chat_member: the person blocked ("kicked") or unblocked the bot."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    status = change.new_chat_member.status
    with context.uow() as session:
        if status == "kicked":
            people.mark_unreachable(session, change.from_user.id, now=context.deps.clock.now())
        elif status == "member":
            people.mark_reachable(session, change.from_user.id)


async def help_command(update: Update, context: BotContext) -> None:
    """/bantuan: the commands this person can use."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    person = context.person_for(user.id)
    lang = person.language if person else language_of(user.language_code)
    if person is None:
        await chat.send_message(t(lang, "register.prompt"))
        return
    # Everything this person can use, per role: a cadre checks in with /hadir and sees her
    # Posyandu's follow-ups with /statusrtl (an admin's /statusrtl is listed with the others).
    text: str = t(lang, "help.everyone") + t(lang, "help.rsvp") + t(lang, "help.checkin")
    text += t(lang, "help.rtl")
    if not person.is_admin:
        text += t(lang, "help.rtl_status")
    if person.is_admin:
        text = text + t(lang, "help.admin") + t(lang, "help.admin_siaran")
        text += t(lang, "help.admin_rapat") + t(lang, "help.admin_rekap")
        text += t(lang, "help.admin_notulen") + t(lang, "help.admin_move_cancel")
        text += t(lang, "help.admin_rtl")
    await chat.send_message(text)


async def expired_button(update: Update, context: BotContext) -> None:
    """Any callback no handler claimed (old message, old version, forged data)."""
    query, user = update.callback_query, update.effective_user
    if query is None:
        return
    lang = language_of(user.language_code if user else None)
    if user is not None:
        person = context.person_for(user.id)
        if person is not None:
            lang = person.language
    await query.answer(t_plain(lang, "button.expired"))


def expected_error(error: BaseException) -> bool:
    """A person blocking the bot or a double tap: part of chatting, not a fault of ours."""
    if isinstance(error, Forbidden):
        return True
    return isinstance(error, BadRequest) and "not modified" in str(error).lower()


async def on_error(update: object, context: BotContext) -> None:
    """Log first (with context), then tell the person something went wrong.

    ``Forbidden`` (the person blocked the bot) and "message is not modified" (a double tap)
    are expected in a chat bot and are not errors worth a stack trace.
    """
    error = context.error
    if error is not None and expected_error(error):
        if isinstance(error, Forbidden):
            log.info("user blocked the bot: %s", error)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s", update_id, exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        user = update.effective_user
        lang = language_of(user.language_code if user else None)
        try:
            if update.callback_query is not None:
                # An unanswered button keeps spinning on the phone: stop it first.
                await update.callback_query.answer(t_plain(lang, "error.internal"))
            await update.effective_chat.send_message(t(lang, "error.internal"))
        except Exception:  # the error handler must survive its own failure
            log.warning("could not tell chat about the error: %s", html.escape(str(error)))
