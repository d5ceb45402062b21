"""`bench.scale --rss` and `--latency`: the real `pokjanal run` on a big database.

Both generate a SQLite database (``bench.scale_data``, dated now, so the bot's own clock finds
the same due set), start `pokjanal run` as its own process against the sandbox (as deployed,
and as the flow tests start it), and count the ticks it completes by its heartbeat row.

--rss: 50,000 people and 1,000 meetings (100,000 invitations, actions and outbox rows), a tick
every 5 s; VmRSS and VmHWM (the peak) are read from /proc every 100 ms. Goal: peak < 200 MB.

--latency: 100,000 rows, a tick every second (the ticks follow each other, so a message lands
in one); a registered sandbox user writes /bantuan, waits for the answer, pauses 0.2 s and
writes again. Goal: p99 < 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bench.running import bot_env, percentile, start_bot, stop_bot
from bench.scale_data import Shape, generate
from bot.database import open_database
from models import heartbeat
from sandbox import Sandbox
from tests.factories import registered_sandbox_people

TOKEN = "123456789:BENCH-SCALE"
MAX_WAIT = 600.0  # seconds: give up on ticks that never come


@dataclass
class Ticks:
    """Ticks the bot completed, seen as changes of its heartbeat."""

    engine: Engine
    seen: list[datetime] = field(default_factory=list)

    def poll(self) -> None:
        with Session(self.engine) as session:
            beat = heartbeat.last(session)
        if beat is not None and (not self.seen or beat != self.seen[-1]):
            self.seen.append(beat)

    @property
    def count(self) -> int:
        return len(self.seen)


def _memory(pid: int) -> tuple[int, int]:
    """VmRSS and VmHWM of ``pid``, in kB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields["VmRSS"], fields["VmHWM"]


async def _start_bot(
    url: str, sandbox: Sandbox, tick_seconds: float, cwd: Path
) -> asyncio.subprocess.Process:
    env = bot_env(TOKEN, sandbox.api_url, url, POKJANAL_TICK_SECONDS=str(tick_seconds))
    log = open(cwd / "bot.log", "ab")  # noqa: SIM115 - the child writes it until it ends
    return await start_bot(env, cwd, log)


def _prepare(tmp: Path, shape: Shape) -> tuple[str, float]:
    url = f"sqlite:///{tmp / 'run.db'}"
    engine = open_database(url)
    generated = generate(engine, shape, datetime.now(UTC).replace(microsecond=0))
    engine.dispose()
    return url, generated.seconds


async def rss(seconds: float, rows: int) -> None:
    shape = Shape.of(rows, people=min(50_000, rows // 2), meetings=min(1_000, rows // 100))
    with tempfile.TemporaryDirectory(prefix="pokjanal-rss-") as name:
        tmp = Path(name)
        url, made = _prepare(tmp, shape)
        print(
            f"--rss: {shape.people:,} people, {shape.meetings:,} meetings, {shape.rows:,} "
            f"invitations/actions/outbox rows (generated in {made:.0f} s); tick every 5 s"
        )
        engine = open_database(url, upgrade=False)
        ticks = Ticks(engine)
        async with Sandbox(rate_limit=None, per_chat_rate=None) as sandbox:
            sandbox.create_bot(TOKEN, username="bench_scale_bot")
            bot = await _start_bot(url, sandbox, 5, tmp)
            samples: list[int] = []
            peak = 0
            try:
                started = time.monotonic()
                up: float | None = None
                while time.monotonic() - started < MAX_WAIT:
                    if bot.returncode is not None:
                        raise SystemExit(f"the bot ended: {(tmp / 'bot.log').read_text()[-2000:]}")
                    current, peak = _memory(bot.pid)
                    if up is None and sandbox.calls_to("getUpdates"):
                        up = time.monotonic()
                    if up is not None:
                        samples.append(current)
                        ticks.poll()
                        if time.monotonic() - up >= seconds and ticks.count >= 3:
                            break
                    await asyncio.sleep(0.1)
            finally:
                await stop_bot(bot)
        engine.dispose()
    mb = 1024
    print(
        f"pokjanal run: idle (lowest once up) {min(samples) / mb:.0f} MB, median "
        f"{statistics.median(samples) / mb:.0f} MB, peak (VmHWM) {peak / mb:.0f} MB over "
        f"{ticks.count} ticks (goal: peak < 200 MB)"
    )


async def latency(seconds: float, rows: int) -> None:
    shape = Shape.of(rows)
    with tempfile.TemporaryDirectory(prefix="pokjanal-latency-") as name:
        tmp = Path(name)
        url, made = _prepare(tmp, shape)
        print(
            f"--latency: {shape.rows:,} invitations/actions/outbox rows, {shape.people:,} "
            f"people (generated in {made:.0f} s); a tick every second; /bantuan for {seconds:.0f} s"
        )
        engine = open_database(url, upgrade=False)
        ticks = Ticks(engine)
        async with Sandbox(rate_limit=None, per_chat_rate=None) as sandbox:
            sandbox.create_bot(TOKEN, username="bench_scale_bot")
            (user,) = registered_sandbox_people(sandbox, engine, 1, first_phone=9_100_000)
            bot = await _start_bot(url, sandbox, 1, tmp)
            latencies: list[float] = []
            try:
                seen = len(user.messages)
                await user.send_text("/bantuan")  # the first answer waits for the start
                await user.wait_for(lambda m: len(m) > seen, timeout=120)
                ticks.poll()
                first_tick = ticks.count
                stop = time.monotonic() + seconds
                while time.monotonic() < stop:
                    seen = len(user.messages)
                    started = time.monotonic()
                    await user.send_text("/bantuan")
                    await user.wait_for(lambda m: len(m) > seen, timeout=60)  # noqa: B023
                    latencies.append(time.monotonic() - started)
                    ticks.poll()
                    await asyncio.sleep(0.2)
            finally:
                await stop_bot(bot)
        engine.dispose()
    ordered = sorted(latencies)

    print(
        f"/bantuan replies: {len(ordered)}, p50 {percentile(ordered, 50) * 1000:.0f} ms, p99 "
        f"{percentile(ordered, 99) * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms, during "
        f"{ticks.count - first_tick} completed ticks (goal: p99 < 1 s)"
    )


def run_modes(args: argparse.Namespace) -> None:
    if args.rss:
        asyncio.run(rss(args.seconds, args.run_rows))
    if args.latency:
        asyncio.run(latency(args.seconds, args.run_rows))
