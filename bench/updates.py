"""The update path under load: the real bot (durable inbox included) against a bare echo bot.

Run:  .venv/bin/python -m bench.updates [--people 200] [--think 2.0] [--seconds 20]

Simulated people, each a sandbox user, send a typed text, wait for the answer, think
(exponentially distributed, mean --think seconds) and send again, for --seconds; then the same
people send without thinking for --seconds / 2 (saturation). The same load goes first to a bare
python-telegram-bot echo bot (one handler, no database), then to the real Pokjanal bot polling
the same sandbox with a SQLite file: registered kader typing text the bot does not understand,
which walks the whole text router. Both run in this process, on this event loop, beside the
sandbox, so they share the same handicap. The sandbox's flood limits are off: this measures the
bot, not Telegram's 30 messages a second.

Goals (issue 11): saturated throughput >= 0.8 x the echo's; p99 with think time <= 2 x the
echo's. Database statements and transactions per update are counted on the engine.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import ALLOWED_UPDATES, build_application, start_services, stop_services
from bot.database import open_database
from bot.settings import Settings
from sandbox import Sandbox
from sandbox.users import SandboxUser
from tests.factories import registered_sandbox_people

TOKEN = "123456789:BENCH-UPDATES"


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


async def _person(user: SandboxUser, phase: Phase, stop: float, think: float, seed: int) -> None:
    rng = random.Random(seed)
    loop = asyncio.get_running_loop()
    n = 0
    while loop.time() < stop:
        seen = len(user.messages)
        started = loop.time()
        await user.send_text(f"halo {n}")
        await user.wait_for(lambda _m, seen=seen: len(user.messages) > seen, timeout=60)
        phase.latencies.append(loop.time() - started)
        n += 1
        if think:
            await asyncio.sleep(min(rng.expovariate(1 / think), max(0.0, stop - loop.time())))


async def _load(users: list[SandboxUser], seconds: float, think: float) -> Phase:
    phase = Phase()
    loop = asyncio.get_running_loop()
    started = loop.time()
    stop = started + seconds
    await asyncio.gather(*(_person(u, phase, stop, think, i) for i, u in enumerate(users)))
    phase.seconds = loop.time() - started
    return phase


async def _echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None and update.message is not None
    await update.effective_chat.send_message(update.message.text or "?")


async def _measure(
    app: Application[Any, Any, Any, Any, Any, Any],
    users: list[SandboxUser],
    args: argparse.Namespace,
    start: Any,
) -> tuple[Phase, Phase]:
    await start()
    await _load(users, 2.0, 0.0)  # warm-up: every chat has spoken once
    thinking = await _load(users, args.seconds, args.think)
    saturated = await _load(users, args.seconds / 2, 0.0)
    return thinking, saturated


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = open_database(url)
        async with Sandbox(rate_limit=None, per_chat_rate=None) as sandbox:
            sandbox.create_bot(TOKEN, username="bench_bot")
            users = registered_sandbox_people(sandbox, engine, args.people, first_phone=7300000)

            echo = ApplicationBuilder().token(TOKEN).base_url(sandbox.api_url).build()
            echo.add_handler(MessageHandler(filters.TEXT, _echo))

            async def start_echo() -> None:
                await echo.start()
                assert echo.updater is not None
                await echo.updater.start_polling(poll_interval=0, timeout=1)

            async with echo:
                echo_thinking, echo_saturated = await _measure(echo, users, args, start_echo)
                assert echo.updater is not None
                await echo.updater.stop()
                await echo.stop()

            settings = Settings(
                telegram_token=TOKEN,  # type: ignore[arg-type]
                telegram_api_url=sandbox.api_url,
                database_url=url,
                quiet_hours="off",
                tick_seconds=3600,  # no planning during the run: only the updates are counted
                _env_file=None,  # type: ignore[call-arg]
            )
            bot = build_application(settings, engine=engine)
            counts = {"transactions": 0, "statements": 0}

            def on_begin(_connection: Any) -> None:
                counts["transactions"] += 1

            def on_statement(*_args: Any) -> None:
                counts["statements"] += 1

            async def start_bot() -> None:
                await start_services(bot)
                await bot.start()
                assert bot.updater is not None
                await bot.updater.start_polling(
                    poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES
                )
                event.listen(engine, "begin", on_begin)
                event.listen(engine, "before_cursor_execute", on_statement)

            async with bot:
                bot_thinking, bot_saturated = await _measure(bot, users, args, start_bot)
                assert bot.updater is not None
                await bot.updater.stop()
                await bot.stop()
                await stop_services(bot)
            updates = len(bot_thinking.latencies) + len(bot_saturated.latencies)
            updates += len(users)  # the warm-up
            engine.dispose()
            assert sandbox.errors == [], sandbox.errors[:3]

    def row(name: str, thinking: Phase, saturated: Phase) -> str:
        return (
            f"| {name} | {thinking.throughput:.0f}/s | {thinking.percentile(50):.1f} | "
            f"{thinking.percentile(95):.1f} | {thinking.percentile(99):.1f} | "
            f"{saturated.throughput:.0f}/s | {saturated.percentile(99):.1f} |"
        )

    print(
        f"{args.people} people, think {args.think} s, {args.seconds:.0f} s + saturated "
        f"{args.seconds / 2:.0f} s; {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    print("| bot | with think time | p50 ms | p95 ms | p99 ms | saturated | p99 ms |")
    print("|---|---|---|---|---|---|---|")
    print(row("bare echo (python-telegram-bot)", echo_thinking, echo_saturated))
    print(row("Pokjanal (inbox, per-chat lanes)", bot_thinking, bot_saturated))
    ratio_throughput = bot_saturated.throughput / echo_saturated.throughput
    ratio_p99 = bot_thinking.percentile(99) / echo_thinking.percentile(99)
    print(
        f"saturated throughput: {ratio_throughput:.2f} x the echo (goal >= 0.8); "
        f"p99 with think time: {ratio_p99:.2f} x the echo (goal <= 2)"
    )
    print(
        f"per update: {counts['statements'] / updates:.1f} statements, "
        f"{counts['transactions'] / updates:.2f} transactions ({updates} updates)"
    )
    median = statistics.median(bot_thinking.latencies) * 1000
    print(f"median think-time latency, bot: {median:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--think", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    started = time.perf_counter()
    asyncio.run(run(parser.parse_args()))
    print(f"({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
