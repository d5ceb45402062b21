"""`pokjanal run` with WhatsApp, as deployed: the process serves Meta's webhook (verified,
signed) beside Telegram's polling, and a district on WhatsApp only runs with no Telegram token."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bot.database import open_database
from models.clock import FrozenClock
from sandbox import Sandbox
from tests.conftest import DATA
from tests.flows.conftest import (
    TOKEN,
    WA_NUMBER,
    WA_PHONE_ID,
    WA_SECRET,
    WA_TOKEN,
    load_roster,
    pokjanal_run,
    stop_and_read_log,
)
from tests.flows.test_inbox_crash import free_port
from whatsapp.templates import TemplateBook, definitions

SITTI = ("Sitti Aminah", "+6285312345678")


async def subscribed(number: object, url: str, process: asyncio.subprocess.Process) -> None:
    """Meta's dashboard verifies the callback once the process listens (it starts in a few
    seconds); until then the handshake cannot connect."""
    for _ in range(150):
        try:
            await number.subscribe(url, "verify-me")  # type: ignore[attr-defined]
            return
        except Exception:
            if process.returncode is not None:
                raise
            await asyncio.sleep(0.2)
    raise AssertionError("the webhook never answered the verification")


@pytest.mark.parametrize("telegram", [True, False], ids=["beside-telegram", "whatsapp-only"])
async def test_pokjanal_run_serves_the_whatsapp_webhook(
    tmp_path: Path, clock: FrozenClock, telegram: bool
) -> None:
    database_url = f"sqlite:///{tmp_path / 'wa.db'}"
    engine = open_database(database_url)
    load_roster(engine, DATA / "roster-with-errors.csv", clock)
    engine.dispose()
    sandbox = Sandbox()
    await sandbox.start(host="127.0.0.1", port=0)
    sandbox.create_bot(token=TOKEN, username="pokjanal_test_bot", first_name="Pokjanal Bot")
    number = sandbox.create_whatsapp_number(
        phone_id=WA_PHONE_ID,
        display_phone_number=WA_NUMBER,
        token=WA_TOKEN,
        app_secret=WA_SECRET,
        waba_id="2001",
    )
    for definition in definitions(TemplateBook()):
        number.approve_template(definition)
    port = free_port()
    env = {
        **os.environ,
        "POKJANAL_DATABASE_URL": database_url,
        "POKJANAL_QUIET_HOURS": "off",
        "POKJANAL_WHATSAPP_PHONE_ID": WA_PHONE_ID,
        "POKJANAL_WHATSAPP_TOKEN": WA_TOKEN,
        "POKJANAL_WHATSAPP_APP_SECRET": WA_SECRET,
        "POKJANAL_WHATSAPP_VERIFY_TOKEN": "verify-me",
        "POKJANAL_WHATSAPP_API_URL": sandbox.whatsapp_api_url,
        "POKJANAL_WHATSAPP_WEBHOOK_URL": f"http://127.0.0.1:{port}/whatsapp",
    }
    env.pop("POKJANAL_TELEGRAM_TOKEN", None)
    if telegram:
        env["POKJANAL_TELEGRAM_TOKEN"] = TOKEN
        env["POKJANAL_TELEGRAM_API_URL"] = sandbox.api_url
    process = await pokjanal_run(env, tmp_path, args=("--listen", "127.0.0.1", "--port", str(port)))
    try:
        await subscribed(number, f"http://127.0.0.1:{port}/whatsapp", process)
        sitti = sandbox.create_whatsapp_user(name=SITTI[0], phone=SITTI[1])
        await sitti.send_text("DAFTAR")
        await sitti.wait_for(lambda ms: any("pemberitahuan privasi" in m.text for m in ms), 10)
        await sitti.press("Setuju")
        await sitti.wait_for(lambda ms: any("Akun Anda sudah terhubung" in m.text for m in ms))
        # Meta sends the last envelope again: handled once, nothing answered twice.
        count = len(sitti.messages)
        assert await number.redeliver_last() == 200
        assert await number.post_raw(b"{}", "sha256=00") == 403  # a forged POST
        await sitti.send_text("UNDANGAN")
        await sitti.wait_for(lambda ms: any("Tidak ada undangan" in m.text for m in ms))
        assert len(sitti.messages) == count + 1
        if telegram:  # Telegram still polls beside it
            cadre = sandbox.create_user(
                first_name="Hasrul", last_name="Nawir", phone="+6281141000001"
            )
            await cadre.send_text("/start")
            assert "pemberitahuan privasi" in (await cadre.next_message(timeout=10)).text
    finally:
        log = await stop_and_read_log(process)
        await sandbox.stop()
    assert "whatsapp only" in log or telegram
