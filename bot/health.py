"""What `pokjanal health` and `/healthz` check, in one place: the same verdict for a person at
the terminal, a cron job and a monitor that polls the web server.

The check only reads. It never creates the database (a SQLite file that is gone stays gone) and
never migrates it: a health check that repaired what it looks at would hide the fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from bot import migrate
from models import heartbeat, inbox, outbox
from models.db import make_engine

# A dispatcher is alive when it beat within three ticks (and never less than 90 s, so one slow
# planning round is not an alarm); it lags when a due message waited longer than this.
MIN_STALE = timedelta(seconds=90)
MAX_LAG = timedelta(minutes=10)


@dataclass(frozen=True)
class Health:
    database_error: str | None = None
    missing_file: Path | None = None  # a SQLite file that is not there (also in database_error)
    migrations_current: bool = False
    last_beat: datetime | None = None
    dispatcher_alive: bool = False
    lag: timedelta = timedelta()
    queued: int = 0
    failed: int = 0
    unreachable: int = 0
    inbox: inbox.InboxHealth | None = None
    last_handled: datetime | None = None

    @property
    def lagging(self) -> bool:
        return self.lag > MAX_LAG

    @property
    def ok(self) -> bool:
        return (
            self.database_error is None
            and self.migrations_current
            and self.dispatcher_alive
            and not self.lagging
            and (self.inbox is None or self.inbox.failed_last_day == 0)
        )

    def as_json(self, now: datetime) -> dict[str, Any]:
        def when(moment: datetime | None) -> str | None:
            return moment.isoformat(timespec="seconds") if moment else None

        found = self.inbox
        return {
            "ok": self.ok,
            "database": {"ok": self.database_error is None, "error": self.database_error},
            "migrations": {"ok": self.migrations_current},
            "dispatcher": {
                "ok": self.dispatcher_alive and not self.lagging,
                "alive": self.dispatcher_alive,
                "last_beat": when(self.last_beat),
                "seconds_since_beat": (
                    int((now - self.last_beat).total_seconds()) if self.last_beat else None
                ),
                "lag_seconds": int(self.lag.total_seconds()),
            },
            "outbox": {
                "queued": self.queued,
                "failed": self.failed,
                "unreachable": self.unreachable,
            },
            "inbox": {
                "ok": found is None or found.failed_last_day == 0,
                "pending": found.pending if found else 0,
                "failed": found.failed if found else 0,
                "failed_last_day": found.failed_last_day if found else 0,
            },
            "last_update_handled": when(self.last_handled),
        }


def check_url(url: str, *, now: datetime, tick_seconds: float) -> Health:
    """Open the configured database only to look: a missing SQLite file is reported, not made."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database).resolve()
        if not path.is_file():
            return Health(database_error=f"{path}: file does not exist", missing_file=path)
    try:
        engine = make_engine(url)
    except (SQLAlchemyError, ImportError) as exc:
        return Health(database_error=_reason(exc))
    try:
        return check(engine, now=now, tick_seconds=tick_seconds)
    finally:
        engine.dispose()


def check(engine: Engine, *, now: datetime, tick_seconds: float) -> Health:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, ImportError) as exc:
        return Health(database_error=_reason(exc))
    try:
        current = migrate.is_current(engine)
    except SQLAlchemyError:
        current = False
    if not current:  # the tables below may not exist yet
        return Health(migrations_current=False)
    with Session(engine) as session:
        beat = heartbeat.last(session)
        oldest_due = session.exec(
            select(func.min(outbox.OutboxMessage.not_before)).where(
                col(outbox.OutboxMessage.status) == outbox.Status.PENDING.value,
                col(outbox.OutboxMessage.not_before) <= now,
            )
        ).one()
        totals = outbox.totals(session)
        found = inbox.health(session, now=now)
        last_handled = session.exec(
            select(func.max(inbox.InboxUpdate.finished_at)).where(
                col(inbox.InboxUpdate.status) == inbox.InboxStatus.DONE.value
            )
        ).one()
    stale_after = max(MIN_STALE, timedelta(seconds=3 * tick_seconds))
    return Health(
        migrations_current=True,
        last_beat=beat,
        dispatcher_alive=beat is not None and now - beat <= stale_after,
        lag=max(timedelta(), now - _aware(oldest_due)) if oldest_due else timedelta(),
        queued=totals.get(outbox.Status.PENDING.value, 0)
        + totals.get(outbox.Status.SENDING.value, 0),
        failed=totals.get(outbox.Status.FAILED.value, 0),
        unreachable=totals.get(outbox.Status.UNREACHABLE.value, 0),
        inbox=found,
        last_handled=_aware(last_handled) if last_handled else None,
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _reason(exc: BaseException) -> str:
    """The driver's first line (no URL with a password: SQLAlchemy's message names none)."""
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]
