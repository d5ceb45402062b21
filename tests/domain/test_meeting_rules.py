"""Meeting rules without the bot: moves keep what was set, representatives stay consistent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from handlers.meeting_views import reach_text
from models import meetings, rsvp
from models.clock import FrozenClock
from models.meetings import Answer, Invitation, MeetingError
from models.outbox import Kind
from models.people import Person, Reach, reach_of
from tests.factories import person

START = datetime(2023, 12, 6, 1, 0, tzinfo=UTC)


def rakor(session: Session, clock: FrozenClock) -> meetings.Meeting:
    meeting = meetings.create(
        session,
        title="Rakor",
        starts_at=START,
        ends_at=START + timedelta(hours=3),
        rsvp_deadline=START - timedelta(days=2),
        timezone="Asia/Makassar",
        venue="Aula",
        specs=["all"],
        now=clock.now(),
    )
    session.commit()
    return meeting


def test_a_move_keeps_the_length_and_the_deadline_offset(
    session: Session, clock: FrozenClock
) -> None:
    person(session, name="Sitti", phone="085312345678", now=clock.now())
    meeting = rakor(session, clock)
    meetings.reschedule(session, meeting, starts_at=START + timedelta(days=7), now=clock.now())
    assert meeting.ends_at == START + timedelta(days=7, hours=3)
    assert meeting.rsvp_deadline == START + timedelta(days=5)
    assert meeting.version == 2


def test_a_started_meeting_cannot_be_cancelled(session: Session, clock: FrozenClock) -> None:
    meeting = rakor(session, clock)
    with pytest.raises(MeetingError, match="already_started"):
        meetings.cancel(session, meeting, now=START + timedelta(minutes=5))


def test_batal_halfway_through_a_new_representative_keeps_the_old_one(
    session: Session, clock: FrozenClock
) -> None:
    hasrul = person(
        session, name="Hasrul", phone="081141000001", now=clock.now(), telegram_user_id=1
    )
    dewi = person(session, name="Dewi", phone="085399990003", now=clock.now(), telegram_user_id=2)
    meeting = rakor(session, clock)
    invitation = session.exec(select(Invitation).where(Invitation.person_id == hasrul.id)).one()
    assert invitation.id is not None
    now = clock.now()
    rsvp.choose(
        session, invitation_id=invitation.id, person=hasrul, answer=Answer.DIWAKILKAN, now=now
    )
    rsvp.answer_step(session, person=hasrul, text="Dewi", now=now)
    rsvp.answer_step(session, person=hasrul, text="Kabid", now=now)
    rsvp.answer_step(session, person=hasrul, text="085399990003", now=now)
    assert (invitation.representative_name, invitation.representative_person_id) == (
        "Dewi",
        dewi.id,
    )
    rsvp.choose(
        session, invitation_id=invitation.id, person=hasrul, answer=Answer.DIWAKILKAN, now=now
    )
    rsvp.answer_step(session, person=hasrul, text="Orang Lain", now=now)
    rsvp.stop_typing(session, hasrul)
    assert (invitation.representative_name, invitation.representative_position) == ("Dewi", "Kabid")
    assert invitation.representative_person_id == dewi.id and meeting.id is not None


def test_a_reminder_for_a_replaced_representative_falls_away(
    session: Session, clock: FrozenClock
) -> None:
    hasrul = person(
        session, name="Hasrul", phone="081141000001", now=clock.now(), telegram_user_id=1
    )
    dewi = person(session, name="Dewi", phone="085399990003", now=clock.now(), telegram_user_id=2)
    rakor(session, clock)
    invitation = session.exec(select(Invitation).where(Invitation.person_id == hasrul.id)).one()
    invitation.answer, invitation.representative_person_id = Answer.DIWAKILKAN.value, dewi.id
    payload = {"invitation_id": invitation.id}
    assert dewi.id is not None and hasrul.id is not None
    assert meetings.row_unwanted(session, Kind.REMINDER.value, payload, dewi.id) is None
    invitation.answer = Answer.HADIR.value  # Hasrul comes himself after all
    assert (
        meetings.row_unwanted(session, Kind.REMINDER.value, payload, dewi.id) == "not_representing"
    )
    assert meetings.row_unwanted(session, Kind.REMINDER.value, payload, hasrul.id) is None
    assert isinstance(session.get(Person, dewi.id), Person)


def test_an_invitation_already_shown_in_the_chat_is_not_sent_again(
    session: Session, clock: FrozenClock
) -> None:
    """Registering shows the open invitations at once; the queued copy, reached later, would
    be the same card a second time (issue 15: 5 of 10 people at 20,000 got it twice). A moved
    meeting's invitation still goes: it carries the new time."""
    hasrul = person(
        session, name="Hasrul", phone="081141000001", now=clock.now(), telegram_user_id=1
    )
    rakor(session, clock)
    invitation = session.exec(select(Invitation).where(Invitation.person_id == hasrul.id)).one()
    assert invitation.id is not None and hasrul.id is not None
    payload: dict[str, object] = {"invitation_id": invitation.id}
    assert meetings.row_unwanted(session, Kind.INVITATION.value, payload, hasrul.id) is None
    rsvp.mark_shown(session, [invitation.id], now=clock.now())
    session.refresh(invitation)
    assert meetings.row_unwanted(session, Kind.INVITATION.value, payload, hasrul.id) == "shown"
    moved = {**payload, "moved_from": clock.now().isoformat()}
    assert meetings.row_unwanted(session, Kind.INVITATION.value, moved, hasrul.id) is None


def test_reach_counts_each_invitee_by_the_app_a_message_would_go_on(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    on_telegram = person(session, name="Sitti", phone="085312345678", now=now, telegram_user_id=7)
    on_paper = person(session, name="Dewi", phone="085399990003", now=now)
    on_paper.whatsapp_opt_in_at = now  # signed WhatsApp's opt-in on paper: written to there
    blocked = person(session, name="Rahma", phone="085399990002", now=now, telegram_user_id=8)
    blocked.unreachable_at = now
    unknown = person(session, name="Nur", phone="085399990001", now=now)
    meeting = rakor(session, clock)
    reach = reach_of(meetings.invitees_of(session, meeting))
    assert reach == Reach(telegram=1, whatsapp=1, unregistered=1, blocked=1)
    assert {on_telegram.id, on_paper.id, blocked.id, unknown.id} == {
        p.id for p in meetings.invitees_of(session, meeting)
    }
    text = reach_text("id", reach)
    assert text == (
        "2 sedang dikirim (Telegram 1, WhatsApp 1); 1 belum terdaftar di bot (akan menerima "
        "saat mendaftar); 1 tidak dapat dihubungi (memblokir bot)"
    )
