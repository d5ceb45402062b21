"""The dispatcher's heartbeat: one row the running bot rewrites every tick.

`pokjanal health` runs in another process and cannot see the bot's tasks; this row is how it
knows a dispatcher is alive. One UPDATE a tick (30 s by default) is all it costs. With several
processes on PostgreSQL, whichever ticked last wrote it: any live one keeps it fresh.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, Session, SQLModel

DISPATCHER = "dispatcher"


class Heartbeat(SQLModel, table=True):
    name: str = Field(primary_key=True, max_length=40)
    beat_at: datetime
    worker: str = Field(default="", max_length=60)


def beat(session: Session, *, now: datetime, worker: str, name: str = DISPATCHER) -> None:
    """Record that ``name`` is alive now (insert or overwrite, safe from two processes)."""
    inserter = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = inserter(Heartbeat).values(name=name, beat_at=now, worker=worker)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["name"], set_={"beat_at": now, "worker": worker}
        )
    )


def last(session: Session, name: str = DISPATCHER) -> datetime | None:
    """When ``name`` last beat (aware UTC), or None if it never did."""
    row = session.get(Heartbeat, name)
    if row is None:
        return None
    return row.beat_at if row.beat_at.tzinfo else row.beat_at.replace(tzinfo=UTC)
