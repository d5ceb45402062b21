"""Closing a held meeting: the organiser is nudged daily until the minutes are in."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import Session

from handlers.attendance_export import attendance_rows, write_pdf, write_xlsx
from handlers.recap import recap_caption
from models import meetings
from models.db import unit_of_work
from models.meetings import Meeting
from models.recap import recap
from tests.flows.conftest import World
from tests.flows.test_registration import HASRUL, SITTI, register
from tests.flows.test_rsvp import START


def held_meeting(world: World, organiser_id: int | None) -> int:
    with unit_of_work(world.engine) as session:
        meeting = meetings.create(
            session,
            title="Rakor Pokjanal Posyandu",
            starts_at=START,
            timezone="Asia/Makassar",
            venue="Aula Hotel I Lagaligo",
            specs=["kader"],
            created_by_id=organiser_id,
            now=world.clock.now(),
        )
        assert meeting.id is not None
        return meeting.id


async def test_the_organiser_is_nudged_until_the_minutes_are_sent(world: World) -> None:
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    meeting_id = held_meeting(world, world.person(HASRUL[1]).id)
    await hasrul.send_text("/notulen")
    await hasrul.wait_for(lambda m: "Tidak ada rapat yang menunggu notulen" in m[-1].text)
    world.clock.set(START + timedelta(hours=6))  # Wednesday afternoon, the Rakor is over
    world.delivery.tick()
    nudge = await hasrul.wait_for(lambda m: "belum ditutup" in m[-1].text)
    world.delivery.tick()  # the same day: no second nudge
    await hasrul.press(nudge[-1].buttons[0][0])
    await hasrul.wait_for(lambda m: "Kirim notulen" in m[-1].text)
    await hasrul.send_text("ok")
    await hasrul.wait_for(lambda m: "paling sedikit 3 huruf" in m[-1].text)
    await hasrul.send_text("Disepakati 12 tindak lanjut; SK Pokjanal 2024 disiapkan DPMD.")
    await hasrul.wait_for(lambda m: "rapat ditutup" in m[-1].text)
    with Session(world.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        assert meeting.status == "done" and "12 tindak lanjut" in (meeting.minutes or "")
    world.clock.advance(timedelta(days=1))
    world.delivery.tick()
    assert sum("belum ditutup" in m.text for m in hasrul.messages) == 1


async def test_minutes_as_a_document_and_only_admins_close(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    meeting_id = held_meeting(world, None)  # made from the CLI: every admin is nudged
    world.clock.set(START + timedelta(hours=6))
    await sitti.send_text("/notulen")
    await sitti.wait_for(lambda m: "hanya untuk admin" in m[-1].text)
    await hasrul.send_text("/notulen")
    choose = await hasrul.wait_for(lambda m: "menunggu notulen" in m[-1].text)
    await hasrul.press(choose[-1].buttons[0][0])
    await hasrul.wait_for(lambda m: "Kirim notulen" in m[-1].text)
    await hasrul.send_document(
        b"%PDF-1.4 notulen", file_name="notulen-rakor.pdf", mime_type="application/pdf"
    )
    await hasrul.wait_for(lambda m: "rapat ditutup" in m[-1].text)
    with Session(world.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.minutes_file_name == "notulen-rakor.pdf"
    answer = await hasrul.press_callback(f"mt:1:c:{meeting_id}")
    assert answer == "Rapat ini sudah ditutup atau dibatalkan."


async def test_the_minutes_go_into_the_recap_and_the_exports(world: World, tmp_path: Path) -> None:
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    meeting_id = held_meeting(world, world.person(HASRUL[1]).id)
    world.clock.set(START + timedelta(hours=6))
    with unit_of_work(world.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        meetings.close(session, meeting, now=world.clock.now(), text="Disepakati SK Pokjanal 2024.")
    with Session(world.engine) as session:
        data = recap(session, meeting_id, now=world.clock.now())
        assert "📝 Notulen sudah tersimpan." in recap_caption("id", data, now_text="-")
        closed, rows = attendance_rows(session, meeting_id, "id")
    write_xlsx(tmp_path / "hadir.xlsx", closed, rows, "id")
    write_pdf(tmp_path / "hadir.pdf", closed, rows, "id")
    workbook = load_workbook(tmp_path / "hadir.xlsx")
    assert workbook["Notulen"]["A1"].value == "Disepakati SK Pokjanal 2024."
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "hadir.pdf").pages)
    assert "Notulen" in text and "Disepakati SK Pokjanal 2024." in text
