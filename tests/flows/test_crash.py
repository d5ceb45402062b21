"""A `pokjanal run` killed with SIGKILL mid-broadcast loses nothing when it comes back."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from sqlmodel import Session, select

from bot.database import open_database
from models import broadcasts
from models.clock import SystemClock
from models.db import unit_of_work
from models.outbox import OutboxMessage
from sandbox import Sandbox
from tests.factories import registered_sandbox_people
from tests.flows.conftest import TOKEN, pokjanal_run
from tests.flows.test_delivery import eventually

PEOPLE = 200
RATE = 25


async def test_sigkill_mid_broadcast_then_restart_delivers_everything(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'crash.db'}"
    engine = open_database(database_url)
    sandbox = Sandbox()
    await sandbox.start(host="127.0.0.1", port=0)
    sandbox.create_bot(token=TOKEN, username="pokjanal_test_bot", first_name="Pokjanal Bot")
    now = SystemClock().now()
    users = registered_sandbox_people(sandbox, engine, PEOPLE, first_phone=6000000)
    env = {
        **os.environ,
        "POKJANAL_TELEGRAM_TOKEN": TOKEN,
        "POKJANAL_TELEGRAM_API_URL": sandbox.api_url,
        "POKJANAL_DATABASE_URL": database_url,
        "POKJANAL_QUIET_HOURS": "off",
        "POKJANAL_TICK_SECONDS": "1",
        "POKJANAL_RATE_LIMIT": str(RATE),
    }

    def delivered() -> int:
        return sum(1 for u in users if any("Siaran uji" in (m.text or "") for m in u.messages))

    first = await pokjanal_run(env, tmp_path, capture=False)
    try:
        with unit_of_work(engine) as session:
            broadcasts.create(session, author_id=None, specs=["all"], text="Siaran uji", now=now)
        await eventually(lambda: delivered() >= 60, timeout=60)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        killed_at = delivered()
        assert killed_at < PEOPLE, "the broadcast finished before the kill: the test proves nothing"
        second = await pokjanal_run(env, tmp_path, capture=False)
        try:
            await eventually(lambda: delivered() == PEOPLE, timeout=60)
            with Session(engine) as session:
                await eventually(
                    lambda: all(r.status == "sent" for r in session.exec(select(OutboxMessage))),
                    timeout=10,
                )
        finally:
            second.send_signal(signal.SIGINT)
            await asyncio.wait_for(second.wait(), timeout=30)
    finally:
        if first.returncode is None:
            first.kill()
        await sandbox.stop()
        engine.dispose()
    copies = [sum("Siaran uji" in (m.text or "") for m in u.messages) for u in users]
    assert min(copies) == 1  # nobody lost
    duplicates = sum(c - 1 for c in copies)
    # Only messages in flight at the kill may repeat: at most the sends running at once.
    assert duplicates <= 2 * RATE, duplicates
