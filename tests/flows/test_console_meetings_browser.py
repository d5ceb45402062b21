"""A meeting made on the console in a real browser at 360 px: the form (a date the bot would
not read refused in its words, what was typed kept), the preview, Buat rapat; the cadre gets
the invitation in the chat. Leaves ``artifacts/konsol-rapat-baru-360.png``."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from models.meetings import Meeting
from tests.flows.browser import page, screenshot
from tests.flows.conftest import World
from tests.flows.personas import Persona
from tests.flows.test_console_browser import fits, open_console
from tests.flows.test_registration import HASRUL, SITTI
from tests.flows.test_rsvp import invited

__all__ = ["page"]  # the fixture, used by name

TITLE = "Rakor Pokjanal Posyandu Kabupaten"


async def test_a_meeting_is_made_through_the_form_on_a_phone(
    console_world: World, page: Any
) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    sitti = Persona(world, "telegram", *SITTI)
    await sitti.register()
    await open_console(world, hasrul, page)
    await page.get_by_role("link", name="Rapat baru").click()
    await page.locator('input[name="judul"]').fill(TITLE)
    await page.locator('input[name="tanggal"]').fill("31/2/2023")
    await page.locator('input[name="jam"]').fill("09.00 Wita")
    await page.locator('input[name="selesai"]').fill("12.00")
    await page.locator('input[name="tempat"]').fill("Aula Hotel I Lagaligo, Malili")
    await page.locator('textarea[name="acara"]').fill("Evaluasi revitalisasi Posyandu")
    await page.get_by_role("radio", name="Semua kader").check()
    await page.get_by_role("button", name="Pratinjau").click()
    await page.get_by_text("Tanggal itu tidak dapat dibaca").wait_for()
    assert await page.locator('input[name="judul"]').input_value() == TITLE  # kept
    assert await page.get_by_role("radio", name="Semua kader").is_checked()
    await page.locator('input[name="tanggal"]').fill("6 Des 2023")
    await page.get_by_role("button", name="Pratinjau").click()
    await page.get_by_text("Pratinjau rapat").wait_for()
    await page.get_by_text("Rabu, 6 Desember 2023 pukul 09.00 WITA").first.wait_for()
    await fits(page)
    await screenshot(page, "konsol-rapat-baru")
    with Session(world.engine) as session:
        assert session.exec(select(Meeting)).first() is None  # nothing made before the button
    await page.get_by_role("button", name="Buat rapat").click()
    await page.get_by_text("Rapat #1 dibuat").wait_for()
    await fits(page)
    await invited(sitti.user, TITLE)
    with Session(world.engine) as session:
        (meeting,) = session.exec(select(Meeting)).all()
    assert meeting.title == TITLE and meeting.audience == "kader"
