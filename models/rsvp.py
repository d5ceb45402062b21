"""Answering an invitation: Hadir, Diwakilkan (with the representative), Tidak hadir (reason).

Buttons and typed replies (HADIR, WAKIL <nama>, TIDAK <alasan>) end in the same operations.
A multi-step answer keeps its step on the invitation row, so a restart between two messages
loses nothing; the answer itself changes only when it is complete.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, col, select

from models import outbox
from models.errors import InvalidPhone
from models.meetings import (
    SKIP_SHOWN,
    Answer,
    AnswerChange,
    Invitation,
    Meeting,
    MeetingStatus,
    representing_notice,
)
from models.outbox import Kind, OutboxMessage, Status
from models.people import Person, by_phone
from models.phones import normalize_phone

LATE_DECLINE = timedelta(hours=24)
NAME_MIN, NAME_MAX, POSITION_MAX, REASON_MAX = 3, 200, 200, 300


class Step(StrEnum):
    NONE = ""
    REP_NAME = "rep_name"
    REP_POSITION = "rep_position"
    REP_PHONE = "rep_phone"
    REASON = "reason"


class Outcome(StrEnum):
    SAVED = "saved"
    ASK = "ask"  # the next step's question (see result.step)
    INVALID = "invalid"  # the typed text does not fit the step: ask again
    DEADLINE_PASSED = "deadline_passed"
    CANCELLED = "cancelled"
    NOT_YOURS = "not_yours"
    NO_OPEN = "no_open"  # a typed answer, but no invitation is open
    WHICH = "which"  # a typed answer, several invitations open: the person must choose
    STOPPED = "stopped"  # "batal" typed halfway: the previous answer stands
    UNCHANGED = "unchanged"  # Hadir again: nothing new to store or to confirm


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    invitation: Invitation | None = None
    meeting: Meeting | None = None
    step: Step = Step.NONE
    late_decline: bool = False  # an accepted invitation declined within 24 h of the start
    choices: tuple[tuple[Invitation, Meeting], ...] = ()


def _closed(meeting: Meeting, now: datetime) -> Outcome | None:
    if meeting.status == MeetingStatus.CANCELLED.value:
        return Outcome.CANCELLED
    if meeting.status == MeetingStatus.DONE.value or now > meeting.rsvp_deadline:
        return Outcome.DEADLINE_PASSED
    return None


def _load(
    session: Session, invitation_id: int, person: Person, now: datetime
) -> tuple[Invitation, Meeting] | Result:
    """This person's invitation and its meeting, or why a button on it changes nothing."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.person_id != person.id:
        return Result(Outcome.NOT_YOURS)
    meeting = session.get(Meeting, invitation.meeting_id)
    assert meeting is not None
    closed = _closed(meeting, now)
    if closed is not None:
        return Result(closed, invitation, meeting)
    return invitation, meeting


def record(
    session: Session,
    invitation: Invitation,
    meeting: Meeting,
    answer: Answer,
    *,
    now: datetime,
    reason: str = "",
) -> Result:
    """Store a complete answer, keep it in the history, and note a late decline."""
    was_coming = invitation.answer in (Answer.HADIR.value, Answer.DIWAKILKAN.value)
    invitation.answer = answer.value
    invitation.reason = reason[:REASON_MAX] if answer == Answer.TIDAK_HADIR else ""
    if answer != Answer.DIWAKILKAN:
        invitation.pending_name = invitation.pending_position = ""
        invitation.representative_name = invitation.representative_position = ""
        invitation.representative_phone = None
        invitation.representative_person_id = None
    if answer == Answer.DIWAKILKAN:
        # A representative named (or changed) after a reminder moment gets that reminder: the
        # moment is planned again (the invitee's own row is already queued under its key).
        invitation.reminder_mark = 0
    invitation.step = Step.NONE.value
    invitation.answered_at = invitation.updated_at = now
    session.add(invitation)
    assert invitation.id is not None
    session.add(
        AnswerChange(
            invitation_id=invitation.id,
            answer=answer.value,
            representative_name=invitation.representative_name,
            reason=invitation.reason,
            at=now,
        )
    )
    session.flush()
    late = was_coming and answer == Answer.TIDAK_HADIR and meeting.starts_at - now <= LATE_DECLINE
    return Result(Outcome.SAVED, invitation, meeting, late_decline=late)


