"""Engine and units of work. SQLite by default (WAL, foreign keys on); PostgreSQL in production.

Nothing here is SQLite-only in the model: the pragmas are applied only when the URL is SQLite.
"""

from __future__ import annotations

import logging
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
    audit,
    broadcasts,
    console,
    erasures,
    heartbeat,
    inbox,
    meeting_drafts,
    meetings,
    organizations,
    outbox,
    people,
    privacy,
    registration,
)

log = logging.getLogger(__name__)


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


class SharedUnit:
    """One session for all the steps of one incoming update, with as few transactions as is safe.

    A step (``block()``) that wrote is committed when it ends, so no write lock is ever held
    across an ``await``; a step that only read leaves its transaction open for the next step
    (one transaction for "who is this, and what are they in the middle of?" plus the answer).
    ``commit()`` ends whatever is open: the bot calls it before anything is sent, so nothing is
    announced that is not stored, and the inbox calls it with the update marked done.
    Objects are detached when a step ends, as they were when each step had its own session.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session: Session | None = None
        self._depth = 0
        self._wrote = False
        self.writes = 0  # grows with every write: cached reads compare it to know they are stale

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(self.engine, expire_on_commit=False)
            event.listen(self._session, "after_flush", self._note_write)
            event.listen(self._session, "do_orm_execute", self._note_statement)
        return self._session

    def _note_write(self, *_args: Any) -> None:
        self._wrote = True
        self.writes += 1

    def _note_statement(self, state: Any) -> None:
        if not state.is_select:  # a DML statement, or text() that may be one: assume a write
            self._note_write()

    @contextmanager
    def block(self) -> Iterator[Session]:
        session = self.session
        self._depth += 1
        try:
            yield session
            if self._depth == 1:
                session.flush()
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.rollback()
            raise
        self._depth -= 1
        if self._depth == 0:
            if self._wrote:
                self.commit()
            session.expunge_all()

    def commit(self) -> None:
        """End the open transaction, if any.

        Inside a step nothing is committed (the step commits when it ends, if it wrote): a
        message sent from inside a step is a bug, logged, not a reason to split the step.
        """
        if self._session is None:
            return
        if self._depth:
            log.warning("a message was sent inside a unit-of-work step; it commits at its end")
            return
        if self._session.in_transaction():
            try:
                self._session.commit()
            except BaseException:
                self.rollback()  # the session stays usable for the rest of the update
                raise
        self._wrote = False

    def rollback(self) -> None:
        if self._session is not None:
            self._session.rollback()
            self._session.expunge_all()
        self._wrote = False

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
