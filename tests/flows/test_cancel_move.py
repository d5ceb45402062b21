"""A cancelled or moved meeting: everyone is told, and no reminder for the old time goes out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from models import meetings
from models.db import unit_of_work
from models.meetings import Meeting
from models.outbox import OutboxMessage
from sandbox.records import ChatMessage
from sandbox.users import SandboxUser
from tests.flows.conftest import World
from tests.flows.test_delivery import eventually
from tests.flows.test_registration import HASRUL, SITTI, register
from tests.flows.test_rsvp import START, invited, rakor


def version_and_start(world: World, meeting_id: int) -> tuple[int, datetime]:
    with Session(world.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        return meeting.version, meeting.starts_at.replace(tzinfo=UTC)


def reminder_statuses(world: World) -> list[tuple[int, str, str]]:
    with Session(world.engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder")).all()
        return [(r.subject_version, r.status, r.last_error) for r in rows]


async def test_a_cancelled_meeting_is_announced_and_its_buttons_stop(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    meeting_id = rakor(world)
    await invited(sitti)
    card = sitti.last_message
    assert card is not None
    await sitti.send_text("HADIR")
    await sitti.wait_for(lambda m: "<b>Hadir</b>" in m[-1].html)
    with unit_of_work(world.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        meetings.cancel(session, meeting, now=world.clock.now())
    world.delivery.wake()
    news = await sitti.wait_for(lambda m: "Rapat dibatalkan" in m[-1].text)
    assert "Rabu, 6 Desember 2023 pukul 09.00 WITA" in news[-1].text
    assert (
        await sitti.press("Tidak hadir", message=card)
        == "Rapat ini sudah dibatalkan. Jawaban tidak diubah."
    )
    world.clock.set(START - timedelta(days=1))
    world.delivery.tick()
    await eventually(lambda: True)
    assert reminder_statuses(world) == []  # nothing is planned for a cancelled meeting


async def test_a_moved_meeting_asks_again_and_reminds_for_the_new_time_only(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    meeting_id = rakor(world)
    await invited(sitti)
    await sitti.send_text("HADIR")
    await sitti.wait_for(lambda m: "<b>Hadir</b>" in m[-1].html)
    world.clock.set(START - timedelta(days=3))
    world.delivery.tick()
    await sitti.wait_for(lambda m: "Pengingat rapat" in m[-1].text)
    with unit_of_work(world.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        meetings.reschedule(
            session, meeting, starts_at=START + timedelta(days=7), now=world.clock.now()
        )
    world.delivery.wake()
    moved = await sitti.wait_for(lambda m: "Jadwal berubah" in m[-1].text)
    assert "semula Rabu, 6 Desember 2023 pukul 09.00 WITA" in moved[-1].text
    assert "Rabu, 13 Desember 2023 pukul 09.00 WITA" in moved[-1].text
    assert "Jawaban Anda sekarang: Hadir" in moved[-1].text  # asked whether that still holds
    assert moved[-1].buttons == [["✓ Hadir"], ["Diwakilkan", "Tidak hadir"]]
    world.clock.set(START - timedelta(days=1))  # the old "1 day before": nothing
    world.delivery.tick()
    world.clock.set(START + timedelta(days=6))  # the new "1 day before"
    world.delivery.tick()
    await sitti.wait_for(lambda m: sum("Pengingat rapat" in x.text for x in m) == 2)
    await eventually(
        lambda: {v for v, status, _ in reminder_statuses(world) if status == "sent"} == {1, 2}
    )


async def test_an_admin_moves_and_cancels_from_the_bot(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    meeting_id = rakor(world, specs=["kader"])
    await invited(sitti)
    await sitti.send_text("/pindahrapat")
    await sitti.wait_for(lambda m: "hanya untuk admin" in m[-1].text)
    await hasrul.send_text("/pindahrapat")
    choose = await hasrul.wait_for(lambda m: "dipindahkan?" in m[-1].text)
    await hasrul.press(choose[-1].buttons[0][0])
    await hasrul.wait_for(lambda m: "Tanggal baru" in m[-1].text)
    await hasrul.send_text("13 Des 2023")
    await hasrul.wait_for(lambda m: "Jam mulai" in m[-1].text)
    await hasrul.send_text("jam sembilan")
    await hasrul.wait_for(lambda m: "tidak dapat dibaca" in m[-1].text)
    await hasrul.send_text("10.00")
    preview = await hasrul.wait_for(lambda m: "Pindahkan rapat?" in m[-1].text)
    assert preview[-1].buttons == [["Ya, pindahkan", "Tidak"]]
    assert version_and_start(world, meeting_id) == (1, START)  # nothing moved before Ya
    await hasrul.press("Ya, pindahkan", message=preview[-1])
    await hasrul.wait_for(
        lambda m: "dipindahkan ke Rabu, 13 Desember 2023 pukul 10.00 WITA" in m[-1].text
    )
    await sitti.wait_for(lambda m: "Jadwal berubah" in m[-1].text)
    await hasrul.send_text("/batalrapat")
    choose = await hasrul.wait_for(lambda m: "dibatalkan?" in m[-1].text)
    await hasrul.press(choose[-1].buttons[0][0])
    confirm = await hasrul.wait_for(lambda m: "Batalkan" in m[-1].text)
    assert confirm[-1].buttons == [["Ya, batalkan rapat", "Tidak"]]
    await hasrul.press("Ya, batalkan rapat", message=confirm[-1])
    await hasrul.wait_for(lambda m: "dibatalkan. Semua undangan" in m[-1].text)
    await sitti.wait_for(lambda m: "Rapat dibatalkan" in m[-1].text)
    with Session(world.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.status == "cancelled" and meeting.version == 3


async def moving_preview(world: World) -> tuple[SandboxUser, SandboxUser, int, ChatMessage]:
    """Hasrul asks to move the kader Rakor to 13 December, 10.00, and sees the preview."""
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    meeting_id = rakor(world, specs=["kader"])
    await invited(sitti)
    await hasrul.send_text("/pindahrapat")
    choose = await hasrul.wait_for(lambda m: "dipindahkan?" in m[-1].text)
    await hasrul.press(choose[-1].buttons[0][0])
    await hasrul.wait_for(lambda m: "Tanggal baru" in m[-1].text)
    await hasrul.send_text("13 Des 2023")
    await hasrul.wait_for(lambda m: "Jam mulai" in m[-1].text)
    await hasrul.send_text("10.00")
    preview = await hasrul.wait_for(lambda m: "Pindahkan rapat?" in m[-1].text)
    return hasrul, sitti, meeting_id, preview[-1]


async def test_a_move_is_previewed_and_tidak_changes_nothing(world: World) -> None:
    hasrul, sitti, meeting_id, preview = await moving_preview(world)
    assert "Semula: Rabu, 6 Desember 2023 pukul 09.00 WITA" in preview.text
    assert "Menjadi: Rabu, 13 Desember 2023 pukul 10.00 WITA" in preview.text
    assert "Aula Hotel I Lagaligo, Malili" in preview.text
    # Sitti (registered) and Dewi (on the roster, not registered yet) are the kader invited.
    assert "1 lewat bot; 1 belum terdaftar di bot" in preview.text
    seen = len(sitti.messages)
    ya = preview.inline_keyboard[0][0]["callback_data"]
    await hasrul.press("Tidak", message=preview)
    await hasrul.wait_for(lambda m: "jadwal rapat tidak diubah" in m[-1].text)
    assert version_and_start(world, meeting_id) == (1, START)
    # The preview's Ya afterwards is an old button: it moves nothing.
    answer = await hasrul.press_callback(ya, message=preview)
    assert answer == "Tombol ini sudah tidak berlaku."
    assert version_and_start(world, meeting_id) == (1, START)
    world.delivery.tick()
    await eventually(lambda: True)
    assert len(sitti.messages) == seen  # nobody was told of a move that did not happen


async def test_an_older_move_preview_cannot_move_the_meeting(world: World) -> None:
    hasrul, _, meeting_id, first = await moving_preview(world)
    await hasrul.send_text("/pindahrapat")  # starts over: the first preview is stale
    choose = await hasrul.wait_for(lambda m: "dipindahkan?" in m[-1].text)
    await hasrul.press(choose[-1].buttons[0][0])
    await hasrul.wait_for(lambda m: "Tanggal baru" in m[-1].text)
    answer = await hasrul.press_callback(
        first.inline_keyboard[0][0]["callback_data"], message=first
    )
    assert answer == "Tombol ini sudah tidak berlaku."
    assert version_and_start(world, meeting_id) == (1, START)


async def test_tidak_on_a_cancellation_changes_nothing(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    meeting_id = rakor(world, specs=["kader"])
    await invited(sitti)
    await hasrul.send_text("/batalrapat")
    choose = await hasrul.wait_for(lambda m: "dibatalkan?" in m[-1].text)
    await hasrul.press(choose[-1].buttons[0][0])
    confirm = await hasrul.wait_for(lambda m: "Batalkan" in m[-1].text)
    await hasrul.press("Tidak", message=confirm[-1])
    await hasrul.wait_for(lambda m: "tidak dibatalkan" in m[-1].text)
    assert hasrul.messages[-2].buttons == []  # the question's buttons are gone
    with Session(world.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and (meeting.status, meeting.version) == ("scheduled", 1)
    world.delivery.tick()
    await eventually(lambda: True)
    assert not any("Rapat dibatalkan" in m.text for m in sitti.messages)
