"""The inbox on PostgreSQL: a re-sent update is stored once, even from two connections at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session, select

from bot.database import open_database
from models import inbox
from models.clock import SystemClock
from models.db import unit_of_work
from models.inbox import InboxUpdate


def test_the_same_update_posted_twice_at_once_is_stored_once(pg_url: str) -> None:
    engine = open_database(pg_url)
    now = SystemClock().now()

    def post(_: int) -> int | None:
        with unit_of_work(engine) as session:
            return inbox.receive(
                session,
                channel="telegram",
                external_id="777",
                chat_key="42",
                seq=777,
                payload='{"update_id": 777}',
                now=now,
            )

    with ThreadPoolExecutor(max_workers=8) as pool:
        stored = [row for row in pool.map(post, range(16)) if row is not None]
    assert len(stored) == 1
    with unit_of_work(engine) as session:
        left = inbox.recover(session, now=now)
        assert [p.id for p in left] == stored
        inbox.finish(session, stored[0], now=now)
    with Session(engine) as session:
        assert [row.status for row in session.exec(select(InboxUpdate))] == ["done"]
    engine.dispose()
