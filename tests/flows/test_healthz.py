"""`/healthz` on the bot's web server: what `pokjanal health` says, as JSON, 200 or 503."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import aiohttp
from sqlmodel import Session

from models import heartbeat
from models.clock import FrozenClock
from tests.flows.conftest import open_world
from tests.flows.test_delivery import eventually


async def test_healthz_reports_a_running_bot_and_a_silent_dispatcher(
    tmp_path: Path, clock: FrozenClock
) -> None:
    async with open_world(
        tmp_path, clock, public_url="http://console.test", tick_seconds=1
    ) as world:

        def beating() -> bool:
            with Session(world.engine) as session:
                return heartbeat.last(session) is not None

        await eventually(beating, timeout=15)  # the first tick wrote the heartbeat
        url = f"http://127.0.0.1:{world.web_port}/healthz"
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as response:
                assert response.status == 200, await response.text()
                body = await response.json()
            assert body["ok"] is True
            assert body["database"]["ok"] and body["migrations"]["ok"]
            assert body["dispatcher"]["ok"] and body["dispatcher"]["lag_seconds"] == 0
            assert body["outbox"]["queued"] == 0 and body["inbox"]["failed"] == 0
            assert "last_update_handled" in body
            # An hour without a tick (the frozen clock moves on; nothing beats meanwhile).
            world.app.job_queue.scheduler.pause()  # type: ignore[union-attr]
            clock.advance(timedelta(hours=1))
            async with http.get(url) as response:
                assert response.status == 503
                body = await response.json()
            assert body["ok"] is False and body["dispatcher"]["ok"] is False
