"""The delivery engine's rules, with the clock moved by hand and a recording sender."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers.outbox_views import OutboxRenderer
from models import broadcasts, outbox
from models.clock import FrozenClock
from models.outbox import Kind, OutboxMessage, Planned
from models.people import Person, Role
from scheduler import dispatcher as dispatcher_module
from scheduler.calendar import Calendar
from scheduler.dispatcher import DispatchConfig, Dispatcher
from scheduler.pacing import Pacer
from scheduler.ports import Recipient, Rejected, Rendered, RetryLater, Transient, Unreachable
from tests.factories import person
from tests.fakes import RecordingSender

WIB = "Asia/Jakarta"


class FakeTime:
    """Monotonic time that passes only when the pacer sleeps: pacing tests never wait."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def make_dispatcher(
    engine: Engine,
    clock: FrozenClock,
    sender: RecordingSender,
    quiet: tuple[time, time] | None = None,
    time_: FakeTime | None = None,
) -> Dispatcher:
    time_ = time_ or FakeTime()
    return Dispatcher(
        engine=engine,
        sender=sender,
        renderer=OutboxRenderer("Pokjanal Posyandu"),
        calendar=Calendar(quiet),
        clock=clock,
        config=DispatchConfig(rate=1000, default_zone=WIB),
        pacer=Pacer(1000, per_chat_interval=0, monotonic=time_.monotonic, sleep=time_.sleep),
    )


def people(session: Session, clock: FrozenClock, count: int) -> list[Person]:
    return [
        person(
            session,
            name=f"Kader {i}",
            phone=f"08123400{i:04d}",
            now=clock.now(),
            telegram_user_id=7_000_000_000 + i,
        )
        for i in range(count)
    ]


def nudge(p: Person, item: str, when: datetime) -> Planned:
    assert p.id is not None
    return Planned(
        person_id=p.id,
        kind=Kind.NUDGE.value,
        subject=f"test:{item}",
        not_before=when,
        payload={
            "key": "siaran.queued",
            "button": {"key": "siaran.refresh", "data": f"x:1:{item}"},
        },
    )


def statuses(session: Session) -> list[str]:
    session.expire_all()
    return [row.status for row in session.exec(select(OutboxMessage).order_by(OutboxMessage.id))]  # type: ignore[arg-type]


def test_planning_twice_queues_once(session: Session, clock: FrozenClock) -> None:
    (sitti,) = people(session, clock, 1)
    planned = [nudge(sitti, "a", clock.now())]
    assert outbox.plan(session, planned, now=clock.now()) == 1
    assert outbox.plan(session, planned, now=clock.now()) == 0
    session.commit()
    assert len(session.exec(select(OutboxMessage)).all()) == 1


