"""The outbox: every proactive message as a row, queued once, sent once, at the right time.

The database is the truth. Planning inserts rows idempotently on a dedupe key
(recipient, kind, subject, slot), so a planner run twice, two processes, or a restart never
queue a message twice. Rows are rendered in the recipient's language at send time (not at
planning time): a person who switches language, or a meeting whose venue is corrected,
gets the current text, and a row carries only ids and small parameters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Table,
    UniqueConstraint,
    delete,
    func,
    text,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, Session, SQLModel, col, select


class Status(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # stale, superseded version, or cancelled: never sent, on purpose
    UNREACHABLE = "unreachable"  # blocked the bot, deleted account, or never registered


class Kind(StrEnum):
    BROADCAST = "broadcast"
    NUDGE = "nudge"  # bundled: at most one nudge message per person per day
    REMINDER = "reminder"
    INVITATION = "invitation"
    ESCALATION = "escalation"
    DIGEST = "digest"
    NOTICE = "notice"


# Due rows of these kinds go out as one message per person and kind: a person's nudges as
# one bundle, an admin's escalations (several come due at once when the first admin links) as
# one list. Each row is still checked, sent and recorded on its own.
BUNDLED_KINDS = frozenset({Kind.NUDGE.value, Kind.ESCALATION.value})
# At most one nudge message a person a day (SPEC §4); an escalation is not held back by it.
ONCE_A_DAY_KINDS = frozenset({Kind.NUDGE.value})
# Nudges wait for working days (SPEC §4); reminders about a meeting day do not.
WORKING_DAY_KINDS = frozenset({Kind.NUDGE.value})


class OutboxMessage(SQLModel, table=True):
    __table_args__ = (Index("ix_outbox_status_due", "status", "not_before"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=200, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: str = Field(max_length=20)
    subject: str = Field(max_length=60, index=True)  # "broadcast:12", "meeting:5"
    subject_version: int = 0
    slot: str = Field(default="", max_length=40)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    not_before: datetime
    expires_at: datetime | None = None  # after this the message is stale and is skipped
    status: str = Field(default=Status.PENDING.value, max_length=20)
    attempts: int = 0
    last_error: str = Field(default="", max_length=300)
    telegram_message_id: int | None = Field(default=None, sa_type=BigInteger)
    # The channel it went out on ("" until sent) and, on WhatsApp, the message id its
    # status webhooks (delivered, read, failed) name.
    channel: str = Field(default="", max_length=10, sa_column_kwargs={"server_default": ""})
    external_id: str | None = Field(default=None, max_length=100, index=True)
    delivered_at: datetime | None = None
    read_at: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=60)
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


# Bulk inserts go through Core on the table: the ORM's bookkeeping is not needed for rows that
# are written once and read back by id.
_TABLE: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
_PG_DIALECT = postgresql.dialect()


def dedupe_key(person_id: int, kind: str, subject: str, version: int, slot: str) -> str:
    """The version is part of the key: after a meeting moves (version 2), its re-planned
    reminders are new rows, while the version-1 rows are skipped as superseded."""
    return f"{person_id}|{kind}|{subject}|v{version}|{slot}"


@dataclass(frozen=True)
class Planned:
    """One message a planner wants to exist."""

    person_id: int
    kind: str
    subject: str
    not_before: datetime
    slot: str = ""
    subject_version: int = 0
    payload: dict[str, Any] | None = None
    expires_at: datetime | None = None
    status: str = Status.PENDING.value
    last_error: str = ""


def plan(session: Session, messages: list[Planned], *, now: datetime, fresh: bool = False) -> int:
    """Insert the messages that are not queued yet; return how many were new.

    ``INSERT … ON CONFLICT DO NOTHING`` on the dedupe key makes this safe to run from two
    processes at once: the database, not a read-then-write, decides what is new.

    ``fresh``: the caller knows the rows are new (the meeting planners' marks say so), so the
    keys are not read first; a row another process queued meanwhile still conflicts harmlessly.
    """
    if not messages:
        return 0
    rows = [
        {
            "dedupe_key": dedupe_key(m.person_id, m.kind, m.subject, m.subject_version, m.slot),
            "person_id": m.person_id,
            "kind": m.kind,
            "subject": m.subject,
            "subject_version": m.subject_version,
            "slot": m.slot,
            "payload": m.payload or {},
            "not_before": m.not_before,
            "expires_at": m.expires_at,
            "status": m.status,
            "last_error": m.last_error,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        for m in messages
    ]
    # A caller that may repeat rows already queued (not ``fresh``): reading which keys exist
    # (a unique index lookup) is far cheaper than inserting thousands of rows that conflict.
    existing: set[str] = set()
    keys = [str(row["dedupe_key"]) for row in rows]
    for start in range(0, 0 if fresh else len(keys), 500):
        query = select(OutboxMessage.dedupe_key).where(
            col(OutboxMessage.dedupe_key).in_(keys[start : start + 500])
        )
        existing.update(session.exec(query))
    rows = [row for row in rows if row["dedupe_key"] not in existing]
    if not rows:
        return 0
    # One order for every planner: two processes inserting the same keys in opposite orders
    # would otherwise deadlock on PostgreSQL's unique-index locks.
    rows.sort(key=lambda row: str(row["dedupe_key"]))
    postgres = session.get_bind().dialect.name == "postgresql"
    # One statement compiled once (and cached), its rows sent as many VALUES at a time: a
    # 500-row ``.values([...])`` was compiled anew each batch, 1 ms a row in a planner's tick.
    statement = (
        sqlite_insert(_TABLE)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(_TABLE.c.id)
    )
    new = 0
    connection = session.connection()
    for start in range(0, len(rows), 500):
        batch = rows[start : start + 500]
        # Count what RETURNING gives back: rowcount of a multi-row INSERT is not reliable
        # across drivers (psycopg reports the last batch only).
        if postgres:
            new += len(connection.execute(_PG_INSERT, _as_arrays(batch)).all())
        else:
            new += len(connection.execute(statement, batch).all())
    return new


# On PostgreSQL the rows go as one array a column, unnested by the server: the statement stays
# a few hundred characters, which psycopg parses once and caches, where 500 rows of VALUES made
# it parse 7,000 placeholders in Python at every batch (5 s of a 20,000-row planning run).
_PG_COLUMNS = (
    ("dedupe_key", "varchar"),
    ("person_id", "integer"),
    ("kind", "varchar"),
    ("subject", "varchar"),
    ("subject_version", "integer"),
    ("slot", "varchar"),
    ("payload", "json"),
    ("not_before", "timestamptz"),
    ("expires_at", "timestamptz"),
    ("status", "varchar"),
    ("last_error", "varchar"),
    ("attempts", "integer"),
    ("created_at", "timestamptz"),
    ("updated_at", "timestamptz"),
)
_PG_INSERT = text(
    f"INSERT INTO outboxmessage ({', '.join(name for name, _ in _PG_COLUMNS)}) "
    f"SELECT * FROM unnest({', '.join(f'CAST(:{n} AS {t}[])' for n, t in _PG_COLUMNS)}) "
    "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"
)


def _as_arrays(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The rows as one list a column, bound as the model's types would bind them (JSON text;
    aware datetimes in UTC, a naive one refused)."""
    processors = {name: _TABLE.c[name].type.bind_processor(_PG_DIALECT) for name, _ in _PG_COLUMNS}
    arrays: dict[str, list[Any]] = {}
    for name, kind in _PG_COLUMNS:
        values = [row[name] for row in rows]
        if kind == "json":
            values = [json.dumps(value) for value in values]
        elif processors[name] is not None:
            values = [processors[name](value) for value in values]  # type: ignore[misc]
        arrays[name] = values
    return arrays


def _claim(session: Session, due: Any, *, worker: str, now: datetime) -> list[int]:
    """Mark the rows the subquery selects as ``sending`` by this worker, in one statement."""
    statement = (
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(due.scalar_subquery()))
        .values(
            status=Status.SENDING.value,
            claimed_by=worker,
            claimed_at=now,
            attempts=OutboxMessage.attempts + 1,
            updated_at=now,
        )
        .returning(col(OutboxMessage.id))
    )
    ids = list(session.execute(statement).scalars())
    session.commit()
    return sorted(ids)


