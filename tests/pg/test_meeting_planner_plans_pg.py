"""The meeting planner and the dispatcher's claim on PostgreSQL, on a migrated database.

The same world as ``tests/domain/test_meeting_planner_plans.py``, built by the migrations (so
their indexes are the ones the plans use). Besides the plans, PostgreSQL counts what a
transaction really read (``pg_stat_xact_*``): a tick with nothing new to plan reads no index
entry and no row of the invitations.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from bot.database import open_database
from scheduler.planners import meeting_planner
from tests.domain.test_meeting_planner_plans import (
    NOW,
    OFFSETS,
    claim,
    invitation_rows_returned,
    populate,
    quiet_tick,
    tick,
)
from tests.query_plans import assert_no_full_scan, captured_statements, explain

# Rows a sequential scan returned from the table plus entries index scans returned from each
# of its indexes, in this transaction so far.
READ = text(
    "SELECT pg_stat_get_xact_tuples_returned(CAST(:table AS regclass)) "
    "+ coalesce(sum(pg_stat_get_xact_tuples_returned(indexrelid)), 0) "
    "FROM pg_index WHERE indrelid = CAST(:table AS regclass)"
)


def read_by_a_tick(connection: Connection, table: str) -> int:
    """Rows and index entries of ``table`` the tick's own transaction read (sequential scans
    off, as in the plans: on tables this small PostgreSQL would rightly scan them)."""
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    before = int(connection.execute(READ, {"table": table}).scalar_one())
    with Session(bind=connection) as session:
        assert meeting_planner(OFFSETS, lambda: NOW, "Asia/Makassar")(session) == 0
    return int(connection.execute(READ, {"table": table}).scalar_one()) - before


def test_a_tick_reads_invitations_and_the_outbox_by_index_only(pg_url: str) -> None:
    engine = open_database(pg_url)
    with Session(engine) as session:
        populate(session, invitees=40)
    with captured_statements(engine) as seen:
        assert tick(engine)() > 0
    assert_no_full_scan(explain(engine, seen))
    with captured_statements(engine) as seen:
        claim(engine)
    assert_no_full_scan(explain(engine, seen))
    engine.dispose()


def test_a_tick_with_nothing_new_reads_no_invitation_again(pg_url: str) -> None:
    engine = open_database(pg_url)
    with Session(engine) as session:
        populate(session, invitees=40)
    queued, seen, explained = quiet_tick(engine)
    assert queued == 0
    assert_no_full_scan(explained)
    assert invitation_rows_returned(engine, seen) == 0
    with engine.connect() as connection, connection.begin():
        assert read_by_a_tick(connection, "invitation") == 0
        assert read_by_a_tick(connection, "outboxmessage") == 0
    engine.dispose()
