"""Small things every conversation handler needs: who is writing, and saying something back."""

from __future__ import annotations

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from handlers.context import BotContext
from handlers.i18n import Markup, language_of, t, t_plain
from handlers.port import Chat, Env, Keyboard
from models import conversations
from models.conversations import Conversation, Ended
from models.people import Person


def person_of(context: BotContext, update: Update) -> Person | None:
    """The registered person behind the update, or None."""
    user = update.effective_user
    if user is None:
        return None
    return context.person_for(user.id)


def admin_of(context: BotContext, update: Update) -> Person | None:
    """The registered admin behind the update, or None (not registered, or not an admin)."""
    person = person_of(context, update)
    return person if person is not None and person.is_admin else None


def fallback_language(update: Update) -> str:
    """The Telegram app's language: only for someone the bot does not know yet."""
    user = update.effective_user
    return language_of(user.language_code if user else None)


def reply_language(context: BotContext, update: Update) -> str:
    """The registered person's chosen language (even when they are refused, say a cadre trying
    an admin's command); the app's language only for someone not registered."""
    person = person_of(context, update)
    return person.language if person is not None else fallback_language(update)


async def say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    if update.effective_chat is not None:
        await update.effective_chat.send_message(text, reply_markup=markup)


async def say_not_registered(update: Update) -> None:
    await say(update, t(fallback_language(update), "register.prompt"))


def with_lead(lead: str, text: str) -> str:
    """A refusal and the question again as one message: what was wrong, then what to type
    (with its example) above the question's own buttons."""
    return Markup(f"{lead}\n\n{text}") if lead else text


def keyboard(rows: Keyboard) -> InlineKeyboardMarkup | None:
    """Our channel-neutral buttons as Telegram's inline keyboard (None when there are none)."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.callback_data) for b in row]
            for row in rows
        ]
    )


def end_other_conversations(
    session: Session, env: Env, person: Person, keep: Conversation
) -> Ended:
    """Starting a conversation ends the one before (one conversation at a time, so typed text
    always has one place to go); call ``say_ended`` once the unit of work is over."""
    return conversations.end_others(session, person, keep=keep, now=env.deps.clock.now())


async def say_ended(update: Update, context: BotContext, person: Person, ended: Ended) -> None:
    """Remove a dropped report's files and tell the person what was stopped."""
    for path in ended.files:
        context.deps.files.remove(path)
    if ended.kinds:
        await say(update, ended_text(person, ended))


async def say_ended_in(chat: Chat, env: Env, person: Person, ended: Ended) -> None:
    """``say_ended`` for a step written against the ``Chat`` port."""
    for path in ended.files:
        env.deps.files.remove(path)
    if ended.kinds:
        await chat.say(ended_text(person, ended))


def ended_text(person: Person, ended: Ended) -> str:
    lang = person.language
    what = ", ".join(t_plain(lang, f"conversation.{kind.value}") for kind in ended.kinds)
    return t(lang, "conversation.ended", what=what)
