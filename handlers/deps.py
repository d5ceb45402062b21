"""What every step needs from the application, whichever channel the message came on.

The composition root (bot/) builds ``Deps``; the Telegram context keeps it in ``bot_data`` and
the WhatsApp context carries it, so steps reach the database, clock and files only through
here and tests can inject a moved clock.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import conversations
from models.accounts import Account
from models.clock import Clock
from models.conversations import Who
from models.db import SharedUnit, unit_of_work
from models.file_store import FileStore

if TYPE_CHECKING:
    from handlers.port import Messenger

DEPS_KEY = "pokjanal.deps"

# The unit of work of the update being handled in this task (set by the inbox's lanes).
CURRENT_UNIT: ContextVar[SharedUnit | None] = ContextVar("pokjanal_update_unit", default=None)


def step_unit(engine: Engine) -> AbstractContextManager[Session]:
    """A step of this update's unit of work: inside the inbox, all steps of one update share
    one session (see ``SharedUnit``); elsewhere (a job, a test calling a step itself) each step
    is its own transaction."""
    unit = CURRENT_UNIT.get()
    if unit is not None:
        return unit.block()
    return unit_of_work(engine)


class WhoCache:
    """The sender and which drafts they have, looked up once per update (one statement), and
    again after any write of the update (registered, erased, a draft started)."""

    def __init__(self) -> None:
        self._cached: tuple[tuple[Account, int], Who] | None = None

    def get(self, engine: Engine, account: Account) -> Who:
        unit = CURRENT_UNIT.get()
        stamp = unit.writes if unit is not None else None
        if self._cached is not None and stamp is not None and self._cached[0] == (account, stamp):
            return self._cached[1]
        with step_unit(engine) as session:
            found = conversations.who(session, account)
        if stamp is not None:
            self._cached = ((account, stamp), found)
        return found


def commit_current_unit() -> None:
    """Before anything goes out to a chat: store what the update has done so far."""
    unit = CURRENT_UNIT.get()
    if unit is not None:
        unit.commit()


@dataclass
class Deps:
    engine: Engine
    clock: Clock
    body_name: str = "Pokjanal Posyandu"
    timezone: str = "Asia/Jakarta"
    retention: str = "2y"  # POKJANAL_RETENTION, stated in the privacy notice
    files: FileStore = field(default_factory=lambda: FileStore(Path("files")))
    # Called after queuing outbox rows so they go out now, not at the next tick.
    wake_delivery: Callable[[], None] = field(default=lambda: None)
    # Where the console is reached from outside (POKJANAL_PUBLIC_URL), for its sign-in links.
    public_url: str | None = None
    # Reads a CSV or XLSX file into (headers, rows): the composition root's (bot.tables), for
    # the sheets an admin sends as documents.
    read_sheet: Callable[[Path], tuple[list[str], list[list[str]]]] | None = None
    # Direct sends to a person on their channel (an admin told of a request, a requester of
    # the decision), by channel name; filled by the composition root.
    messengers: dict[str, Messenger] = field(default_factory=dict)
