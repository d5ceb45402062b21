"""The dispatcher: claims due outbox rows and delivers them, paced, retried and accounted for.

Every row ends in exactly one of sent, failed, skipped or unreachable. A row is marked
``sending`` (claimed) before the call and ``sent`` after it, so a crash between the two repeats
at most the messages in flight, and never loses one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from models.clock import Clock
from models.db import unit_of_work
from models.organizations import zone_of
from models.outbox import (
    BUNDLED_KINDS,
    ONCE_A_DAY_KINDS,
    WORKING_DAY_KINDS,
    OutboxMessage,
    Status,
    apply_early_statuses,
    claim_due,
    claim_more_bundled,
    confirm_claim,
    next_due,
    take_nudge_day,
)
from models.people import Person, PersonStatus, whatsapp_window_open
from models.subjects import SKIP_NOTHING, SKIP_STALE, skip_reason
from scheduler.calendar import WORKDAY_START, Calendar
from scheduler.pacing import Pacer
from scheduler.ports import (
    Recipient,
    Rejected,
    Rendered,
    Renderer,
    RetryLater,
    Sender,
    SendError,
    TooFast,
    Transient,
    Unreachable,
)

log = logging.getLogger(__name__)

RETRY_AFTER_ATTEMPTS = 5
TELEGRAM, WHATSAPP = "telegram", "whatsapp"


@dataclass
class DispatchConfig:
    rate: float = 25.0
    default_zone: str = "Asia/Jakarta"
    batch: int = 100
    max_attempts: int = 5
    backoff: timedelta = timedelta(seconds=2)
    lease: timedelta = timedelta(minutes=5)
    idle_wait: float = 5.0
    whatsapp_rate: float = 70.0  # the Cloud API allows about 80/s per number by default


@dataclass(frozen=True)
class DueRules:
    """What ``_prepare`` checked, kept to check again after the wait in the pacer without the
    database: the call then follows its slot at once (see ``_send_on``)."""

    zone: str
    working_days_only: bool
    expires_at: datetime | None  # the earliest of the rows'
    claimed_at: datetime | None  # the oldest claim of the rows


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Dispatcher:
    def __init__(
        self,
        *,
        engine: Engine,
        sender: Sender | None,
        renderer: Renderer,
        senders: dict[str, Sender] | None = None,
        calendar: Calendar,
        clock: Clock,
        config: DispatchConfig | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self.engine = engine
        self.sender = sender
        # One sender per channel (``sender`` is Telegram's), each with its own pace.
        self.senders: dict[str, Sender] = {
            **({TELEGRAM: sender} if sender else {}),
            **(senders or {}),
        }
        self.pacers: dict[str, Pacer] = {}
        self.renderer = renderer
        self.calendar = calendar
        self.clock = clock
        self.config = config or DispatchConfig()
        self.pacer = pacer or Pacer(self.config.rate)
        self.pacers = {
            channel: self.pacer if channel == TELEGRAM else Pacer(self.config.whatsapp_rate)
            for channel in (TELEGRAM, *self.senders)
        }
        self.worker = worker_name()
        self._wake = asyncio.Event()
        self._in_flight = asyncio.Semaphore(self._in_flight_places)
        self._stop: asyncio.Event | None = None

    def wake(self) -> None:
        """New rows were queued: look now instead of at the next idle timeout."""
        self._wake.set()

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; no error ends this loop (a database restart, a bug in
        one message): it is logged and the loop carries on after a short wait."""
        self._stop = stop
        while not stop.is_set():
            try:
                handled = await self.run_once()
                if not handled:
                    await self._idle(stop)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("dispatcher round failed; retrying shortly")
                await self._pause_after_error(stop)

    async def _pause_after_error(self, stop: asyncio.Event) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=self.config.idle_wait)

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
        """Claim what is due now and deliver it; return how many rows were handled.

        The next batch is claimed while the last messages of this one are still on their way
        (once less than half a batch is left and nothing waits for a place in flight), so the
        pacer never runs dry between batches: waiting for a batch's last answer, then claiming
        and preparing the next one, cost 0.3 s every 100 messages at 30/s. Once nothing more is
        due (or the dispatcher is stopping), what is in flight is finished and the round ends.
        """
        low = min(self._in_flight_places, self.config.batch // 2)
        handled = 0
        running: set[asyncio.Task[None]] = set()
        try:
            while not (self._stop is not None and self._stop.is_set()):
                ids = self._claim()
                if not ids:
                    break
                handled += len(ids)
                running |= {asyncio.create_task(self._guarded(g)) for g in self._group(ids)}
                while len(running) > low:
                    done, running = await asyncio.wait(running, return_when="FIRST_COMPLETED")
                    self._log_failed(done)
            await self._wait_for(running)
        except asyncio.CancelledError:
            for task in running:
                task.cancel()  # what was in flight stays "sending" and goes out again later
            raise
        except Exception:
            await self._wait_for(running)  # a claim failed: what is in flight ends first
            raise
        return handled

    async def _wait_for(self, running: set[asyncio.Task[None]]) -> None:
        if running:
            done, _ = await asyncio.wait(running)
            self._log_failed(done)

    @property
    def _in_flight_places(self) -> int:
        return max(1, int(self.config.rate * 2))

    @staticmethod
    def _log_failed(tasks: Iterable[asyncio.Task[None]]) -> None:
        for task in tasks:
            if not task.cancelled() and task.exception() is not None:
                # _guarded catches everything; belt and braces
                log.error("delivery task ended with %r", task.exception())

    def _claim(self) -> list[int]:
        now = self.clock.now()
        with Session(self.engine) as session:
            ids = claim_due(
                session,
                now=now,
                limit=self.config.batch,
                worker=self.worker,
                lease=self.config.lease,
            )
            if ids:
                bundled = self._people_with_bundles(session, ids)
                more = claim_more_bundled(session, person_ids=bundled, now=now, worker=self.worker)
                ids = sorted(set(ids) | set(more))
        return ids

    @staticmethod
    def _people_with_bundles(session: Session, ids: list[int]) -> list[int]:
        query = select(OutboxMessage.person_id).where(
            col(OutboxMessage.id).in_(ids), col(OutboxMessage.kind).in_(BUNDLED_KINDS)
        )
        return sorted(set(session.exec(query)))

    def _group(self, ids: list[int]) -> list[list[int]]:
        """Bundled kinds (nudges, escalations) go out as one message per person and kind; the
        rest one by one."""
        with Session(self.engine) as session:
            rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))).all()
        bundles: dict[tuple[int, str], list[int]] = defaultdict(list)
        singles: list[list[int]] = []
        for row in sorted(rows, key=lambda r: (r.not_before, r.id or 0)):
            assert row.id is not None
            if row.kind in BUNDLED_KINDS:
                bundles[(row.person_id, row.kind)].append(row.id)
            else:
                singles.append([row.id])
        return singles + list(bundles.values())

    async def _guarded(self, ids: list[int]) -> None:
        async with self._in_flight:
            try:
                await self._deliver(ids)
            except SQLAlchemyError as error:
                # The database hiccupped before or after the call: try again later. (If the
                # message did go out, this is the documented in-flight repeat.)
                log.warning("database error while delivering %s: %s", ids, error)
                self._safely(self._failed_send, ids, Transient(f"database: {error}"[:200]))
            except Exception as error:
                log.exception("delivering outbox rows %s failed unexpectedly", ids)
                reason = f"internal error: {error.__class__.__name__}"
                self._safely(self._finish, ids, Status.FAILED, reason)

    def _safely(self, action: Callable[..., None], *args: object) -> None:
        """Record an outcome; if even that fails the rows stay ``sending`` and the lease
        brings them back, so nothing is lost."""
        try:
            action(*args)
        except Exception:
            log.exception("could not record the outcome of outbox rows %s", args[0])

    async def _deliver(self, ids: list[int]) -> None:
        prepared = self._prepare(ids)
        if prepared is None:
            return
        recipients, rendered, send_ids, rules = prepared
        for number, recipient in enumerate(recipients):
            sent = await self._send_on(recipient, rendered, send_ids, rules)
            if isinstance(sent, str):
                self._mark_sent(send_ids, sent, recipient.channel)
                return
            if sent is None:
                return  # no longer ours or no longer due: nothing more to do
            last = number == len(recipients) - 1
            if isinstance(sent, Unreachable) and not last:
                # Unreachable on this channel: the person's other channel, once.
                log.info(
                    "rows %s: %s unreachable, trying the other channel", ids, recipient.channel
                )
                self._safely(self._mark_channel_unreachable, send_ids, recipient.channel)
                continue
            self._failed_send(send_ids, sent, recipient.channel)
            return

    async def _send_on(
        self,
        recipient: Recipient,
        rendered: Rendered,
        ids: list[int],
        rules: DueRules | None = None,
    ) -> str | SendError | None:
        """One channel's attempt: the message id, the error that ended it, or None.

        The call follows the pacer's slot at once: Telegram counts a message when the request
        arrives, so database work in between (on a busy loop, milliseconds that vary) would
        bunch requests up and draw 429s at the cap. After a short wait the time rules are checked
        again in memory (``_still_due``); after a 429 or a long wait, in the database.
        """
        pacer = self.pacers[recipient.channel]
        sender = self.senders[recipient.channel]
        for attempt in range(1, RETRY_AFTER_ATTEMPTS + 1):
            await pacer.wait_turn(f"{recipient.channel}:{recipient.address}")
            quick = attempt == 1 and rules is not None and self._still_due(rules)
            if not quick and not self._still_ours_and_due(ids):
                return None
            try:
                return await sender.send(recipient, rendered)
            except RetryLater as error:
                # A 429 throttles everyone, it is not this row's fault: pause all sending and
                # try again in place; only a throttle that never lifts goes back to the queue.
                pacer.pause(error.seconds, slow=error.throttle)
                if attempt == RETRY_AFTER_ATTEMPTS:
                    return error
            except SendError as error:
                return error
        return None  # pragma: no cover - the loop always returns

    def _mark_channel_unreachable(self, ids: list[int], channel: str) -> None:
        now = self.clock.now()
        with unit_of_work(self.engine) as session:
            rows = self._rows(session, ids)
            person = session.get(Person, rows[0].person_id) if rows else None
            if person is not None:
                _set_unreachable(person, channel, now)
                session.add(person)

    def _mark_sent(self, ids: list[int], message_id: str, channel: str) -> None:
        """After a successful call the row must say so: retried, and never marked failed."""
        for attempt in range(3):
            try:
                now = self.clock.now()
                requeued = False
                sent: list[OutboxMessage] = []
                with unit_of_work(self.engine) as session:
                    for row in self._rows(session, ids):
                        row.status = Status.SENT.value
                        row.channel = channel
                        if channel == TELEGRAM:
                            row.telegram_message_id = int(message_id)
                            row.external_id = None  # a WhatsApp id from an earlier try
                        else:
                            row.external_id = message_id  # Meta's statuses may come first
                        row.sent_at = now
                        row.updated_at = now
                        row.last_error = ""
                        session.add(row)
                        sent.append(row)
                    if channel != TELEGRAM and apply_early_statuses(session, sent, now=now):
                        requeued = any(row.status == Status.PENDING.value for row in sent)
                if requeued:
                    self.wake()  # back in the queue (as the template, or for the other channel)
                return
            except SQLAlchemyError:
                log.warning("could not mark %s sent (attempt %d)", ids, attempt + 1)
        log.error("rows %s were delivered but stay 'sending'; they may be sent again", ids)

    def _still_due(self, rules: DueRules) -> bool:
        """The time rules still allow the call and the claim is certainly still ours: no other
        process may take rows before their lease runs out, and half of it has not."""
        now = self.clock.now()
        if rules.claimed_at is None or now - rules.claimed_at >= self.config.lease / 2:
            return False
        if rules.expires_at is not None and rules.expires_at <= now:
            return False
        zone, working = rules.zone, rules.working_days_only
        return self.calendar.deliverable_at(now, zone, working_days_only=working) <= now

    def _still_ours_and_due(self, ids: list[int]) -> bool:
        """Right before the call: renew our claim, and re-check the time rules, because the
        wait in the pacer (429 pauses included) may have crossed into quiet hours or past the
        event."""
        now = self.clock.now()
        with unit_of_work(self.engine) as session:
            if not confirm_claim(session, ids, worker=self.worker, now=now):
                log.info("rows %s were re-claimed by another process; not sending", ids)
                return False
            rows = self._rows(session, ids)
            person = session.get(Person, rows[0].person_id) if rows else None
            if person is None:
                return False
            zone = zone_of(session, person.organization_id, self.config.default_zone)
            working = any(row.kind in WORKING_DAY_KINDS for row in rows)
            when = self.calendar.deliverable_at(now, zone, working_days_only=working)
            if when > now or any(r.expires_at is not None and r.expires_at <= now for r in rows):
                self._defer(session, rows, when, now)
                return False
        return True

    def _prepare(
        self, ids: list[int]
    ) -> tuple[list[Recipient], Rendered, list[int], DueRules] | None:
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
            if not person.has_channel:
                self._set(session, rows, Status.UNREACHABLE, "not_registered", now)
                return None
            recipients = self._recipients(person, rows, now)
            if not recipients:
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
                self._defer(session, live, when, now)
                return None
            rendered = self.renderer.render(session, person, live)
            if rendered is None:
                self._set(session, live, Status.SKIPPED, SKIP_NOTHING, now)
                return None
            expiries = [row.expires_at for row in live if row.expires_at is not None]
            claims = [row.claimed_at for row in live if row.claimed_at is not None]
            rules = DueRules(
                zone,
                any(row.kind in WORKING_DAY_KINDS for row in live),
                min(expiries, default=None),
                min(claims) if len(claims) == len(live) else None,
            )
            return recipients, rendered, [r.id for r in live if r.id is not None], rules

    def _recipients(
        self, person: Person, rows: list[OutboxMessage], now: datetime
    ) -> list[Recipient]:
        """The person's channels this process can send on, the preferred one first."""
        kinds = tuple(sorted({row.kind for row in rows}))
        # Set by a status webhook: the window had closed (send the template), or the number
        # could not take it (the other channel, once).
        as_template = any((row.payload or {}).get("template") for row in rows)
        not_on = {(row.payload or {}).get("not_on") for row in rows}
        window = whatsapp_window_open(person, now) and not as_template
        return [
            Recipient(
                account.channel.value,
                str(account.chat_id) if account.channel.value == TELEGRAM else account.key,
                window if account.channel.value == WHATSAPP else True,
                kinds,
                person.language,
            )
            for account in person.accounts()
            if account.channel.value in self.senders and account.channel.value not in not_on
        ]

    def _defer(
        self, session: Session, rows: list[OutboxMessage], when: datetime, now: datetime
    ) -> None:
        """Back to the queue until ``when``, or skipped when that is after the event."""
        for row in rows:
            if row.expires_at is not None and when >= row.expires_at:
                self._set(session, [row], Status.SKIPPED, SKIP_STALE, now)
                continue
            row.status, row.not_before, row.updated_at = Status.PENDING.value, when, now
            row.claimed_by = None
            row.attempts = max(0, row.attempts - 1)  # waiting is not a failed attempt
            session.add(row)

    def _deliverable_at(
        self, session: Session, person: Person, rows: list[OutboxMessage], zone: str, now: datetime
    ) -> datetime:
        working = any(row.kind in WORKING_DAY_KINDS for row in rows)
        when = self.calendar.deliverable_at(now, zone, working_days_only=working)
        if when > now or not any(row.kind in ONCE_A_DAY_KINDS for row in rows):
            return when
        tz = ZoneInfo(zone)
        assert person.id is not None
        first = min(row.id for row in rows if row.id is not None)
        today = when.astimezone(tz).date()
        if take_nudge_day(session, person_id=person.id, day=today.isoformat(), first_row_id=first):
            return when
        # At most one nudge message a day: the rest wait for the next working morning.
        start = datetime.combine(today + timedelta(days=1), WORKDAY_START, tz)
        return self.calendar.deliverable_at(start, zone, working_days_only=True)

    def _failed_send(self, ids: list[int], error: SendError, channel: str = TELEGRAM) -> None:
        now = self.clock.now()
        pacer = self.pacers.get(channel, self.pacer)
        with unit_of_work(self.engine) as session:
            rows = self._rows(session, ids)
            if isinstance(error, Unreachable):
                self._set(session, rows, Status.UNREACHABLE, str(error), now)
                if rows:
                    person = session.get(Person, rows[0].person_id)
                    if person is not None:
                        _set_unreachable(person, channel, now)
                        session.add(person)
                return
            if isinstance(error, Rejected):
                log.warning("%s rejected outbox rows %s: %s", channel, ids, error)
                self._set(session, rows, Status.FAILED, str(error), now)
                return
            if isinstance(error, TooFast):
                for row in rows:
                    row.attempts = max(0, row.attempts - 1)
                    later = now + timedelta(seconds=error.seconds)
                    self._retry(session, row, later, str(error), now)
                return
            if isinstance(error, RetryLater):
                pacer.pause(error.seconds, slow=error.throttle)
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

    def _rows(self, session: Session, ids: Iterable[int]) -> list[OutboxMessage]:
        """Our claimed rows among ``ids``: another worker's (after a lease) are not ours to
        finish."""
        query = select(OutboxMessage).where(
            col(OutboxMessage.id).in_(list(ids)),
            OutboxMessage.status == Status.SENDING.value,
            OutboxMessage.claimed_by == self.worker,
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


def _set_unreachable(person: Person, channel: str, now: datetime) -> None:
    if channel == WHATSAPP:
        person.whatsapp_unreachable_at = now
    else:
        person.unreachable_at = now
