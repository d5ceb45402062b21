"""The durable inbox: every incoming update as a row, written before the channel is told "got it".

Telegram (and WhatsApp) forget an update once it is acknowledged: by the next ``getUpdates``
offset in polling, by the HTTP 200 of a webhook. Writing the update here first, in one short
transaction, and handling it from here means a crash or a restart loses nothing: what is still
``pending`` at start is handled first. The key is the channel's own id (Telegram's
``update_id``, WhatsApp's message id), so a re-sent update is stored and handled once.

Rows carry the raw payload as the channel sent it; the presentation layer parses it. This
module knows nothing of either channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, Session, SQLModel, col, select

# An update whose handling was cut short this many times (the process died while handling it)
# is set aside as failed, so one poisonous update cannot crash the bot on every start.
MAX_ATTEMPTS = 3
# Done rows are kept a week (enough to answer "did the bot get my message on Monday?"), failed
# ones a month, for whoever reads `pokjanal health`.
KEEP_DONE = timedelta(days=7)
KEEP_FAILED = timedelta(days=30)
MAX_AGE = timedelta(days=1)  # pending longer than this at start-up: failed, not handled
ERROR_MAX = 1000


class InboxStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class InboxUpdate(SQLModel, table=True):
    __tablename__ = "inbox_update"
    __table_args__ = (
        UniqueConstraint("channel", "external_id", name="uq_inbox_channel_external_id"),
        Index("ix_inbox_status_seq", "status", "seq"),
        # Ids only grow, even after pruning, so "newer than" is always meaningful.
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    external_id: str = Field(max_length=100)
    # Updates of one conversation are handled in this order, one at a time.
    chat_key: str = Field(default="", max_length=100)
    seq: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default=InboxStatus.PENDING.value, max_length=10)
    attempts: int = 0  # interrupted handlings (counted at start-up), not successful ones
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    received_at: datetime
    finished_at: datetime | None = None


# The hot path (every update: stored, then marked done) uses Core statements on the table:
# the ORM's bookkeeping for bulk statements cost more than the writes themselves.
_TABLE: Table = InboxUpdate.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Pending:
    """An update waiting to be handled: what a worker needs, no more."""

    id: int
    chat_key: str
    payload: str
    seq: int = 0
    channel: str = "telegram"


@dataclass(frozen=True)
class Incoming:
    channel: str
    external_id: str
    chat_key: str
    seq: int
    payload: str


def receive(
    session: Session,
    *,
    channel: str,
    external_id: str,
    chat_key: str,
    seq: int,
    payload: str,
    now: datetime,
) -> int | None:
    """Store one update; the new row's id, or None when this id was stored before.

    ``INSERT … ON CONFLICT DO NOTHING`` decides a race between two deliveries of one update.
    """
    item = Incoming(channel, external_id, chat_key, seq, payload)
    return receive_many(session, [item], now=now).get(f"{channel}:{external_id}")


def receive_many(session: Session, batch: list[Incoming], *, now: datetime) -> dict[str, int]:
    """Store a batch in one statement; the new rows' ids by external id (re-sends left out)."""
    if not batch:
        return {}
    rows = [
        {
            "channel": item.channel,
            "external_id": item.external_id,
            "chat_key": item.chat_key,
            "seq": item.seq,
            "payload": item.payload,
            "status": InboxStatus.PENDING.value,
            "attempts": 0,
            "received_at": now,
        }
        for item in batch
    ]
    statement = _insert_statement(session.get_bind().dialect.name)
    return {
        f"{channel}:{external_id}": int(row_id)
        for row_id, channel, external_id in session.execute(statement, rows)
    }


@cache
def _insert_statement(dialect: str) -> Any:
    """Built once per dialect and run as an executemany, so SQLAlchemy compiles it once; an
    ``INSERT … VALUES (…), (…)`` of a different length each batch would be compiled every
    time, which cost more than the write itself."""
    inserter = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        inserter(_TABLE)
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        .returning(_TABLE.c.id, _TABLE.c.channel, _TABLE.c.external_id)
    )


def recover(session: Session, *, now: datetime) -> list[Pending]:
    """At start-up: what the last run left unhandled, in order, with poison set aside.

    Only the first pending update of each chat can have been in hand when the process stopped
    (a chat's updates are handled one at a time, in order), so only it counts an interrupted
    attempt; at ``MAX_ATTEMPTS`` it is failed instead of being handed out again, and the
    chat's later updates go on. Updates older than a day are failed too: Telegram itself keeps
    an update only 24 hours, and an answer days late would surprise more than help.
    """
    rows = session.exec(
        select(InboxUpdate)
        .where(col(InboxUpdate.status) == InboxStatus.PENDING.value)
        .where(col(InboxUpdate.received_at) >= now - MAX_AGE)
        .order_by(col(InboxUpdate.seq), col(InboxUpdate.id))
    ).all()
    _fail_where(
        session,
        col(InboxUpdate.received_at) < now - MAX_AGE,
        error="not handled within a day of arriving",
        now=now,
    )
    first_of_chat: dict[str, int] = {}
    for row in rows:
        first_of_chat.setdefault(row.chat_key, int(row.id or 0))
    poison = {
        int(row.id or 0)
        for row in rows
        if first_of_chat[row.chat_key] == row.id and row.attempts + 1 >= MAX_ATTEMPTS
    }
    if first_of_chat:
        session.execute(
            update(InboxUpdate)
            .where(col(InboxUpdate.id).in_(list(first_of_chat.values())))
            .values(attempts=col(InboxUpdate.attempts) + 1)
        )
    if poison:
        _fail_where(
            session,
            col(InboxUpdate.id).in_(poison),
            error=f"the process stopped while handling it {MAX_ATTEMPTS} times",
            now=now,
        )
    return [
        Pending(int(row.id or 0), row.chat_key, row.payload, row.seq, row.channel)
        for row in rows
        if row.id not in poison
    ]


