"""/rapatbaru: the secretariat creates the Luwu Timur Rakor in the bot, the Indonesian way."""

from __future__ import annotations

from sqlmodel import Session, select

from models.meetings import Meeting
from tests.factories import person
from tests.flows.conftest import World
from tests.flows.test_registration import HASRUL, SITTI, register
from tests.flows.test_rsvp import invited


async def ask(user, text: str, expect: str) -> None:  # type: ignore[no-untyped-def]
    await user.send_text(text)
    await user.wait_for(lambda m: expect in m[-1].text)


async def test_an_admin_creates_a_meeting_and_the_cadre_is_invited(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    await ask(hasrul, "/rapatbaru", "Apa judul rapatnya?")
    await ask(hasrul, "ab", "3 sampai 200 huruf")
    await ask(hasrul, "Rakor Pokjanal Posyandu", "Tanggal rapat?")
    await ask(hasrul, "31/2/2023", "tidak dapat dibaca")
    await ask(hasrul, "1/11/2023", "sudah lewat")
    await ask(hasrul, "6 Des 2023", "Jam mulai?")
    await ask(hasrul, "jam sembilan", "tidak dapat dibaca")
    await ask(hasrul, "09.00 Wita", "Tempat rapat?")
    await ask(hasrul, "Aula Hotel I Lagaligo, Malili", "Batas konfirmasi")
    await ask(hasrul, "7/12/2023", "tidak sesudah waktu mulai")
    await hasrul.press("Sampai waktu mulai")
    await hasrul.wait_for(lambda m: "Siapa yang diundang" in m[-1].text)
    await ask(hasrul, "kecamatan:Atlantis", "Tidak ada orang yang cocok")
    await ask(hasrul, "kecamatan:Malili", "Pratinjau rapat")
    preview = hasrul.last_message
    assert preview is not None
    assert (
        "Rabu, 6 Desember 2023 pukul 09.00 WITA" in preview.text
        and "Kecamatan Malili" in preview.text
    )
    confirm_data = preview.inline_keyboard[0][0]["callback_data"]
    await hasrul.press("Buat & kirim undangan")
    created = await hasrul.wait_for(lambda m: "Rapat #1 dibuat" in m[-1].text)
    assert "Kode hadir" in created[-1].text
    await invited(sitti)  # Sitti's Posyandu is in Kecamatan Malili
    with Session(world.engine) as session:
        meeting = session.exec(select(Meeting)).one()
    assert (
        meeting.timezone == "Asia/Makassar" and meeting.created_by_id == world.person(HASRUL[1]).id
    )
    answer = await hasrul.press_callback(confirm_data, message=preview)
    assert answer == "Tombol ini sudah tidak berlaku."  # the draft is gone: no second meeting


async def test_batal_and_restart_and_non_admins(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    await ask(sitti, "/rapatbaru", "hanya untuk admin")
    await ask(hasrul, "/rapatbaru", "Apa judul rapatnya?")
    await ask(hasrul, "Lokmin Kecamatan", "Tanggal rapat?")
    await world.stop_bot()
    await world.start_bot()
    await ask(hasrul, "besok", "Jam mulai?")
    await ask(hasrul, "/batal", "dibatalkan")
    await ask(hasrul, "09.00", "belum mengerti")


async def test_the_created_message_counts_only_who_the_bot_can_reach(world: World) -> None:
    """Eleven kader invited, one of them registered: the admin is not told "sent to 11"."""
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    with Session(world.engine) as session:  # nine more kader on the roster, none registered yet
        for i in range(9):
            person(session, name=f"Kader {i}", phone=f"0853777700{i:02d}", now=world.clock.now())
    await ask(hasrul, "/rapatbaru", "Apa judul rapatnya?")
    await ask(hasrul, "Rakor Pokjanal Posyandu", "Tanggal rapat?")
    await ask(hasrul, "6 Des 2023", "Jam mulai?")
    await ask(hasrul, "09.00 Wita", "Tempat rapat?")
    await ask(hasrul, "Aula Hotel I Lagaligo, Malili", "Batas konfirmasi")
    await hasrul.press("Sampai waktu mulai")
    await hasrul.wait_for(lambda m: "Siapa yang diundang" in m[-1].text)
    await hasrul.press("Semua kader")
    preview = await hasrul.wait_for(lambda m: "Pratinjau rapat" in m[-1].text)
    assert "(11 orang)" in preview[-1].text
    await hasrul.press("Buat & kirim undangan")
    created = await hasrul.wait_for(lambda m: "Rapat #1 dibuat" in m[-1].text)
    assert (
        "Undangan: 1 sedang dikirim; 10 belum terdaftar di bot (akan menerima saat mendaftar)."
        in created[-1].text
    )
    assert "11" not in created[-1].text
    await invited(sitti)
