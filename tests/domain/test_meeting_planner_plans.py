"""The meeting planner and the dispatcher's claim read what is due, not what is stored.

Issue 15: with 100k pending invitations each tick re-planned everything (every coming or silent
invitation loaded, each invitee looked up on its own, every row's key read back from the
outbox). These tests hold the statements instead of a timing: no full scan of the invitations
or the outbox, and a tick with nothing new to plan gets no invitation row back and sends as
many statements at 20 invitees as at 80. The PostgreSQL variant (``tests/pg``) runs the same
world on a migrated database and also counts the index tuples the tick read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from models import outbox
from models.db import make_engine
from models.meetings import Answer, Invitation, Meeting, MeetingStatus
from models.outbox import Kind, OutboxMessage, Status
from models.people import Person, Role
from scheduler.planners import meeting_planner
from tests.query_plans import (
    Captured,
    Explained,
    assert_no_full_scan,
    captured_statements,
    explain,
)

NOW = datetime(2024, 1, 10, 1, 0, tzinfo=UTC)  # a Wednesday, 09.00 WITA
OFFSETS = [timedelta(days=3), timedelta(days=1), timedelta(hours=2)]
ANSWERS = [Answer.PENDING, Answer.HADIR, Answer.DIWAKILKAN, Answer.TIDAK_HADIR]


def populate(
    session: Session, *, invitees: int, now: datetime = NOW, more_meetings: int = 0
) -> None:
    """Every kind of meeting the planner meets: one within a day (a reminder and the
    before-deadline nudge due), one in a month (half its invitations a day old), one moved 30 h
    ago, one held and waiting for its minutes, one closed, one cancelled; invitees registered on
    Telegram, on WhatsApp on paper, or not at all; and an outbox with rows in every state."""
    admin = Person(
        name="Admin",
        phone="+628110000000",
        role=Role.ADMIN.value,
        telegram_user_id=999_000,
        telegram_chat_id=999_000,
        created_at=now,
        updated_at=now,
    )
    session.add(admin)
    people = []
    for i in range(invitees):
        kind = i % 5
        people.append(
            Person(
                name=f"Kader {i}",
                phone=f"+62812{i:07d}",
                telegram_user_id=10_000 + i if kind in (2, 3, 4) else None,
                telegram_chat_id=10_000 + i if kind in (2, 3, 4) else None,
                whatsapp_opt_in_at=now - timedelta(days=9) if kind == 1 else None,
                created_at=now,
                updated_at=now,
            )
        )
    session.add_all(people)
    session.flush()
    assert admin.id is not None

    def meeting(
        code: str,
        starts_at: datetime,
        deadline: datetime,
        *,
        status: MeetingStatus = MeetingStatus.SCHEDULED,
        version: int = 1,
        updated_at: datetime | None = None,
    ) -> Meeting:
        made = Meeting(
            title=f"Rakor {code}",
            starts_at=starts_at,
            timezone="Asia/Makassar",
            venue="Aula",
            rsvp_deadline=deadline,
            status=status.value,
            version=version,
            attendance_code=code,
            created_by_id=admin.id,
            created_at=now - timedelta(days=5),
            updated_at=updated_at or now - timedelta(days=5),
        )
        session.add(made)
        session.flush()
        return made

    soon = meeting("SOON", now + timedelta(hours=20), now + timedelta(hours=10))
    later = meeting("LATER", now + timedelta(days=30), now + timedelta(days=20))
    moved = meeting(
        "MOVED",
        now + timedelta(days=10),
        now + timedelta(days=8),
        version=2,
        updated_at=now - timedelta(hours=30),
    )
    held = meeting("HELD", now - timedelta(days=2), now - timedelta(days=3))
    others = [
        meeting(f"M{i}", now + timedelta(days=40 + i), now + timedelta(days=35 + i))
        for i in range(more_meetings)
    ]
    meeting("DONE", now - timedelta(days=9), now - timedelta(days=10), status=MeetingStatus.DONE)
    cancelled = meeting(
        "GONE", now + timedelta(days=2), now + timedelta(days=1), status=MeetingStatus.CANCELLED
    )
    for made in (soon, later, moved, held, cancelled, *others):
        for i, invitee in enumerate(people):
            assert made.id is not None and invitee.id is not None
            answer = ANSWERS[i % 4] if made is not later else Answer.PENDING
            fresh = made is later and i % 2 == 0
            session.add(
                Invitation(
                    meeting_id=made.id,
                    person_id=invitee.id,
                    answer=answer.value,
                    representative_person_id=(
                        people[(i + 1) % len(people)].id if answer == Answer.DIWAKILKAN else None
                    ),
                    created_at=now - (timedelta(hours=1) if fresh else timedelta(days=2)),
                    updated_at=now - timedelta(days=2),
                )
            )
    statuses = [Status.SENT, Status.PENDING, Status.SKIPPED, Status.SENDING, Status.FAILED]
    for i, invitee in enumerate(people):
        for j, status in enumerate(statuses):
            assert invitee.id is not None
            session.add(
                OutboxMessage(
                    dedupe_key=f"old|{i}|{j}",
                    person_id=invitee.id,
                    kind=Kind.NUDGE.value if j % 2 else Kind.BROADCAST.value,
                    subject="broadcast:1",
                    not_before=now + timedelta(hours=j - 2),
                    status=status.value,
                    claimed_at=now - timedelta(minutes=j),
                    created_at=now,
                    updated_at=now,
                )
            )
    session.commit()


def world(invitees: int, url: str = "sqlite://", more_meetings: int = 0) -> Engine:
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        populate(session, invitees=invitees, more_meetings=more_meetings)
    return engine


def tick(engine: Engine) -> Callable[[], int]:
    planner = meeting_planner(OFFSETS, lambda: NOW, "Asia/Makassar")

    def run() -> int:
        with Session(engine) as session:
            queued = planner(session)
            session.commit()
        return queued

    return run


def claim(engine: Engine) -> None:
    with Session(engine) as session:
        outbox.next_due(session)
        ids = outbox.claim_due(session, now=NOW, limit=10, worker="w", lease=timedelta(minutes=2))
        people = sorted({session.get_one(OutboxMessage, i).person_id for i in ids})
        outbox.claim_more_bundled(session, person_ids=people, now=NOW, worker="w")


def invitation_rows_returned(engine: Engine, captured: list[Captured]) -> int:
    """Run the captured reads of invitations again (right after the tick, so the same data)
    and count the rows they give back."""
    total = 0
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        for item in captured:
            text = item.statement.lower()
            if text.lstrip().startswith("select") and "invitation" in text:
                cursor.execute(item.statement, item.parameters)
                total += len(cursor.fetchall())
        cursor.close()
    return total


def quiet_tick(engine: Engine) -> tuple[int, list[Captured], list[Explained]]:
    """A first tick plans what is due; the second, at the same moment, has nothing new.

    In between the database is tidied as a running one is (autovacuum on PostgreSQL): the
    statistics refreshed, and the index entries of the rows' versions before the marks were
    written cleared away."""
    assert tick(engine)() > 0
    tidy = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(tidy)
    with captured_statements(engine) as seen:
        queued = tick(engine)()
    return queued, seen, explain(engine, seen)


def test_a_tick_reads_invitations_and_the_outbox_by_index_only() -> None:
    engine = world(40)
    with captured_statements(engine) as seen:
        assert tick(engine)() > 0
    assert_no_full_scan(explain(engine, seen))
    with captured_statements(engine) as seen:
        claim(engine)
    assert_no_full_scan(explain(engine, seen))
    engine.dispose()


def test_a_tick_with_nothing_new_reads_no_invitation_again_whatever_the_size() -> None:
    """As many statements at 20 invitees as at 80, with 2 more meetings open as with 12."""
    counts = []
    for invitees, more_meetings in ((20, 2), (80, 12)):
        engine = world(invitees, more_meetings=more_meetings)
        queued, seen, explained = quiet_tick(engine)
        assert queued == 0
        assert_no_full_scan(explained)
        assert invitation_rows_returned(engine, seen) == 0
        assert not [s for s in seen if "outboxmessage" in s.statement.lower()]
        counts.append(len(seen))
        engine.dispose()
    assert counts[0] == counts[1], counts


def test_the_first_tick_plans_what_is_due_for_the_registered_only() -> None:
    engine = world(20)
    assert tick(engine)() > 0
    with Session(engine) as session:
        query = select(OutboxMessage).where(OutboxMessage.subject != "broadcast:1")
        rows = session.exec(query).all()
        people = {p.id: p for p in session.exec(select(Person)).all()}
    assert rows
    assert all(people[row.person_id].has_channel for row in rows)
    assert {row.kind for row in rows} == {Kind.REMINDER.value, Kind.NUDGE.value}
    engine.dispose()
