"""Two dispatchers on one PostgreSQL database: a 500-message broadcast, no duplicates, no losses.

Two threads, one event loop, and two OS processes are three ways to run two dispatchers side by
side, each with its own engine (its own connections, as two deployed processes would have). In
threads and processes their claims really do run at the same time in the database, so this is
where ``FOR UPDATE SKIP LOCKED`` earns its keep; in one event loop they interleave at every
``await``. The planning tests run ``outbox.plan`` from two engines at once and rely on
``INSERT … ON CONFLICT DO NOTHING``.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from bot import migrate
from bot.database import open_database
from models import broadcasts, outbox
from models.clock import SystemClock
from models.db import make_engine, unit_of_work
from models.outbox import Kind, OutboxMessage, Planned, Status
from models.people import Person
from models.phones import normalize_phone
from tests.pg.worker import YieldingSender, build_dispatcher, drain

PEOPLE = 500
PROJECT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


@dataclass(frozen=True)
class Queued:
    engine: Engine  # the bot's own engine: used to set up and to check, never to dispatch
    url: str
    chats: list[int]
    broadcast_id: int


@pytest.fixture
def queued(pg_url: str) -> Iterator[Queued]:
    """500 registered people and one broadcast to all of them, on a migrated database."""
    engine = open_database(pg_url)
    now = SystemClock().now()
    with unit_of_work(engine) as session:
        session.add_all(
            Person(
                name=f"Kader {i}",
                phone=normalize_phone(f"08123400{i:04d}"),
                telegram_user_id=7_000_000_000 + i,  # beyond 32 bits, as real Telegram ids are
                telegram_chat_id=7_000_000_000 + i,
                created_at=now,
                updated_at=now,
            )
            for i in range(PEOPLE)
        )
    with unit_of_work(engine) as session:
        created = broadcasts.create(
            session, author_id=None, specs=["all"], text="Rapat Pokjanal besok", now=now
        )
        chats = [c for c in session.exec(select(Person.telegram_chat_id)) if c is not None]
    assert created.id is not None and len(chats) == PEOPLE
    yield Queued(engine=engine, url=pg_url, chats=chats, broadcast_id=created.id)
    engine.dispose()


def run_in_two_threads(job: Callable[[int], T]) -> tuple[T, T]:
    """Run ``job(0)`` and ``job(1)`` in two threads, released together; re-raise their errors."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.submit(job, 0), pool.submit(job, 1)
        return first.result(timeout=180), second.result(timeout=180)


def assert_each_person_got_exactly_one(queued: Queued, sent_by: dict[str, list[int]]) -> None:
    every = [chat for chats in sent_by.values() for chat in chats]
    duplicates = sorted(chat for chat, n in Counter(every).items() if n > 1)
    lost = sorted(set(queued.chats) - set(every))
    assert duplicates == [], f"{len(duplicates)} people got the broadcast more than once"
    assert lost == [], f"{len(lost)} people never got the broadcast"
    assert sorted(every) == sorted(queued.chats)
    assert all(sent_by.values()), {w: len(c) for w, c in sent_by.items()}  # both did some work
    assert len(sent_by) == 2

    with Session(queued.engine) as session:
        rows = session.exec(
            select(OutboxMessage, Person.telegram_chat_id)
            .join(Person, col(Person.id) == col(OutboxMessage.person_id))
            .where(OutboxMessage.subject == broadcasts.subject_of(queued.broadcast_id))
        ).all()
        report = broadcasts.report(session, queued.broadcast_id)
    assert len(rows) == PEOPLE
    assert Counter(row.status for row, _ in rows) == {Status.SENT.value: PEOPLE}
    assert {row.attempts for row, _ in rows} == {1}  # no row was ever claimed twice
    assert all(row.sent_at is not None and row.telegram_message_id for row, _ in rows)
    # Who claimed a row is who sent it: the database's record matches each sender's.
    for worker, chats in sent_by.items():
        claimed = [chat for row, chat in rows if row.claimed_by == worker]
        assert Counter(claimed) == Counter(chats), worker
    assert (report.sent, report.waiting, report.failed, report.unreachable) == (PEOPLE, 0, 0, 0)


