"""The durable inbox wired into python-telegram-bot: store first, acknowledge after, handle once.

python-telegram-bot acknowledges a batch of updates (the offset of the next ``getUpdates``)
without waiting for any handler, and its own update fetcher then handles them from memory: a
crash loses whatever sat in that queue. Here the queue's ``put`` only keeps the update, and
the getUpdates-only request object (``StoreBeforePolling``) writes the batch to the inbox table
in one transaction just before the call whose offset confirms it; only then do the updates go
to per-chat lanes. The webhook server (``bot.webhook``) stores each update (``receive_payload``)
before it answers 200.

Lanes: updates of one chat are handled in order, one at a time; different chats run
concurrently (up to ``max_chats``), so a slow export does not stall everyone. Each update is
marked done (or failed, with the error) right after its handler returns; what a crash left
pending is handled first at the next start.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from telegram import Update
from telegram.error import NetworkError
from telegram.ext import Application

from bot.http import AiohttpRequest
from handlers.common import expected_error
from handlers.deps import CURRENT_UNIT
from models import inbox
from models.clock import Clock
from models.db import SharedUnit, unit_of_work

log = logging.getLogger(__name__)

TELEGRAM = "telegram"
INBOX_KEY = "pokjanal.inbox"
DEFAULT_MAX_CHATS = 16  # chats handled at once; more only queue for the 8 connections
STOP_GRACE_SECONDS = 10.0
FINISH_RETRY_SECONDS = 0.5

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def chat_key_of(update: Update) -> str:
    """The conversation an update belongs to: its chat, else its sender, else nothing."""
    if update.effective_chat is not None:
        return str(update.effective_chat.id)
    if update.effective_user is not None:
        return f"user:{update.effective_user.id}"
    return ""


@dataclass
class _Item:
    inbox_id: int
    update: Update | None
    payload: str
    seq: int = 0  # Telegram's update_id: the order within a chat, whatever the arrival order
    channel: str = TELEGRAM


@dataclass
class _Lane:
    items: deque[_Item] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None


class Inbox:
    """Receives updates durably and handles them through ``app.process_update``."""

    def __init__(self, engine: Engine, clock: Clock, *, max_chats: int = DEFAULT_MAX_CHATS):
        self.engine = engine
        self.clock = clock
        self._app: AnyApplication | None = None
        self._lanes: dict[str, _Lane] = {}
        self._slots = asyncio.Semaphore(max_chats)
        self._errors: dict[int, BaseException] = {}
        self._accepting = False
        self._batch: list[tuple[inbox.Incoming, Update | None]] = []
        self._queued: set[int] = set()  # in a lane, not yet marked handled
        # How other channels' stored messages are handled (WhatsApp: its router).
        self.channel_handlers: dict[str, Callable[[str], Awaitable[None]]] = {}
        self.handled = 0
        self.failed = 0
        self.idle = asyncio.Event()
        self.idle.set()

    # -- receiving -------------------------------------------------------------------------

    def _store(self, batch: list[tuple[inbox.Incoming, Update | None]]) -> None:
        """One transaction for the batch, then each new update to its chat's lane.

        Runs on the event loop's thread: the inbox's writes and the lanes' "done" marks then
        never wait for each other's SQLite lock.
        """
        with unit_of_work(self.engine) as session:
            new = inbox.receive_many(session, [item for item, _ in batch], now=self.clock.now())
            again = [
                (item.channel, item.external_id)
                for item, _ in batch
                if f"{item.channel}:{item.external_id}" not in new
            ]
            # Stored before: usually handled already. But when the first delivery's commit
            # went through and its answer was lost, the row is pending and in no lane yet.
            lost = inbox.still_pending(session, again) if again else []
        for item, update in batch:
            row = new.get(f"{item.channel}:{item.external_id}")
            if row is not None:
                self._submit(
                    item.chat_key, _Item(row, update, item.payload, item.seq, item.channel)
                )
        for pending in lost:
            if pending.id not in self._queued:
                self._submit(pending.chat_key, _item_of(pending))

    async def receive_update(self, update: Update) -> None:
        """Polling (``put`` of the update queue): keep the update for the batch's write.

        Nothing is acknowledged yet: the Updater confirms a batch with the offset of its next
        ``getUpdates``, and ``flush`` (called just before that request) stores the batch in one
        transaction first. A crash before then loses nothing: Telegram sends it again.
        """
        payload = json.dumps(update.to_dict(), ensure_ascii=False, separators=(",", ":"))
        item = inbox.Incoming(
            TELEGRAM, str(update.update_id), chat_key_of(update), update.update_id, payload
        )
        self._batch.append((item, update))

    def flush(self) -> None:
        """Store what the Updater fetched; raises (and keeps the batch) when it cannot."""
        if not self._batch:
            return
        batch = self._batch
        try:
            self._store(batch)
        except Exception as exc:
            log.error("inbox: cannot store %d update(s), not confirming them: %s", len(batch), exc)
            # A NetworkError makes python-telegram-bot's polling loop back off and try again,
            # without sending the offset that would confirm the batch to Telegram.
            raise NetworkError(f"the inbox cannot store updates: {exc}") from exc
        self._batch = []

    async def receive_items(self, items: list[inbox.Incoming]) -> None:
        """Another channel's webhook (WhatsApp): store its messages, then queue them."""
        self._store([(item, None) for item in items])

    async def receive_payload(self, data: dict[str, Any], raw: str) -> None:
        """Webhook: store the posted JSON as it came, parsed or not, then queue it.

        A body the library cannot read as an Update is still stored (and then marked failed
        with the reason), so the secretariat can see it in ``pokjanal health``.
        """
        update_id = data.get("update_id")
        external_id = (
            str(update_id)
            if isinstance(update_id, int)
            else "unparsed:" + hashlib.sha256(raw.encode()).hexdigest()[:40]
        )
        update: Update | None = None
        key = ""
        if self._app is not None:
            try:
                update = Update.de_json(data, self._app.bot)
                key = chat_key_of(update)
            except Exception:  # parsed again, and reported, by the lane
                update = None
        seq = update_id if isinstance(update_id, int) else 0
        self._store([(inbox.Incoming(TELEGRAM, external_id, key, seq, raw), update)])

    # -- running ---------------------------------------------------------------------------

    async def start(self, app: AnyApplication | None) -> int:
        """Hand out what the last run left unhandled, before any new update is taken.

        ``app`` None: a WhatsApp-only district, with no Telegram updates to handle."""
        self._app = app
        if app is not None:
            app.add_error_handler(self._note_error)
        with unit_of_work(self.engine) as session:  # on the loop's thread, as every inbox write
            pending = inbox.recover(session, now=self.clock.now())
        self._accepting = True
        for item in pending:
            self._submit(item.chat_key, _item_of(item))
        if pending:
            log.info("inbox: handling %d update(s) left from the last run", len(pending))
        return len(pending)

    async def stop(self) -> None:
        """Let the updates being handled finish; the rest stays pending for the next start."""
        self._accepting = False
        for lane in self._lanes.values():
            lane.items.clear()
        tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=STOP_GRACE_SECONDS)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        self._lanes.clear()
        self._queued.clear()
        self.idle.set()

    def _submit(self, chat_key: str, item: _Item) -> None:
        if not self._accepting:
            return  # stored and pending: the next start handles it
        self._queued.add(item.inbox_id)
        lane = self._lanes.setdefault(chat_key, _Lane())
        # In update order: a webhook re-sent after a failed answer may arrive after a newer one.
        position = len(lane.items)
        while position and lane.items[position - 1].seq > item.seq:
            position -= 1
        lane.items.insert(position, item)
        if lane.task is None or lane.task.done():
            self.idle.clear()
            lane.task = asyncio.get_running_loop().create_task(
                self._run_lane(chat_key, lane), name=f"inbox-lane-{chat_key}"
            )

    async def _run_lane(self, chat_key: str, lane: _Lane) -> None:
        try:
            async with self._slots:
                while lane.items:
                    item = lane.items.popleft()
                    try:
                        await self._handle(item)
                    except Exception:  # a bug of ours: the row stays pending, the chat goes on
                        log.exception("inbox %d: not handled", item.inbox_id)
                    finally:
                        self._queued.discard(item.inbox_id)
        finally:
            if self._lanes.get(chat_key) is lane and not lane.items:
                del self._lanes[chat_key]
            if not self._lanes:
                self.idle.set()

    async def _handle(self, item: _Item) -> None:
        if item.channel != TELEGRAM:
            await self._handle_other(item)
            return
        assert self._app is not None
        error: str | None = None
        try:
            update = item.update or Update.de_json(json.loads(item.payload), self._app.bot)
        except Exception as exc:
            update = None
            error = f"unreadable update: {exc!r}"
            log.error("inbox %d: %s", item.inbox_id, error)
        unit = SharedUnit(self.engine)
        token = CURRENT_UNIT.set(unit)
        try:
            if update is not None:
                # process_update hands a handler's exception to the error handlers (one of
                # which is _note_error) and does not raise it: the failure is collected there.
                try:
                    await self._app.process_update(update)
                except Exception as exc:  # process_update catches handler errors: a bug
                    self._errors[update.update_id] = exc
                raised = self._errors.pop(update.update_id, None)
                if raised is not None:
                    error = f"{type(raised).__name__}: {raised}"
                    unit.rollback()  # half a step of a failed handler is not kept
            if not await self._finish(unit, item.inbox_id, error):
                return
        finally:
            CURRENT_UNIT.reset(token)
            unit.close()
        self._count(error)

    async def _handle_other(self, item: _Item) -> None:
        """A message of another channel: its handler, in the same unit of work and with the
        same "done or failed" bookkeeping as a Telegram update."""
        handler = self.channel_handlers.get(item.channel)
        if handler is None:  # the channel is switched off in this run: kept for a run with it
            log.warning("inbox %d: no handler for %s; left pending", item.inbox_id, item.channel)
            return
        error: str | None = None
        unit = SharedUnit(self.engine)
        token = CURRENT_UNIT.set(unit)
        try:
            try:
                await handler(item.payload)
            except Exception as exc:
                if not expected_error(exc):
                    log.exception("inbox %d: the %s handler failed", item.inbox_id, item.channel)
                    error = f"{type(exc).__name__}: {exc}"[:1000]
                    unit.rollback()  # half a step of a failed handler is not kept
            if not await self._finish(unit, item.inbox_id, error):
                return
        finally:
            CURRENT_UNIT.reset(token)
            unit.close()
        self._count(error)

    async def _finish(self, unit: SharedUnit, inbox_id: int, error: str | None) -> bool:
        """Mark the row done (or failed) in the same transaction as whatever the handler did
        after its last send; once more on its own if that fails. False: it stays pending, and
        the next start handles it again (a repeat, never a loss)."""
        try:
            with unit.block() as session:
                inbox.finish(session, inbox_id, now=self.clock.now(), error=error)
            return True
        except Exception:
            log.warning("inbox %d: could not mark it handled; trying once more", inbox_id)
        await asyncio.sleep(FINISH_RETRY_SECONDS)
        try:
            with unit_of_work(self.engine) as session:
                inbox.finish(session, inbox_id, now=self.clock.now(), error=error)
            return True
        except Exception:
            log.exception("inbox %d: could not mark it handled", inbox_id)
            return False

    def _count(self, error: str | None) -> None:
        if error is None:
            self.handled += 1
        else:
            self.failed += 1

    async def _note_error(self, update: object, context: Any) -> None:
        """An error handler: remember which update failed, unless the failure is expected."""
        error = context.error
        if isinstance(update, Update) and error is not None and not expected_error(error):
            self._errors[update.update_id] = error

    def prune(self) -> int:
        with unit_of_work(self.engine) as session:
            return inbox.prune(session, now=self.clock.now())