def _fail_where(session: Session, condition: Any, *, error: str, now: datetime) -> None:
    session.execute(
        update(InboxUpdate)
        .where(col(InboxUpdate.status) == InboxStatus.PENDING.value, condition)
        .values(status=InboxStatus.FAILED.value, error=error, finished_at=now)
    )


def still_pending(session: Session, keys: list[tuple[str, str]]) -> list[Pending]:
    """Rows of these (channel, external id) that are stored but still pending: a delivery
    repeated because the first one's answer was lost after its commit."""
    if not keys:
        return []
    rows = session.exec(
        select(InboxUpdate)
        .where(col(InboxUpdate.status) == InboxStatus.PENDING.value)
        .where(col(InboxUpdate.external_id).in_([external for _, external in keys]))
        .order_by(col(InboxUpdate.seq), col(InboxUpdate.id))
    ).all()
    wanted = set(keys)
    return [
        Pending(int(row.id or 0), row.chat_key, row.payload, row.seq, row.channel)
        for row in rows
        if (row.channel, row.external_id) in wanted
    ]


# Once handled, what the person wrote is not kept: a done row keeps only its id, chat and
# times (to recognise a re-send). A failed row keeps its payload for whoever looks into it,
# for 30 days or until the person's data is erased.
_DONE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("inbox_id"))
    .values(status=InboxStatus.DONE.value, finished_at=bindparam("finished_at"), payload="")
)
_FAILED = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("inbox_id"))
    .values(
        status=InboxStatus.FAILED.value,
        error=bindparam("error"),
        finished_at=bindparam("finished_at"),
    )
)


def finish(session: Session, inbox_id: int, *, now: datetime, error: str | None = None) -> None:
    """Mark an update handled: done, or failed with the error (never retried, never blocking)."""
    if error is None:
        session.execute(_DONE, {"inbox_id": inbox_id, "finished_at": now})
    else:
        session.execute(
            _FAILED, {"inbox_id": inbox_id, "error": error[:ERROR_MAX], "finished_at": now}
        )


# The lane of a pending update from an erased chat: the chat's id (a WhatsApp number) goes.
ERASED_CHAT = "erased"


def forget_chat(session: Session, chat_keys: list[str]) -> int:
    """Erasure: delete what is kept of a person's chat (handled and failed updates). Pending
    ones stay, to be handled (the erasure's own update among them; their payload goes when
    they are done), but no longer under the chat's id."""
    result = session.execute(
        delete(InboxUpdate).where(
            col(InboxUpdate.chat_key).in_(chat_keys),
            col(InboxUpdate.status) != InboxStatus.PENDING.value,
        )
    )
    session.execute(
        update(InboxUpdate)
        .where(col(InboxUpdate.chat_key).in_(chat_keys))
        .values(chat_key=ERASED_CHAT)
    )
    return max(result.rowcount or 0, 0)  # type: ignore[attr-defined]


def prune(session: Session, *, now: datetime) -> int:
    """Delete done rows older than a week and failed ones older than a month."""
    removed = 0
    for status, keep in ((InboxStatus.DONE, KEEP_DONE), (InboxStatus.FAILED, KEEP_FAILED)):
        result = session.execute(
            delete(InboxUpdate).where(
                col(InboxUpdate.status) == status.value,
                col(InboxUpdate.finished_at) < now - keep,
            )
        )
        removed += max(result.rowcount or 0, 0)  # type: ignore[attr-defined]
    return removed


@dataclass(frozen=True)
class InboxHealth:
    pending: int
    failed: int
    failed_last_day: int
    last_errors: list[tuple[datetime, str, str]]  # (when, channel:id, error)


def health(session: Session, *, now: datetime, show: int = 5) -> InboxHealth:
    """Counts for `pokjanal health`: what waits, what failed, and the latest failures."""
    counts = dict(
        session.exec(
            select(InboxUpdate.status, func.count())
            .where(col(InboxUpdate.status) != InboxStatus.DONE.value)
            .group_by(col(InboxUpdate.status))
        ).all()
    )
    recent = session.exec(
        select(func.count()).where(
            col(InboxUpdate.status) == InboxStatus.FAILED.value,
            col(InboxUpdate.finished_at) >= now - timedelta(days=1),
        )
    ).one()
    last = session.exec(
        select(InboxUpdate)
        .where(col(InboxUpdate.status) == InboxStatus.FAILED.value)
        .order_by(col(InboxUpdate.id).desc())
        .limit(show)
    ).all()
    return InboxHealth(
        pending=int(counts.get(InboxStatus.PENDING.value, 0)),
        failed=int(counts.get(InboxStatus.FAILED.value, 0)),
        failed_last_day=int(recent),
        last_errors=[
            (
                row.finished_at or row.received_at,
                f"{row.channel}:{row.external_id}",
                row.error or "",
            )
            for row in last
        ],
    )


def last_received(session: Session, chat_key: str) -> datetime | None:
    """When this chat's latest message arrived (rows are kept a week): for someone not on the
    roster yet, whose last message is known only here."""
    return session.exec(
        select(func.max(InboxUpdate.received_at)).where(InboxUpdate.chat_key == chat_key)
    ).one()
