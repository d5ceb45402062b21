"""The outbox's Sender, on python-telegram-bot: maps Telegram's answers to the engine's errors."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.flood import OUTBOX, retry_seconds
from models.messages import Rendered
from scheduler.ports import Recipient, Rejected, RetryLater, Transient, Unreachable

# A "chat not found" means the person never started the bot (or deleted the chat): no retry
# will reach them, exactly like a block.
UNREACHABLE_REQUESTS = ("chat not found", "user is deactivated", "bot can't initiate")


class TelegramSender:
    def __init__(self, bot: ExtBot[Any], *, timeout: float | None = None) -> None:
        self.bot = bot
        self.timeout = timeout  # None: python-telegram-bot's defaults

    async def send(self, recipient: Recipient, message: Rendered) -> str:
        chat_id = int(recipient.address)
        markup = (
            InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(b.label, callback_data=b.callback_data) for b in row]
                    for row in message.buttons
                ]
            )
            if message.buttons
            else None
        )
        # python-telegram-bot reads an explicit None as "wait forever": pass its default marker.
        timeout: float | DefaultValue[None] = self.timeout if self.timeout else DEFAULT_NONE
        try:
            sent = await self.bot.send_message(
                chat_id,
                message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                read_timeout=timeout,
                write_timeout=timeout,
                rate_limit_args=OUTBOX,
            )
        except Forbidden as error:
            raise Unreachable(str(error)) from error
        except RetryAfter as error:
            raise RetryLater(retry_seconds(error), str(error)) from error
        except BadRequest as error:  # before NetworkError: BadRequest is a subclass of it
            if any(text in str(error).lower() for text in UNREACHABLE_REQUESTS):
                raise Unreachable(str(error)) from error
            raise Rejected(str(error)) from error
        except (NetworkError, TelegramError) as error:  # timeouts, 5xx, connection resets
            raise Transient(str(error)) from error
        return str(sent.message_id)
