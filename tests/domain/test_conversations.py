"""One conversation at a time: the newest is the one in progress, and starting one ends the
others, handing back a dropped report's files."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from models import action_drafts, actions, broadcasts, conversations, meeting_drafts, organizations
from models.action_owners import find_owner
from models.clock import FrozenClock
from models.conversations import Conversation
from models.organizations import OrgKind
from models.people import Role
from tests.factories import person, report_with_a_photo


def test_the_newest_conversation_is_active_and_starting_one_ends_the_others(
    session: Session, clock: FrozenClock
) -> None:
    admin = person(session, name="Hasrul", phone="081141000001", role=Role.ADMIN, now=clock.now())
    assert admin.id is not None
    assert conversations.active(session, admin, now=clock.now()) is None
    broadcasts.start_draft(session, author_id=admin.id, now=clock.now())
    clock.advance(timedelta(minutes=1))
    meeting_drafts.start(session, author_id=admin.id, now=clock.now())
    clock.advance(timedelta(minutes=1))
    action_drafts.start_action(session, author_id=admin.id, now=clock.now())
    active = conversations.active(session, admin, now=clock.now())
    assert active is not None and active.kind == Conversation.ACTION
    ended = conversations.end_others(session, admin, keep=Conversation.MEETING, now=clock.now())
    assert sorted(ended.kinds) == sorted([Conversation.BROADCAST, Conversation.ACTION])
    active = conversations.active(session, admin, now=clock.now())
    assert active is not None and active.kind == Conversation.MEETING


def test_ending_a_report_hands_back_its_files(session: Session, clock: FrozenClock) -> None:
    org = organizations.get_or_create(
        session,
        name="Posyandu Melati Baruga",
        kind=OrgKind.POSYANDU,
        parent_id=None,
        now=clock.now(),
    )
    sitti = person(session, name="Sitti", phone="085312345678", now=clock.now())
    sitti.organization_id = org.id
    session.add(sitti)
    session.commit()
    owner = find_owner(session, "posyandu melati baruga")
    assert owner is not None
    action = actions.create(
        session, title="Laporan SKDN", owner=owner, due=clock.now().date(), now=clock.now()
    ).created[0]
    path = report_with_a_photo(session, sitti, action.id, clock.now())
    ended = conversations.end_others(session, sitti, keep=Conversation.ANSWER, now=clock.now())
    assert ended.kinds == [Conversation.REPORT]
    assert ended.files == [path]
    assert conversations.active(session, sitti, now=clock.now()) is None
