"""What the meeting planners queue, tick after tick, now that "already planned" is a mark on
the invitation (issue 15): the same messages as before, each once, to the registered only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count, product

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from models import meetings, rsvp
from models.meetings import Answer, Invitation, Meeting
from models.outbox import Kind, OutboxMessage
from models.people import Person, Role, has_channel_clause
from scheduler import planners
from scheduler.planners import meeting_planner

NOW = datetime(2024, 1, 8, 1, 0, tzinfo=UTC)  # a Monday, 09.00 WITA
START = NOW + timedelta(days=7)
OFFSETS = [timedelta(days=3), timedelta(days=1), timedelta(hours=2)]
_numbers = count(1)


def someone(session: Session, name: str, *, registered: bool = True, **extra: object) -> int:
    number = next(_numbers)
    person = Person(
        name=name,
        phone=f"+62812{number:07d}",
        telegram_user_id=number if registered else None,
        telegram_chat_id=number if registered else None,
        created_at=NOW,
        updated_at=NOW,
        **extra,
    )
    session.add(person)
    session.flush()
    assert person.id is not None
    return person.id


def rakor(
    session: Session, *, start: datetime = START, deadline: datetime | None = None
) -> Meeting:
    meeting = Meeting(
        title="Rakor",
        starts_at=start,
        timezone="Asia/Makassar",
        venue="Aula",
        rsvp_deadline=deadline or start - timedelta(days=2),
        attendance_code=f"C{next(_numbers)}",
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(meeting)
    session.flush()
    return meeting


def invite(
    session: Session,
    meeting: Meeting,
    person_id: int,
    answer: Answer = Answer.PENDING,
    *,
    representative: int | None = None,
    at: datetime = NOW,
) -> int:
    assert meeting.id is not None
    invitation = Invitation(
        meeting_id=meeting.id,
        person_id=person_id,
        answer=answer.value,
        representative_person_id=representative,
        created_at=at,
        updated_at=at,
    )
    session.add(invitation)
    session.flush()
    assert invitation.id is not None
    return invitation.id


def tick(session: Session, at: datetime) -> int:
    queued = meeting_planner(OFFSETS, lambda: at, "Asia/Makassar")(session)
    session.commit()
    return queued


def queued(session: Session, kind: Kind) -> list[tuple[int, str, int]]:
    query = select(OutboxMessage).where(OutboxMessage.kind == kind.value)
    rows = session.exec(query.order_by(col(OutboxMessage.id))).all()
    return [(row.person_id, row.slot, row.subject_version) for row in rows]


def test_only_the_latest_offset_that_has_come_and_each_once(session: Session) -> None:
    sitti = someone(session, "Sitti")
    meeting = rakor(session)
    invitation = invite(session, meeting, sitti, Answer.HADIR)
    assert tick(session, START - timedelta(days=4)) == 0  # no offset has come yet
    # Ticks stopped for two days (a restart): only the "1 day" reminder, not a late "3 days".
    assert tick(session, START - timedelta(hours=20)) == 1
    assert tick(session, START - timedelta(hours=19)) == 0
    assert tick(session, START - timedelta(hours=2)) == 1
    assert tick(session, START - timedelta(hours=1)) == 0
    assert queued(session, Kind.REMINDER) == [
        (sitti, f"1d-{invitation}", 1),
        (sitti, f"2h-{invitation}", 1),
    ]


def test_reminders_reach_registered_invitees_and_representatives_only(session: Session) -> None:
    hasrul, dewi, andi = (
        someone(session, "Hasrul"),
        someone(session, "Dewi"),
        someone(session, "Andi"),
    )
    paper = someone(session, "Paper", registered=False)  # coming, but the bot cannot write to them
    absent_rep = someone(session, "Absent", registered=False)
    meeting = rakor(session)
    represented = invite(session, meeting, hasrul, Answer.DIWAKILKAN, representative=dewi)
    andi_invitation = invite(session, meeting, andi, Answer.DIWAKILKAN, representative=absent_rep)
    for_paper = invite(session, meeting, paper, Answer.DIWAKILKAN, representative=dewi)
    invite(session, meeting, someone(session, "Budi"), Answer.TIDAK_HADIR)
    invite(session, meeting, someone(session, "Cici"), Answer.PENDING)
    tick(session, START - timedelta(days=3))
    slots = sorted(queued(session, Kind.REMINDER))
    assert slots == sorted(
        [
            (hasrul, f"3d-{represented}", 1),
            (dewi, f"3d-{represented}", 1),
            (andi, f"3d-{andi_invitation}", 1),
            (dewi, f"3d-{for_paper}", 1),
        ]
    )


def test_someone_who_accepts_late_gets_the_reminder_whose_time_has_come(session: Session) -> None:
    sitti = someone(session, "Sitti")
    meeting = rakor(session)
    invitation = invite(session, meeting, sitti)
    tick(session, START - timedelta(days=3))
    session.execute(update(Invitation).values(answer=Answer.HADIR.value))
    assert tick(session, START - timedelta(days=2)) == 1
    assert queued(session, Kind.REMINDER) == [(sitti, f"3d-{invitation}", 1)]


def test_nudges_after_a_day_then_a_day_before_the_deadline(session: Session) -> None:
    sitti, ghost = someone(session, "Sitti"), someone(session, "Ghost", registered=False)
    deadline = NOW + timedelta(days=4)
    meeting = rakor(session, deadline=deadline)
    early = invite(session, meeting, sitti)
    invite(session, meeting, ghost)
    late = invite(session, meeting, someone(session, "Late"), at=NOW + timedelta(hours=12))
    assert tick(session, NOW + timedelta(hours=23)) == 0
    assert tick(session, NOW + timedelta(hours=24)) == 1  # Sitti; the ghost has no channel
    assert tick(session, NOW + timedelta(hours=30)) == 0
    assert tick(session, NOW + timedelta(hours=36)) == 1  # the one invited 12 h later
    assert tick(session, deadline - timedelta(days=1)) == 2
    assert tick(session, deadline - timedelta(hours=1)) == 0
    late_person = session.get_one(Invitation, late).person_id
    assert sorted(queued(session, Kind.NUDGE)) == sorted(
        [
            (sitti, f"after-24h-{early}", 1),
            (late_person, f"after-24h-{late}", 1),
            (sitti, f"before-deadline-{early}", 1),
            (late_person, f"before-deadline-{late}", 1),
        ]
    )


def test_a_move_plans_again_for_the_new_version_counting_24_h_from_the_move(
    session: Session,
) -> None:
    sitti, andi = someone(session, "Sitti"), someone(session, "Andi")
    meeting = rakor(session, deadline=START - timedelta(days=1))
    silent = invite(session, meeting, sitti)
    coming = invite(session, meeting, andi, Answer.HADIR)
    tick(session, NOW + timedelta(days=1))  # Sitti's first nudge
    tick(session, START - timedelta(days=3))  # Andi's reminder
    moved_at = START - timedelta(days=3, hours=-1)
    meeting.starts_at, meeting.rsvp_deadline = START + timedelta(days=7), START + timedelta(days=6)
    meeting.version, meeting.updated_at = 2, moved_at
    session.add(meeting)
    session.commit()
    assert tick(session, moved_at + timedelta(hours=23)) == 0
    assert tick(session, moved_at + timedelta(hours=24)) == 1  # Sitti, 24 h after the move
    assert tick(session, meeting.starts_at - timedelta(days=3)) == 1  # Andi, version 2
    assert (sitti, f"after-24h-{silent}", 2) in queued(session, Kind.NUDGE)
    assert queued(session, Kind.REMINDER) == [
        (andi, f"3d-{coming}", 1),
        (andi, f"3d-{coming}", 2),
    ]


def test_rows_another_process_queued_are_not_queued_twice(session: Session) -> None:
    """The marks are the fast path; the dedupe keys stay the guard: rows queued before the
    marks existed (an upgraded database), or by a process whose marks this one did not see."""
    sitti = someone(session, "Sitti")
    meeting = rakor(session, deadline=START - timedelta(hours=1))
    invite(session, meeting, sitti, Answer.HADIR)
    invite(session, meeting, someone(session, "Andi"))
    assert tick(session, NOW + timedelta(days=1)) == 1
    assert tick(session, START - timedelta(days=3)) == 1
    session.execute(update(Invitation).values(reminder_mark=0, nudge_mark=0))
    session.commit()
    assert tick(session, START - timedelta(days=3)) == 0
    assert len(queued(session, Kind.REMINDER)) == len(queued(session, Kind.NUDGE)) == 1


def test_many_due_at_once_are_planned_in_batches(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(planners, "BATCH", 3)
    meeting = rakor(session)
    for i in range(10):
        invite(session, meeting, someone(session, f"Kader {i}"), Answer.HADIR)
    for i in range(7):
        invite(session, meeting, someone(session, f"Diam {i}"))
    assert tick(session, START - timedelta(days=3)) == 17
    assert tick(session, START - timedelta(days=3)) == 0


def test_the_closing_nudge_once_a_day_to_the_reachable_organisers(session: Session) -> None:
    admin = someone(session, "Admin", role=Role.ADMIN.value)
    someone(session, "Admin on paper", registered=False, role=Role.ADMIN.value)
    author = someone(session, "Author")
    held = rakor(session, start=NOW - timedelta(days=1))  # made from the command line
    authored = rakor(session, start=NOW - timedelta(days=1))
    authored.created_by_id = author
    session.add(authored)
    session.commit()
    assert tick(session, NOW) == 2
    assert tick(session, NOW + timedelta(hours=6)) == 0  # the same day in Makassar
    assert tick(session, NOW + timedelta(days=1)) == 2
    meetings.close(session, held, now=NOW + timedelta(days=1), text="Notulen rapat")
    assert tick(session, NOW + timedelta(days=2)) == 1
    assert sorted(queued(session, Kind.NUDGE)) == sorted(
        [
            (admin, "close-2024-01-08", 1),
            (author, "close-2024-01-08", 1),
            (admin, "close-2024-01-09", 1),
            (author, "close-2024-01-09", 1),
            (author, "close-2024-01-10", 1),
        ]
    )


def test_has_channel_in_sql_agrees_with_the_property(session: Session) -> None:
    choices = product([None, 7], [None, "628111"], [None, NOW], [None, "+628122"])
    for i, (telegram, whatsapp, opt_in, phone) in enumerate(choices):
        session.add(
            Person(
                name=f"P{i}",
                phone=phone and f"{phone}{i:03d}",
                telegram_user_id=telegram and telegram + i,
                whatsapp_id=whatsapp and f"{whatsapp}{i:03d}",
                whatsapp_opt_in_at=opt_in,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    # Opted in on paper with an empty number: no address to write to.
    session.add(
        Person(name="Empty", phone="", whatsapp_opt_in_at=NOW, created_at=NOW, updated_at=NOW)
    )
    session.commit()
    people = session.exec(select(Person)).all()
    in_sql = set(session.exec(select(Person.id).where(has_channel_clause(Person))))
    assert in_sql == {p.id for p in people if p.has_channel}
    assert 0 < len(in_sql) < len(people)


def test_a_mark_never_moves_back(session: Session) -> None:
    """A second process, or a planner still holding the meeting as it was before a move,
    writes an older mark: it must not undo a newer one (the invitations would be read again
    at every tick)."""
    meeting = rakor(session)
    invitation_id = invite(session, meeting, someone(session, "Sitti"), Answer.HADIR)
    meetings._mark(session, "reminder_mark", [invitation_id], 20)
    meetings._mark(session, "reminder_mark", [invitation_id], 10)
    session.commit()
    invitation = session.get(Invitation, invitation_id)
    assert invitation is not None and invitation.reminder_mark == 20


def test_a_representative_named_after_the_reminder_went_gets_it_too(session: Session) -> None:
    """Hasrul had the "1 day" reminder, then sends Dewi instead: she is reminded at the next
    tick (as before the marks: her row's key was new), and Hasrul is not reminded twice."""
    hasrul, dewi = someone(session, "Hasrul"), someone(session, "Dewi")
    meeting = rakor(session)
    invitation_id = invite(session, meeting, hasrul, Answer.HADIR)
    assert tick(session, START - timedelta(hours=20)) == 1
    invitation = session.get(Invitation, invitation_id)
    assert invitation is not None
    invitation.representative_name, invitation.representative_person_id = "Dewi", dewi
    rsvp.record(session, invitation, meeting, Answer.DIWAKILKAN, now=START - timedelta(hours=19))
    session.commit()
    assert tick(session, START - timedelta(hours=19)) == 1
    assert sorted(queued(session, Kind.REMINDER)) == sorted(
        [(hasrul, f"1d-{invitation_id}", 1), (dewi, f"1d-{invitation_id}", 1)]
    )


def test_an_organiser_who_registers_later_that_day_is_nudged_that_day(session: Session) -> None:
    author = someone(session, "Author", registered=False)
    held = rakor(session, start=NOW - timedelta(days=1))
    held.created_by_id = author
    session.add(held)
    session.commit()
    assert tick(session, NOW) == 0  # nobody to tell yet: the day is not marked done
    person = session.get(Person, author)
    assert person is not None
    person.telegram_user_id = person.telegram_chat_id = 4242
    session.add(person)
    session.commit()
    assert tick(session, NOW + timedelta(hours=2)) == 1
