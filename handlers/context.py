"""The handlers' view of the application: a custom CallbackContext with a unit of work.

The composition root (bot/) builds ``Deps`` and stores it in ``bot_data``; handlers reach the
database and the clock only through here, so tests can inject a moved clock.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from sqlmodel import Session
from telegram.ext import CallbackContext, ExtBot

from handlers.deps import DEPS_KEY, Deps, WhoCache, step_unit
from models.accounts import Account
from models.conversations import Who
from models.people import Person


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    _who: WhoCache | None = None

    @property
    def deps(self) -> Deps:
        deps: Deps = self.application.bot_data[DEPS_KEY]
        return deps

    def uow(self) -> AbstractContextManager[Session]:
        """A step of this update's unit of work: committed before anything is sent."""
        return step_unit(self.deps.engine)

    def who(self, telegram_user_id: int) -> Who:
        """The sender and which drafts they have, looked up once per update (``WhoCache``)."""
        if self._who is None:
            self._who = WhoCache()
        return self._who.get(self.deps.engine, Account.telegram(telegram_user_id))

    def person_for(self, telegram_user_id: int) -> Person | None:
        """The registered person of this update's sender (see ``who``)."""
        return self.who(telegram_user_id).person

    def person_of(self, account: Account) -> Person | None:
        """``Env.person_of``: the Telegram account's person (see ``who``)."""
        user_id = account.telegram_user_id
        return self.person_for(user_id) if user_id is not None else None
