"""The console in a real browser at 360 px (Playwright driving Debian's chromium): signing in by
the one-time link, a roster with a bad row checked before it is saved, and a Selesai report
accepted with its photo in view. Each leaves a screenshot in ``artifacts/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from models.actions import ActionReport
from models.people import Person
from tests.flows.browser import PHONE, page, screenshot
from tests.flows.conftest import World
from tests.flows.console_driver import sign_in_link
from tests.flows.personas import Persona
from tests.flows.test_registration import HASRUL, SITTI
from tests.flows.test_rsvp import rakor
from tests.flows.test_rtl import TITLE, an_action, report_selesai

__all__ = ["page"]  # the fixture, used by name


async def open_console(world: World, admin: Persona, page: Any) -> None:
    """The link from the chat, opened and confirmed as the admin would on the phone."""
    path = await sign_in_link(admin)
    await page.goto(f"http://127.0.0.1:{world.web_port}{path}")
    await page.get_by_role("button", name="Masuk").click()
    await page.get_by_role("heading", name="Beranda").wait_for()


async def fits(page: Any) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing sticks out sideways on a cheap phone


async def test_a_roster_with_a_bad_row_is_checked_then_saved(
    console_world: World, page: Any, tmp_path: Path
) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    await open_console(world, hasrul, page)
    await page.get_by_role("link", name="Peserta").click()
    sheet = tmp_path / "peserta.csv"
    sheet.write_text(
        "Nama,No HP,Peran,Instansi\n"
        "Rina Kartika,0852 1111 0001,kader,Posyandu Mawar\n"
        "Bidan Sari,0852 1111 0002,bidan,Puskesmas Malili\n"
    )
    await page.locator('input[type="file"]').set_input_files(str(sheet))
    await page.get_by_role("button", name="Periksa").click()
    await page.get_by_text("Baris 2: peran tidak dikenal (bidan)").wait_for()
    await page.get_by_text("Belum ada yang disimpan").wait_for()
    await fits(page)
    await screenshot(page, "konsol-peserta-unggah")
    with Session(world.engine) as session:
        assert session.exec(select(Person).where(Person.name == "Rina Kartika")).first() is None
    await page.get_by_role("button", name="Simpan 1 baris").click()
    await page.get_by_text("Tersimpan.").wait_for()
    with Session(world.engine) as session:
        assert session.exec(select(Person).where(Person.name == "Rina Kartika")).one()
        assert session.exec(select(Person).where(Person.name == "Bidan Sari")).first() is None


async def test_a_report_is_accepted_with_its_photo_in_view(console_world: World, page: Any) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    sitti = Persona(world, "telegram", *SITTI)
    await sitti.register()
    action_id = an_action(world)
    await report_selesai(world, sitti.user, action_id)  # type: ignore[arg-type]
    await open_console(world, hasrul, page)
    await page.get_by_role("link", name="Tindak lanjut").click()
    card = page.locator("li.report", has_text=TITLE)
    await card.wait_for()
    photo = card.locator("img.evidence").first
    await page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=await photo.element_handle()
    )
    await fits(page)
    await screenshot(page, "konsol-tindak-lanjut")
    await card.get_by_role("button", name="Terima").click()
    await page.get_by_text("Laporan diterima").wait_for()
    with Session(world.engine) as session:
        assert session.exec(select(ActionReport)).one().verdict == "accepted"
    await sitti.wait_text("diterima")


async def test_the_console_meeting_page_fits_a_phone(console_world: World, page: Any) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    meeting_id = rakor(world)
    await open_console(world, hasrul, page)
    await page.get_by_role("link", name="Rakor Pokjanal Posyandu").click()
    await page.get_by_text("Ingatkan yang belum menjawab").wait_for()
    assert page.url.endswith(f"/konsol/rapat/{meeting_id}")
    await fits(page)
    await screenshot(page, "konsol-rapat")
