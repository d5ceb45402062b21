"""Replies and registrations right after meetings inviting a whole district are created.

Run:  .venv/bin/python -m bench.crowd [--people 20000] [--registered 200] [--meetings 2]
                                      [--writers 5] [--newcomers 5] [--seconds 45]

A roster of --people (most not registered, as in a district that has just imported its roster;
--registered of them linked on Telegram), the real ``pokjanal run`` as its own process with the
sandbox as Telegram (its usual limits: 30 messages a second, one a second per chat), then
--meetings meetings inviting everyone, created with the CLI as the secretariat would
(``pokjanal meeting create … --invite all``, each its own process, its peak RSS read from the
kernel), and at once: --writers registered people write ``/bantuan`` for --seconds (each waits
for the answer, thinks a second, writes again) while --newcomers people on the roster register
(``/start`` → Setuju → Bagikan nomor HP), one every few seconds.

Reported: p50/p99/max reply latency to ``/bantuan``; each registration's time (``/start`` to
the last invitation card shown) and whether it saw each meeting's card exactly once; the
wall time and peak RSS of each ``meeting create``; the invitation rows queued.

Goal (issue 15): replies and registration under 1 s right after a meeting inviting 20,000
people is created; ``meeting create`` memory flat in the number of invitees.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert
from sqlmodel import Session, select

from bench.running import bot_env, percentile, start_bot, stop_bot
from bot.database import open_database
from models.clock import SystemClock
from models.outbox import Kind, OutboxMessage
from models.people import Person
from sandbox import Sandbox
from sandbox.users import SandboxUser
from tests.factories import registered_sandbox_people

TOKEN = "123456789:BENCH-CROWD"
ZONE = "Asia/Makassar"
NEWCOMER_PHONE = 9000000  # +62812 9000000…: on the roster, not registered


def roster(url: str, people: int, registered: int, sandbox: Sandbox) -> list[SandboxUser]:
    """``people`` on the roster, ``registered`` of them linked (sandbox users who started the
    chat); the newcomers' entries are among the unregistered."""
    engine = open_database(url)
    users = registered_sandbox_people(sandbox, engine, registered, first_phone=1000000)
    now = SystemClock().now()
    rows = [
        {
            "name": f"Kader {i}",
            "phone": f"+62812{NEWCOMER_PHONE + i:07d}",
            "role": "kader",
            "created_at": now,
            "updated_at": now,
        }
        for i in range(people - registered)
    ]
    with Session(engine) as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(Person), rows[start : start + 5000])
        session.commit()
    engine.dispose()
    return users


def create_meeting(env: dict[str, str], cwd: str, n: int) -> tuple[float, int, str]:
    """``pokjanal meeting create`` as its own process: wall seconds, peak RSS (KiB, from
    wait4's rusage), and what it printed."""
    start = (SystemClock().now() + timedelta(days=7 + n)).astimezone(ZoneInfo(ZONE))
    command = [
        sys.executable,
        "-m",
        "bot",
        "meeting",
        "create",
        "--title",
        title_of(n),
        "--start",
        start.strftime("%Y-%m-%d 09:00"),
        "--venue",
        "Aula Hotel I Lagaligo, Malili",
        "--tz",
        ZONE,
        "--invite",
        "all",
    ]
    began = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert process.stdout is not None
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"meeting create failed:\n{output}")
    return time.perf_counter() - began, usage.ru_maxrss, output.strip()


@dataclass
class Registration:
    seconds: float
    cards: dict[str, int]  # meeting title -> invitation cards seen


def title_of(n: int) -> str:
    return f"Rakor Pokjanal Posyandu {chr(ord('A') + n)}"


def invitation_cards(user: SandboxUser, titles: list[str]) -> dict[str, int]:
    """Messages carrying each meeting's invitation (its title and its answer buttons)."""
    counts = dict.fromkeys(titles, 0)
    for message in user.messages:
        if {"Hadir", "Diwakilkan"} <= {label for row in message.buttons for label in row}:
            for title in titles:
                counts[title] += title in message.text
    return counts


async def register(user: SandboxUser, titles: list[str]) -> Registration:
    """/start → Setuju → Bagikan nomor HP, until every open invitation is on screen."""
    began = time.perf_counter()
    await user.send_text("/start")
    await user.wait_for(lambda ms: any("pemberitahuan privasi" in m.text for m in ms), 30)
    await user.press("Setuju")
    await user.wait_for(lambda ms: any("Bagikan nomor HP" in m.text for m in ms), 30)
    await user.press("Bagikan nomor HP")

    def shown(_messages: object) -> bool:
        return all(invitation_cards(user, titles).values())

    await user.wait_for(shown, 60)
    seconds = time.perf_counter() - began
    await asyncio.sleep(2)  # a second copy from the queue would arrive by now
    return Registration(seconds, invitation_cards(user, titles))


