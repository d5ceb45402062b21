"""`pokjanal demo`: a person registers through the web chat page's API, then the demo stops."""

from __future__ import annotations

import asyncio
import re
import socket
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.demo import run_demo
from bot.settings import Settings

API = "/sandbox/api"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _messages(http: aiohttp.ClientSession, base: str, user_id: int) -> dict[str, Any]:
    async with http.get(f"{base}{API}/users/{user_id}/messages") as response:
        data: dict[str, Any] = await response.json()
        return data


async def _until(
    http: aiohttp.ClientSession, base: str, user_id: int, needle: str
) -> dict[str, Any]:
    for _ in range(100):
        data = await _messages(http, base, user_id)
        if any(needle in (m.get("text") or "") for m in data["messages"]):
            return data
        await asyncio.sleep(0.05)
    raise AssertionError(f"never saw {needle!r}: {data}")


async def _cadre_registers_on_whatsapp(
    http: aiohttp.ClientSession, base: str, cadre: dict[str, Any]
) -> None:
    """DAFTAR, Setuju: the number is known, the roster matches it, the Rakor is waiting."""
    wa = f"{base}{API}/wa/users/{cadre['wa_id']}"
    await http.post(f"{wa}/send", json={"text": "DAFTAR"})

    async def until(needle: str) -> dict[str, Any]:
        for _ in range(100):
            async with http.get(f"{wa}/messages") as response:
                data: dict[str, Any] = await response.json()
            found = [m for m in data["messages"] if needle in (m.get("body") or "")]
            if found:
                return found[-1]
            await asyncio.sleep(0.05)
        raise AssertionError(f"never saw {needle!r}: {data}")

    notice = await until("pemberitahuan privasi")
    await http.post(f"{wa}/press", json={"label": "Setuju", "message_id": notice["id"]})
    await until("Akun Anda sudah terhubung")
    invitation = await until("Rapat Koordinasi Pokjanal Posyandu")
    assert invitation["buttons"] == ["Hadir", "Diwakilkan", "Tidak hadir"]


async def test_an_admin_registers_through_the_web_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    port = _free_port()
    ready, stop = asyncio.Event(), asyncio.Event()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    demo = asyncio.create_task(
        run_demo(
            settings,
            host="127.0.0.1",
            port=port,
            database=tmp_path / "demo.db",
            open_browser=False,
            ready=ready,
            stop=stop,
        )
    )
    await asyncio.wait_for(ready.wait(), timeout=30)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(base + "/") as page:
                assert page.status == 200 and "<html" in (await page.text()).lower()
            async with http.get(f"{base}{API}/users") as response:
                users = (await response.json())["users"]
            assert len(users) == 111 + 2  # the Luwu Timur roster and two newcomers
            hasrul = next(u for u in users if u["name"] == "Hasrul Nawir")
            assert hasrul["label"].startswith("admin · ") and hasrul["channel"] == "telegram"
            on_whatsapp = [u for u in users if u["channel"] == "whatsapp"]
            assert len(on_whatsapp) == 75 + 1  # three cadres for each of 25 Posyandu, Wahyuni
            # The roster has five pairs of cadres who share a name (on different Posyandu,
            # with different numbers): the page tells each pair apart by its label.
            namesakes: dict[str, list[dict[str, Any]]] = {}
            for user in users:
                namesakes.setdefault(user["name"], []).append(user)
            pairs = [same for same in namesakes.values() if len(same) > 1]
            assert len(pairs) == 5
            for same in pairs:
                labels = [u["label"] for u in same]
                assert all(labels) and len(set(labels)) == len(same), same
            ira = [u["label"] for u in namesakes["Ira Safitri"]]
            assert ira == ["kader · Posyandu Melati Baruga", "kader · Posyandu Harapan Mekar Sari"]
            await _cadre_registers_on_whatsapp(http, base, on_whatsapp[0])

            await http.post(f"{base}{API}/users/{hasrul['id']}/send", json={"text": "/start"})
            data = await _until(http, base, hasrul["id"], "pemberitahuan privasi")
            notice = next(m for m in data["messages"] if "privasi" in (m.get("text") or ""))
            async with http.post(
                f"{base}{API}/users/{hasrul['id']}/press",
                json={"label": "Setuju", "message_id": notice["id"]},
            ) as response:
                assert (await response.json())["answer"].startswith("Terima kasih")
            data = await _until(http, base, hasrul["id"], "Bagikan nomor HP")
            assert data["reply_keyboard"][0][0]["text"] == "Bagikan nomor HP"
            await http.post(
                f"{base}{API}/users/{hasrul['id']}/press", json={"label": "Bagikan nomor HP"}
            )
            await _until(http, base, hasrul["id"], "admin sekretariat")
            # The console, one message away: /konsol gives a link to this demo's server.
            await http.post(f"{base}{API}/users/{hasrul['id']}/send", json={"text": "/konsol"})
            data = await _until(http, base, hasrul["id"], "Tautan masuk konsol")
            text = next(m["text"] for m in data["messages"] if "Tautan" in (m.get("text") or ""))
            link = re.search(r"http://127\.0\.0\.1:\d+/konsol/masuk\?t=\S+", text)
            assert link, text
            async with http.get(link.group(0)) as sign_in:
                assert sign_in.status == 200 and "Masuk" in await sign_in.text()
    finally:
        stop.set()
        await asyncio.wait_for(demo, timeout=30)
