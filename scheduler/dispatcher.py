"""The dispatcher: claims due outbox rows and delivers them, paced, retried and accounted for.

Every row ends in exactly one of sent, failed, skipped or unreachable. A row is marked
``sending`` (claimed) before the call and ``sent`` after it, so a crash between the two repeats
at most the messages in flight, and never loses one.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.clock import Clock
from models.db import unit_of_work
from models.organizations import zone_of
from models.outbox import (
    BUNDLED_KINDS,
    WORKING_DAY_KINDS,
    OutboxMessage,
    Status,
    claim_due,
    next_due,
)
from models.people import Person, PersonStatus
from models.subjects import SKIP_NOTHING, SKIP_STALE, skip_reason
from scheduler.calendar import WORKDAY_START, Calendar
from scheduler.pacing import Pacer
from scheduler.ports import (
    Rejected,
    Rendered,
    Renderer,
    RetryLater,
    Sender,
    SendError,
    Unreachable,
)

log = logging.getLogger(__name__)

RETRY_AFTER_ATTEMPTS = 5


@dataclass
class DispatchConfig:
    rate: float = 25.0
    default_zone: str = "Asia/Jakarta"
    batch: int = 100
    max_attempts: int = 5
    backoff: timedelta = timedelta(seconds=2)
    lease: timedelta = timedelta(minutes=2)
    idle_wait: float = 5.0


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Dispatcher:
    def __init__(
        self,
        *,
        engine: Engine,
        sender: Sender,
        renderer: Renderer,
        calendar: Calendar,
        clock: Clock,
        config: DispatchConfig | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self.engine = engine
        self.sender = sender
        self.renderer = renderer
        self.calendar = calendar
        self.clock = clock
        self.config = config or DispatchConfig()
        self.pacer = pacer or Pacer(self.config.rate)
        self.worker = worker_name()
        self._wake = asyncio.Event()
        self._in_flight = asyncio.Semaphore(max(1, int(self.config.rate * 2)))

    def wake(self) -> None:
        """New rows were queued: look now instead of at the next idle timeout."""
        self._wake.set()

    async def run_forever(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except Exception:  # a database hiccup must not end delivery for good
                log.exception("dispatcher round failed; retrying shortly")
                handled = 0
            if handled:
                continue
            await self._idle(stop)

    async def _idle(self, stop: asyncio.Event) -> None:
        with Session(self.engine) as session:
            due = next_due(session)
        wait = self.config.idle_wait
        if due is not None:
            wait = min(wait, max(0.0, (due - self.clock.now()).total_seconds()))
        self._wake.clear()
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, timeout=max(wait, 0.05), return_when="FIRST_COMPLETED")
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def run_once(self) -> int:
        """Claim what is due now and deliver it; return how many rows were handled."""
        now = self.clock.now()
        with Session(self.engine) as session:
            ids = claim_due(
                session,
                now=now,
                limit=self.config.batch,
                worker=self.worker,
                lease=self.config.lease,
            )
        if not ids:
            return 0
        groups = self._group(ids)
        tasks = [asyncio.create_task(self._guarded(group)) for group in groups]
        await asyncio.gather(*tasks)
        return len(ids)

    def _group(self, ids: list[int]) -> list[list[int]]:
        """Bundled kinds (nudges) go out as one message per person; the rest one by one."""
        with Session(self.engine) as session:
            rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))).all()
        bundles: dict[int, list[int]] = defaultdict(list)
        singles: list[list[int]] = []
        for row in sorted(rows, key=lambda r: (r.not_before, r.id or 0)):
            assert row.id is not None
            if row.kind in BUNDLED_KINDS:
                bundles[row.person_id].append(row.id)
            else:
                singles.append([row.id])
        return singles + list(bundles.values())

    async def _guarded(self, ids: list[int]) -> None:
        async with self._in_flight:
            try:
                await self._deliver(ids)
            except Exception:
                log.exception("delivering outbox rows %s failed unexpectedly", ids)
                self._finish(ids, Status.FAILED, "internal error")

    async def _deliver(self, ids: list[int]) -> None:
        prepared = self._prepare(ids)
        if prepared is None:
            return
        chat_id, rendered, send_ids = prepared
        for attempt in range(1, RETRY_AFTER_ATTEMPTS + 1):
            await self.pacer.wait_turn(chat_id)
            try:
                message_id = await self.sender.send(chat_id, rendered)
                break
            except RetryLater as error:
                # A 429 throttles everyone, it is not this row's fault: pause all sending and
                # try again in place; only a throttle that never lifts goes back to the queue.
                self.pacer.pause(error.seconds)
                if attempt == RETRY_AFTER_ATTEMPTS:
                    self._failed_send(send_ids, error)
                    return
            except SendError as error:
                self._failed_send(send_ids, error)
                return
        now = self.clock.now()
        with unit_of_work(self.engine) as session:
            for row in self._rows(session, send_ids):
                row.status = Status.SENT.value
                row.telegram_message_id = message_id
                row.sent_at = now
                row.updated_at = now
                row.last_error = ""
                session.add(row)

    def _prepare(self, ids: list[int]) -> tuple[int, Rendered, list[int]] | None:
        """Check the rows against the rules of the moment; render what may go out now."""
        now = self.clock.now()
        with unit_of_work(self.engine) as session:
            rows = self._rows(session, ids)
            if not rows:
                return None
            person = session.get(Person, rows[0].person_id)
            if person is None or person.status != PersonStatus.ACTIVE.value:
                self._set(session, rows, Status.UNREACHABLE, "erased", now)
                return None
            if person.telegram_chat_id is None:
                self._set(session, rows, Status.UNREACHABLE, "not_registered", now)
                return None
            if person.unreachable_at is not None:
                self._set(session, rows, Status.UNREACHABLE, "blocked", now)
                return None
            live = []
            for row in rows:
                reason = skip_reason(session, row)
                if reason is None and row.expires_at is not None and row.expires_at <= now:
                    reason = SKIP_STALE
                if reason is not None:
                    self._set(session, [row], Status.SKIPPED, reason, now)
                else:
                    live.append(row)
            if not live:
                return None
            zone = zone_of(session, person.organization_id, self.config.default_zone)
            when = self._deliverable_at(session, person, live, zone, now)
            if when > now:
                for row in live:
                    if row.expires_at is not None and when >= row.expires_at:
                        self._set(session, [row], Status.SKIPPED, SKIP_STALE, now)
                    else:
                        row.status, row.not_before, row.updated_at = Status.PENDING.value, when, now
                        row.claimed_by = None
                        session.add(row)
                return None
            rendered = self.renderer.render(session, person, live)
            if rendered is None:
                self._set(session, live, Status.SKIPPED, SKIP_NOTHING, now)
                return None
            return person.telegram_chat_id, rendered, [r.id for r in live if r.id is not None]

    def _deliverable_at(
        self, session: Session, person: Person, rows: list[OutboxMessage], zone: str, now: datetime
    ) -> datetime:
        working = any(row.kind in WORKING_DAY_KINDS for row in rows)
        when = self.calendar.deliverable_at(now, zone, working_days_only=working)
        if any(row.kind in BUNDLED_KINDS for row in rows) and self._nudged_today(
            session, person, when, zone
        ):
            # At most one nudge message a day: the rest wait for the next working morning.
            tz = ZoneInfo(zone)
            tomorrow = when.astimezone(tz).date() + timedelta(days=1)
            start = datetime.combine(tomorrow, WORKDAY_START, tz)
            when = self.calendar.deliverable_at(start, zone, working_days_only=True)
        return when

    def _nudged_today(self, session: Session, person: Person, when: datetime, zone: str) -> bool:
        tz = ZoneInfo(zone)
        day_start = datetime.combine(when.astimezone(tz).date(), datetime.min.time(), tz)
        query = select(OutboxMessage.id).where(
            OutboxMessage.person_id == person.id,
            col(OutboxMessage.kind).in_(BUNDLED_KINDS),
            OutboxMessage.status == Status.SENT.value,
            col(OutboxMessage.sent_at) >= day_start,
        )
        return session.exec(query).first() is not None

    def _failed_send(self, ids: list[int], error: SendError) -> None:
        now = self.clock.now()
        with unit_of_work(self.engine) as session:
            rows = self._rows(session, ids)
            if isinstance(error, Unreachable):
                self._set(session, rows, Status.UNREACHABLE, str(error), now)
                if rows:
                    person = session.get(Person, rows[0].person_id)
                    if person is not None:
                        person.unreachable_at = now
                        session.add(person)
                return
            if isinstance(error, Rejected):
                log.warning("Telegram rejected outbox rows %s: %s", ids, error)
                self._set(session, rows, Status.FAILED, str(error), now)
                return
            if isinstance(error, RetryLater):
                self.pacer.pause(error.seconds)
                for row in rows:
                    # Not the row's fault: a 429 does not use up one of its attempts.
                    row.attempts = max(0, row.attempts - 1)
                    later = now + timedelta(seconds=error.seconds)
                    self._retry(session, row, later, str(error), now)
                return
            for row in rows:
                if row.attempts >= self.config.max_attempts:
                    self._set(session, [row], Status.FAILED, str(error), now)
                else:
                    delay = self.config.backoff * (2 ** max(0, row.attempts - 1))
                    self._retry(session, row, now + delay, str(error), now)

    @staticmethod
    def _retry(
        session: Session, row: OutboxMessage, when: datetime, error: str, now: datetime
    ) -> None:
        row.status = Status.PENDING.value
        row.not_before = when
        row.last_error = error[:300]
        row.claimed_by = None
        row.updated_at = now
        session.add(row)

    def _finish(self, ids: list[int], status: Status, error: str) -> None:
        with unit_of_work(self.engine) as session:
            self._set(session, self._rows(session, ids), status, error, self.clock.now())

    @staticmethod
    def _rows(session: Session, ids: Iterable[int]) -> list[OutboxMessage]:
        query = select(OutboxMessage).where(
            col(OutboxMessage.id).in_(list(ids)),
            OutboxMessage.status == Status.SENDING.value,
        )
        return list(session.exec(query.order_by(col(OutboxMessage.id))))

    @staticmethod
    def _set(
        session: Session, rows: list[OutboxMessage], status: Status, error: str, now: datetime
    ) -> None:
        for row in rows:
            row.status = status.value
            row.last_error = error[:300]
            row.updated_at = now
            session.add(row)