@pytest.mark.parametrize("batch", [100, 10])
def test_two_dispatchers_in_two_threads_send_each_message_exactly_once(
    queued: Queued, batch: int
) -> None:
    start = threading.Barrier(2)

    def dispatch(_: int) -> tuple[str, list[int]]:
        engine = make_engine(queued.url)  # its own engine and pool, like a second process
        try:
            sender = YieldingSender()
            dispatcher = build_dispatcher(engine, sender, batch=batch)
            start.wait(timeout=30)
            asyncio.run(drain(dispatcher))
            return dispatcher.worker, sender.chats()
        finally:
            engine.dispose()

    results = run_in_two_threads(dispatch)
    assert_each_person_got_exactly_one(queued, dict(results))


async def test_two_dispatchers_in_one_event_loop_send_each_message_exactly_once(
    queued: Queued,
) -> None:
    engines = [make_engine(queued.url), make_engine(queued.url)]
    try:
        senders = [YieldingSender(), YieldingSender()]
        dispatchers = [
            build_dispatcher(e, s, batch=50) for e, s in zip(engines, senders, strict=True)
        ]
        await asyncio.gather(*(drain(d) for d in dispatchers))
        sent_by = {d.worker: s.chats() for d, s in zip(dispatchers, senders, strict=True)}
    finally:
        for engine in engines:
            engine.dispose()
    assert_each_person_got_exactly_one(queued, sent_by)


