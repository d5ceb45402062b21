"""The console's Siaran in a real browser at 360 px: a broadcast composed, previewed, sent, and
its report, as the secretariat sees it on a phone (screenshot in ``artifacts/``)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from models.broadcasts import Broadcast
from tests.flows.browser import page, screenshot
from tests.flows.conftest import World
from tests.flows.personas import Persona
from tests.flows.test_console_browser import fits, open_console
from tests.flows.test_registration import HASRUL, SITTI

__all__ = ["page"]  # the fixture, used by name

TEXT = "Mohon kirim data SKDN November paling lambat Jumat, 15 Desember."


async def test_a_broadcast_is_composed_and_sent_on_a_phone(console_world: World, page: Any) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    sitti = Persona(world, "telegram", *SITTI)
    await sitti.register()
    await open_console(world, hasrul, page)
    await page.get_by_role("link", name="Siaran").click()
    await page.get_by_role("heading", name="Siaran", exact=True).wait_for()
    await page.get_by_label("Satu kecamatan").check()
    await page.get_by_label("Kecamatan", exact=True).select_option(label="Kecamatan Malili")
    await page.get_by_label("Pesan").fill(TEXT)
    await page.get_by_role("button", name="Pratinjau").click()
    await page.get_by_text("Kepada: Kecamatan Malili").wait_for()
    await page.get_by_text("1 orang menerima lewat bot").wait_for()
    await fits(page)
    await screenshot(page, "konsol-siaran-pratinjau")
    await page.get_by_role("button", name="Kirim", exact=True).click()
    await page.get_by_text("Siaran #1 sedang dikirim").wait_for()
    await sitti.wait_text("paling lambat Jumat")
    for _ in range(50):  # the engine marks the row sent a moment after the chat has it
        await page.reload()
        if await page.get_by_text("Terkirim 1").count():
            break
    await page.locator("#laporan").get_by_text("Terkirim 1").wait_for()
    await fits(page)
    await screenshot(page, "konsol-siaran")
    with Session(world.engine) as session:
        assert session.exec(select(Broadcast)).one().text == TEXT
