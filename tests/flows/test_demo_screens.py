"""The demo's 111 invitees on a 360-px phone, in a real browser: the console's meeting page and
the chat's /rekap each within two screens (Playwright driving Debian's chromium), with the
daftar hadir downloaded from the page. Screenshots are kept in ``artifacts/``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlmodel import Session, select

from models.db import make_engine
from models.meetings import Meeting
from tests.flows.browser import PHONE, page, screenshot
from tests.flows.demo_driver import running_demo

__all__ = ["page"]  # the fixture, used by name
SCREENS = 2
RAKOR = "Rapat Koordinasi Pokjanal Posyandu Kabupaten Luwu Timur"


def upcoming_rakor(database: Path) -> int:
    engine = make_engine(f"sqlite:///{database}")
    try:
        with Session(engine) as session:
            meeting = session.exec(select(Meeting).where(Meeting.title == RAKOR)).one()
            assert meeting.id is not None
            return meeting.id
    finally:
        engine.dispose()


async def test_the_console_meeting_page_of_the_demo_fits_two_screens(
    tmp_path: Path, page: Any
) -> None:
    async with running_demo(tmp_path) as demo:
        admin = await demo.register_admin()
        link = await demo.console_link(admin)
        await page.goto(link)
        await page.get_by_role("button", name="Masuk").click()
        await page.get_by_role("heading", name="Beranda").wait_for()
        await page.get_by_role("link", name=re.compile("Rapat Koordinasi")).first.click()
        await page.get_by_text("Ingatkan yang belum menjawab").wait_for()
        assert await page.get_by_text("Daftar undangan (111)").count() == 1
        height = await page.evaluate("document.documentElement.scrollHeight")
        width = await page.evaluate("document.documentElement.scrollWidth")
        await screenshot(page, "konsol-rapat-demo")
        assert width <= PHONE["width"]  # nothing sticks out sideways
        assert height <= SCREENS * PHONE["height"], height
        # The table opens on a search: the Melati Posyandu's people only.
        await page.get_by_text("Daftar undangan (111)").click()
        await page.get_by_label("Cari nama/organisasi").fill("Melati")
        await page.get_by_role("button", name="Saring").click()
        await page.get_by_text(re.compile(r"\d+ dari 111 orang")).wait_for()
        rows = await page.locator("table.people tbody tr").all_inner_texts()
        assert rows and all("Melati" in row for row in rows)
        await screenshot(page, "konsol-rapat-demo-cari")
        # The daftar hadir, downloaded as a browser does.
        async with page.expect_download() as waiting:
            await page.get_by_role("link", name="XLSX").click()
        download = await waiting.value
        saved = tmp_path / download.suggested_filename
        await download.save_as(saved)
        sheet = load_workbook(saved).active
        assert sheet is not None
        cells = [str(c.value or "") for row in sheet.iter_rows() for c in row]
        assert any("Hasrul Nawir" in cell for cell in cells)


async def test_the_chat_recap_of_the_demo_fits_two_screens(tmp_path: Path, page: Any) -> None:
    async with running_demo(tmp_path) as demo:
        admin = await demo.register_admin()
        meeting_id = upcoming_rakor(demo.database)
        await demo.send(admin["id"], f"/rekap {meeting_id}")
        await demo.until(admin["id"], "Per jenis organisasi", timeout=30)
        await page.goto(demo.base + "/")
        await page.locator("#users li", has_text="Hasrul Nawir").first.click()
        recap = page.locator(".msg", has_text="Per jenis organisasi").last
        await recap.wait_for()
        image = recap.locator("img")
        await page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=await image.element_handle()
        )
        await recap.scroll_into_view_if_needed()
        box = await recap.bounding_box()
        await screenshot(page, "rekap-chat-demo", recap)
        assert box is not None
        assert box["width"] <= PHONE["width"]
        assert box["height"] <= SCREENS * PHONE["height"], box
        # The chart is drawn for a phone: shown at the bubble's width, not shrunk to nothing.
        shown = await image.bounding_box()
        assert shown is not None and shown["width"] >= 250
        texts = await recap.locator("button").all_inner_texts()
        assert any(text.startswith("Belum menjawab (") for text in texts)
        assert "Unduh daftar hadir" in texts and "Buka konsol" in texts


async def test_the_console_is_one_click_from_the_chat_page(tmp_path: Path, page: Any) -> None:
    async with running_demo(tmp_path) as demo:
        await page.goto(demo.base + "/")
        link = page.get_by_role("link", name="Buka konsol (admin)")
        async with page.context.expect_page() as opening:
            await link.click()
        console = await opening.value
        await console.get_by_role("heading", name="Beranda").wait_for()
        assert await console.get_by_text("Hasrul Nawir").count() >= 1
        await page.get_by_role("button", name="Maju 1 jam").click()
        await page.get_by_text("Jam demo kini").wait_for()
        await screenshot(page, "demo-halaman-obrolan")
