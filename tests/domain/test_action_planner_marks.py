"""The nudge planner remembers, on the action, the next moment it has yet to plan (issue 15).

That mark is what keeps a tick cheap, and a stale mark would silently lose nudges, so these
tests change what the mark is computed from (the due date, the status, the owner's zone, the
time of creation) and check that the nudges still come exactly as before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from models import actions, organizations, outbox
from models.action_owners import find_owner
from models.actions import Action
from models.clock import FrozenClock
from models.organizations import OrgKind
from models.people import Person, Role
from scheduler.action_planners import plan_action_nudges, plan_escalations
from tests.factories import person

ZONE = "Asia/Jakarta"
DUE = date(2023, 12, 1)  # a Friday


@pytest.fixture
def sitti(session: Session, clock: FrozenClock) -> Person:
    """Sitti of Posyandu Melati Baruga (registered), and Hasrul the admin."""
    org = organizations.get_or_create(
        session,
        name="Posyandu Melati Baruga",
        kind=OrgKind.POSYANDU,
        parent_id=None,
        now=clock.now(),
    )
    sitti = person(session, name="Sitti", phone="085312345678", now=clock.now(), telegram_user_id=1)
    sitti.organization_id = org.id
    session.add(sitti)
    person(
        session,
        name="Hasrul",
        phone="081141000001",
        role=Role.ADMIN,
        now=clock.now(),
        telegram_user_id=2,
    )
    session.commit()
    return sitti


def an_action(
    session: Session, now: datetime, *, due: date = DUE, owner: str = "posyandu melati baruga"
) -> Action:
    found = find_owner(session, owner)
    assert found is not None
    made = actions.create(
        session, title="Laporan SKDN", owner=found, due=due, now=now, notify=False
    )
    session.commit()
    return made.created[0]


def nudges(session: Session, at: datetime) -> list[str]:
    """The slots the nudge planner wants at ``at``, queued as a tick would queue them."""
    planned = plan_action_nudges(session, now=at, zone=ZONE)
    outbox.plan(session, planned, now=at)
    session.commit()
    return [p.slot for p in planned]


def test_a_moment_planned_once_is_not_planned_again(
    session: Session, sitti: Person, clock: FrozenClock
) -> None:
    an_action(session, clock.now())
    tuesday = datetime(2023, 12, 5, 1, 0, tzinfo=UTC)  # 08.00 WIB; overdue-1 was Monday
    assert nudges(session, tuesday) == ["overdue-1"]
    assert nudges(session, tuesday + timedelta(hours=5)) == []
    assert nudges(session, tuesday + timedelta(days=1)) == []
    assert nudges(session, datetime(2023, 12, 7, 1, 0, tzinfo=UTC)) == ["overdue-2"]


def test_the_nudge_waits_for_the_workday_start_on_its_day(
    session: Session, sitti: Person, clock: FrozenClock
) -> None:
    an_action(session, clock.now())
    morning = datetime(2023, 12, 1, 0, 29, tzinfo=UTC)  # 07.29 WIB on the due date
    assert nudges(session, morning - timedelta(days=3)) == []  # H-3, 07.29
    assert nudges(session, morning - timedelta(days=3, minutes=-1)) == ["before"]
    assert nudges(session, morning) == []
    assert nudges(session, morning + timedelta(minutes=1)) == ["due"]


def test_a_moved_due_date_moves_the_nudges(
    session: Session, sitti: Person, clock: FrozenClock
) -> None:
    action = an_action(session, clock.now(), due=date(2024, 6, 3))
    tuesday = datetime(2023, 11, 28, 1, 0, tzinfo=UTC)
    assert nudges(session, tuesday) == []  # far ahead: nothing, and the next moment is June
    with Session(session.get_bind()) as other:  # an edit in another unit of work
        moved = other.get(Action, action.id)
        assert moved is not None
        moved.due = DUE
        other.add(moved)
        other.commit()
    session.expire_all()
    assert nudges(session, tuesday) == ["before"]
    assert nudges(session, datetime(2023, 12, 1, 1, 0, tzinfo=UTC)) == ["due"]


def test_a_due_date_moved_later_is_not_nudged_at_the_old_moments(
    session: Session, sitti: Person, clock: FrozenClock
) -> None:
    action = an_action(session, clock.now())
    assert nudges(session, datetime(2023, 11, 28, 1, 0, tzinfo=UTC)) == ["before"]
    action.due = date(2023, 12, 29)
    session.add(action)
    session.commit()
    assert nudges(session, datetime(2023, 12, 1, 1, 0, tzinfo=UTC)) == []  # the old due date
    assert nudges(session, datetime(2023, 12, 29, 1, 0, tzinfo=UTC)) == ["due"]


def test_a_reopened_action_is_nudged_again(
    session: Session, sitti: Person, clock: FrozenClock
) -> None:
    action = an_action(session, clock.now())
    assert nudges(session, datetime(2023, 12, 4, 1, 0, tzinfo=UTC)) == ["overdue-1"]
    report = actions.submit_report(
        session, action, sitti, status="selesai", note="Sudah dikirim", now=clock.now()
    )
    session.commit()
    friday = datetime(2023, 12, 8, 1, 0, tzinfo=UTC)
    assert nudges(session, friday) == []  # Selesai reported: overdue-2 (Thursday) is not planned
    admin = session.exec(select(Person).where(Person.role == "admin")).one()
    actions.review(session, report.id, admin, accept=False, comment="Tanpa bukti", now=friday)
    session.commit()
    assert nudges(session, friday) == ["overdue-2"]  # returned: the latest moment comes


def test_an_owner_in_papua_is_nudged_at_its_own_workday_start(
    session: Session, sitti: Person, clock: FrozenClock
) -> None:
    papua = organizations.get_or_create(
        session, name="Posyandu Jayapura", kind=OrgKind.POSYANDU, parent_id=None, now=clock.now()
    )
    papua.timezone = "Asia/Jayapura"
    session.add(papua)
    sitti.organization_id = papua.id
    session.add(sitti)
    session.commit()
    an_action(session, clock.now(), owner="posyandu jayapura")
    wit_0731 = datetime(2023, 11, 30, 22, 31, tzinfo=UTC)  # 07.31 WIT, 05.31 WIB on the 1st
    assert nudges(session, wit_0731 - timedelta(days=3)) == ["before"]
    assert nudges(session, wit_0731 - timedelta(minutes=2)) == []
    assert nudges(session, wit_0731) == ["due"]


def test_moments_before_the_action_existed_are_not_planned(
    session: Session, sitti: Person, clock: FrozenClock
) -> None:
    """An imported action that has been late for a month waits for its next overdue moment."""
    imported = datetime(2024, 1, 3, 1, 0, tzinfo=UTC)  # 08.00 WIB, half an hour after overdue-11
    an_action(session, imported)
    assert nudges(session, imported) == []
    assert nudges(session, imported + timedelta(days=2)) == []
    assert nudges(session, imported + timedelta(days=3)) == ["overdue-12"]


def test_a_member_who_registers_later_hears_at_the_next_moment(
    session: Session, sitti: Person, clock: FrozenClock
) -> None:
    """Nobody reachable at a moment: the moment passes (the admins will hear of it), and a
    member who registers afterwards is nudged at the next one."""
    sitti.telegram_chat_id = None
    session.add(sitti)
    session.commit()
    an_action(session, clock.now())
    assert nudges(session, datetime(2023, 12, 4, 1, 0, tzinfo=UTC)) == []
    sitti.telegram_chat_id = 1
    session.add(sitti)
    session.commit()
    assert nudges(session, datetime(2023, 12, 7, 1, 0, tzinfo=UTC)) == ["overdue-2"]


def test_an_escalated_action_is_not_read_for_escalation_again(
    session: Session, sitti: Person, clock: FrozenClock
) -> None:
    action = an_action(session, clock.now())
    sitti.telegram_chat_id = None
    session.add(sitti)
    session.commit()
    late = datetime(2023, 12, 7, 2, 0, tzinfo=UTC)
    assert [p.kind for p in plan_escalations(session, now=late, zone=ZONE)] == ["escalation"]
    session.commit()
    assert action.escalated_at == late
    assert plan_escalations(session, now=late + timedelta(days=30), zone=ZONE) == []