def claim_due(
    session: Session, *, now: datetime, limit: int, worker: str, lease: timedelta
) -> list[int]:
    """Mark up to ``limit`` due rows as ``sending`` for this worker; return their ids.

    One ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING id`` statement:
    on PostgreSQL two dispatchers skip each other's rows; on SQLite the statement takes the
    write lock from its first step, so it never fails upgrading a read lock. A row left in
    ``sending`` longer than ``lease`` (its process died mid-send) is claimable again: a crash
    may repeat the messages that were in flight, and never loses one.
    """
    due = (
        select(OutboxMessage.id)
        .where(
            (
                (col(OutboxMessage.status) == Status.PENDING.value)
                & (col(OutboxMessage.not_before) <= now)
            )
            | (
                (col(OutboxMessage.status) == Status.SENDING.value)
                & (col(OutboxMessage.claimed_at) < now - lease)
            )
        )
        .order_by(col(OutboxMessage.not_before), col(OutboxMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return _claim(session, due, worker=worker, now=now)


def claim_more_bundled(
    session: Session, *, person_ids: list[int], now: datetime, worker: str
) -> list[int]:
    """Claim the other due rows of bundled kinds of these people too, so they go out in one
    bundle instead of one now and the rest later (a batch boundary must not split a bundle)."""
    if not person_ids:
        return []
    due = (
        select(OutboxMessage.id)
        .where(
            col(OutboxMessage.person_id).in_(person_ids),
            col(OutboxMessage.kind).in_(BUNDLED_KINDS),
            col(OutboxMessage.status) == Status.PENDING.value,
            col(OutboxMessage.not_before) <= now,
        )
        .with_for_update(skip_locked=True)
    )
    return _claim(session, due, worker=worker, now=now)


def confirm_claim(session: Session, ids: list[int], *, worker: str, now: datetime) -> bool:
    """Renew this worker's claim right before sending; False when any row is no longer ours.

    Rows wait in the pacer (and through 429 pauses) after they were claimed; if that outlasts
    the lease another process may have re-claimed them. Renewing here, just before the call,
    means only one of the two ever sends.
    """
    statement = (
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id).in_(ids),
            col(OutboxMessage.status) == Status.SENDING.value,
            col(OutboxMessage.claimed_by) == worker,
        )
        .values(claimed_at=now)
        .returning(col(OutboxMessage.id))
    )
    renewed = list(session.execute(statement).scalars())
    session.commit()
    return len(renewed) == len(ids)


class NudgeDay(SQLModel, table=True):
    """One row per person and local day on which a nudge message went (or is going) out.

    The unique key makes "at most one nudge message a day" hold across processes: the
    second bundle of the day cannot take the day and waits for the next working morning.
    """

    __table_args__ = (UniqueConstraint("person_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    day: str = Field(max_length=10)  # YYYY-MM-DD in the person's zone
    first_row_id: int  # the bundle that took the day: its retries may use it again


def take_nudge_day(session: Session, *, person_id: int, day: str, first_row_id: int) -> bool:
    """True when this bundle may be the person's nudge of ``day``."""
    dialect = session.get_bind().dialect.name
    inserter = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        inserter(NudgeDay)
        .values(person_id=person_id, day=day, first_row_id=first_row_id)
        .on_conflict_do_nothing(index_elements=["person_id", "day"])
    )
    session.execute(statement)
    owner = session.exec(
        select(NudgeDay.first_row_id).where(NudgeDay.person_id == person_id, NudgeDay.day == day)
    ).one()
    return owner == first_row_id


def release_in_flight(session: Session, *, now: datetime) -> int:
    """At start-up of the only dispatcher (SQLite): what a crash left ``sending`` goes again."""
    statement = (
        update(OutboxMessage)
        .where(col(OutboxMessage.status) == Status.SENDING.value)
        .values(status=Status.PENDING.value, claimed_by=None, updated_at=now)
    )
    result = session.execute(statement)
    session.commit()
    return max(result.rowcount or 0, 0)  # type: ignore[attr-defined]


def counts_by_status(session: Session, subject: str) -> dict[str, int]:
    query = (
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.subject == subject)
        .group_by(col(OutboxMessage.status))
    )
    return {status: count for status, count in session.exec(query)}


def totals(session: Session) -> dict[str, int]:
    """Rows per status over the whole outbox (for `pokjanal health`)."""
    query = select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
    return {status: count for status, count in session.exec(query)}


def next_due(session: Session) -> datetime | None:
    """When the earliest pending row comes due (to sleep exactly that long)."""
    query = select(func.min(OutboxMessage.not_before)).where(
        OutboxMessage.status == Status.PENDING.value
    )
    return session.exec(query).one()


# WhatsApp's delivery statuses arrive later, by webhook, naming the message id.
WINDOW_CLOSED = 131047  # sent outside the 24-hour window: re-sent as the template
UNDELIVERABLE = 131026  # no WhatsApp on that number, or it blocked the business
TEMPLATE_ERRORS = frozenset({132000, 132001, 132018, 131008})


class EarlyStatus(SQLModel, table=True):
    """A WhatsApp status that arrived before its row knew its message id.

    Meta may post "failed" (or "delivered") before the call that sent the message has
    returned and the row was marked sent; kept here, it is applied the moment the row learns
    its id, instead of being lost with the failure it reports."""

    __tablename__ = "early_status"
    id: int | None = Field(default=None, primary_key=True)
    external_id: str = Field(max_length=100, index=True)
    status: str = Field(max_length=20)
    at: datetime
    error_code: int | None = None
    error: str = Field(default="", max_length=200)
    received_at: datetime = Field(index=True)


KEEP_EARLY = timedelta(days=1)


@dataclass(frozen=True)
class DeliveryStatus:
    external_id: str
    status: str  # sent | delivered | read | failed
    at: datetime
    error_code: int | None = None
    error: str = ""


def record_statuses(session: Session, statuses: list[DeliveryStatus], *, now: datetime) -> int:
    """Apply WhatsApp's status webhooks to the rows they name; return how many changed.

    Meta repeats statuses and may send them out of order: each only ever moves a row forward
    (delivered, then read). A failure after acceptance puts the row back in the queue when
    another way may work (the template outside the window; the person's other channel), and
    otherwise fails it with the code, visible in ``pokjanal health`` and the recap. Nudges
    bundled into one message share its id: a status applies to every row of the bundle.
    """
    ids = sorted({s.external_id for s in statuses if s.external_id})
    if not ids:
        return 0
    rows = _rows_by_external_id(session, ids)
    changed = 0
    for status in statuses:
        found = rows.get(status.external_id, [])
        if not found and status.status == "sent":
            continue  # "sent" changes no row: not worth keeping for one that may come
        if not found:
            # A direct reply (no row), or a row whose send has not returned yet: kept, and
            # applied when the row learns its id (or at the next tick, see settle).
            session.add(
                EarlyStatus(
                    external_id=status.external_id,
                    status=status.status,
                    at=status.at,
                    error_code=status.error_code,
                    error=status.error[:200],
                    received_at=now,
                )
            )
            continue
        for row in found:
            if _apply(row, status, now):
                session.add(row)
                changed += 1
    return changed


def _rows_by_external_id(session: Session, ids: list[str]) -> dict[str, list[OutboxMessage]]:
    found: dict[str, list[OutboxMessage]] = {}
    query = select(OutboxMessage).where(
        col(OutboxMessage.external_id).in_(ids), OutboxMessage.channel == "whatsapp"
    )
    for row in session.exec(query.order_by(col(OutboxMessage.id))):
        found.setdefault(row.external_id or "", []).append(row)
    return found


def apply_early_statuses(session: Session, rows: list[OutboxMessage], *, now: datetime) -> bool:
    """Right after rows learned their message id: the statuses that came first."""
    ids = sorted({row.external_id for row in rows if row.external_id})
    if not ids:
        return False
    early = list(
        session.exec(
            select(EarlyStatus)
            .where(col(EarlyStatus.external_id).in_(ids))
            .order_by(col(EarlyStatus.id))
        )
    )
    changed = False
    for found in early:
        status = DeliveryStatus(
            found.external_id, found.status, found.at, found.error_code, found.error
        )
        for row in rows:
            if row.external_id == found.external_id and _apply(row, status, now):
                session.add(row)
                changed = True
        session.delete(found)
    return changed


def settle_early_statuses(session: Session, *, now: datetime) -> int:
    """At each tick: early statuses whose rows have their id by now (two processes on
    PostgreSQL can miss each other by a moment), then those too old to ever match (the
    statuses of direct replies, which have no row)."""
    ids = list(
        session.exec(
            select(EarlyStatus.external_id)
            .where(
                col(EarlyStatus.external_id).in_(
                    select(OutboxMessage.external_id).where(
                        col(OutboxMessage.external_id).is_not(None)
                    )
                )
            )
            .distinct()
            .limit(500)
        )
    )
    changed = 0
    for rows in _rows_by_external_id(session, ids).values():
        changed += apply_early_statuses(session, rows, now=now)
    session.execute(delete(EarlyStatus).where(col(EarlyStatus.received_at) < now - KEEP_EARLY))
    return changed


def _apply(row: OutboxMessage, status: DeliveryStatus, now: datetime) -> bool:
    if row.channel != "whatsapp" or row.external_id != status.external_id:
        return False  # sent again elsewhere since (the other channel, a template)
    if status.status == "delivered" and row.delivered_at is None:
        row.delivered_at = status.at
    elif status.status == "read" and row.read_at is None:
        row.read_at = status.at
        row.delivered_at = row.delivered_at or status.at
    elif status.status == "failed" and row.status == Status.SENT.value:
        _failed_after_sending(row, status, now)
    else:
        return False
    row.updated_at = now
    return True


def _failed_after_sending(row: OutboxMessage, status: DeliveryStatus, now: datetime) -> None:
    detail = f"whatsapp {status.error_code}: {status.error}"[:300]
    payload = dict(row.payload or {})
    if status.error_code == WINDOW_CLOSED and not payload.get("template"):
        payload["template"] = True  # the window had closed: the same message as its template
    elif status.error_code in (UNDELIVERABLE, *TEMPLATE_ERRORS) and not payload.get("not_on"):
        payload["not_on"] = row.channel  # tried once on the person's other channel
    else:
        row.status = Status.FAILED.value
        row.last_error = detail
        return
    row.payload = payload
    row.status = Status.PENDING.value
    row.not_before = now
    row.claimed_by = None
    row.last_error = detail
