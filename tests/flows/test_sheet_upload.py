"""An admin sends a sheet as a document: the row-by-row check first, Simpan saves it once."""

from __future__ import annotations

from sqlmodel import Session, select

from models.actions import Action
from models.people import Person
from tests.flows.conftest import World
from tests.flows.personas import Persona
from tests.flows.test_registration import HASRUL, SITTI, register

ROSTER = (
    b"Nama,No HP,Peran,Instansi\n"
    b"Rina Kartika,0852 1111 0001,kader,Posyandu Mawar\n"
    b"Bidan Sari,0852 1111 0002,bidan,Puskesmas Malili\n"
)
RTL = (
    b"Tindak lanjut,Penanggung jawab,Tenggat\n"
    b"Pendataan ulang balita gizi kurang,Posyandu Melati Baruga,2023-12-20\n"
    b"Rapat evaluasi kader,Dinas Tidak Ada,2023-12-20\n"
)


def named(world: World, name: str) -> Person | None:
    with Session(world.engine) as session:
        return session.exec(select(Person).where(Person.name == name)).first()


async def test_a_roster_sent_as_a_document_is_checked_then_saved_once(world: World) -> None:
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    hasrul.mark_read()
    await hasrul.send_document(ROSTER, file_name="peserta.csv", mime_type="text/csv")
    checked = await hasrul.wait_for(lambda msgs: "Daftar peserta" in msgs[-1].text)
    report = checked[-1]
    assert "2 baris: 1 baru, 0 diperbarui, 0 tidak berubah, 1 ditolak." in report.text
    assert "Baris 2: peran tidak dikenal (bidan)" in report.text
    assert "Belum ada yang disimpan" in report.text
    assert report.buttons == [["Simpan 1 baris"]] and report.reply_markup is not None
    data = report.reply_markup["inline_keyboard"][0][0]["callback_data"]
    assert named(world, "Rina Kartika") is None  # checked, not saved
    hasrul.mark_read()
    await hasrul.press("Simpan 1 baris", message=report)
    saved = await hasrul.wait_for(lambda msgs: "Tersimpan" in msgs[-1].text)
    assert "1 baru" in saved[-1].text
    assert named(world, "Rina Kartika") is not None
    # The button again (a double tap, an old message): nothing is imported twice.
    assert "tidak tersedia" in (await hasrul.press_callback(data, message=report) or "")


async def test_an_rtl_sheet_is_recognised_by_its_headers(world: World) -> None:
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    await hasrul.send_document(RTL, file_name="rtl.csv", mime_type="text/csv")
    checked = await hasrul.wait_for(lambda msgs: "Lembar RTL" in msgs[-1].text)
    report = checked[-1]
    assert "Baris 2: penanggung jawab tidak dikenal (Dinas Tidak Ada)" in report.text
    with Session(world.engine) as session:
        assert session.exec(select(Action)).all() == []
    await hasrul.press(report.buttons[0][0], message=report)
    await hasrul.wait_for(lambda msgs: "Tersimpan" in msgs[-1].text)
    with Session(world.engine) as session:
        (created,) = session.exec(select(Action)).all()
    assert created.title == "Pendataan ulang balita gizi kurang"


async def test_a_cadres_sheet_or_an_unknown_sheet_changes_nothing(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    before = len(sitti.messages)
    await sitti.send_document(ROSTER, file_name="peserta.csv", mime_type="text/csv")
    await sitti.wait_for(lambda msgs: len(msgs) > before)
    assert "Daftar peserta" not in sitti.messages[-1].text  # not an admin: not a roster upload
    assert named(world, "Rina Kartika") is None
    await hasrul.send_document(b"Judul,Tanggal\nx,y\n", file_name="lain.csv", mime_type="text/csv")
    unknown = await hasrul.wait_for(lambda msgs: "Kolom" in msgs[-1].text)
    assert "nama" in unknown[-1].text.lower() and not unknown[-1].buttons


async def test_an_admin_on_whatsapp_sends_the_roster_too(wa_world: World) -> None:
    hasrul = Persona(wa_world, "whatsapp", *HASRUL)
    await hasrul.register()
    await hasrul.user.send_document(ROSTER, filename="peserta.csv", mime="text/csv")  # type: ignore[union-attr,call-arg]
    report = await hasrul.wait_text("Daftar peserta")
    assert "Baris 2: peran tidak dikenal (bidan)" in report.text
    assert named(wa_world, "Rina Kartika") is None
    await hasrul.press("Simpan 1 baris", message=report)
    await hasrul.wait_text("Tersimpan")
    assert named(wa_world, "Rina Kartika") is not None


async def test_a_damaged_sheet_or_another_admins_check_saves_nothing(world: World) -> None:
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    await hasrul.send_document(b"PK\x03\x04 not really a zip", file_name="rusak.xlsx")
    damaged = await hasrul.wait_for(lambda msgs: "tidak dapat dibuka" in msgs[-1].text)
    assert "XLSX" in damaged[-1].text and not damaged[-1].buttons
    await hasrul.send_document(ROSTER, file_name="peserta.csv", mime_type="text/csv")
    report = (await hasrul.wait_for(lambda msgs: "Daftar peserta" in msgs[-1].text))[-1]
    assert report.reply_markup is not None
    data = report.reply_markup["inline_keyboard"][0][0]["callback_data"]
    # Another admin presses the same button data (a forwarded message, a forged press).
    with Session(world.engine) as session:
        other = session.exec(select(Person).where(Person.name == "Sitti Aminah")).one()
        other.role = "admin"
        session.add(other)
        session.commit()
    sitti = world.user(*SITTI)
    await register(sitti)
    assert "tidak tersedia" in (await sitti.press_callback(data) or "")
    assert named(world, "Rina Kartika") is None


async def test_a_sheet_past_a_size_cap_is_refused_in_plain_words(world: World) -> None:
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    huge = b"Nama,No HP,Peran\n" + b"A" * 20_000 + b",0852 1111 0001,kader\n"
    await hasrul.send_document(huge, file_name="peserta.csv", mime_type="text/csv")
    refused = await hasrul.wait_for(lambda msgs: "peserta.csv" in msgs[-1].text)
    assert "baris 2" in refused[-1].text.lower() and not refused[-1].buttons