def choose(
    session: Session, *, invitation_id: int, person: Person, answer: Answer, now: datetime
) -> Result:
    """A tap on Hadir / Diwakilkan / Tidak hadir."""
    loaded = _load(session, invitation_id, person, now)
    if isinstance(loaded, Result):
        return loaded
    invitation, meeting = loaded
    if answer == Answer.HADIR:
        return _hadir(session, invitation, meeting, now)
    step = Step.REP_NAME if answer == Answer.DIWAKILKAN else Step.REASON
    _set_step(session, invitation, step, now)
    return Result(Outcome.ASK, invitation, meeting, step=step)


def _hadir(session: Session, invitation: Invitation, meeting: Meeting, now: datetime) -> Result:
    """Hadir, unless it already is: a second tap (or a typed HADIR) stores no second history
    row and asks for no second confirmation; a half-typed other answer is dropped. A Hadir
    given before the meeting changed (moved: everyone is asked to confirm again) is recorded
    again, as the confirmation it is."""
    answered, changed = _aware(invitation.answered_at), _aware(meeting.updated_at)
    stale = answered is None or (changed is not None and answered < changed)
    if invitation.answer != Answer.HADIR.value or stale:
        return record(session, invitation, meeting, Answer.HADIR, now=now)
    invitation.pending_name = invitation.pending_position = ""
    invitation.step = Step.NONE.value
    session.add(invitation)
    session.flush()
    return Result(Outcome.UNCHANGED, invitation, meeting)


def _aware(when: datetime | None) -> datetime | None:
    """Stored times are UTC; SQLite hands them back naive."""
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when


def _set_step(session: Session, invitation: Invitation, step: Step, now: datetime) -> None:
    # Only one answer is typed at a time: starting one here ends any other in progress.
    others = select(Invitation).where(
        Invitation.person_id == invitation.person_id,
        Invitation.id != invitation.id,
        Invitation.step != Step.NONE.value,
    )
    for other in session.exec(others):
        other.step = Step.NONE.value
        session.add(other)
    invitation.step, invitation.updated_at = step.value, now
    session.add(invitation)
    session.flush()


def in_progress(session: Session, person: Person) -> Invitation | None:
    query = select(Invitation).where(
        Invitation.person_id == person.id, Invitation.step != Step.NONE.value
    )
    return session.exec(query.order_by(col(Invitation.updated_at).desc())).first()


def answer_step(session: Session, *, person: Person, text: str, now: datetime) -> Result | None:
    """Typed text while an answer is being written; None when no answer is in progress."""
    invitation = in_progress(session, person)
    if invitation is None:
        return None
    meeting = session.get(Meeting, invitation.meeting_id)
    assert meeting is not None
    closed = _closed(meeting, now)
    if closed is not None:
        invitation.step = Step.NONE.value
        session.add(invitation)
        return Result(closed, invitation, meeting)
    cleaned = " ".join(text.split())
    step = Step(invitation.step)
    command = step_command(cleaned)
    if command is not None:
        return _changed_mind(session, invitation, meeting, command, now)
    if step == Step.REP_NAME:
        if not NAME_MIN <= len(cleaned) <= NAME_MAX:
            return Result(Outcome.INVALID, invitation, meeting, step=step)
        invitation.pending_name = cleaned
        _set_step(session, invitation, Step.REP_POSITION, now)
        return Result(Outcome.ASK, invitation, meeting, step=Step.REP_POSITION)
    if step == Step.REP_POSITION:
        if not 2 <= len(cleaned) <= POSITION_MAX:
            return Result(Outcome.INVALID, invitation, meeting, step=step)
        invitation.pending_position = cleaned
        _set_step(session, invitation, Step.REP_PHONE, now)
        return Result(Outcome.ASK, invitation, meeting, step=Step.REP_PHONE)
    if step == Step.REP_PHONE:
        try:
            phone = normalize_phone(cleaned)
        except InvalidPhone:
            return Result(Outcome.INVALID, invitation, meeting, step=step)
        return _represented(session, invitation, meeting, phone, now)
    if not 1 <= len(cleaned) <= REASON_MAX:
        return Result(Outcome.INVALID, invitation, meeting, step=step)
    return record(session, invitation, meeting, Answer.TIDAK_HADIR, now=now, reason=cleaned)


# Words that, typed alone at a step, are the person changing course rather than the answer to
# the step: "hadir" is not a position, nor a representative's name, nor a reason. Only the bare
# words: "Wakil Ketua TP PKK" is a position, "Tidak bisa, ada Posyandu" a reason.
STOP = "batal"
_STEP_COMMANDS: dict[str, str] = {
    "hadir": Answer.HADIR.value,
    "saya hadir": Answer.HADIR.value,
    "tidak hadir": Answer.TIDAK_HADIR.value,
    "tdk hadir": Answer.TIDAK_HADIR.value,
    "tidak": Answer.TIDAK_HADIR.value,
    "tdk": Answer.TIDAK_HADIR.value,
    "wakil": Answer.DIWAKILKAN.value,
    "diwakilkan": Answer.DIWAKILKAN.value,
    "batal": STOP,
    "/batal": STOP,
}


