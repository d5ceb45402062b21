"""The update path under load: the real bot (durable inbox included) against a bare echo bot.

Run:  .venv/bin/python -m bench.updates [--people 200] [--think 2.0] [--seconds 20] [--rounds 3]

Simulated people, each a sandbox user, send a typed text, wait for the answer, think
(exponentially distributed, mean --think seconds) and send again, for --seconds; then the same
people send without thinking for --seconds / 2 (saturation). The same load goes first to a bare
python-telegram-bot echo bot (``bench.echo_bot``: one handler, no database), then to the real
bot, ``pokjanal run`` with a SQLite file: registered kader typing text the bot does not
understand, which goes through the inbox, the router and the fallback. Each bot is its own
process, as deployed; the sandbox and the people share this one. The sandbox's flood limits are
off: this measures the bot, not Telegram's 30 messages a second.

Goals (issue 11): saturated throughput >= 0.8 x the echo's; p99 with think time <= 2 x the
echo's. Database statements and transactions per typed text are counted afterwards on the
engine of an in-process bot (20 people, 5 texts each), since a separate process cannot be
counted from here.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench.running import percentile
from bot.app import ALLOWED_UPDATES, build_application, start_services, stop_services
from bot.database import open_database
from bot.inbox import inbox_of
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
        return percentile(self.latencies, p) * 1000


async def _person(
    user: SandboxUser, phase: Phase, stop: float, think: float, seed: int, first_timeout: float
) -> None:
    rng = random.Random(seed)
    loop = asyncio.get_running_loop()
    n = 0
    while loop.time() < stop:
        seen = len(user.messages)
        started = loop.time()
        await user.send_text(f"halo {n}")
        timeout = first_timeout if n == 0 else 60
        await user.wait_for(lambda _m: len(user.messages) > seen, timeout=timeout)  # noqa: B023
        phase.latencies.append(loop.time() - started)
        n += 1
        if think:
            await asyncio.sleep(min(rng.expovariate(1 / think), max(0.0, stop - loop.time())))


async def _load(
    users: list[SandboxUser], seconds: float, think: float, *, first_timeout: float = 60
) -> Phase:
    phase = Phase()
    loop = asyncio.get_running_loop()
    started = loop.time()
    stop = started + seconds
    await asyncio.gather(
        *(_person(u, phase, stop, think, i, first_timeout) for i, u in enumerate(users))
    )
    phase.seconds = loop.time() - started
    return phase


async def _measure(users: list[SandboxUser], args: argparse.Namespace) -> tuple[Phase, Phase]:
    await _load(users[:1], 0.1, 0.0, first_timeout=60)  # the process has started and answers
    await _load(users, 2.0, 0.0)  # warm-up: every chat has spoken once
    thinking = await _load(users, args.seconds, args.think)
    saturated = await _load(users, args.seconds / 2, 0.0)
    return thinking, saturated


async def _process(*command: str, env: dict[str, str], cwd: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        *command,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=open(os.environ.get("BENCH_LOG", os.devnull), "ab"),
    )


async def _stop(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGINT)
    try:
        await asyncio.wait_for(process.wait(), timeout=30)
    except TimeoutError:
        process.kill()


async def _cost_per_update(people: int, messages: int) -> tuple[float, float]:
    """Statements and transactions per update, counted on the engine of an in-process bot."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'cost.db'}"
        engine = open_database(url)
        async with Sandbox(rate_limit=None, per_chat_rate=None) as sandbox:
            sandbox.create_bot(TOKEN, username="bench_bot")
            users = registered_sandbox_people(sandbox, engine, people, first_phone=7400000)
            settings = Settings(
                telegram_token=TOKEN,  # type: ignore[arg-type]
                telegram_api_url=sandbox.api_url,
                database_url=url,
                quiet_hours="off",
                tick_seconds=3600,
                _env_file=None,  # type: ignore[call-arg]
            )
            bot = build_application(settings, engine=engine)
            counts = {"transactions": 0, "statements": 0}

            def on_begin(_connection: Any) -> None:
                counts["transactions"] += 1

            def on_statement(*_args: Any) -> None:
                counts["statements"] += 1

            async with bot:
                await start_services(bot)
                await bot.start()
                assert bot.updater is not None
                await bot.updater.start_polling(
                    poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES
                )
                await _load(users, 1.0, 0.0)  # warm-up, not counted
                event.listen(engine, "begin", on_begin)
                event.listen(engine, "before_cursor_execute", on_statement)
                for n in range(messages):
                    for user in users:
                        seen = len(user.messages)
                        await user.send_text(f"halo {n}")
                        await user.wait_for(lambda _m: len(user.messages) > seen)  # noqa: B023
                inbox = inbox_of(bot)
                while not inbox.idle.is_set():
                    await asyncio.sleep(0.01)
                event.remove(engine, "begin", on_begin)
                event.remove(engine, "before_cursor_execute", on_statement)
                await bot.updater.stop()
                await bot.stop()
                await stop_services(bot)
        engine.dispose()
    updates = people * messages
    return counts["statements"] / updates, counts["transactions"] / updates


