"""One dispatcher draining the outbox: used in-process by the tests and as a separate process.

As a process (``python -m tests.pg.worker URL BATCH``) it prints ``ready``, waits for a line on
stdin so that both processes start at the same moment, drains the outbox, and prints one JSON
line: its worker name and the chat ids it delivered to.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from handlers.outbox_views import OutboxRenderer
from models.clock import SystemClock
from models.db import make_engine
from models.messages import Rendered
from models.outbox import OutboxMessage, Status
from scheduler.calendar import Calendar
from scheduler.dispatcher import DispatchConfig, Dispatcher
from scheduler.pacing import Pacer
from scheduler.ports import Recipient
from tests.fakes import RecordingSender

RATE = 5000.0  # messages a second: pacing stays in the code path but costs almost nothing


class YieldingSender(RecordingSender):
    """Records like RecordingSender, but yields to the event loop on every send, as I/O would."""

    async def send(self, recipient: Recipient, message: Rendered) -> str:
        await asyncio.sleep(0)
        return await super().send(recipient, message)

    def chats(self) -> list[int]:
        return [chat for chat, _ in self.sent]


def build_dispatcher(engine: Engine, sender: YieldingSender, *, batch: int) -> Dispatcher:
    return Dispatcher(
        engine=engine,
        sender=sender,
        renderer=OutboxRenderer("Pokjanal Posyandu"),
        calendar=Calendar(None),
        clock=SystemClock(),
        config=DispatchConfig(rate=RATE, default_zone="Asia/Jakarta", batch=batch),
        pacer=Pacer(RATE, per_chat_interval=0),
    )


def unfinished(engine: Engine) -> int:
    """Rows still pending or in flight (claimed, not yet marked)."""
    with Session(engine) as session:
        query = select(func.count()).where(
            col(OutboxMessage.status).in_([Status.PENDING.value, Status.SENDING.value])
        )
        return session.exec(query).one()


async def drain(dispatcher: Dispatcher, *, timeout: float = 120.0) -> None:
    """Run rounds until nothing is pending or in flight anywhere (the other worker included)."""
    deadline = time.monotonic() + timeout
    while True:
        if await dispatcher.run_once():
            continue
        if unfinished(dispatcher.engine) == 0:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{unfinished(dispatcher.engine)} outbox rows never finished")
        await asyncio.sleep(0.01)  # the other worker still has rows in flight


def main(url: str, batch: int) -> None:
    engine = make_engine(url)
    try:
        sender = YieldingSender()
        dispatcher = build_dispatcher(engine, sender, batch=batch)
        print("ready", flush=True)
        sys.stdin.readline()
        asyncio.run(drain(dispatcher))
        print(json.dumps({"worker": dispatcher.worker, "chats": sender.chats()}), flush=True)
    finally:
        engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
