"""The same stories on Telegram and on WhatsApp: registration, answering an invitation (all
three answers, a representative, typed replies) and reminders, through the sandbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models.actions import ActionReport, Evidence
from models.meetings import Invitation, Meeting
from models.outbox import OutboxMessage
from models.people import Person
from models.registration import ConsentRecord
from sandbox.files import make_png
from tests.flows.conftest import World
from tests.flows.personas import CHANNELS, Persona
from tests.flows.test_delivery import eventually
from tests.flows.test_reminders import tick
from tests.flows.test_rsvp import START, rakor
from tests.flows.test_rtl import TITLE, an_action

SITTI = ("Sitti Aminah", "+6285312345678")
HASRUL = ("Hasrul Nawir", "+6281141000001")
DEWI = ("Dewi Lestari", "+6285399990003")

pytestmark = pytest.mark.parametrize("channel", CHANNELS)


def answer_of(world: World, phone: str, meeting_id: int) -> Invitation:
    person = world.person(phone)
    with Session(world.engine) as session:
        return session.exec(
            select(Invitation).where(
                Invitation.meeting_id == meeting_id, Invitation.person_id == person.id
            )
        ).one()


async def invited(persona: Persona, title: str = "Rakor Pokjanal Posyandu") -> object:
    found = await persona.wait_for(lambda ms: any(title in m.text and m.buttons for m in ms))
    return [m for m in found if title in m.text and m.buttons][-1]


async def test_a_cadre_on_the_roster_registers(wa_world: World, channel: str) -> None:
    sitti = Persona(wa_world, channel, *SITTI)
    welcome = await sitti.register()
    assert "Sitti Aminah" in welcome and "kader — Posyandu Melati Baruga" in welcome
    person = wa_world.person(SITTI[1])
    assert person.consent_at is not None and person.preferred_channel == channel
    if sitti.on_whatsapp:
        assert person.whatsapp_id == "6285312345678" and person.telegram_user_id is None
        assert person.whatsapp_user_id and person.whatsapp_opt_in_at is not None
    else:
        assert person.telegram_user_id is not None and person.whatsapp_id is None
    with Session(wa_world.engine) as session:
        assert len(session.exec(select(ConsentRecord)).all()) == 1
    await sitti.send("/start")
    await sitti.wait_text("sudah terdaftar sebagai")


async def test_nothing_is_stored_before_consent_and_garbage_changes_nothing(
    wa_world: World, channel: str
) -> None:
    stranger = Persona(wa_world, channel, "Orang Asing", "+6281377776666")
    await stranger.send("halo")
    if stranger.on_whatsapp:
        await stranger.wait_text("pemberitahuan privasi")  # consent first, even to "halo"
        await stranger.user.send_sticker()  # type: ignore[union-attr]
        await stranger.wait_for(lambda ms: sum("pemberitahuan privasi" in m.text for m in ms) == 2)
        await stranger.press("Tidak setuju")
        await stranger.wait_text("tidak ada data yang disimpan")
    with Session(wa_world.engine) as session:
        assert session.exec(select(ConsentRecord)).all() == []


async def test_hadir_then_tidak_hadir_with_a_reason(wa_world: World, channel: str) -> None:
    sitti = Persona(wa_world, channel, *SITTI)
    await sitti.register()
    meeting_id = rakor(wa_world)
    card = await invited(sitti)
    assert "Rabu, 6 Desember 2023 pukul 09.00 WITA" in card.text
    assert "Aula Hotel I Lagaligo" in card.text
    labels = [label for row in card.buttons for label in row]
    assert labels == ["Hadir", "Diwakilkan", "Tidak hadir"]
    await sitti.press("Hadir", message=card)
    await sitti.wait_text("Jawaban Anda untuk")
    assert answer_of(wa_world, SITTI[1], meeting_id).answer == "hadir"
    await sitti.press("Tidak hadir", message=card)
    await sitti.wait_text("alasan singkat")
    await sitti.send("Posyandu buka hari itu")
    await sitti.wait_text("Tidak hadir (alasan: Posyandu buka hari itu)")
    row = answer_of(wa_world, SITTI[1], meeting_id)
    assert (row.answer, row.reason) == ("tidak_hadir", "Posyandu buka hari itu")


async def test_a_representative_on_the_roster(wa_world: World, channel: str) -> None:
    hasrul = Persona(wa_world, channel, *HASRUL)
    await hasrul.register()
    dewi = Persona(wa_world, channel, *DEWI)
    await dewi.register()
    meeting_id = rakor(wa_world)
    card = await invited(hasrul)
    await hasrul.press("Diwakilkan", message=card)
    await hasrul.wait_text("Siapa yang mewakili")
    await hasrul.send("Dewi Lestari")
    await hasrul.wait_text("Apa jabatan Dewi Lestari")
    await hasrul.send("Kepala Bidang Kelembagaan")
    await hasrul.wait_text("Nomor HP Dewi Lestari")
    await hasrul.send("12345")
    await hasrul.wait_text("tidak dapat dibaca")
    await hasrul.send("0853-9999-0003")
    await hasrul.wait_text("Diwakilkan oleh Dewi Lestari, Kepala Bidang Kelembagaan")
    row = answer_of(wa_world, HASRUL[1], meeting_id)
    assert row.answer == "diwakilkan" and row.representative_phone == DEWI[1]
    wa_world.delivery.wake()
    await dewi.wait_text("Anda ditunjuk mewakili Hasrul Nawir")


async def test_typed_replies_and_a_skipped_step(wa_world: World, channel: str) -> None:
    sitti = Persona(wa_world, channel, *SITTI)
    await sitti.register()
    await sitti.send("HADIR")
    await sitti.wait_text("Tidak ada undangan")
    meeting_id = rakor(wa_world)
    await invited(sitti)
    await sitti.send("hadir")
    await sitti.wait_text("Jawaban Anda untuk")
    await sitti.send("WAKIL Nur Hayati")
    await sitti.wait_text("Apa jabatan Nur Hayati")
    await sitti.send("Kader")
    skip = await sitti.wait_text("Nomor HP Nur Hayati")
    assert "Lewati" in [label for row in skip.buttons for label in row]
    await sitti.press("Lewati", message=skip)
    await sitti.wait_text("Diwakilkan oleh Nur Hayati, Kader")
    await sitti.send("Tidak, ada posyandu")
    await sitti.wait_text("alasan: ada posyandu")
    assert answer_of(wa_world, SITTI[1], meeting_id).answer == "tidak_hadir"


async def test_a_command_word_is_never_stored_as_a_representatives_position(
    wa_world: World, channel: str
) -> None:
    """Halfway through naming a representative, ``hadir`` means "I will come after all", not
    a position called "hadir"; ``tidak hadir`` asks the reason, ``batal`` stops."""
    sitti = Persona(wa_world, channel, *SITTI)
    await sitti.register()
    meeting_id = rakor(wa_world)
    await invited(sitti)
    await sitti.send("WAKIL Bu Rina")
    await sitti.wait_text("Apa jabatan Bu Rina")
    await sitti.send("hadir")
    await sitti.wait_text("Jawaban Anda untuk")
    row = answer_of(wa_world, SITTI[1], meeting_id)
    assert (row.answer, row.representative_position, row.pending_position) == ("hadir", "", "")
    assert row.step == ""
    await sitti.send("WAKIL Bu Rina")
    await sitti.wait_text("Apa jabatan Bu Rina")
    await sitti.send("Tidak hadir")
    await sitti.wait_text("alasan singkat")
    await sitti.send("batal")
    await sitti.wait_text("jawaban sebelumnya tetap berlaku")
    row = answer_of(wa_world, SITTI[1], meeting_id)
    assert (row.answer, row.representative_position, row.reason) == ("hadir", "", "")
    await sitti.send("WAKIL Bu Rina")
    await sitti.wait_text("Apa jabatan Bu Rina")
    await sitti.send("Wakil Ketua TP PKK")  # a position that starts with "wakil" is a position
    await sitti.wait_text("Nomor HP Bu Rina")


async def test_a_stale_or_foreign_button_changes_nothing(wa_world: World, channel: str) -> None:
    sitti = Persona(wa_world, channel, *SITTI)
    await sitti.register()
    meeting_id = rakor(wa_world)
    card = await invited(sitti)
    await sitti.send("/batal")
    wa_world.clock.set(START + timedelta(minutes=1))  # the deadline has passed
    answer = await sitti.press("Hadir", message=card)
    if sitti.on_whatsapp:
        await sitti.wait_text("batas konfirmasi sudah lewat")
    else:
        assert "batas konfirmasi sudah lewat" in answer
    assert answer_of(wa_world, SITTI[1], meeting_id).answer == "pending"


async def test_a_reminder_reaches_who_is_coming(wa_world: World, channel: str) -> None:
    sitti = Persona(wa_world, channel, *SITTI)
    await sitti.register()
    rakor(wa_world)
    await invited(sitti)
    await sitti.send("HADIR")
    await sitti.wait_text("Jawaban Anda untuk")
    wa_world.clock.set(START - timedelta(days=1))
    await tick(wa_world)
    reminder = await sitti.wait_text("Pengingat rapat")
    assert "Rakor Pokjanal Posyandu" in reminder.text

    def reminder_row() -> OutboxMessage:
        with Session(wa_world.engine) as session:
            return session.exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder")).one()

    await eventually(lambda: reminder_row().status == "sent")
    assert reminder_row().channel == channel


async def test_the_report_cancel_is_set_apart_from_the_statuses(
    wa_world: World, channel: str
) -> None:
    """Cancelling the report is last, alone on its row, and cannot be read as a fifth status:
    on WhatsApp the five choices are rows of one list, so its label is what sets it apart."""
    sitti = Persona(wa_world, channel, *SITTI)
    await sitti.register()
    an_action(wa_world)
    await sitti.wait_text("ada tindak lanjut untuk")
    await sitti.send(sitti.command("tindaklanjut"))
    listed = await sitti.wait_text("tindak lanjut terbuka")
    await sitti.press(listed.buttons[0][0], message=listed)
    status = await sitti.wait_text("Bagaimana statusnya")
    if sitti.on_whatsapp:
        labels = [row.title for row in status.rows]
    else:
        assert status.buttons == [
            ["Belum mulai", "Sedang berjalan"],
            ["Selesai", "Terkendala"],
            ["✖ Batalkan laporan"],
        ]
        labels = [label for row in status.buttons for label in row]
    assert labels == [
        "Belum mulai",
        "Sedang berjalan",
        "Selesai",
        "Terkendala",
        "✖ Batalkan laporan",
    ]
    await sitti.press("✖ Batalkan laporan", message=status)
    await sitti.wait_text("Tidak ada yang disimpan")
    with Session(wa_world.engine) as session:
        assert session.exec(select(ActionReport)).all() == []


async def test_a_follow_up_report_with_a_photo(wa_world: World, channel: str) -> None:
    hasrul = Persona(wa_world, "telegram", *HASRUL)  # the secretariat stays on Telegram
    await hasrul.register()
    sitti = Persona(wa_world, channel, *SITTI)
    await sitti.register()
    action_id = an_action(wa_world)
    await sitti.wait_text("ada tindak lanjut untuk")
    await sitti.send(sitti.command("tindaklanjut"))
    listed = await sitti.wait_text("tindak lanjut terbuka")
    assert TITLE in listed.text
    await sitti.press(listed.buttons[0][0], message=listed)
    status = await sitti.wait_text("Bagaimana statusnya")
    await sitti.press("Selesai", message=status)
    await sitti.wait_text("(wajib)")
    await sitti.send("ok")  # too short: a note is required for Selesai
    await sitti.wait_text("Catatan wajib")
    await sitti.send("Laporan SKDN November sudah dikirim ke Puskesmas Malili.")
    await sitti.wait_text("Kirim foto atau dokumen")
    await sitti.send_photo(make_png(rgb=(200, 10, 10)))
    added = await sitti.wait_text("Bukti ke-1 tersimpan")
    await sitti.press("Cukup, lanjut (1)", message=added)
    preview = await sitti.wait_text("Periksa laporan Anda")
    assert "Bukti: 1 berkas" in preview.text
    await sitti.press("Kirim laporan", message=preview)
    await sitti.wait_text("menunggu pemeriksaan sekretariat")
    with Session(wa_world.engine) as session:
        report = session.exec(select(ActionReport)).one()
        (item,) = session.exec(select(Evidence).where(Evidence.report_id == report.id)).all()
    stored = wa_world.settings.files_dir / item.path
    assert stored.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and item.mime_type == "image/png"
    assert report.status == "selesai"
    # The admin on Telegram sees the photo, whichever app it was sent from.
    review = await hasrul.wait_text("menunggu pemeriksaan Bapak/Ibu")
    await hasrul.press("Lihat bukti", message=review)
    await hasrul.wait_for(lambda ms: any(getattr(m, "photo", None) for m in ms))
    assert action_id


async def test_a_persons_rights_profile_my_data_and_erasure(wa_world: World, channel: str) -> None:
    sitti = Persona(wa_world, channel, *SITTI)
    await sitti.register()
    await sitti.send(sitti.command("profil"))
    profile = await sitti.wait_text("Profil")
    await sitti.press("English", message=profile)
    await sitti.wait_text("Language: English")
    assert wa_world.person(SITTI[1]).language == "en"
    await sitti.press("Bahasa Indonesia")  # on the profile shown again (edited on Telegram)
    await sitti.wait_text("Bahasa: Bahasa Indonesia")
    await sitti.send(sitti.command("dataku"))
    data = await sitti.wait_text("Data Anda yang kami simpan")
    number = "6285312345678" if sitti.on_whatsapp else "-"
    assert f"Nomor WhatsApp: {number}" in data.text and "Persetujuan privasi" in data.text
    await sitti.send(sitti.command("hapusdata"))
    confirm = await sitti.wait_text("Hapus data pribadi Anda?")
    await sitti.press("Ya, hapus data saya", message=confirm)
    await sitti.wait_text("sudah dihapus")
    with Session(wa_world.engine) as session:
        erased = session.exec(select(Person).where(Person.status == "erased")).one()
        assert (erased.phone, erased.whatsapp_id, erased.telegram_user_id) == (None, None, None)
        assert session.exec(select(ConsentRecord)).all() == []


async def test_checking_in_at_the_hall_with_the_code(wa_world: World, channel: str) -> None:
    sitti = Persona(wa_world, channel, *SITTI)
    await sitti.register()
    meeting_id = rakor(wa_world)
    await invited(sitti)
    with Session(wa_world.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        code = meeting.attendance_code
    wa_world.clock.set(START + timedelta(minutes=5))
    word = "HADIR" if sitti.on_whatsapp else "/hadir"  # as the reminder says, per app
    await sitti.send(f"{word} ZZZZZZ")
    await sitti.wait_text("tidak dikenal")
    await sitti.send(f"{word} {code.lower()}")
    await sitti.wait_text("Kehadiran Anda di Rakor Pokjanal Posyandu tercatat")
    assert answer_of(wa_world, SITTI[1], meeting_id).checked_in_at is not None
