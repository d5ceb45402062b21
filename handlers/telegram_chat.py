"""The Telegram side of the ``Chat`` port: HTML, inline keyboards, callback answers, edits."""

from __future__ import annotations

import contextlib

from telegram import Bot, Message, ReplyKeyboardRemove, Update
from telegram.error import BadRequest

from handlers.chat import keyboard
from handlers.context import BotContext
from handlers.port import Keyboard
from models.accounts import Account


class TelegramChat:
    def __init__(self, update: Update, context: BotContext) -> None:
        user, chat = update.effective_user, update.effective_chat
        assert user is not None
        self.update = update
        self.context = context
        self._account = Account.telegram(user.id, chat.id if chat is not None else user.id)
        self._language = user.language_code
        # After a shared contact, the first message also takes the contact button away.
        self.remove_reply_keyboard = False

    @property
    def account(self) -> Account:
        return self._account

    @property
    def language_hint(self) -> str | None:
        return self._language

    async def say(self, text: str, buttons: Keyboard | None = None) -> None:
        chat = self.update.effective_chat
        if chat is None:
            return
        if not buttons and self.remove_reply_keyboard:
            self.remove_reply_keyboard = False
            await chat.send_message(text, reply_markup=ReplyKeyboardRemove())
            return
        await chat.send_message(text, reply_markup=keyboard(buttons or ()))

    async def ack(self, text: str | None = None, *, alert: bool = False) -> None:
        query = self.update.callback_query
        if query is not None:
            await query.answer(text, show_alert=alert)
        elif text:
            await self.say(text)

    async def replace(self, text: str, buttons: Keyboard | None = None) -> None:
        query = self.update.callback_query
        if query is None or not isinstance(query.message, Message):
            await self.say(text, buttons)
            return
        with contextlib.suppress(BadRequest):  # "message is not modified": a double tap
            await query.message.edit_text(text, reply_markup=keyboard(buttons or ()))

    async def show_buttons(self, buttons: Keyboard) -> None:
        query = self.update.callback_query
        if query is None or not isinstance(query.message, Message):
            return
        markup = keyboard(buttons)
        shown = query.message.reply_markup
        if (shown.to_dict() if shown else None) == (markup.to_dict() if markup else None):
            return  # already so: Telegram would answer "message is not modified"
        with contextlib.suppress(BadRequest):  # two taps racing: the other one edited it
            await query.message.edit_reply_markup(reply_markup=markup)

    async def buttons_used(self) -> None:
        query = self.update.callback_query
        if query is not None and isinstance(query.message, Message):
            with contextlib.suppress(BadRequest):  # already without buttons (a double tap)
                await query.message.edit_reply_markup(reply_markup=None)


class TelegramMessenger:
    """``Messenger`` over the bot: a direct message to a Telegram account."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, account: Account, text: str, buttons: Keyboard = ()) -> None:
        chat_id = account.chat_id or account.telegram_user_id
        assert chat_id is not None
        await self.bot.send_message(chat_id, text, reply_markup=keyboard(buttons))
