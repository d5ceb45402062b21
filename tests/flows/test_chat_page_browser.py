"""The web chat page in a real browser (Playwright driving Debian's chromium): a cadre on
WhatsApp registers and answers the Rakor by tapping the buttons under the bubble, and the
secretariat's Telegram chat looks as before."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator

import pytest

from tests.flows.conftest import World
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
