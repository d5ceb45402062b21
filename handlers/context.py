"""The handlers' view of the application: a custom CallbackContext with a unit of work.

The composition root (bot/) builds ``Deps`` and stores it in ``bot_data``; handlers reach the
database and the clock only through here, so tests can inject a moved clock.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session
from telegram.ext import CallbackContext, ExtBot

from models.clock import Clock
from models.db import unit_of_work
from models.file_store import FileStore

DEPS_KEY = "pokjanal.deps"


@dataclass
class Deps:
    engine: Engine
    clock: Clock
    body_name: str = "Pokjanal Posyandu"
    timezone: str = "Asia/Jakarta"
    files: FileStore = field(default_factory=lambda: FileStore(Path("files")))
    # Called after queuing outbox rows so they go out now, not at the next tick.
    wake_delivery: Callable[[], None] = field(default=lambda: None)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def deps(self) -> Deps:
        deps: Deps = self.application.bot_data[DEPS_KEY]
        return deps

    def uow(self) -> AbstractContextManager[Session]:
        """One transaction per update step, committed before anything is sent."""
        return unit_of_work(self.deps.engine)