async def run(args: argparse.Namespace) -> None:
    rounds: list[tuple[Phase, ...]] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = open_database(url)
        async with Sandbox(rate_limit=None, per_chat_rate=None) as sandbox:
            sandbox.create_bot(TOKEN, username="bench_bot")
            users = registered_sandbox_people(sandbox, engine, args.people, first_phone=7300000)
            engine.dispose()
            env = {**os.environ, "PTB_TIMEDELTA": "true"}
            bot_env = {
                **env,
                "POKJANAL_TELEGRAM_TOKEN": TOKEN,
                "POKJANAL_TELEGRAM_API_URL": sandbox.api_url,
                "POKJANAL_DATABASE_URL": url,
                "POKJANAL_QUIET_HOURS": "off",
                "POKJANAL_TICK_SECONDS": "3600",  # no planning during the run
            }
            root = str(Path(__file__).resolve().parent.parent)
            # Echo and bot take turns, round after round, so a slow moment of a shared machine
            # does not land on one of them only; the medians are compared.
            for _ in range(args.rounds):
                echo_phases: tuple[Phase, ...] = (Phase(latencies=[1.0], seconds=1.0),) * 4
                if not args.bot_only:
                    echo_phases = ()
                    for client in ("httpx", "aiohttp"):
                        echo = await _process(
                            "bench.echo_bot", sandbox.api_url, TOKEN, client, env=env, cwd=root
                        )
                        try:
                            echo_phases += await _measure(users, args)
                        finally:
                            await _stop(echo)
                bot = await _process("bot", "run", env=bot_env, cwd=tmp)
                try:
                    bot_phases = await _measure(users, args)
                finally:
                    await _stop(bot)
                rounds.append((*echo_phases, *bot_phases))
            assert sandbox.errors == [], sandbox.errors[:3]
    statements, transactions = await _cost_per_update(20, 5)

    def figures(thinking: Phase, saturated: Phase) -> tuple[float, ...]:
        return (
            thinking.throughput,
            thinking.percentile(50),
            thinking.percentile(95),
            thinking.percentile(99),
            saturated.throughput,
            saturated.percentile(99),
        )

    echoes = [figures(r[0], r[1]) for r in rounds]
    echoes_aiohttp = [figures(r[2], r[3]) for r in rounds]
    ours = [figures(r[4], r[5]) for r in rounds]

    def median(rows: list[tuple[float, ...]]) -> tuple[float, ...]:
        return tuple(statistics.median(column) for column in zip(*rows, strict=True))

    def row(name: str, f: tuple[float, ...]) -> str:
        return (
            f"| {name} | {f[0]:.0f}/s | {f[1]:.1f} | {f[2]:.1f} | {f[3]:.1f} | "
            f"{f[4]:.0f}/s | {f[5]:.1f} |"
        )

    print(
        f"{args.people} people, think {args.think} s, {args.seconds:.0f} s + saturated "
        f"{args.seconds / 2:.0f} s, median of {args.rounds} round(s); {os.cpu_count()} cores "
        f"{platform.machine()}, Python {platform.python_version()}"
    )
    print("| bot, own process | with think time | p50 ms | p95 ms | p99 ms | saturated | p99 ms |")
    print("|---|---|---|---|---|---|---|")
    echo_median, ours_median = median(echoes), median(ours)
    print(row("bare echo (python-telegram-bot, its default httpx)", echo_median))
    print(row("bare echo on aiohttp (bot/http.py), for reference", median(echoes_aiohttp)))
    print(row("`pokjanal run` (inbox, per-chat lanes)", ours_median))
    print(
        f"saturated throughput: {ours_median[4] / echo_median[4]:.2f} x the echo (goal >= 0.8); "
        f"p99 with think time: {ours_median[3] / echo_median[3]:.2f} x the echo (goal <= 2)"
    )
    for n, (e, o) in enumerate(zip(echoes, ours, strict=True), start=1):
        print(
            f"  round {n}: throughput {o[4] / e[4]:.2f} x, p99 {o[3] / e[3]:.2f} x "
            f"(echo {e[4]:.0f}/s, {e[3]:.0f} ms; bot {o[4]:.0f}/s, {o[3]:.0f} ms)"
        )
    print(f"per typed text: {statements:.1f} statements, {transactions:.2f} transactions")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--think", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=3, help="echo and bot take turns")
    parser.add_argument("--bot-only", action="store_true", help="skip the echo (for profiling)")
    started = time.perf_counter()
    asyncio.run(run(parser.parse_args()))
    print(f"({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
