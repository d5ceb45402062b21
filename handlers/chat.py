"""Small things every conversation handler needs: who is writing, and saying something back."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from handlers.context import BotContext
from handlers.i18n import language_of, t
from models import people
from models.messages import Button
from models.people import Person


def person_of(context: BotContext, update: Update) -> Person | None:
    """The registered person behind the update, or None."""
    user = update.effective_user
    if user is None:
        return None
    with context.uow() as session:
        return people.by_telegram_user(session, user.id)


def admin_of(context: BotContext, update: Update) -> Person | None:
    """The registered admin behind the update, or None (not registered, or not an admin)."""
    person = person_of(context, update)
    return person if person is not None and person.is_admin else None


def fallback_language(update: Update) -> str:
    user = update.effective_user
    return language_of(user.language_code if user else None)


async def say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    if update.effective_chat is not None:
        await update.effective_chat.send_message(text, reply_markup=markup)


async def say_not_registered(update: Update) -> None:
    await say(update, t(fallback_language(update), "register.prompt"))


def keyboard(
    rows: list[list[Button]] | tuple[tuple[Button, ...], ...],
) -> InlineKeyboardMarkup | None:
    """Our channel-neutral buttons as Telegram's inline keyboard (None when there are none)."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.callback_data) for b in row]
            for row in rows
        ]
    )
