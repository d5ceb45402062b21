"""Check-in on the day: by the attendance code (typed or from the QR deep link), or by an admin.

Only inside the meeting's window (an hour before the start to its end). A representative who
checks in records the arrival on the invitation they came for; someone not invited is recorded
as a walk-in, because the attendance list must show everyone who signed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, func, select

from models.meetings import Answer, Invitation, Meeting, MeetingStatus
from models.people import Person


class Outcome(StrEnum):
    CHECKED_IN = "checked_in"
    WALK_IN = "walk_in"
    ALREADY = "already"
    UNKNOWN_CODE = "unknown_code"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    meeting: Meeting | None = None
    invitation: Invitation | None = None


def by_code(session: Session, code: str) -> Meeting | None:
    cleaned = "".join(code.split()).upper()
    if not cleaned:
        return None
    query = select(Meeting).where(func.upper(Meeting.attendance_code) == cleaned)
    return session.exec(query).first()


def _own_or_represented(session: Session, meeting: Meeting, person: Person) -> Invitation | None:
    own = session.exec(
        select(Invitation).where(
            Invitation.meeting_id == meeting.id, Invitation.person_id == person.id
        )
    ).first()
    represented = session.exec(
        select(Invitation).where(
            Invitation.meeting_id == meeting.id,
            Invitation.representative_person_id == person.id,
            Invitation.answer == Answer.DIWAKILKAN.value,
        )
    ).first()
    # Someone who came on behalf of an invitee signs for that invitation, even if they were
    # invited themselves and declined their own.
    if represented is not None and (own is None or own.answer != Answer.HADIR.value):
        return represented
    return own


def check_in(
    session: Session, *, code: str, person: Person, now: datetime, method: str = "code"
) -> Result:
    meeting = by_code(session, code)
    if meeting is None:
        return Result(Outcome.UNKNOWN_CODE)
    return _arrive(session, meeting, person, now, method)


def mark_present(session: Session, *, meeting: Meeting, person: Person, now: datetime) -> Result:
    """An admin marks someone present (no phone, or a cadre who cannot check in)."""
    return _arrive(session, meeting, person, now, "admin")


def _arrive(
    session: Session, meeting: Meeting, person: Person, now: datetime, method: str
) -> Result:
    if meeting.status == MeetingStatus.CANCELLED.value:
        return Result(Outcome.CANCELLED, meeting)
    opens, closes = meeting.checkin_window
    if now < opens:
        return Result(Outcome.TOO_EARLY, meeting)
    if now > closes:
        return Result(Outcome.TOO_LATE, meeting)
    invitation = _own_or_represented(session, meeting, person)
    outcome = Outcome.CHECKED_IN
    if invitation is None:
        assert meeting.id is not None and person.id is not None
        invitation = Invitation(
            meeting_id=meeting.id,
            person_id=person.id,
            answer=Answer.HADIR.value,
            answered_at=now,
            walk_in=True,
            created_at=now,
            updated_at=now,
        )
        outcome = Outcome.WALK_IN
    elif invitation.checked_in_at is not None:
        return Result(Outcome.ALREADY, meeting, invitation)
    invitation.checked_in_at = now
    invitation.checkin_method = method
    invitation.updated_at = now
    session.add(invitation)
    session.flush()
    return Result(outcome, meeting, invitation)