async def test_a_broadcast_reaches_every_registered_person_once(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    group = people(session, clock, 5)
    unregistered = person(session, name="Belum Daftar", phone="081299990000", now=clock.now())
    created = broadcasts.create(
        session, author_id=None, specs=["kader"], text="Rapat <besok>", now=clock.now()
    )
    session.commit()
    sender = RecordingSender()
    dispatcher = make_dispatcher(engine, clock, sender)
    assert await dispatcher.run_once() == 5
    assert await dispatcher.run_once() == 0
    assert sorted(chat for chat, _ in sender) == sorted(p.telegram_chat_id for p in group)  # type: ignore[misc]
    assert "Rapat &lt;besok&gt;" in sender.sent[0][1].text
    assert created.id is not None
    report = broadcasts.report(session, created.id)
    assert (report.sent, report.unreachable, report.waiting, report.failed) == (5, 1, 0, 0)
    assert unregistered.telegram_chat_id is None


async def test_transient_errors_back_off_then_fail(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    (_sitti,) = people(session, clock, 1)
    broadcasts.create(session, author_id=None, specs=["all"], text="x", now=clock.now())
    session.commit()
    sender = RecordingSender(failures=[Transient("502 Bad Gateway"), Transient("timed out")])
    dispatcher = make_dispatcher(engine, clock, sender)
    await dispatcher.run_once()
    row = session.exec(select(OutboxMessage)).one()
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "502 Bad Gateway")
    assert row.not_before == clock.now() + timedelta(seconds=2)
    assert await dispatcher.run_once() == 0  # not due yet: the clock has not moved
    clock.advance(timedelta(seconds=2))
    await dispatcher.run_once()
    session.expire_all()
    assert session.exec(select(OutboxMessage)).one().not_before == clock.now() + timedelta(
        seconds=4
    )
    clock.advance(timedelta(seconds=4))
    await dispatcher.run_once()
    assert statuses(session) == ["sent"] and len(sender.sent) == 1

    sender.failures = [Transient("down")] * 10
    broadcasts.create(session, author_id=None, specs=["all"], text="y", now=clock.now())
    session.commit()
    for _ in range(6):
        await dispatcher.run_once()
        clock.advance(timedelta(minutes=5))
    assert statuses(session) == ["sent", "failed"]


async def test_a_429_pauses_and_retries_in_place(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    people(session, clock, 2)
    broadcasts.create(session, author_id=None, specs=["all"], text="x", now=clock.now())
    session.commit()
    sender = RecordingSender(failures=[RetryLater(3)])
    fake_time = FakeTime()
    dispatcher = make_dispatcher(engine, clock, sender, time_=fake_time)
    await dispatcher.run_once()
    assert statuses(session) == ["sent", "sent"]
    assert sender.calls == 3
    assert fake_time.now >= 3  # the pause was honoured before anything else went out


async def test_blocked_and_rejected_are_final(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    blocked, _bad = people(session, clock, 2)
    broadcasts.create(session, author_id=None, specs=["all"], text="x", now=clock.now())
    session.commit()
    sender = RecordingSender(
        failures=[Unreachable("Forbidden: bot was blocked by the user"), Rejected("Bad Request")]
    )
    dispatcher = make_dispatcher(engine, clock, sender)
    await dispatcher.run_once()
    clock.advance(timedelta(hours=1))
    await dispatcher.run_once()
    assert statuses(session) == ["unreachable", "failed"]
    session.refresh(blocked)
    assert blocked.unreachable_at is not None
    broadcasts.create(session, author_id=None, specs=["all"], text="again", now=clock.now())
    session.commit()
    await dispatcher.run_once()
    assert statuses(session)[-2:] == ["unreachable", "sent"]  # no second call to a blocked chat
    assert sender.calls == 3


async def test_quiet_hours_hold_messages_until_morning(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    people(session, clock, 1)
    clock.set(datetime(2023, 11, 27, 15, 30, tzinfo=UTC))  # 22.30 WIB
    broadcasts.create(session, author_id=None, specs=["all"], text="x", now=clock.now())
    session.commit()
    sender = RecordingSender()
    dispatcher = make_dispatcher(engine, clock, sender, quiet=(time(21), time(6)))
    await dispatcher.run_once()
    row = session.exec(select(OutboxMessage)).one()
    assert row.status == "pending" and sender.sent == []
    assert row.not_before == datetime(2023, 11, 27, 23, 0, tzinfo=UTC)  # 06.00 WIB
    clock.set(datetime(2023, 11, 27, 23, 0, tzinfo=UTC))
    await dispatcher.run_once()
    assert statuses(session) == ["sent"]


async def test_a_message_that_would_arrive_after_its_event_is_dropped_as_stale(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    (sitti,) = people(session, clock, 1)
    assert sitti.id is not None
    clock.set(datetime(2023, 11, 27, 15, 30, tzinfo=UTC))  # 22.30 WIB, quiet until 06.00
    starts = datetime(2023, 11, 27, 22, 0, tzinfo=UTC)  # 05.00 WIB: before the quiet hours end
    outbox.plan(
        session,
        [
            Planned(
                person_id=sitti.id,
                kind=Kind.REMINDER.value,
                subject="test:m",
                not_before=clock.now(),
                expires_at=starts,
                payload={"key": "siaran.queued"},
            )
        ],
        now=clock.now(),
    )
    session.commit()
    sender = RecordingSender()
    await make_dispatcher(engine, clock, sender, quiet=(time(21), time(6))).run_once()
    row = session.exec(select(OutboxMessage)).one()
    assert (row.status, row.last_error) == ("skipped", "stale") and sender.sent == []


async def test_nudges_are_bundled_one_message_a_day(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    (sitti,) = people(session, clock, 1)
    outbox.plan(
        session, [nudge(sitti, "a", clock.now()), nudge(sitti, "b", clock.now())], now=clock.now()
    )
    session.commit()
    sender = RecordingSender()
    dispatcher = make_dispatcher(engine, clock, sender)
    await dispatcher.run_once()
    assert len(sender.sent) == 1
    message = sender.sent[0][1]
    assert "2 hal menunggu" in message.text
    assert [b.callback_data for row in message.buttons for b in row] == ["x:1:a", "x:1:b"]
    outbox.plan(session, [nudge(sitti, "c", clock.now())], now=clock.now())
    session.commit()
    await dispatcher.run_once()
    assert len(sender.sent) == 1  # not a second nudge message today
    row = session.exec(select(OutboxMessage).where(OutboxMessage.subject == "test:c")).one()
    assert row.not_before == datetime(2023, 11, 28, 0, 30, tzinfo=UTC)  # Tuesday 07.30 WIB
    clock.set(row.not_before)
    await dispatcher.run_once()
    assert len(sender.sent) == 2


async def test_nudges_wait_for_the_end_of_lebaran(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    (sitti,) = people(session, clock, 1)
    clock.set(
        datetime(2024, 4, 10, 3, 0, tzinfo=UTC)
    )  # Idul Fitri 1445 H, cuti bersama until 15 April
    outbox.plan(session, [nudge(sitti, "a", clock.now())], now=clock.now())
    broadcasts.create(
        session, author_id=None, specs=["all"], text="Selamat Idul Fitri", now=clock.now()
    )
    session.commit()
    sender = RecordingSender()
    await make_dispatcher(engine, clock, sender).run_once()
    assert [m.text for _, m in sender.sent] == [sender.sent[0][1].text]  # only the broadcast
    waiting = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "nudge")).one()
    assert waiting.not_before == datetime(2024, 4, 16, 0, 30, tzinfo=UTC)  # Tuesday 16 April, 07.30


def test_a_crash_leaves_rows_claimable_after_the_lease(
    session: Session, clock: FrozenClock
) -> None:
    people(session, clock, 3)
    broadcasts.create(session, author_id=None, specs=["all"], text="x", now=clock.now())
    session.commit()
    lease = timedelta(minutes=2)
    first = outbox.claim_due(session, now=clock.now(), limit=10, worker="a", lease=lease)
    assert len(first) == 3
    assert outbox.claim_due(session, now=clock.now(), limit=10, worker="b", lease=lease) == []
    clock.advance(timedelta(minutes=3))
    assert outbox.claim_due(session, now=clock.now(), limit=10, worker="b", lease=lease) == first
    assert outbox.release_in_flight(session, now=clock.now()) == 3
    assert set(statuses(session)) == {"pending"}


def test_an_unknown_audience_is_refused(session: Session, clock: FrozenClock) -> None:
    from models.audience import UnknownAudience

    people(session, clock, 1)
    with pytest.raises(UnknownAudience):
        broadcasts.create(
            session, author_id=None, specs=["kecamatan:Atlantis"], text="x", now=clock.now()
        )
    with pytest.raises(ValueError):
        broadcasts.create(session, author_id=None, specs=["all"], text="   ", now=clock.now())
    assert Role.KADER.value == "kader"


async def test_rows_reclaimed_after_the_lease_are_sent_by_one_process_only(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    people(session, clock, 2)
    broadcasts.create(session, author_id=None, specs=["all"], text="x", now=clock.now())
    session.commit()
    slow, fast = RecordingSender(), RecordingSender()
    first = make_dispatcher(engine, clock, slow)
    second = make_dispatcher(engine, clock, fast)
    ids = outbox.claim_due(
        session, now=clock.now(), limit=10, worker=first.worker, lease=timedelta(minutes=5)
    )
    clock.advance(timedelta(minutes=6))  # the first process stalled past its lease
    assert await second.run_once() == 2
    for group in first._group(ids):  # the first one wakes up and tries to finish its batch
        await first._guarded(group)
    assert len(fast.sent) == 2 and slow.sent == []
    assert statuses(session) == ["sent", "sent"]


async def test_a_failing_round_does_not_end_delivery(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    import asyncio

    people(session, clock, 1)
    broadcasts.create(session, author_id=None, specs=["all"], text="x", now=clock.now())
    session.commit()
    sender = RecordingSender()
    dispatcher = make_dispatcher(engine, clock, sender)
    dispatcher.config.idle_wait = 0.01
    real_run_once, calls = dispatcher.run_once, []

    async def flaky() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database restarted")
        return await real_run_once()

    dispatcher.run_once = flaky  # type: ignore[method-assign]
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run_forever(stop))
    for _ in range(200):
        if sender.sent:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await task
    assert len(sender.sent) == 1 and len(calls) >= 2


async def test_a_row_that_cannot_be_rendered_fails_alone(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    a, b = people(session, clock, 2)
    assert a.id is not None and b.id is not None
    outbox.plan(
        session,
        [
            Planned(
                person_id=a.id,
                kind="notice",
                subject="test:1",
                not_before=clock.now(),
                payload={"key": "no.such.key"},
            ),
            Planned(
                person_id=b.id,
                kind="notice",
                subject="test:1",
                not_before=clock.now(),
                payload={"key": "siaran.queued"},
            ),
        ],
        now=clock.now(),
    )
    session.commit()
    sender = RecordingSender()
    await make_dispatcher(engine, clock, sender).run_once()
    session.expire_all()
    rows = {r.person_id: r for r in session.exec(select(OutboxMessage))}
    assert rows[a.id].status == "failed" and rows[a.id].last_error.startswith("internal error")
    assert rows[b.id].status == "sent"


async def test_a_superseded_version_is_skipped_and_the_new_one_sent(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    from models import subjects

    (sitti,) = people(session, clock, 1)
    assert sitti.id is not None
    current = {"version": 1}
    subjects.VERSIONS["meetingtest"] = lambda _session, _ref: current["version"]
    try:

        def reminder(version: int) -> Planned:
            assert sitti.id is not None
            return Planned(
                person_id=sitti.id,
                kind="notice",
                subject="meetingtest:7",
                slot="h-1",
                subject_version=version,
                not_before=clock.now(),
                payload={"key": "siaran.queued"},
            )

        assert outbox.plan(session, [reminder(1)], now=clock.now()) == 1
        current["version"] = 2  # the meeting moved before the reminder went out
        assert (
            outbox.plan(session, [reminder(2)], now=clock.now()) == 1
        )  # a new row, not a conflict
        session.commit()
        sender = RecordingSender()
        await make_dispatcher(engine, clock, sender).run_once()
        session.expire_all()
        rows = {r.subject_version: r for r in session.exec(select(OutboxMessage))}
        assert (rows[1].status, rows[1].last_error) == ("skipped", "superseded")
        assert rows[2].status == "sent" and len(sender.sent) == 1
        current["version"] = None  # type: ignore[assignment]
        assert outbox.plan(session, [reminder(3)], now=clock.now()) == 1
        session.commit()
        await make_dispatcher(engine, clock, sender).run_once()
        session.expire_all()
        assert {r.subject_version: r.last_error for r in session.exec(select(OutboxMessage))}[
            3
        ] == "subject_gone"
    finally:
        del subjects.VERSIONS["meetingtest"]


async def test_quiet_hours_follow_the_recipients_zone(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    from models.organizations import Organization

    (andi,) = people(session, clock, 1)
    luwu = Organization(
        name="Dinas Kesehatan", kind="agency", timezone="Asia/Makassar", created_at=clock.now()
    )
    session.add(luwu)
    session.flush()
    andi.organization_id = luwu.id
    session.add(andi)
    clock.set(datetime(2023, 11, 27, 13, 30, tzinfo=UTC))  # 20.30 WIB, but 21.30 WITA
    broadcasts.create(session, author_id=None, specs=["all"], text="x", now=clock.now())
    session.commit()
    sender = RecordingSender()
    await make_dispatcher(engine, clock, sender, quiet=(time(21), time(6))).run_once()
    row = session.exec(select(OutboxMessage)).one()
    assert sender.sent == [] and row.not_before == datetime(
        2023, 11, 27, 22, 0, tzinfo=UTC
    )  # 06.00 WITA


async def test_nudges_wait_over_the_weekend_but_broadcasts_do_not(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    (sitti,) = people(session, clock, 1)
    clock.set(datetime(2023, 12, 2, 3, 0, tzinfo=UTC))  # Saturday 10.00 WIB
    outbox.plan(session, [nudge(sitti, "a", clock.now())], now=clock.now())
    broadcasts.create(session, author_id=None, specs=["all"], text="Sabtu", now=clock.now())
    session.commit()
    sender = RecordingSender()
    await make_dispatcher(engine, clock, sender).run_once()
    assert [m.text for _, m in sender.sent] == ["📢 <b>Siaran Pokjanal Posyandu</b>\n\nSabtu"]
    waiting = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "nudge")).one()
    assert waiting.not_before == datetime(2023, 12, 4, 0, 30, tzinfo=UTC)  # Monday 07.30 WIB
    assert waiting.attempts == 0  # waiting is not a failed attempt


class PacerTime(FakeTime):
    """The pacer's waits move the wall clock too, as they do in production."""

    def __init__(self, clock: FrozenClock) -> None:
        super().__init__()
        self.clock = clock

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds)
        self.clock.advance(timedelta(seconds=seconds))


def paced_dispatcher(
    engine: Engine,
    clock: FrozenClock,
    sender: RecordingSender,
    quiet: tuple[time, time] | None = None,
    rate: float = 1000,
) -> Dispatcher:
    time_ = PacerTime(clock)
    return Dispatcher(
        engine=engine,
        sender=sender,
        renderer=OutboxRenderer("Pokjanal Posyandu"),
        calendar=Calendar(quiet),
        clock=clock,
        config=DispatchConfig(rate=rate, default_zone=WIB),
        pacer=Pacer(rate, per_chat_interval=1.0, monotonic=time_.monotonic, sleep=time_.sleep),
    )


async def test_nothing_stands_between_the_pacers_slot_and_the_call(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    """The server counts a request when it arrives: database work between the slot and the
    call (renewing the claim, re-reading the rows) makes that moment jitter, and at the cap the
    jitter draws 429s. After a short wait the time rules are checked again without it."""
    people(session, clock, 3)
    broadcasts.create(session, author_id=None, specs=["all"], text="x", now=clock.now())
    session.commit()
    statements: list[str] = []
    between: list[int] = []

    class Counting(RecordingSender):
        async def send(self, recipient: Recipient, message: Rendered) -> str:
            between.append(len(statements))
            return await super().send(recipient, message)

    dispatcher = paced_dispatcher(engine, clock, Counting(), rate=3)
    pacer_turn = dispatcher.pacer.wait_turn

    async def wait_turn(chat_id: int | str) -> None:
        await pacer_turn(chat_id)
        statements.clear()

    dispatcher.pacer.wait_turn = wait_turn  # type: ignore[method-assign]

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        await dispatcher.run_once()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert statuses(session) == ["sent"] * 3
    assert between == [0, 0, 0]


async def test_a_wait_in_the_pacer_that_crosses_into_quiet_hours_holds_the_message(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    people(session, clock, 2)
    clock.set(datetime(2023, 11, 27, 13, 59, 59, 500000, tzinfo=UTC))  # 20.59.59,5 WIB
    broadcasts.create(session, author_id=None, specs=["all"], text="x", now=clock.now())
    session.commit()
    sender = RecordingSender()
    # One a second: the second message's turn comes after 21.00, when the quiet hours begin.
    await paced_dispatcher(engine, clock, sender, quiet=(time(21), time(6)), rate=1).run_once()
    assert len(sender.sent) == 1
    assert sorted(statuses(session)) == ["pending", "sent"]
    waiting = session.exec(select(OutboxMessage).where(OutboxMessage.status == "pending")).one()
    assert waiting.not_before == datetime(2023, 11, 27, 23, 0, tzinfo=UTC)  # 06.00 WIB


async def test_a_row_reclaimed_while_it_waited_out_a_long_429_is_not_sent_twice(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    people(session, clock, 1)
    broadcasts.create(session, author_id=None, specs=["all"], text="x", now=clock.now())
    session.commit()
    slow, fast = RecordingSender(failures=[RetryLater(400)]), RecordingSender()
    first = paced_dispatcher(engine, clock, slow)
    second = make_dispatcher(engine, clock, fast)
    first_pause = first.pacer.pause
    reclaimed: list[int] = []

    def pause(seconds: float, *, slow: bool = True) -> None:  # meanwhile its lease runs out
        first_pause(seconds, slow=slow)
        clock.advance(timedelta(minutes=6))
        with Session(engine) as other:
            lease = timedelta(minutes=5)
            reclaimed.extend(
                outbox.claim_due(
                    other, now=clock.now(), limit=10, worker=second.worker, lease=lease
                )
            )
            other.commit()

    first.pacer.pause = pause  # type: ignore[method-assign]
    await first.run_once()
    assert reclaimed and slow.sent == []
    for group in second._group(reclaimed):
        await second._guarded(group)
    assert len(fast.sent) == 1
    assert statuses(session) == ["sent"]


async def test_the_next_batch_is_claimed_before_the_last_one_is_sent(
    engine: Engine, session: Session, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between batches the pacer must not run dry: waiting for a batch's last answer, then
    claiming, then preparing the next one cost 0.3 s every 100 messages at 30/s."""
    people(session, clock, 25)
    broadcasts.create(session, author_id=None, specs=["all"], text="x", now=clock.now())
    session.commit()
    events: list[str] = []

    class Recording(RecordingSender):
        async def send(self, recipient: Recipient, message: Rendered) -> str:
            for _ in range(10):  # the request is on its way for a while
                await asyncio.sleep(0)
            events.append("answered")
            return await super().send(recipient, message)

    def claim(*args: Any, **kwargs: Any) -> list[int]:
        ids = outbox.claim_due(*args, **kwargs)
        events.append(f"claim {len(ids)}")
        return ids

    monkeypatch.setattr(dispatcher_module, "claim_due", claim)
    dispatcher = paced_dispatcher(engine, clock, Recording(), rate=1000)
    dispatcher.config.batch = 10
    dispatcher.config.rate = 2  # four places in flight
    dispatcher._in_flight = asyncio.Semaphore(4)
    assert await dispatcher.run_once() == 25
    assert statuses(session) == ["sent"] * 25
    claims = [i for i, e in enumerate(events) if e.startswith("claim") and e != "claim 0"]
    answers = [i for i, e in enumerate(events) if e == "answered"]
    assert len(claims) == 3
    # Claimed while the last four of the batch were in flight, not all at once.
    assert answers[5] < claims[1] < answers[9] and answers[15] < claims[2] < answers[19]
