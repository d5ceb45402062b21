"""Engine and units of work. SQLite by default (WAL, foreign keys on); PostgreSQL in production.

Nothing here is SQLite-only in the model: the pragmas are applied only when the URL is SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

# Import every table module so SQLModel.metadata is complete for create_all and Alembic.
from models import (  # noqa: F401
    action_drafts,
    actions,
    broadcasts,
    erasures,
    inbox,
    meeting_drafts,
    meetings,
    organizations,
    outbox,
    people,
    privacy,
    registration,
)


def make_engine(url: str) -> Engine:
    """Create the engine; on SQLite turn on WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if memory:
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back when it raises.

    Handlers commit before they send anything, so a Telegram error can never undo a recorded
    answer, and a crash after the commit loses no data.
    """
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
