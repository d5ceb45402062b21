"""Issue 15 on PostgreSQL: a meeting's invitations queued in one INSERT … SELECT for the
reachable only, with the same dedupe keys and payloads as on SQLite (json_build_object there,
json_object here)."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlmodel import Session, select

from bot.database import open_database
from models import meetings, outbox, registration, rsvp
from models.accounts import Account
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


def test_linking_an_app_waits_for_a_meeting_still_inviting(pg_url: str) -> None:
    """A meeting's transaction still open: a person linking Telegram meanwhile waits for it
    (so the card shown on registering sees the meeting), instead of passing it, which left her
    neither a queued copy nor a card (review of issue 15)."""
    engine = open_database(pg_url)
    now = SystemClock().now().replace(year=2023, month=11, day=27)
    with Session(engine) as session:
        roster(session, now, 40)
    creating = Session(engine)
    meeting = meetings.create(
        creating,
        title="Rakor Pokjanal Posyandu",
        starts_at=START,
        timezone="Asia/Makassar",
        venue="Aula",
        specs=["all"],
        now=now,
    )
    linked = threading.Event()

    def link() -> None:
        with Session(engine) as other:
            person = other.exec(select(Person).where(Person.phone == "+628120000001")).one()
            account = Account.telegram(9001)
            registration._link(other, person, account=account, now=now)
            other.commit()
        linked.set()

    worker = threading.Thread(target=link)
    worker.start()
    assert not linked.wait(0.5)  # held while the meeting invites
    creating.commit()
    assert linked.wait(10)
    worker.join()
    with Session(engine) as session:
        person = session.exec(select(Person).where(Person.phone == "+628120000001")).one()
        assert [m.id for _, m in rsvp.open_invitations(session, person, now=now)] == [meeting.id]
    creating.close()
    engine.dispose()
