"""The web chat page in a real browser (Playwright driving Debian's chromium): a cadre on
WhatsApp registers and answers the Rakor by tapping the buttons under the bubble, and the
secretariat's Telegram chat looks as before."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from models.clock import FrozenClock
from tests.flows.conftest import World, open_world
from tests.flows.personas import Persona
from tests.flows.test_rsvp import rakor

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these the browser reaches for Google's hosts, which this machine's closed network
# refuses, many at a time.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

playwright_api = pytest.importorskip("playwright.async_api")


@pytest.fixture
async def page() -> AsyncIterator[object]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed")
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await browser.new_context(viewport={"width": 360, "height": 740})
        opened = await context.new_page()
        try:
            yield opened
        finally:
            await browser.close()


async def test_a_cadre_registers_and_answers_on_the_whatsapp_page(
    wa_world: World, page: object
) -> None:
    p = page  # playwright's Page
    wa_world.wa_user("Sitti Aminah", "+6285312345678")
    await p.goto(wa_world.sandbox.base_url + "/")  # type: ignore[attr-defined]
    person = p.locator("#users li", has_text="Sitti Aminah")  # type: ignore[attr-defined]
    await person.locator(".badge.wa").wait_for()
    await person.click()
    await p.fill("#text", "DAFTAR")  # type: ignore[attr-defined]
    await p.click("#sendbtn")  # type: ignore[attr-defined]
    # The privacy notice, with WhatsApp's reply buttons under the bubble.
    agree = p.locator("button.wa-btn", has_text="Setuju").first  # type: ignore[attr-defined]
    await agree.wait_for()
    await agree.click()
    await p.locator(".msg", has_text="Akun Anda sudah terhubung").wait_for()  # type: ignore[attr-defined]
    rakor(wa_world)
    card = p.locator(".wa-group", has_text="Rakor Pokjanal Posyandu").last  # type: ignore[attr-defined]
    await card.get_by_role("button", name="Hadir", exact=True).wait_for()
    assert await card.locator("button.wa-btn").all_inner_texts() == [
        "Hadir",
        "Diwakilkan",
        "Tidak hadir",
    ]
    await card.get_by_role("button", name="Hadir", exact=True).click()
    saved = p.locator(".msg", has_text="Jawaban Anda untuk")  # type: ignore[attr-defined]
    await saved.wait_for()
    assert await saved.locator("b, strong").count() >= 1  # *Hadir* rendered bold
    person_row = wa_world.person("+6285312345678")
    assert person_row.whatsapp_id == "6285312345678"


ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture
async def console_world(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[World]:
    async with open_world(tmp_path, clock, public_url="http://console.test") as opened:
        yield opened


async def test_the_console_meeting_page_fits_a_phone(console_world: World, page: object) -> None:
    p = page  # playwright's Page
    world = console_world
    hasrul = Persona(world, "telegram", "Hasrul Nawir", "+6281141000001")
    await hasrul.register()
    meeting_id = rakor(world)
    await hasrul.send("/konsol")
    link = await hasrul.wait_text("Tautan masuk konsol")
    path = link.text.split("http://console.test", 1)[1].split()[0]
    base = f"http://127.0.0.1:{world.web_port}"
    await p.goto(base + path)  # type: ignore[attr-defined]
    await p.get_by_role("button", name="Masuk").click()  # type: ignore[attr-defined]
    await p.get_by_role("heading", name="Beranda").wait_for()  # type: ignore[attr-defined]
    await p.get_by_role("link", name="Rakor Pokjanal Posyandu").click()  # type: ignore[attr-defined]
    await p.get_by_text("Ingatkan yang belum menjawab").wait_for()  # type: ignore[attr-defined]
    assert p.url.endswith(f"/konsol/rapat/{meeting_id}")  # type: ignore[attr-defined]
    width = await p.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    assert width <= 360  # nothing sticks out sideways on a cheap phone
    ARTIFACTS.mkdir(exist_ok=True)
    await p.screenshot(path=str(ARTIFACTS / "konsol-rapat-360.png"), full_page=True)  # type: ignore[attr-defined]
