"""Shared fixtures: a fresh database per test and a clock that only moves when told."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from models.clock import FrozenClock
from models.db import make_engine

DATA = Path(__file__).parent / "data"
DEMO_DATA = Path(__file__).parent.parent / "bot" / "data"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own POKJANAL_* variables (say POKJANAL_LANGUAGE=en) must not leak in."""
    for name in list(os.environ):
        if name.startswith("POKJANAL_"):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """`pokjanal run` and `demo` install a root handler on the stream of the moment; under
    CliRunner that stream is closed after the test, so the handler must not outlive it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def clock() -> FrozenClock:
    # Monday 27 November 2023, 09.00 WITA: a working morning before the Luwu Timur Rakor.
    return FrozenClock(datetime(2023, 11, 27, 1, 0, tzinfo=UTC))


@pytest.fixture
def engine() -> Iterator[Engine]:
    """An in-memory database with every table (the migrations are tested on their own)."""
    engine = make_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
