"""The delivery engine against the sandbox: Telegram's limits and failures, for real over HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from models import broadcasts, outbox
from models.clock import FrozenClock
from models.db import unit_of_work
from models.outbox import OutboxMessage
from models.people import Person
from sandbox.users import SandboxUser
from tests.flows.conftest import World, open_world


def broadcast(world: World, text: str, specs: list[str] | None = None) -> int:
    with unit_of_work(world.engine) as session:
        created = broadcasts.create(
            session, author_id=None, specs=specs or ["all"], text=text, now=world.clock.now()
        )
        assert created.id is not None
        broadcast_id = created.id
    world.delivery.wake()
    return broadcast_id


def report(world: World, broadcast_id: int) -> broadcasts.Report:
    with Session(world.engine) as session:
        return broadcasts.report(session, broadcast_id)


async def eventually(check: Callable[[], bool], timeout: float = 15.0) -> None:
    """Wait for a condition the engine reaches on its own (polls the database, never a timer)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


def pending_rows(world: World) -> list[OutboxMessage]:
    with Session(world.engine) as session:
        return [r for r in session.exec(select(OutboxMessage)) if r.status == "pending"]


def received(users: list[SandboxUser], needle: str) -> list[int]:
    return [sum(needle in (m.text or "") for m in u.messages) for u in users]


async def test_a_broadcast_completes_once_each_despite_429s(
    tmp_path: Path, clock: FrozenClock
) -> None:
    async with open_world(tmp_path, clock, sandbox_options={"rate_limit": 10}) as world:
        users = world.registered_people(40)
        sent = broadcast(world, "Rakor Pokjanal hari Rabu")
        await eventually(lambda: report(world, sent).sent == 40, timeout=30)
        assert received(users, "Rakor Pokjanal") == [1] * 40
        throttled = [c for c in world.sandbox.calls_to("sendMessage") if c.status == 429]
        assert throttled, "the sandbox never said 429: the test proves nothing"


async def test_5xx_and_timeouts_are_retried_until_delivered(
    tmp_path: Path, clock: FrozenClock
) -> None:
    async with open_world(tmp_path, clock, send_timeout=0.5) as world:
        users = world.registered_people(3)
        world.sandbox.faults.fail(method="sendMessage", status=502, times=1)
        world.sandbox.faults.delay(method="sendMessage", seconds=2.0, times=1, execute=False)
        sent = broadcast(world, "Pengumuman")

        def two_waiting() -> bool:
            return report(world, sent).sent == 1 and len(pending_rows(world)) == 2

        await eventually(two_waiting)
        waiting = pending_rows(world)
        # One 502 and one timeout, both waiting for their backoff (the clock has not moved).
        assert len(waiting) == 2 and all(r.last_error for r in waiting)
        clock.advance(timedelta(minutes=1))
        world.delivery.wake()
        await eventually(lambda: report(world, sent).sent == 3)
        assert received(users, "Pengumuman") == [1, 1, 1]


async def test_a_person_who_blocked_the_bot_is_marked_unreachable(world: World) -> None:
    blocker, reader = world.registered_people(2)
    blocker.block_bot()
    sent = broadcast(world, "Info pertama")

    def blocker_row() -> OutboxMessage:
        with Session(world.engine) as session:
            person = session.exec(select(Person).where(Person.telegram_user_id == blocker.id)).one()
            return session.exec(
                select(OutboxMessage).where(OutboxMessage.person_id == person.id)
            ).one()

    await eventually(lambda: report(world, sent).sent == 1)
    await eventually(lambda: blocker_row().status == "unreachable")
    assert "blocked" in blocker_row().last_error
    with Session(world.engine) as session:
        person = session.exec(select(Person).where(Person.telegram_user_id == blocker.id)).one()
        assert person.unreachable_at is not None
    # Unblocking and writing again makes them reachable for the next message.
    blocker.unblock_bot()
    await blocker.send_text("/bantuan")
    await blocker.next_message()
    assert received([reader, blocker], "Info pertama") == [1, 0]
    again = broadcast(world, "Info kedua")
    await eventually(lambda: report(world, again).sent == 2)
    assert received([reader, blocker], "Info kedua") == [1, 1]


