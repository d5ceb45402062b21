"""The WhatsApp side of ``Env``: what a step needs, for one incoming message."""

from __future__ import annotations

from contextlib import AbstractContextManager

from sqlmodel import Session

from handlers.deps import Deps, WhoCache, step_unit
from models.accounts import Account
from models.conversations import Who
from models.people import Person


class WhatsAppContext:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._who = WhoCache()

    def uow(self) -> AbstractContextManager[Session]:
        """A step of this message's unit of work (shared inside the inbox's lanes)."""
        return step_unit(self.deps.engine)

    def who(self, account: Account) -> Who:
        return self._who.get(self.deps.engine, account)

    def person_of(self, account: Account) -> Person | None:
        return self.who(account).person