def step_command(text: str) -> str | None:
    """What a bare command word typed at a step means (an answer's value, or ``STOP``); None
    for any other text, which is the step's answer."""
    return _STEP_COMMANDS.get(" ".join(text.lower().strip(" .!,").split()))


def _changed_mind(
    session: Session, invitation: Invitation, meeting: Meeting, command: str, now: datetime
) -> Result:
    """A command word at a step does what it does anywhere: Hadir is saved, Tidak hadir asks
    the reason, Wakil starts the representative again, batal keeps the previous answer."""
    invitation.pending_name = invitation.pending_position = ""
    if command == STOP:
        invitation.step = Step.NONE.value
        session.add(invitation)
        session.flush()
        return Result(Outcome.STOPPED, invitation, meeting)
    if command == Answer.HADIR.value:
        return _hadir(session, invitation, meeting, now)
    step = Step.REP_NAME if command == Answer.DIWAKILKAN.value else Step.REASON
    _set_step(session, invitation, step, now)
    return Result(Outcome.ASK, invitation, meeting, step=step)


def _represented(
    session: Session, invitation: Invitation, meeting: Meeting, phone: str | None, now: datetime
) -> Result:
    invitation.representative_name = invitation.pending_name
    invitation.representative_position = invitation.pending_position
    invitation.pending_name = invitation.pending_position = ""
    invitation.representative_phone = phone
    representative = by_phone(session, phone) if phone else None
    # A representative on the roster is first-class: their own copy of the invitation now,
    # and the reminders and the check-in later.
    invitation.representative_person_id = representative.id if representative else None
    result = record(session, invitation, meeting, Answer.DIWAKILKAN, now=now)
    if representative is not None and representative.id != invitation.person_id:
        assert representative.id is not None
        notice = representing_notice(meeting, invitation, representative.id, now=now)
        outbox.plan(session, [notice], now=now)
    return result


def skip_step(session: Session, *, invitation_id: int, person: Person, now: datetime) -> Result:
    """The Lewati button: no phone for the representative, or no reason for declining."""
    loaded = _load(session, invitation_id, person, now)
    if isinstance(loaded, Result):
        return loaded
    invitation, meeting = loaded
    if invitation.step == Step.REP_PHONE.value:
        return _represented(session, invitation, meeting, None, now)
    if invitation.step == Step.REASON.value:
        return record(session, invitation, meeting, Answer.TIDAK_HADIR, now=now)
    return Result(Outcome.NOT_YOURS)  # nothing to skip: an old button


def stop_typing(session: Session, person: Person) -> bool:
    """/batal in the middle of an answer: the previous answer stands."""
    invitation = in_progress(session, person)
    if invitation is None:
        return False
    invitation.step = Step.NONE.value
    session.add(invitation)
    return True


def open_invitations(
    session: Session, person: Person, *, now: datetime
) -> list[tuple[Invitation, Meeting]]:
    """Invitations that can still be answered, soonest meeting first."""
    query = (
        select(Invitation, Meeting)
        .where(
            Invitation.meeting_id == Meeting.id,
            Invitation.person_id == person.id,
            Meeting.status == MeetingStatus.SCHEDULED.value,
            col(Meeting.rsvp_deadline) >= now,
        )
        .order_by(col(Meeting.starts_at))
    )
    return [(invitation, meeting) for invitation, meeting in session.exec(query)]


def mark_shown(session: Session, invitation_ids: Iterable[int], *, now: datetime) -> None:
    """These invitations were just shown in the person's chat: the recap counts them delivered."""
    ids = list(invitation_ids)
    if ids:
        session.execute(update(Invitation).where(col(Invitation.id).in_(ids)).values(shown_at=now))


@dataclass(frozen=True)
class Handover:
    """What registering shows: the open invitations not delivered yet, and the queued copies
    of them taken out of the queue (given back if the chat fails)."""

    show: tuple[tuple[Invitation, Meeting], ...]
    taken: tuple[tuple[str, int], ...]  # (meeting subject, outbox row id)

    def taken_for(self, subjects: Iterable[str]) -> list[int]:
        wanted = set(subjects)
        return [row_id for subject, row_id in self.taken if subject in wanted]