def kill_all(processes: list[subprocess.Popen[str]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()


def test_two_dispatcher_processes_send_each_message_exactly_once(queued: Queued) -> None:
    command = [sys.executable, "-m", "tests.pg.worker", queued.url, "20"]
    with ExitStack() as stack:
        workers = [
            stack.enter_context(
                subprocess.Popen(
                    command,
                    cwd=PROJECT,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
            for _ in range(2)
        ]
        watchdog = threading.Timer(180, kill_all, args=(workers,))  # no worker outlives a hang
        watchdog.start()
        stack.callback(watchdog.cancel)
        stack.callback(kill_all, workers)
        for worker in workers:  # both have imported everything: release them together
            assert worker.stdout is not None
            line = worker.stdout.readline().strip()
            if line != "ready":
                kill_all(workers)
                pytest.fail(f"a worker did not start: {line!r}\n{worker.communicate()[1]}")
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        outputs = [worker.communicate(timeout=180) for worker in workers]
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
    results = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert_each_person_got_exactly_one(queued, {r["worker"]: r["chats"] for r in results})


# --- planning ---------------------------------------------------------------------------------


def people_ids(engine: Engine, count: int) -> list[int]:
    now = SystemClock().now()
    with unit_of_work(engine) as session:
        people = [
            Person(
                name=f"Kader {i}",
                phone=normalize_phone(f"08123400{i:04d}"),
                created_at=now,
                updated_at=now,
            )
            for i in range(count)
        ]
        session.add_all(people)
        session.flush()
        return [p.id for p in people if p.id is not None]


def notices(ids: list[int], subject: str, now: datetime) -> list[Planned]:
    return [
        Planned(
            person_id=pid,
            kind=Kind.NOTICE.value,
            subject=subject,
            not_before=now,
            payload={"key": "siaran.queued"},
        )
        for pid in ids
    ]


def queued_keys(engine: Engine) -> Counter[str]:
    with Session(engine) as session:
        return Counter(session.exec(select(OutboxMessage.dedupe_key)))


def plan_in_two_threads(url: str, batches: tuple[list[Planned], list[Planned]]) -> tuple[int, int]:
    """Two planners, each with its own engine, released at the same moment."""
    start = threading.Barrier(2)
    now = SystemClock().now()

    def plan(index: int) -> int:
        own = make_engine(url)
        try:
            start.wait(timeout=30)
            with unit_of_work(own) as session:
                return outbox.plan(session, batches[index], now=now)
        finally:
            own.dispose()

    return run_in_two_threads(plan)


def test_planning_from_two_engines_at_once_queues_each_message_once(pg_url: str) -> None:
    engine = open_database(pg_url)
    try:
        ids = people_ids(engine, PEOPLE)
        now = SystemClock().now()
        # The same 500 messages from both planners, then two overlapping sets (0-349, 150-499).
        same = plan_in_two_threads(
            pg_url, (notices(ids, "test:same", now), notices(ids, "test:same", now))
        )
        halves = plan_in_two_threads(
            pg_url, (notices(ids[:350], "test:halves", now), notices(ids[150:], "test:halves", now))
        )
        # Each message was counted as new by exactly one of the two planners.
        assert sum(same) == PEOPLE and sum(halves) == PEOPLE, (same, halves)
        assert min(halves) >= 150  # each planner had 150 messages the other never planned
        keys = queued_keys(engine)
        assert len(keys) == 2 * PEOPLE and set(keys.values()) == {1}
        with Session(engine) as session:
            rows = session.exec(select(OutboxMessage.subject, OutboxMessage.person_id)).all()
        for subject in ("test:same", "test:halves"):
            assert sorted(p for s, p in rows if s == subject) == sorted(ids)
    finally:
        engine.dispose()


def test_a_second_planner_waits_for_the_first_and_then_queues_nothing(pg_url: str) -> None:
    """Forced overlap: the first planner's transaction is still open when the second plans."""
    engine = open_database(pg_url)
    first_engine, second_engine = make_engine(pg_url), make_engine(pg_url)
    try:
        ids = people_ids(engine, 50)
        now = SystemClock().now()
        messages = notices(ids, "test:overlap", now)
        with ThreadPoolExecutor(max_workers=1) as pool, Session(first_engine) as first:
            assert outbox.plan(first, messages, now=now) == 50  # inserted, not committed yet

            def plan_second() -> int:
                with unit_of_work(second_engine) as session:
                    return outbox.plan(session, messages, now=now)

            second = pool.submit(plan_second)
            wait_until_blocked_on_a_lock(engine)  # the second waits on the first's new keys
            assert not second.done()
            first.commit()
            # Then it finds them taken: nothing new, no error, no duplicate.
            assert second.result(timeout=30) == 0
        keys = queued_keys(engine)
        assert len(keys) == 50 and set(keys.values()) == {1}
    finally:
        for each in (first_engine, second_engine, engine):
            each.dispose()


def test_plan_reports_how_many_messages_were_new_on_postgresql(pg_url: str) -> None:
    engine = open_database(pg_url)
    try:
        ids = people_ids(engine, 600)  # more than one INSERT (plan() inserts 500 at a time)
        now = SystemClock().now()
        with unit_of_work(engine) as session:
            first = outbox.plan(session, notices(ids[:550], "test:count", now), now=now)
        with unit_of_work(engine) as session:
            again = outbox.plan(session, notices(ids, "test:count", now), now=now)
        assert len(queued_keys(engine)) == 600
        assert (first, again) == (550, 50)
    finally:
        engine.dispose()


def wait_until_blocked_on_a_lock(engine: Engine, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if connection.execute(query).scalar_one():
                return
        time.sleep(0.02)
    raise AssertionError("the second planner never waited for the first")


# --- the schema ---------------------------------------------------------------------------


def test_the_migrations_build_the_model_schema_on_postgresql(pg_url: str) -> None:
    engine = open_database(pg_url)
    try:
        migrate.upgrade(engine)  # a second run is a no-op
        assert migrate.is_current(engine)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert diff == []
    finally:
        engine.dispose()