async def write_help(user: SandboxUser, stop: float, latencies: list[float]) -> None:
    loop = asyncio.get_running_loop()
    while loop.time() < stop:
        seen = len(user.messages)
        began = loop.time()
        await user.send_text("/bantuan")
        await user.wait_for(lambda _m: len(user.messages) > seen, 60)  # noqa: B023
        latencies.append(loop.time() - began)
        await asyncio.sleep(1.0)


def rows_queued(url: str) -> dict[str, int]:
    engine = open_database(url)
    with Session(engine) as session:
        query = (
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.kind == Kind.INVITATION.value)
            .group_by(OutboxMessage.status)
        )
        counts = {status: count for status, count in session.exec(query)}
    engine.dispose()
    return counts


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'crowd.db'}"
        async with Sandbox() as sandbox:  # Telegram's limits: 30/s, one a second per chat
            sandbox.create_bot(TOKEN, username="bench_crowd_bot")
            began = time.perf_counter()
            users = roster(url, args.people, args.registered, sandbox)
            print(
                f"roster of {args.people:,} ({args.registered} registered) in "
                f"{time.perf_counter() - began:.1f} s"
            )
            writers = users[: args.writers]
            newcomers = []
            for i in range(args.newcomers):
                newcomer = sandbox.create_user(
                    first_name="Kader", last_name=str(i), phone=f"+62812{NEWCOMER_PHONE + i:07d}"
                )
                newcomers.append(newcomer)
            env = bot_env(TOKEN, sandbox.api_url, url, POKJANAL_TIMEZONE=ZONE)
            log_path = os.environ.get("BENCH_LOG")
            log = open(log_path, "ab") if log_path else None  # noqa: SIM115 - closed at the end
            bot = await start_bot(env, Path(tmp), log)
            try:
                warm: list[float] = []
                loop = asyncio.get_running_loop()
                await write_help(writers[0], loop.time() + 0.1, warm)  # it runs and answers
                titles = []
                creates = []
                for n in range(args.meetings):
                    seconds, rss, said = await asyncio.to_thread(create_meeting, env, tmp, n)
                    creates.append((seconds, rss))
                    titles.append(title_of(n))
                    print(
                        f"meeting create #{n + 1}: {seconds:.1f} s, peak RSS {rss / 1024:.0f} MB"
                        f" — {said}"
                    )
                latencies: list[float] = []
                stop = loop.time() + args.seconds
                helpers = [write_help(w, stop, latencies) for w in writers]
                gap = args.seconds / max(1, args.newcomers) * 0.8

                async def registering(i: int, user: SandboxUser) -> Registration:
                    await asyncio.sleep(i * gap)
                    return await register(user, titles)

                results = await asyncio.gather(
                    *helpers, *(registering(i, u) for i, u in enumerate(newcomers))
                )
                registrations: list[Registration] = [
                    r for r in results if isinstance(r, Registration)
                ]
            finally:
                await stop_bot(bot)
                if log is not None:
                    log.close()
        queued = rows_queued(url)
    report(args, latencies, registrations, creates, queued)


def report(
    args: argparse.Namespace,
    latencies: list[float],
    registrations: list[Registration],
    creates: list[tuple[float, int]],
    queued: dict[str, int],
) -> None:
    ms = [x * 1000 for x in latencies]
    times = [r.seconds for r in registrations]
    once = sum(all(count == 1 for count in r.cards.values()) for r in registrations)
    rows: dict[str, Any] = {
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        ),
        "people / registered": f"{args.people:,} / {args.registered:,}",
        "meeting create (s, peak RSS MB)": ", ".join(
            f"{s:.1f} s {rss / 1024:.0f} MB" for s, rss in creates
        ),
        "invitation rows (by status)": queued,
        f"/bantuan replies ({len(ms)})": (
            f"p50 {percentile(ms, 50):.0f} ms, p99 {percentile(ms, 99):.0f} ms, "
            f"max {max(ms, default=float('nan')):.0f} ms"
        ),
        f"registrations ({len(times)})": (
            f"median {statistics.median(times) if times else float('nan'):.2f} s, "
            f"max {max(times, default=float('nan')):.2f} s (/start to the last card)"
        ),
        "each card exactly once": f"{once} of {len(registrations)}",
    }
    width = max(len(key) for key in rows)
    for key, value in rows.items():
        print(f"{key:<{width}}  {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20000, help="people on the roster")
    parser.add_argument("--registered", type=int, default=200, help="of them registered")
    parser.add_argument("--meetings", type=int, default=2, help="meetings inviting everyone")
    parser.add_argument("--writers", type=int, default=5, help="people writing /bantuan")
    parser.add_argument("--newcomers", type=int, default=5, help="people registering")
    parser.add_argument("--seconds", type=float, default=45.0, help="how long they write")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
