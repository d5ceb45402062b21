"""Round-trip throughput of a bare echo bot (python-telegram-bot, polling) via the sandbox.

Run: .venv/bin/python -m bench.echo [count]
Each round trip is send_text -> getUpdates wakes -> handler -> sendMessage -> next_message.
Around 20/s would mean a Nagle/delayed-ACK stall or a long poll that is not woken.
"""

from __future__ import annotations

import asyncio
import sys
import time

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from sandbox import Sandbox

TOKEN = "123456:BENCH"


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def echo_round_trips(count: int = 300) -> float:
    """Round trips per second, measured after a short warm-up."""
    async with Sandbox(rate_limit=None, per_chat_rate=None) as sb:
        sb.create_bot(TOKEN)
        app = (
            ApplicationBuilder()
            .token(TOKEN)
            .base_url(sb.api_url)
            .base_file_url(sb.file_url)
            .build()
        )
        app.add_handler(MessageHandler(filters.TEXT, _echo))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            try:
                user = sb.create_user("Bench", phone="+628000")
                for i in range(5):
                    await user.send_text(f"warm {i}")
                    await user.next_message(timeout=5)
                started = time.perf_counter()
                for i in range(count):
                    await user.send_text(f"pesan {i}")
                    reply = await user.next_message(timeout=5)
                    assert reply.text == f"pesan {i}"
                elapsed = time.perf_counter() - started
            finally:
                await app.updater.stop()
                await app.stop()
        assert sb.errors == []
    return count / elapsed


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    rate = asyncio.run(echo_round_trips(n))
    print(f"{n} echo round trips: {rate:.0f}/s ({1000 / rate:.2f} ms each)")
