"""Check-in on the day of the Luwu Timur Rakor: by code, by QR link, a representative, a walk-in."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from models.meetings import Invitation, Meeting
from tests.flows.conftest import World
from tests.flows.test_registration import HASRUL, SITTI, register
from tests.flows.test_rsvp import START, invited, rakor


def code_of(world: World, meeting_id: int) -> str:
    with Session(world.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        return meeting.attendance_code


async def test_check_in_only_inside_the_window(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    meeting_id = rakor(world, specs=["kader"])
    await invited(sitti)
    code = code_of(world, meeting_id)
    world.clock.set(START - timedelta(hours=2))
    await sitti.send_text(f"/hadir {code}")
    assert (
        "dibuka Rabu, 6 Desember 2023 pukul 08.00 WITA"
        in (await sitti.wait_for(lambda m: "dibuka" in m[-1].text))[-1].text
    )
    await sitti.send_text("/hadir ZZZZZZ")
    await sitti.wait_for(lambda m: "tidak dikenal" in m[-1].text)
    world.clock.set(START + timedelta(minutes=55))  # the Rakor started about an hour late
    await sitti.send_text(f"/hadir {code.lower()}")
    await sitti.wait_for(lambda m: "tercatat: Rabu, 6 Desember 2023 pukul 09.55 WITA" in m[-1].text)
    await sitti.send_text(f"/hadir {code}")
    await sitti.wait_for(lambda m: "sudah tercatat sebelumnya" in m[-1].text)
    world.clock.set(START + timedelta(hours=5))
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    await hasrul.send_text(f"/start hadir_{code}")
    await hasrul.wait_for(lambda m: "sudah ditutup" in m[-1].text)
    with Session(world.engine) as session:
        row = session.exec(select(Invitation).where(Invitation.meeting_id == meeting_id)).all()
    checked = [r for r in row if r.checked_in_at is not None]
    assert len(checked) == 1 and checked[0].checkin_method == "code"


async def test_a_walk_in_and_a_representative_by_qr_link(world: World) -> None:
    hasrul, dewi = world.user(*HASRUL), world.user("Dewi Lestari", "+6285399990003")
    await register(hasrul)
    await register(dewi)
    meeting_id = rakor(world, specs=["admin"])  # only Hasrul is invited
    await invited(hasrul)
    await hasrul.send_text("WAKIL Sitti Aminah")
    await hasrul.wait_for(lambda m: "Apa jabatan" in m[-1].text)
    await hasrul.send_text("Kader")
    await hasrul.wait_for(lambda m: "Nomor HP" in m[-1].text)
    await hasrul.send_text("0853 1234 5678")
    await hasrul.wait_for(lambda m: "Diwakilkan oleh Sitti Aminah" in m[-1].text)
    sitti = world.user(*SITTI)
    await register(sitti)
    code = code_of(world, meeting_id)
    world.clock.set(START)
    await sitti.send_text(f"/start hadir_{code}")  # scanned the QR code on the wall
    await sitti.wait_for(lambda m: "tercatat" in m[-1].text and "tanpa undangan" not in m[-1].text)
    await dewi.send_text(f"/hadir {code}")
    await dewi.wait_for(lambda m: "tanpa undangan" in m[-1].text)
    with Session(world.engine) as session:
        rows = {
            r.person_id: r
            for r in session.exec(select(Invitation).where(Invitation.meeting_id == meeting_id))
        }
    hasrul_row = rows[world.person_by_user(hasrul).id or 0]
    assert hasrul_row.checked_in_at is not None  # Sitti signed for Hasrul's invitation
    dewi_row = rows[world.person_by_user(dewi).id or 0]
    assert dewi_row.walk_in and dewi_row.checked_in_at is not None
    stranger = world.user("Orang Baru", "+6281377776666")
    await stranger.send_text(f"/start hadir_{code}")
    await stranger.wait_for(lambda m: any("belum terdaftar" in x.text for x in m))