class DurableUpdateQueue(asyncio.Queue[object]):
    """``Application.update_queue`` whose ``put`` of an Update hands it to the inbox's batch
    (stored by ``Inbox.flush`` before the next ``getUpdates`` confirms it).

    Anything else (python-telegram-bot's own stop signal) passes through untouched.
    """

    def __init__(self, receive: Callable[[Update], Any]) -> None:
        super().__init__()
        self._receive = receive

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            await self._receive(item)
        else:
            await super().put(item)


class StoreBeforePolling(AiohttpRequest):
    """The request object of ``getUpdates`` only: its ``offset`` confirms the last batch to
    Telegram, so the inbox stores that batch before each call goes out.

    (python-telegram-bot sends ``getUpdates`` past the rate limiter, so this is the one place
    every poll passes.)
    """

    def __init__(self, before_poll: Callable[[], None]) -> None:
        # Long polling's own timeout is added by python-telegram-bot to the read timeout.
        super().__init__(connection_pool_size=1)
        self._before_poll = before_poll

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        self._before_poll()
        return await super().do_request(*args, **kwargs)


def _item_of(pending: inbox.Pending) -> _Item:
    return _Item(pending.id, None, pending.payload, pending.seq, pending.channel)


def inbox_of(app: AnyApplication) -> Inbox:
    found: Inbox = app.bot_data[INBOX_KEY]
    return found
