"""Driving a real `pokjanal demo` (in this process) through its web page's API, as the page's
own script does: the demo's tests and its browser screenshots share these steps."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bot.demo import run_demo
from bot.settings import Settings

API = "/sandbox/api"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Demo:
    base: str  # the chat page's address
    http: aiohttp.ClientSession
    database: Path

    async def users(self) -> list[dict[str, Any]]:
        async with self.http.get(f"{self.base}{API}/users") as response:
            found: list[dict[str, Any]] = (await response.json())["users"]
            return found

    async def user(self, name: str) -> dict[str, Any]:
        return next(u for u in await self.users() if u["name"] == name)

    async def messages(self, user_id: int) -> dict[str, Any]:
        async with self.http.get(f"{self.base}{API}/users/{user_id}/messages") as response:
            data: dict[str, Any] = await response.json()
            return data

    async def until(self, user_id: int, needle: str, timeout: float = 10) -> dict[str, Any]:
        """The chat once a message holding ``needle`` (text or caption) is in it."""
        data: dict[str, Any] = {}
        for _ in range(int(timeout / 0.05)):
            data = await self.messages(user_id)
            if any(needle in (m.get("text") or m.get("caption") or "") for m in data["messages"]):
                return data
            await asyncio.sleep(0.05)
        raise AssertionError(f"never saw {needle!r}: {data}")

    async def send(self, user_id: int, text: str) -> None:
        await self.http.post(f"{self.base}{API}/users/{user_id}/send", json={"text": text})

    async def press(self, user_id: int, label: str, message_id: int | None = None) -> Any:
        body: dict[str, Any] = {"label": label}
        if message_id is not None:
            body["message_id"] = message_id
        async with self.http.post(f"{self.base}{API}/users/{user_id}/press", json=body) as reply:
            return await reply.json()

    async def register_admin(self, name: str = "Hasrul Nawir") -> dict[str, Any]:
        """/start, Setuju, Bagikan nomor HP: the demo's admin linked on Telegram."""
        admin = await self.user(name)
        await self.send(admin["id"], "/start")
        data = await self.until(admin["id"], "pemberitahuan privasi")
        notice = next(m for m in data["messages"] if "privasi" in (m.get("text") or ""))
        await self.press(admin["id"], "Setuju", notice["id"])
        await self.until(admin["id"], "Bagikan nomor HP")
        await self.press(admin["id"], "Bagikan nomor HP")
        await self.until(admin["id"], "admin sekretariat")
        return admin

    async def console_link(self, admin: dict[str, Any]) -> str:
        """/konsol: the one-time link (to this demo's own server)."""
        await self.send(admin["id"], "/konsol")
        data = await self.until(admin["id"], "Tautan masuk konsol")
        text = [m["text"] for m in data["messages"] if "Tautan" in (m.get("text") or "")][-1]
        link = re.search(r"http://127\.0\.0\.1:\d+/konsol/masuk\?t=\S+", text)
        assert link, text
        return link.group(0)


@asynccontextmanager
async def running_demo(tmp_path: Path) -> AsyncIterator[Demo]:
    """`pokjanal demo` on a free port with its database in ``tmp_path``; stopped after."""
    port = free_port()
    ready, stop = asyncio.Event(), asyncio.Event()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    database = tmp_path / "demo.db"
    demo = asyncio.create_task(
        run_demo(
            settings,
            host="127.0.0.1",
            port=port,
            database=database,
            open_browser=False,
            ready=ready,
            stop=stop,
        )
    )
    await asyncio.wait_for(ready.wait(), timeout=30)
    try:
        async with aiohttp.ClientSession() as http:
            yield Demo(f"http://127.0.0.1:{port}", http, database)
    finally:
        stop.set()
        await asyncio.wait_for(demo, timeout=30)
