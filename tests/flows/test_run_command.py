"""`pokjanal run` as deployed: a separate process talking to a Bot-API-compatible server."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.database import open_database
from models.clock import FrozenClock
from sandbox import Sandbox
from tests.conftest import DATA
from tests.flows.conftest import TOKEN, load_roster, stop_and_read_log
from tests.flows.test_registration import SITTI, register


async def test_pokjanal_run_registers_by_contact_and_refuses_a_forwarded_one(
    tmp_path: Path, clock: FrozenClock
) -> None:
    database_url = f"sqlite:///{tmp_path / 'run.db'}"
    engine = open_database(database_url)
    load_roster(engine, DATA / "roster-with-errors.csv", clock)
    engine.dispose()
    sandbox = Sandbox()
    await sandbox.start(host="127.0.0.1", port=0)
    sandbox.create_bot(token=TOKEN, username="pokjanal_test_bot", first_name="Pokjanal Bot")
    env = {
        **os.environ,
        "POKJANAL_TELEGRAM_TOKEN": TOKEN,
        "POKJANAL_TELEGRAM_API_URL": sandbox.api_url,
        "POKJANAL_DATABASE_URL": database_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        forger = sandbox.create_user(first_name="Orang", last_name="Lain", phone="+6281377776666")
        await forger.send_text("/start")
        await forger.next_message(timeout=30)  # the first answer waits for the process to start
        await forger.press("Setuju")
        await forger.next_message()
        await forger.share_contact(phone=SITTI[1], first_name="Sitti", user_id=None)
        assert "bukan nomor" in (await forger.next_message()).text

        sitti = sandbox.create_user(first_name="Sitti", last_name="Aminah", phone=SITTI[1])
        assert "Terima kasih, Sitti Aminah" in await register(sitti)

        # A second process on the same SQLite file would send every message twice: refused.
        second = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        refusal, _ = await asyncio.wait_for(second.communicate(), timeout=60)
        assert second.returncode == 1
        assert "hanya satu yang boleh berjalan" in refusal.decode()
        assert "Traceback" not in refusal.decode()
    finally:
        try:
            log = await stop_and_read_log(process)
        finally:
            await sandbox.stop()
    assert "85312345678" not in log  # phone numbers are masked in logs
