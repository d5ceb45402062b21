"""What the benchmarks that drive the real `pokjanal run` share: starting it against the
sandbox as a user would, stopping it as Ctrl-C does, and reading latencies."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import IO


def bot_env(token: str, api_url: str, database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a `pokjanal run` on the sandbox: no quiet hours (a benchmark runs at
    any hour), plus ``settings`` (``POKJANAL_…`` names)."""
    return {
        **os.environ,
        "PTB_TIMEDELTA": "true",
        "POKJANAL_TELEGRAM_TOKEN": token,
        "POKJANAL_TELEGRAM_API_URL": api_url,
        "POKJANAL_DATABASE_URL": database_url,
        "POKJANAL_QUIET_HOURS": "off",
        **settings,
    }


async def start_bot(
    env: dict[str, str], cwd: Path, log: IO[bytes] | None
) -> asyncio.subprocess.Process:
    """`pokjanal run` as its own process; its output goes to ``log`` (None: nowhere)."""
    out = log if log is not None else asyncio.subprocess.DEVNULL
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=cwd, stdout=out, stderr=out
    )


async def stop_bot(process: asyncio.subprocess.Process) -> None:
    """As Ctrl-C: a clean stop, killed only when it hangs."""
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        await asyncio.wait_for(process.wait(), timeout=30)
    except TimeoutError:
        process.kill()
        await process.wait()


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (p in 0-100); NaN for no values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]
