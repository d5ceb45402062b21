"""Wiring of the delivery engine into the application: dispatcher task, tick job, lock.

One in-memory APScheduler job ("tick", through python-telegram-bot's JobQueue) runs the
planners and wakes the dispatcher; the database is the truth, so no reminder is a job of its
own and a restart loses nothing. The dispatcher itself is one long-running task that sleeps
until the next row is due or until it is woken.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from telegram.ext import Application, ContextTypes

from bot.sender import TelegramSender
from bot.settings import Settings
from handlers.outbox_views import OutboxRenderer
from models import heartbeat
from models.clock import Clock
from models.outbox import release_in_flight
from scheduler.calendar import Calendar
from scheduler.dispatcher import DispatchConfig, Dispatcher
from scheduler.ports import Sender

log = logging.getLogger(__name__)

DELIVERY_KEY = "pokjanal.delivery"
Planner = Callable[[Session], int]


class DeliveryLocked(Exception):
    """Another process already delivers from this SQLite file."""

    def __init__(self, database: Path) -> None:
        super().__init__(
            f"another pokjanal process already delivers messages from {database}; "
            "on SQLite only one may run (use PostgreSQL for several)"
        )
        self.database = database


class SqliteDispatcherLock:
    """On SQLite only one dispatcher may run: a second would send the same rows twice.

    An advisory lock beside the database file, released by the OS if the process dies.
    """

    def __init__(self, database_path: Path) -> None:
        self.database = database_path
        self.path = database_path.with_name(database_path.name + ".dispatcher.lock")
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        handle = self.path.open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise DeliveryLocked(self.database) from None
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class Delivery:
    def __init__(
        self, settings: Settings, engine: Engine, clock: Clock, *, send_timeout: float | None = None
    ) -> None:
        self.settings = settings
        self.send_timeout = send_timeout
        self.engine = engine
        self.clock = clock
        self.planners: list[Planner] = []
        self.senders: dict[str, Sender] = {}  # other channels' senders (WhatsApp)
        self._planning = threading.Lock()
        self.dispatcher: Dispatcher | None = None
        self._task: asyncio.Task[None] | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._lock: SqliteDispatcherLock | None = None
        url = engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            # resolve(): the same file through a symlink must meet the same lock.
            self._lock = SqliteDispatcherLock(Path(url.database).resolve())

    def wake(self) -> None:
        if self.dispatcher is not None:
            self.dispatcher.wake()

    async def start(self, app: Application[Any, Any, Any, Any, Any, Any] | None) -> None:
        """Start delivering; ``app`` None for a WhatsApp-only district (no Telegram bot)."""
        if self._lock is not None:
            self._lock.acquire()
            # We are the only dispatcher: whatever a crash left "sending" goes out again.
            with Session(self.engine) as session:
                released = release_in_flight(session, now=self.clock.now())
            if released:
                log.info("resending %d message(s) that were in flight at the last stop", released)
        self.dispatcher = Dispatcher(
            engine=self.engine,
            sender=TelegramSender(app.bot, timeout=self.send_timeout) if app is not None else None,
            renderer=OutboxRenderer(
                self.settings.body_name, clock=self.clock.now, zone=self.settings.timezone
            ),
            calendar=Calendar(self.settings.quiet_window),
            clock=self.clock,
            config=DispatchConfig(
                rate=self.settings.rate_limit,
                default_zone=self.settings.timezone,
                whatsapp_rate=self.settings.whatsapp_rate,
            ),
            senders=self.senders,
        )
        self._stop.clear()
        self._start_task()
        if app is None:
            self._ticker = asyncio.create_task(self._tick_forever())
        elif app.job_queue is not None:
            app.job_queue.run_repeating(
                self._tick,
                interval=self.settings.tick_seconds,
                first=0,
                name="tick",
                job_kwargs={
                    "id": "tick",
                    "replace_existing": True,
                    "max_instances": 1,
                    "coalesce": True,
                    "misfire_grace_time": max(60, int(self.settings.tick_seconds)),
                },
            )

    def _start_task(self) -> None:
        assert self.dispatcher is not None
        self._task = asyncio.create_task(self.dispatcher.run_forever(self._stop))
        self._task.add_done_callback(self._on_task_done)

    def _on_task_done(self, task: asyncio.Task[None]) -> None:
        """run_forever survives errors by design; if it ends anyway, log it and start again."""
        if self._stop.is_set() or task.cancelled():
            return
        log.error("the dispatcher stopped unexpectedly (%r); restarting it", task.exception())
        self._start_task()

    async def _tick_forever(self) -> None:
        """The tick without python-telegram-bot's job queue (a WhatsApp-only district)."""
        while not self._stop.is_set():
            try:
                await self._tick(None)
            except Exception:
                log.exception("the tick failed; trying again at the next one")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.settings.tick_seconds)

    async def _tick(self, _context: ContextTypes.DEFAULT_TYPE | None) -> None:
        # Planning reads only what came due (issue 15: milliseconds at a million rows), but a
        # big moment (a meeting's 24-hour nudges to thousands) still takes seconds: in a worker
        # thread, committed in batches, so replies to people are not kept waiting meanwhile.
        await asyncio.to_thread(self._plan_and_beat)
        self.wake()

    def _plan_and_beat(self) -> None:
        self.plan()
        self.beat()

    def beat(self) -> None:
        """Tell `pokjanal health` (another process) that this dispatcher is alive: one row,
        rewritten each tick, only while the dispatcher task really runs."""
        if self.dispatcher is None or self._task is None or self._task.done():
            return
        try:
            with Session(self.engine) as session:
                heartbeat.beat(session, now=self.clock.now(), worker=self.dispatcher.worker)
                session.commit()
        except SQLAlchemyError as exc:  # the health check will say so; delivery goes on
            log.warning("could not record the dispatcher's heartbeat: %s", exc)

    def tick(self) -> int:
        """Run every planner once and wake the dispatcher; return how many rows were new."""
        queued = self.plan()
        self.wake()
        return queued

    def plan(self) -> int:
        """Run every planner once; return how many rows were new. One run at a time in this
        process: the tick's worker thread and a direct call never plan side by side."""
        with self._planning:
            return self._plan_once()

    def _plan_once(self) -> int:
        queued = 0
        for planner in list(self.planners):
            try:
                with Session(self.engine) as session:
                    queued += planner(session)
                    session.commit()
            except Exception:  # one broken planner must not stop the others
                log.exception("planner %s failed", getattr(planner, "__name__", planner))
        return queued

    async def stop(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        if self._task is not None:
            # What is still in flight after the grace period stays "sending" and goes out
            # again at the next start: repeated at most, never lost.
            try:
                await asyncio.wait_for(self._task, timeout=10)
            except (asyncio.CancelledError, TimeoutError):
                pass
            except Exception:  # a dead dispatcher must not break the shutdown
                log.exception("the dispatcher ended with an error")
            self._task = None
        if self._lock is not None:
            self._lock.release()
