"""Issue 15 on PostgreSQL: a meeting's invitations queued in one INSERT … SELECT for the
reachable only, with the same dedupe keys and payloads as on SQLite (json_build_object there,
json_object here)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.database import open_database
from models import meetings, outbox
from models.clock import SystemClock
from models.meetings import Invitation
from models.people import Person
from tests.domain.test_invitation_queue import START, create, queued, roster


def test_create_and_move_queue_the_reachable_only(pg_url: str) -> None:
    engine = open_database(pg_url)
    now = SystemClock().now().replace(year=2023, month=11, day=27)
    with Session(engine, expire_on_commit=False) as session:
        roster(session, now, 2000)
        meeting = create(session, now, ["all"])
        invited = {
            i.person_id: i.id
            for i in session.exec(select(Invitation).where(Invitation.meeting_id == meeting.id))
        }
        assert len(invited) == 2010
        rows = queued(session, meeting)
        reachable = {p.id for p in session.exec(select(Person)) if p.reachable}
        assert {row.person_id for row in rows} == reachable and len(rows) == 100
        for row in rows:
            assert row.payload == {"invitation_id": invited[row.person_id]}
            assert row.dedupe_key == outbox.dedupe_key(
                row.person_id, row.kind, row.subject, row.subject_version, ""
            )
        told = meetings.reschedule(session, meeting, starts_at=START + timedelta(days=1), now=now)
        session.commit()
        assert told == 100
        moved = [row for row in queued(session, meeting) if row.subject_version == 2]
        assert {row.payload["moved_from"] for row in moved} == {START.isoformat()}
        assert meetings.cancel(session, meeting, now=now) == 100
        session.commit()
    engine.dispose()
