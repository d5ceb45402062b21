"""The handlers' view of the application: a custom CallbackContext with a unit of work.

The composition root (bot/) builds ``Deps`` and stores it in ``bot_data``; handlers reach the
database and the clock only through here, so tests can inject a moved clock.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from sqlmodel import Session
from telegram.ext import CallbackContext, ExtBot

from handlers.deps import CURRENT_UNIT, DEPS_KEY, Deps
from models import conversations
from models.accounts import Account
from models.conversations import Who
from models.db import unit_of_work
from models.people import Person


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    _who_cache: tuple[tuple[int, int], Who] | None = None

    @property
    def deps(self) -> Deps:
        deps: Deps = self.application.bot_data[DEPS_KEY]
        return deps

    def uow(self) -> AbstractContextManager[Session]:
        """A step of this update's unit of work: committed before anything is sent.

        Inside the inbox, all steps of one update share one session (see ``SharedUnit``);
        elsewhere (a job, a test calling ``process_update`` itself) each step is its own
        transaction.
        """
        unit = CURRENT_UNIT.get()
        if unit is not None:
            return unit.block()
        return unit_of_work(self.deps.engine)

    def who(self, telegram_user_id: int) -> Who:
        """The sender and which drafts they have, looked up once per update (one statement).

        A step that wrote may have changed either (registered, erased, a draft started), so
        they are read again after any write.
        """
        unit = CURRENT_UNIT.get()
        stamp = unit.writes if unit is not None else None
        cached = self._who_cache
        if cached is not None and stamp is not None and cached[0] == (telegram_user_id, stamp):
            return cached[1]
        with self.uow() as session:
            found = conversations.who(session, Account.telegram(telegram_user_id))
        if stamp is not None:
            self._who_cache = ((telegram_user_id, stamp), found)
        return found

    def person_for(self, telegram_user_id: int) -> Person | None:
        """The registered person of this update's sender (see ``who``)."""
        return self.who(telegram_user_id).person

    def person_of(self, account: Account) -> Person | None:
        """``Env.person_of``: the Telegram account's person (see ``who``)."""
        user_id = account.telegram_user_id
        return self.person_for(user_id) if user_id is not None else None
