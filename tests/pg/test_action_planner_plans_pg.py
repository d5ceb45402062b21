"""The follow-up planner's query plans on PostgreSQL (issue 15), on the migrated schema.

The same district and ticks as ``tests/domain/test_action_planner_plans.py``; ``explain``
switches ``enable_seqscan`` off, so a ``Seq Scan`` on ``action`` or ``outboxmessage`` left in a
plan is one no index can serve. Also here: two planners at once queue every nudge once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.database import open_database
from models.clock import FrozenClock
from models.outbox import OutboxMessage
from scheduler.action_planners import action_planner
from tests.domain.test_action_planner_plans import (
    MONDAY,
    ZONE,
    assert_reads_by_index,
    planner_plans,
    seed_district,
)


def test_the_action_planner_scans_neither_actions_nor_the_outbox_on_postgres(
    pg_url: str,
) -> None:
    engine = open_database(pg_url)
    try:
        seed_district(engine)
        assert_reads_by_index(planner_plans(engine))
    finally:
        engine.dispose()


def test_two_planners_at_once_queue_each_message_once(pg_url: str) -> None:
    """Two processes' ticks read the same marks side by side; the dedupe keys decide, and
    the marks end where one planner alone would have left them."""
    engine = open_database(pg_url)
    try:
        two_ticks_at_once(engine)
    finally:
        engine.dispose()


def two_ticks_at_once(engine: Engine) -> None:
    seed_district(engine)
    both = Barrier(2)
    planner = action_planner(FrozenClock(MONDAY).now, ZONE)

    def tick(_: int) -> int:
        with Session(engine) as session:
            both.wait()
            queued = planner(session)
            session.commit()
            return queued

    with ThreadPoolExecutor(max_workers=2) as pool:
        queued = sum(pool.map(tick, range(2)))
    with Session(engine) as session:
        rows = session.exec(select(func.count()).select_from(OutboxMessage)).one()
    assert queued == rows > 0
    later = action_planner(FrozenClock(MONDAY + timedelta(minutes=1)).now, ZONE)
    with Session(engine) as session:
        assert later(session) == 0
        session.commit()
