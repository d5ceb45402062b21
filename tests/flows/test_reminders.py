"""Reminders and RSVP nudges, planned at each tick and delivered through the sandbox."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from models.db import unit_of_work
from models.meetings import Meeting
from models.outbox import OutboxMessage
from tests.flows.conftest import World
from tests.flows.test_delivery import eventually, pending_rows
from tests.flows.test_registration import HASRUL, SITTI, register
from tests.flows.test_rsvp import START, invited, rakor


def texts(world: World, kind: str) -> list[tuple[int, str]]:
    with Session(world.engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()
        return [(r.person_id, r.status) for r in rows]


async def tick(world: World) -> None:
    world.delivery.tick()
    await eventually(
        lambda: (
            not pending_rows(world)
            or all(r.not_before > world.clock.now() for r in pending_rows(world))
        )
    )


async def test_reminders_reach_those_coming_once_and_their_representative(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    dewi = world.user("Dewi Lestari", "+6285399990003")
    await register(dewi)
    rakor(world)
    for user in (hasrul, sitti, dewi):
        await invited(user)
    await sitti.send_text("HADIR")
    await hasrul.send_text("WAKIL Dewi Lestari")
    await hasrul.wait_for(lambda m: "Apa jabatan" in m[-1].text)
    await hasrul.send_text("Kepala Bidang")
    await hasrul.wait_for(lambda m: "Nomor HP" in m[-1].text)
    await hasrul.send_text("085399990003")
    await hasrul.wait_for(lambda m: "Diwakilkan oleh Dewi Lestari" in m[-1].text)
    await dewi.send_text("TIDAK")  # Dewi's own invitation: she declines it, yet represents Hasrul
    await dewi.wait_for(lambda m: "Tidak hadir" in m[-1].text)

    world.clock.set(START - timedelta(days=3))
    await tick(world)
    await tick(world)  # a second tick plans nothing new
    await sitti.wait_for(lambda m: any("Pengingat rapat" in x.text for x in m))
    await dewi.wait_for(
        lambda m: any("Anda mewakili" in x.text and "Hasrul Nawir" in x.text for x in m)
    )
    await hasrul.wait_for(lambda m: any("Pengingat rapat" in x.text for x in m))
    count = lambda user: sum("Pengingat rapat" in m.text for m in user.messages)  # noqa: E731
    assert (count(sitti), count(hasrul), count(dewi)) == (1, 1, 1)

    world.clock.set(START - timedelta(days=1))
    await tick(world)
    await sitti.wait_for(lambda m: sum("Pengingat rapat" in x.text for x in m) == 2)


async def test_nudges_stop_once_people_answer_and_a_moved_meeting_drops_old_reminders(
    world: World,
) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    meeting_id = rakor(world)
    await invited(sitti)
    world.clock.advance(timedelta(hours=25))
    await tick(world)
    nudge = await sitti.wait_for(lambda m: "menunggu jawaban" in m[-1].text)
    assert nudge[-1].buttons == [["Jawab: Rakor Pokjanal Posyandu"]]
    await sitti.press("Jawab: Rakor Pokjanal Posyandu")
    card = await sitti.wait_for(
        lambda m: m[-1].buttons == [["Hadir"], ["Diwakilkan", "Tidak hadir"]]
    )
    await sitti.press("Hadir", message=card[-1])
    await sitti.wait_for(lambda m: "<b>Hadir</b>" in m[-1].html)
    world.clock.set(START - timedelta(days=1, hours=1))  # the "one day before the deadline" moment
    await tick(world)
    assert sum("menunggu jawaban" in m.text for m in sitti.messages) == 1  # answered: no more

    # She accepted: the reminder whose time has come (3 days before) reaches her.
    await sitti.wait_for(lambda m: sum("Pengingat rapat" in x.text for x in m) == 1)

    # The meeting moves (its version goes up) before the 2-hour reminder is sent.
    world.clock.set(START - timedelta(hours=2))
    world.delivery.planners.clear()  # plan, then move, then deliver: the old row must fall away
    from scheduler.planners import plan_meeting_reminders

    with unit_of_work(world.engine) as session:
        plan_meeting_reminders(
            session, now=world.clock.now(), offsets=world.settings.reminder_offsets
        )
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.version += 1
        session.add(meeting)
    world.delivery.wake()
    await eventually(lambda: "skipped" in {s for _, s in texts(world, "reminder")})
    assert sum("Pengingat rapat" in m.text for m in sitti.messages) == 1  # not the old 2-hour one
