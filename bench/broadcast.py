"""Broadcast benchmark: N recipients through the sandbox, the real bot and delivery engine.

Run:  .venv/bin/python -m bench.broadcast [--count 2000] [--rate 25] [--telegram-rate 30] [--busy 1]

--rate is POKJANAL_RATE_LIMIT (the engine's pace); --telegram-rate is the sandbox's strict
global limit (Telegram's ~30/s, a sliding one-second window); --busy starts that many processes
spinning on the CPU for the run (a shared machine). Reports the achieved rate against --rate, the
429s the sandbox answered (and when, in seconds from the first send), duplicates and losses.
Goals: >= 0.95 of the rate, no loss, no sustained 429s (issue 3); at --rate 30 against a 30/s
server, >= 0.95 of the cap over 3,000 messages (issue 15).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.app import ALLOWED_UPDATES, build_application, start_services, stop_services
from bot.database import open_database
from bot.settings import Settings
from models import broadcasts
from models.clock import SystemClock
from models.db import unit_of_work
from sandbox import Sandbox
from tests.factories import registered_sandbox_people

TOKEN = "123456789:BENCH-BROADCAST"


def _spin() -> None:
    while True:
        pass


@contextmanager
def busy(processes: int) -> Iterator[None]:
    """Other work on the machine, as on a shared server."""
    spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(processes)]
    for spinner in spinners:
        spinner.start()
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.terminate()
            spinner.join()


async def run(count: int, rate: float, telegram_rate: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = open_database(url)
        async with Sandbox(rate_limit=telegram_rate) as sandbox:
            sandbox.create_bot(TOKEN, username="bench_bot")
            now = SystemClock().now()
            users = registered_sandbox_people(sandbox, engine, count, first_phone=7000000)
            settings = Settings(
                telegram_token=TOKEN,  # type: ignore[arg-type]
                telegram_api_url=sandbox.api_url,
                database_url=url,
                quiet_hours="off",
                _env_file=None,  # type: ignore[call-arg]
            ).model_copy(update={"rate_limit": rate})
            app = build_application(settings, engine=engine)
            async with app:
                await start_services(app)
                await app.start()
                assert app.updater is not None
                await app.updater.start_polling(timeout=1, allowed_updates=ALLOWED_UPDATES)
                with unit_of_work(engine) as session:
                    created = broadcasts.create(
                        session, author_id=None, specs=["all"], text="Bench", now=now
                    )
                    broadcast_id = created.id
                assert broadcast_id is not None
                started = time.monotonic()
                app.bot_data["pokjanal.delivery"].wake()
                deadline = started + 10 * count / rate + 60
                while True:
                    with unit_of_work(engine) as session:
                        report = broadcasts.report(session, broadcast_id)
                    if report.waiting == 0:
                        break
                    if time.monotonic() > deadline:
                        waited = time.monotonic() - started
                        raise SystemExit(f"gave up: {report} after {waited:.0f} s")
                    await asyncio.sleep(0.25)  # the report is work on the engine's loop too
                elapsed = time.monotonic() - started
                await app.updater.stop()
                await app.stop()
                await stop_services(app)
            copies = [
                sum(m.text == "📢 Siaran Pokjanal Posyandu\n\nBench" for m in u.messages)
                for u in users
            ]
            calls = sandbox.calls_to("sendMessage")
            first = min((c.time for c in calls), default=0.0)
            throttled = [round(c.time - first, 1) for c in calls if c.status == 429]
        engine.dispose()
    return {
        "count": count,
        "rate": rate,
        "telegram_rate": telegram_rate,
        "seconds": round(elapsed, 2),
        "achieved": round(count / elapsed, 2),
        "ratio": round(count / elapsed / rate, 3),
        "http_429": len(throttled),
        "429_at_s": throttled[:20],
        "duplicates": sum(c - 1 for c in copies if c > 1),
        "lost": sum(1 for c in copies if c == 0),
        "failed": report.failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=25)
    parser.add_argument("--telegram-rate", type=int, default=30)
    parser.add_argument("--busy", type=int, default=0, help="CPU-bound processes beside the run")
    args = parser.parse_args()
    with busy(args.busy):
        result = asyncio.run(run(args.count, args.rate, args.telegram_rate))
    print(" | ".join(f"{k}={v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