def take_from_queue(
    session: Session,
    person: Person,
    choices: Iterable[tuple[Invitation, Meeting]],
    *,
    now: datetime,
) -> Handover:
    """On registering, the open invitations shown in the chat and their copies in the outbox
    are one delivery (issue 15): each reaches the person exactly once.

    A copy still waiting is taken out of the queue first (skipped as shown): one ``UPDATE``
    that the dispatcher's claim is serialised with, so a copy is either claimed already or
    never sent. A moved meeting's copy is left to go: it says the time changed, which a card
    shown now would not. Then an invitation whose copy for the meeting's current version is
    waiting, going out or went (a WhatsApp template to a number opted in on paper, the other
    app's copy) is not shown again, nor one already shown (on the other app, or by /undangan).
    """
    fresh = [
        (invitation, meeting) for invitation, meeting in choices if invitation.shown_at is None
    ]
    versions = {meeting.subject: meeting.version for _, meeting in fresh}
    if not versions:
        return Handover((), ())
    mine = (
        col(OutboxMessage.person_id) == person.id,
        col(OutboxMessage.kind) == Kind.INVITATION.value,
        col(OutboxMessage.subject).in_(list(versions)),
    )
    waiting = session.exec(
        select(OutboxMessage.id, OutboxMessage.payload).where(
            *mine, col(OutboxMessage.status) == Status.PENDING.value
        )
    ).all()
    plain = [row_id for row_id, payload in waiting if "moved_from" not in (payload or {})]
    taken = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(plain), col(OutboxMessage.status) == Status.PENDING.value)
        .values(status=Status.SKIPPED.value, last_error=SKIP_SHOWN, updated_at=now)
        .returning(col(OutboxMessage.subject), col(OutboxMessage.id))
    ).all()
    on_its_way = [Status.PENDING.value, Status.SENDING.value, Status.SENT.value]
    going = session.exec(
        select(OutboxMessage.subject, OutboxMessage.subject_version).where(
            *mine, col(OutboxMessage.status).in_(on_its_way)
        )
    )
    delivered = {subject for subject, version in going if versions[subject] == version}
    show = tuple((i, m) for i, m in fresh if m.subject not in delivered)
    return Handover(show, tuple(sorted((subject, row_id) for subject, row_id in taken)))


def give_back(session: Session, row_ids: Iterable[int], *, now: datetime) -> None:
    """The chat failed before the invitations were shown: their copies go back in the queue."""
    ids = list(row_ids)
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id).in_(ids),
                col(OutboxMessage.status) == Status.SKIPPED.value,
                col(OutboxMessage.last_error) == SKIP_SHOWN,
            )
            .values(status=Status.PENDING.value, last_error="", not_before=now, updated_at=now)
        )


_TYPED = re.compile(r"^\s*(hadir|wakil|diwakilkan|tidak|tdk)\b[\s,:.-]*(.*)$", re.I | re.S)


def parse_typed(text: str) -> tuple[Answer, str] | None:
    """``HADIR``, ``WAKIL <nama>``, ``TIDAK <alasan>`` in any case; None for other text."""
    match = _TYPED.match(text)
    if not match:
        return None
    word, rest = match.group(1).lower(), " ".join(match.group(2).split())
    if word == "hadir":
        return (Answer.HADIR, "") if not rest else None  # "hadir besok?" is a question
    if word in ("wakil", "diwakilkan"):
        return Answer.DIWAKILKAN, rest
    return Answer.TIDAK_HADIR, rest


def answer_typed(
    session: Session, *, person: Person, answer: Answer, detail: str, now: datetime
) -> Result:
    """A typed reply: applied to the only open invitation, or the person is asked which."""
    choices = open_invitations(session, person, now=now)
    if not choices:
        return Result(Outcome.NO_OPEN)
    if len(choices) > 1:
        return Result(Outcome.WHICH, choices=tuple(choices))
    invitation, meeting = choices[0]
    if answer == Answer.HADIR:
        return _hadir(session, invitation, meeting, now)
    if answer == Answer.TIDAK_HADIR:
        if len(detail) > REASON_MAX:
            # Asked again, as the step-by-step path does, rather than cut where the person
            # cannot see: their next message is the reason.
            _set_step(session, invitation, Step.REASON, now)
            return Result(Outcome.INVALID, invitation, meeting, step=Step.REASON)
        return record(session, invitation, meeting, Answer.TIDAK_HADIR, now=now, reason=detail)
    _set_step(session, invitation, Step.REP_NAME, now)
    if not detail:
        return Result(Outcome.ASK, invitation, meeting, step=Step.REP_NAME)
    return answer_step(session, person=person, text=detail, now=now) or Result(Outcome.NO_OPEN)
