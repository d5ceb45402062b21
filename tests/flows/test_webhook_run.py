"""`pokjanal run --webhook` as deployed: the secret is checked, a re-sent update is handled once,
an update the bot cannot read is set aside (and counted by `pokjanal health`) without blocking
its chat."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
from sqlmodel import Session, select

from bot.database import open_database
from models.clock import SystemClock
from models.inbox import InboxUpdate
from sandbox import Sandbox
from sandbox.users import SandboxUser
from tests.factories import registered_sandbox_people
from tests.flows.conftest import TOKEN, pokjanal_run, stop_and_read_log
from tests.flows.test_delivery import eventually
from tests.flows.test_inbox_crash import SECRET, bot_env, free_port

HEADER = "X-Telegram-Bot-Api-Secret-Token"


def command_update(update_id: int, user: SandboxUser, command: str) -> dict[str, Any]:
    """A Telegram update as Telegram posts it: a private message with a command entity."""
    person = {"id": user.id, "is_bot": False, "first_name": user.first_name}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(SystemClock().now().timestamp()),
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": person,
            "text": command,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        },
    }


async def test_webhook_checks_the_secret_and_handles_a_resent_update_once(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'hook.db'}"
    engine = open_database(database_url)
    sandbox = Sandbox()
    await sandbox.start(host="127.0.0.1", port=0)
    sandbox.create_bot(token=TOKEN, username="pokjanal_test_bot", first_name="Pokjanal Bot")
    sitti, dewi = registered_sandbox_people(sandbox, engine, 2, first_phone=7200000)
    port = free_port()
    env = bot_env(sandbox, database_url, port)
    url = f"http://127.0.0.1:{port}/telegram"
    process = await pokjanal_run(
        env, tmp_path, args=("--webhook", "--listen", "127.0.0.1", "--port", str(port))
    )
    try:
        # The bot registered its webhook with the sandbox: Telegram's side sees it.
        await eventually(lambda: sandbox.world.bots[TOKEN].webhook is not None, timeout=30)
        async with aiohttp.ClientSession() as http:
            hello = command_update(9001, sitti, "/bantuan")
            for attempt in range(2):  # Telegram re-sends when it did not see the 200
                async with http.post(url, json=hello, headers={HEADER: SECRET}) as response:
                    assert response.status == 200, attempt
            forged = command_update(9002, dewi, "/bantuan")
            async with http.post(url, json=forged, headers={HEADER: SECRET + "x"}) as response:
                assert response.status == 403
            async with http.post(url, json=forged) as response:
                assert response.status == 403
            # Valid JSON the library cannot read as an update (a message without its chat).
            broken = {"update_id": 9003, "message": {"message_id": 3, "text": "rusak"}}
            async with http.post(url, json=broken, headers={HEADER: SECRET}) as response:
                assert response.status == 200
            after = command_update(9004, sitti, "/profil")
            async with http.post(url, json=after, headers={HEADER: SECRET}) as response:
                assert response.status == 200
        await eventually(lambda: len(sitti.messages) >= 2, timeout=30)
        with Session(engine) as session:
            await eventually(
                lambda: all(row.status != "pending" for row in session.exec(select(InboxUpdate))),
                timeout=15,
            )
        await asyncio.sleep(0.5)  # room for a second answer, were there one
    finally:
        try:
            await stop_and_read_log(process)
        finally:
            await sandbox.stop()
    texts = [m.html for m in sitti.messages]
    assert len(texts) == 2 and "Perintah" in texts[0] and "Profil Anda" in texts[1], texts
    assert dewi.messages == []  # the forged posts were not handled
    with Session(engine) as session:
        rows = {row.external_id: row for row in session.exec(select(InboxUpdate))}
    assert set(rows) == {"9001", "9003", "9004"}
    assert rows["9003"].status == "failed" and "unreadable" in (rows["9003"].error or "")
    health = subprocess.run(
        [sys.executable, "-m", "bot", "health"],
        env={**os.environ, "POKJANAL_DATABASE_URL": database_url},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert health.returncode == 1, health.stdout + health.stderr  # a failure in the last day
    assert "1 gagal" in health.stdout and "telegram:9003" in health.stdout, health.stdout
    engine.dispose()