async def test_quiet_hours_hold_messages_and_release_them(
    tmp_path: Path, clock: FrozenClock
) -> None:
    clock.set(datetime(2023, 11, 27, 15, 30, tzinfo=UTC))  # 22.30 WIB
    async with open_world(tmp_path, clock, quiet_hours="21:00-06:00") as world:
        (sitti,) = world.registered_people(1)
        sent = broadcast(world, "Besok pagi")

        def held() -> bool:
            rows = pending_rows(world)
            return len(rows) == 1 and rows[0].not_before.hour == 23  # 06.00 WIB

        await eventually(held)
        assert sitti.messages == []
        clock.set(datetime(2023, 11, 27, 23, 0, 1, tzinfo=UTC))
        world.delivery.wake()
        await eventually(lambda: report(world, sent).sent == 1)
        assert received([sitti], "Besok pagi") == [1]


async def test_a_reply_is_not_starved_by_a_running_broadcast(
    tmp_path: Path, clock: FrozenClock
) -> None:
    """Scaled 10x so the suite stays quick: Telegram 300/s, engine 250/s, 1,000 invitations."""
    async with open_world(
        tmp_path, clock, sandbox_options={"rate_limit": 300, "per_chat_rate": None}, rate_limit=250
    ) as world:
        users = world.registered_people(1000)
        sitti = world.user("Sitti Aminah", "+6285312345678")
        sent = broadcast(world, "Undangan Rakor", specs=["kader"])
        await eventually(lambda: report(world, sent).sent >= 100)
        assert report(world, sent).waiting > 300  # the broadcast is in full flow
        started = time.monotonic()
        await sitti.send_text("/bantuan")
        await sitti.next_message(timeout=5)
        waited = time.monotonic() - started
        assert report(world, sent).waiting > 0, "the broadcast ended first: the test proves nothing"
        assert waited < 2.0
        await eventually(lambda: report(world, sent).sent == 1000, timeout=30)
        assert received(users, "Undangan Rakor") == [1] * 1000


async def test_a_planner_run_twice_queues_and_sends_once(world: World) -> None:
    (sitti,) = world.registered_people(1)
    with Session(world.engine) as session:
        person = session.exec(select(Person).where(Person.telegram_user_id == sitti.id)).one()
        assert person.id is not None
        person_id = person.id

    def planner(session: Session) -> int:
        """A planner as the meetings issue will write them: state + now -> messages due."""
        return outbox.plan(
            session,
            [
                outbox.Planned(
                    person_id=person_id,
                    kind=outbox.Kind.NOTICE.value,
                    subject="test:1",
                    slot="h-1",
                    not_before=world.clock.now(),
                    payload={"key": "siaran.queued"},
                )
            ],
            now=world.clock.now(),
        )

    world.delivery.planners.extend([planner, planner])  # registered twice, by mistake
    assert world.delivery.tick() == 1
    assert world.delivery.tick() == 0
    await sitti.wait_for(lambda msgs: any("sedang dikirim" in m.text for m in msgs))
    world.delivery.wake()
    await eventually(lambda: not pending_rows(world))
    assert received([sitti], "sedang dikirim") == [1]


async def test_the_tick_is_one_job_that_never_piles_up(world: World) -> None:
    assert world.app is not None and world.app.job_queue is not None
    job = world.app.job_queue.scheduler.get_job("tick")
    assert job is not None
    assert (job.max_instances, job.coalesce) == (1, True)
    assert job.misfire_grace_time >= 60
    # No reminder is a job of its own: the tick, and the hourly clean-up of the file store.
    assert sorted(j.name for j in world.app.job_queue.jobs()) == ["files", "tick"]


async def test_the_running_bot_counts_its_replies_in_the_engines_pace(world: World) -> None:
    """The wiring of start_services: a reply the bot sends takes a place in the engine's
    window (without it, a broadcast at full pace and people writing made 429s that held every
    reply for a second)."""
    from bot.flood import RetryRepliesOnFlood

    assert world.app is not None
    limiter = world.app.bot.rate_limiter
    pacer = world.delivery.dispatcher.pacer  # type: ignore[union-attr]
    assert isinstance(limiter, RetryRepliesOnFlood)
    before = len(pacer._others)
    user = world.user("Sitti Aminah", "+6281234567890")
    await user.send_text("/bantuan")
    await user.wait_for(lambda m: len(m) >= 1)
    assert len(pacer._others) > before
