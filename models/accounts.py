"""Who is writing, on which channel: a Telegram account or a WhatsApp number.

The domain's operations that start from "someone wrote to the bot" (consent, registration,
the one lookup per update) take an ``Account``, so they hold the same rules for both channels
while each channel keeps its own ids (Telegram's numeric user and chat ids; WhatsApp's number,
``wa_id``, and the business-scoped user id Meta now sends beside it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, false, or_


class Channel(StrEnum):
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"


@dataclass(frozen=True)
class Account:
    channel: Channel
    key: str  # Telegram: the user id; WhatsApp: the number (wa_id, digits only)
    chat_id: int | None = None  # Telegram: the private chat's id
    user_id: str | None = None  # WhatsApp: the business-scoped user id (BSUID)

    @classmethod
    def telegram(cls, user_id: int, chat_id: int | None = None) -> Account:
        return cls(Channel.TELEGRAM, str(user_id), chat_id=chat_id if chat_id else user_id)

    @classmethod
    def whatsapp(cls, wa_id: str, user_id: str | None = None) -> Account:
        return cls(Channel.WHATSAPP, wa_id, user_id=user_id or None)

    @property
    def telegram_user_id(self) -> int | None:
        return int(self.key) if self.channel == Channel.TELEGRAM else None

    @property
    def whatsapp_id(self) -> str | None:
        return self.key if self.channel == Channel.WHATSAPP else None

    def matches(self, table: Any) -> Any:
        """The SQL condition "this row is this account's", for a table with the channel
        columns ``telegram_user_id``, ``whatsapp_id`` (and optionally ``whatsapp_user_id``)."""
        if self.channel == Channel.TELEGRAM:
            return table.telegram_user_id == int(self.key)
        by_number = table.whatsapp_id == self.key if self.key else false()
        user_column = getattr(table, "whatsapp_user_id", None)
        if self.user_id and user_column is not None:
            # Meta gives a new user id to a new account on a number (a recycled prepaid SIM):
            # the number alone matches only where no other user id is known for it.
            same_or_unknown = or_(user_column.is_(None), user_column == self.user_id)
            return or_(
                and_(by_number, same_or_unknown),
                and_(user_column.is_not(None), user_column == self.user_id),
            )
        return by_number
