"""Every update answered exactly once and in order per chat, across a SIGKILL of `pokjanal run`.

The updates are queued while the bot is down, the real process starts and answers some of
them, and is killed with SIGKILL while it is in the middle of handling others: their replies
are held by the sandbox (as a slow network would) and never reach anyone. The restarted process
must answer what is left, in order, without answering anything twice. The same by webhook,
where the sandbox re-posts what got no 2xx, as Telegram does.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from bot.database import open_database
from models.inbox import InboxUpdate
from sandbox import Sandbox
from sandbox.users import SandboxUser
from tests.factories import registered_sandbox_people
from tests.flows.conftest import TOKEN, pokjanal_run
from tests.flows.test_delivery import eventually

CHATS = 20
# Three commands a chat, each with a reply that tells which command it answers.
SEQUENCE = (("/profil", "Profil Anda"), ("/bantuan", "<b>Perintah</b>"), ("/undangan", "Tidak ada"))
SECRET = "rahasia-webhook-uji_123"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def replies(user: SandboxUser) -> list[str]:
    """Which command each reply of the bot answers, in the order they arrived."""
    out = []
    for message in user.messages:
        html = message.html
        out.append(next((cmd for cmd, needle in SEQUENCE if needle in html), html[:30]))
    return out


def bot_env(sandbox: Sandbox, database_url: str, port: int | None) -> dict[str, str]:
    env = {
        **os.environ,
        "POKJANAL_TELEGRAM_TOKEN": TOKEN,
        "POKJANAL_TELEGRAM_API_URL": sandbox.api_url,
        "POKJANAL_DATABASE_URL": database_url,
        "POKJANAL_QUIET_HOURS": "off",
    }
    if port is not None:
        env["POKJANAL_WEBHOOK_URL"] = f"http://127.0.0.1:{port}/telegram"
        env["POKJANAL_WEBHOOK_SECRET"] = SECRET
    return env


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_sigkill_mid_way_then_restart_answers_every_update_once_in_order(
    tmp_path: Path, mode: str
) -> None:
    database_url = f"sqlite:///{tmp_path / 'inbox.db'}"
    engine = open_database(database_url)
    sandbox = Sandbox(rate_limit=None, per_chat_rate=None)
    await sandbox.start(host="127.0.0.1", port=0)
    sandbox.create_bot(token=TOKEN, username="pokjanal_test_bot", first_name="Pokjanal Bot")
    users = registered_sandbox_people(sandbox, engine, CHATS, first_phone=7100000)
    port = free_port() if mode == "webhook" else None
    args = ("--webhook", "--listen", "127.0.0.1", "--port", str(port)) if port else ()
    env = bot_env(sandbox, database_url, port)
    # While the bot is down: 60 updates across 20 chats.
    for command, _ in SEQUENCE:
        for user in users:
            await user.send_text(command)

    def answered() -> int:
        return sum(len(u.messages) for u in users)

    first = await pokjanal_run(env, tmp_path, capture=False, args=args)
    try:
        await eventually(lambda: answered() >= 15, timeout=60)
        # From now on every reply is held and then dropped: the updates being handled at the
        # kill are cut off before their answer reached anyone.
        sandbox.faults.delay("sendMessage", seconds=30, times=None, execute=False)
        await asyncio.sleep(1.0)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        sandbox.faults.clear()
        killed_at = answered()
        assert killed_at < CHATS * len(SEQUENCE), "all answered before the kill: proves nothing"
        with Session(engine) as session:
            left = session.exec(
                select(InboxUpdate).where(col(InboxUpdate.status) == "pending")
            ).all()
        assert left, "nothing was left pending at the kill"

        second = await pokjanal_run(env, tmp_path, capture=False, args=args)
        try:
            await eventually(lambda: answered() >= CHATS * len(SEQUENCE), timeout=90)
            with Session(engine) as session:
                await eventually(
                    lambda: all(row.status == "done" for row in session.exec(select(InboxUpdate))),
                    timeout=15,
                )
            await asyncio.sleep(0.5)  # room for a duplicate to show up, were there one
        finally:
            second.send_signal(signal.SIGINT)
            assert await asyncio.wait_for(second.wait(), timeout=30) == 0
    finally:
        if first.returncode is None:
            first.kill()
        await sandbox.stop()
        engine.dispose()
    expected = [command for command, _ in SEQUENCE]
    for user in users:
        assert replies(user) == expected, (user.first_name, user.last_name, replies(user))
    with Session(open_database(database_url, upgrade=False)) as session:
        rows = session.exec(select(InboxUpdate)).all()
    assert len(rows) == CHATS * len(SEQUENCE)  # one row per update, however often it came
