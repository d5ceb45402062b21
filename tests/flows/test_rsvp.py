"""RSVP stories: the Luwu Timur Rakor of 6 December 2023, 09.00 WITA, through the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from models import meetings
from models.db import unit_of_work
from models.meetings import AnswerChange, Invitation, Meeting, MeetingStatus
from models.outbox import OutboxMessage
from sandbox.users import SandboxUser
from tests.flows.conftest import World
from tests.flows.test_delivery import eventually
from tests.flows.test_registration import HASRUL, SITTI, register

START = datetime(2023, 12, 6, 1, 0, tzinfo=UTC)  # Rabu, 6 Desember 2023 pukul 09.00 WITA


def rakor(
    world: World, *, specs: list[str] | None = None, title: str = "Rakor Pokjanal Posyandu"
) -> int:
    with unit_of_work(world.engine) as session:
        meeting = meetings.create(
            session,
            title=title,
            starts_at=START,
            timezone="Asia/Makassar",
            venue="Aula Hotel I Lagaligo, Malili",
            agenda="Evaluasi revitalisasi Posyandu",
            specs=specs or ["all"],
            now=world.clock.now(),
        )
        assert meeting.id is not None
        meeting_id = meeting.id
    world.delivery.wake()
    return meeting_id


def invitation(world: World, user: SandboxUser, meeting_id: int) -> Invitation:
    with Session(world.engine) as session:
        person = world.person_by_user(user)
        return session.exec(
            select(Invitation).where(
                Invitation.meeting_id == meeting_id, Invitation.person_id == person.id
            )
        ).one()


async def invited(user: SandboxUser, title: str = "Rakor Pokjanal Posyandu") -> None:
    await user.wait_for(lambda msgs: any(title in m.text and m.buttons for m in msgs))


async def test_a_cadre_answers_hadir_then_changes_her_mind(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    meeting_id = rakor(world)
    await invited(sitti)
    card = sitti.last_message
    assert card is not None
    assert "Rabu, 6 Desember 2023 pukul 09.00 WITA" in card.text
    assert "Aula Hotel I Lagaligo" in card.text and card.buttons == [
        ["Hadir"],
        ["Diwakilkan", "Tidak hadir"],
    ]
    await sitti.press("Hadir")
    saved = await sitti.wait_for(lambda msgs: "Jawaban Anda untuk" in msgs[-1].text)
    assert "<b>Hadir</b>" in saved[-1].html
    await sitti.press("Tidak hadir", message=card)
    assert "alasan singkat" in (await sitti.wait_for(lambda m: "alasan" in m[-1].text))[-1].text
    await sitti.send_text("Posyandu buka hari itu")
    await sitti.wait_for(
        lambda msgs: "Tidak hadir (alasan: Posyandu buka hari itu)" in msgs[-1].text
    )
    row = invitation(world, sitti, meeting_id)
    assert (row.answer, row.reason) == ("tidak_hadir", "Posyandu buka hari itu")
    with Session(world.engine) as session:
        history = session.exec(
            select(AnswerChange).where(AnswerChange.invitation_id == row.id)
        ).all()
    assert [h.answer for h in history] == ["hadir", "tidak_hadir"]


async def test_a_focal_point_sends_a_representative_who_is_on_the_roster(world: World) -> None:
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    dewi = world.user("Dewi Lestari", "+6285399990003")
    await register(dewi)
    meeting_id = rakor(world)
    await invited(hasrul)
    await hasrul.press("Diwakilkan")
    await hasrul.wait_for(lambda m: "Siapa yang mewakili" in m[-1].text)
    await hasrul.send_text("x")
    await hasrul.wait_for(lambda m: "nama lengkap wakil" in m[-1].text)
    await hasrul.send_text("Dewi Lestari")
    await hasrul.wait_for(lambda m: "Apa jabatan Dewi Lestari" in m[-1].text)
    await hasrul.send_text("Kepala Bidang Kelembagaan")
    await hasrul.wait_for(lambda m: "Nomor HP Dewi Lestari" in m[-1].text)
    await hasrul.send_text("12345")
    await hasrul.wait_for(lambda m: "tidak dapat dibaca" in m[-1].text)
    await hasrul.send_text("0853-9999-0003")  # Dewi is on the roster
    await hasrul.wait_for(
        lambda m: "Diwakilkan oleh Dewi Lestari, Kepala Bidang Kelembagaan" in m[-1].text
    )
    row = invitation(world, hasrul, meeting_id)
    assert row.answer == "diwakilkan" and row.representative_phone == "+6285399990003"
    # Dewi is registered: she gets her own copy, naming whom she represents.
    world.delivery.wake()
    await dewi.wait_for(lambda m: any("Anda ditunjuk mewakili Hasrul Nawir" in x.text for x in m))
    assert row.representative_person_id == world.person("+6285399990003").id


async def test_typed_replies_work_like_buttons(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    await sitti.send_text("HADIR")
    assert "Tidak ada undangan" in (await sitti.next_message()).text
    meeting_id = rakor(world)
    await invited(sitti)
    await sitti.send_text("hadir")
    await sitti.wait_for(lambda m: "<b>Hadir</b>" in m[-1].html)
    await sitti.send_text("WAKIL Nur Hayati")
    await sitti.wait_for(lambda m: "Apa jabatan Nur Hayati" in m[-1].text)
    await sitti.send_text("Kader")
    await sitti.wait_for(lambda m: "Lewati" in str(m[-1].buttons))
    await sitti.press("Lewati")
    await sitti.wait_for(lambda m: "Diwakilkan oleh Nur Hayati, Kader" in m[-1].text)
    await sitti.send_text("Tidak, ada posyandu")
    await sitti.wait_for(lambda m: "alasan: ada posyandu" in m[-1].text)
    assert invitation(world, sitti, meeting_id).answer == "tidak_hadir"
    rakor(world, title="Lokmin Kecamatan Malili")
    await invited(sitti, "Lokmin Kecamatan Malili")
    await sitti.send_text("HADIR")
    await sitti.wait_for(lambda m: any("Ada 2 undangan terbuka" in x.text for x in m))


async def test_late_buttons_and_cancelled_meetings_change_nothing(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    meeting_id = rakor(world)
    await invited(sitti)
    card = sitti.last_message
    world.clock.set(START + timedelta(minutes=1))  # the deadline (the start) has passed
    assert (
        await sitti.press("Hadir", message=card)
        == "Maaf, batas konfirmasi sudah lewat. Jawaban tidak diubah."
    )
    world.clock.set(START - timedelta(days=2))
    with unit_of_work(world.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.status = MeetingStatus.CANCELLED.value
        session.add(meeting)
    assert (
        await sitti.press("Hadir", message=card)
        == "Rapat ini sudah dibatalkan. Jawaban tidak diubah."
    )
    assert invitation(world, sitti, meeting_id).answer == "pending"
    other = world.user("Orang Lain", "+6285399990003")
    await register(other)
    answer = await other.press_callback(card.inline_keyboard[0][0]["callback_data"])
    assert answer == "Tombol ini sudah tidak berlaku."  # someone else's invitation


async def test_a_late_decline_alerts_the_organiser(world: World) -> None:
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    sitti = world.user(*SITTI)
    await register(sitti)
    meeting_id = rakor(world, specs=["kader"])
    await invited(sitti)
    await sitti.send_text("HADIR")
    await sitti.wait_for(lambda m: "<b>Hadir</b>" in m[-1].html)
    world.clock.set(START - timedelta(hours=3))
    await sitti.send_text("TIDAK anak sakit")
    world.delivery.wake()
    alert = await hasrul.wait_for(lambda m: "membatalkan kehadiran" in m[-1].text)
    assert "Sitti Aminah" in alert[-1].text and "anak sakit" in alert[-1].text
    with Session(world.engine) as session:
        assert session.exec(select(OutboxMessage).where(OutboxMessage.kind == "notice")).one()
    assert meeting_id


async def test_undangan_lists_open_invitations_and_batal_stops_an_answer(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    await sitti.send_text("/undangan")
    assert "Tidak ada undangan" in (await sitti.next_message()).text
    rakor(world)
    await invited(sitti)
    sitti.mark_read()
    await sitti.send_text("/undangan")
    assert "Undangan terbuka (1)" in (await sitti.next_message()).text
    listed = await sitti.next_message()
    assert listed.buttons == [["Hadir"], ["Diwakilkan", "Tidak hadir"]]
    await sitti.press("Diwakilkan", message=listed)
    await sitti.next_message()
    await sitti.send_text("/batal")
    assert "jawaban sebelumnya tetap berlaku" in (await sitti.next_message()).text
    await sitti.send_text("Nur Hayati")  # no longer an answer to anything
    assert "belum mengerti" in (await sitti.next_message()).text
    await eventually(lambda: True)


async def test_someone_who_registers_late_sees_the_invitation_at_once(world: World) -> None:
    rakor(world)  # sent while Sitti was not registered: marked undeliverable for her
    sitti = world.user(*SITTI)
    await register(sitti)
    cards = await sitti.wait_for(
        lambda m: any("Undangan terbuka (1)" in x.text for x in m) and bool(m[-1].buttons)
    )
    assert "Rakor Pokjanal Posyandu" in cards[-1].text
    await sitti.press("Hadir")
    await sitti.wait_for(lambda m: "<b>Hadir</b>" in m[-1].html)
