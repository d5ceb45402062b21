"""The WhatsApp side of ``Env``: what a step needs, for one incoming message."""

from __future__ import annotations

from contextlib import AbstractContextManager

from sqlmodel import Session

from handlers.deps import CURRENT_UNIT, Deps
from models import conversations
from models.accounts import Account
from models.conversations import Who
from models.db import unit_of_work
from models.people import Person


class WhatsAppContext:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._who: tuple[tuple[Account, int], Who] | None = None

    def uow(self) -> AbstractContextManager[Session]:
        """A step of this message's unit of work (shared inside the inbox's lanes)."""
        unit = CURRENT_UNIT.get()
        if unit is not None:
            return unit.block()
        return unit_of_work(self.deps.engine)

    def who(self, account: Account) -> Who:
        """The sender and their drafts, looked up once per message (again after a write)."""
        unit = CURRENT_UNIT.get()
        stamp = unit.writes if unit is not None else -1
        if self._who is not None and self._who[0] == (account, stamp) and stamp >= 0:
            return self._who[1]
        with self.uow() as session:
            found = conversations.who(session, account)
        self._who = ((account, stamp), found)
        return found

    def person_of(self, account: Account) -> Person | None:
        return self.who(account).person
