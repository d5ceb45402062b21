"""`pokjanal demo`: a person registers through the web chat page's API, then the demo stops."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import aiohttp

from tests.flows.demo_driver import API, running_demo


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


async def test_an_admin_registers_through_the_web_page(tmp_path: Path) -> None:
    async with running_demo(tmp_path) as demo:
        http, base = demo.http, demo.base
        async with http.get(base + "/") as page:
            assert page.status == 200 and "<html" in (await page.text()).lower()
        users = await demo.users()
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

        await demo.send(hasrul["id"], "/start")
        data = await demo.until(hasrul["id"], "pemberitahuan privasi")
        notice = next(m for m in data["messages"] if "privasi" in (m.get("text") or ""))
        pressed = await demo.press(hasrul["id"], "Setuju", notice["id"])
        assert pressed["answer"].startswith("Terima kasih")
        data = await demo.until(hasrul["id"], "Bagikan nomor HP")
        assert data["reply_keyboard"][0][0]["text"] == "Bagikan nomor HP"
        await demo.press(hasrul["id"], "Bagikan nomor HP")
        await demo.until(hasrul["id"], "admin sekretariat")
        # The console, one message away: /konsol gives a link to this demo's server.
        link = await demo.console_link(hasrul)
        async with http.get(link) as sign_in:
            assert sign_in.status == 200 and "Masuk" in await sign_in.text()


async def test_the_page_opens_the_console_signed_in_and_moves_the_demos_clock(
    tmp_path: Path,
) -> None:
    async with running_demo(tmp_path) as demo:
        http, base = demo.http, demo.base
        async with http.get(f"{base}{API}/controls") as response:
            shown = await response.json()
        labels = [c["label"] for c in shown["controls"]]
        assert labels == ["Buka konsol (admin)", "Maju 1 jam", "Maju 1 hari"]
        assert shown["status"].startswith("Jam demo: ")
        # One click: the console, signed in as the demo's admin (no chat needed).
        console = shown["controls"][0]["href"]
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as browser, browser.get(console) as home:
            assert home.status == 200 and "Beranda" in await home.text()
            assert "Hasrul Nawir" in await home.text()
        # The clock: a day at a time, reminders and nudges come as they would. Messages wait
        # out the night (quiet hours), so first an hour at a time into a working morning.
        hasrul = await demo.register_admin()
        before = len((await demo.messages(hasrul["id"]))["messages"])
        status = shown["status"]
        for _ in range(24):
            hour = int(re.search(r"pukul (\d{2})\.", status).group(1))  # type: ignore[union-attr]
            if 9 <= hour <= 14:
                break
            async with http.post(f"{base}{API}/controls/maju-jam") as moved:
                status = (await moved.json())["status"]
        for _ in range(8):
            async with http.post(f"{base}{API}/controls/maju-hari") as moved:
                answer = await moved.json()
            assert answer["text"].startswith("Jam demo kini ")
            if len((await demo.messages(hasrul["id"]))["messages"]) > before:
                break
            await asyncio.sleep(0.3)
        later = (await demo.messages(hasrul["id"]))["messages"]
        assert len(later) > before, "a week ahead brought the admin nothing"
        async with http.post(f"{base}{API}/controls/tidak-ada") as unknown:
            assert unknown.status == 404
