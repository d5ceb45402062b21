"""What every step needs from the application, whichever channel the message came on.

The composition root (bot/) builds ``Deps``; the Telegram context keeps it in ``bot_data`` and
the WhatsApp context carries it, so steps reach the database, clock and files only through
here and tests can inject a moved clock.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from models.clock import Clock
from models.db import SharedUnit
from models.file_store import FileStore

if TYPE_CHECKING:
    from handlers.port import Messenger

DEPS_KEY = "pokjanal.deps"

# The unit of work of the update being handled in this task (set by the inbox's lanes).
CURRENT_UNIT: ContextVar[SharedUnit | None] = ContextVar("pokjanal_update_unit", default=None)


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
    files: FileStore = field(default_factory=lambda: FileStore(Path("files")))
    # Called after queuing outbox rows so they go out now, not at the next tick.
    wake_delivery: Callable[[], None] = field(default=lambda: None)
    # Where the console is reached from outside (POKJANAL_PUBLIC_URL), for its sign-in links.
    public_url: str | None = None
    # Direct sends to a person on their channel (an admin told of a request, a requester of
    # the decision), by channel name; filled by the composition root.
    messengers: dict[str, Messenger] = field(default_factory=dict)
