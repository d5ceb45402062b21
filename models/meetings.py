"""Meetings (Rakor) and their invitations: who is invited, what they answered, who came.

A meeting carries a version: moving it bumps the version, so reminders queued for the old time
are skipped by the delivery engine (models.subjects) instead of being hunted down.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal, NamedTuple

from sqlalchemy import (
    BigInteger,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    cast,
    func,
    insert,
    literal,
    text,
    update,
)
from sqlalchemy import select as sql_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased
from sqlmodel import Field, Session, SQLModel, col, select

from models import audience, outbox
from models.outbox import Kind, OutboxMessage, Planned, Status
from models.people import (
    Person,
    PersonStatus,
    Reach,
    Role,
    admins,
    has_channel_clause,
    reach_of,
    reachable_clause,
)

TITLE_MAX, VENUE_MAX, AGENDA_MAX = 200, 200, 2000
# Check-in opens an hour before the start: Rakor start late, people arrive early.
CHECKIN_OPENS = timedelta(hours=1)
DEFAULT_LENGTH = timedelta(hours=4)  # when no end time is given, check-in stays open this long
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY347"  # no 0/O, 1/I, 2/Z, 5/S, 6/G, 8/B: read aloud safely


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    DONE = "done"


class Answer(StrEnum):
    PENDING = "pending"
    HADIR = "hadir"
    DIWAKILKAN = "diwakilkan"
    TIDAK_HADIR = "tidak_hadir"


# The answers the planners' partial indexes hold, written as the queries must repeat them
# (literally: SQLite uses a partial index only for a query whose terms match its own).
COMING_SQL = "answer IN ('hadir', 'diwakilkan')"
PENDING_SQL = "answer = 'pending'"


class Meeting(SQLModel, table=True):
    # The planners ask for the meetings starting within a window (reminders, nudges, minutes).
    __table_args__ = (Index("ix_meeting_status_starts_at", "status", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=TITLE_MAX)
    organiser_id: int | None = Field(default=None, foreign_key="organization.id")
    starts_at: datetime
    ends_at: datetime | None = None
    timezone: str = Field(max_length=40)
    venue: str = Field(max_length=VENUE_MAX)
    agenda: str = Field(default="", sa_type=Text)
    rsvp_deadline: datetime
    status: str = Field(default=MeetingStatus.SCHEDULED.value, max_length=20, index=True)
    version: int = 1
    attendance_code: str = Field(max_length=8, unique=True)
    audience: str = Field(default="", max_length=300)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    minutes: str | None = Field(default=None, sa_type=Text)
    # Minutes sent as a document: Telegram's file id (downloading to the file store comes
    # with the follow-up actions issue) and the name as sent.
    minutes_file_id: str | None = Field(default=None, max_length=200)
    minutes_file_name: str | None = Field(default=None, max_length=200)
    # Minutes uploaded on the console: the document's path in the file store (a Telegram file
    # id cannot be made from a browser's upload, and the file must be served back).
    minutes_path: str | None = Field(default=None, max_length=300)
    closed_at: datetime | None = None
    # The organiser's local day (YYYY-MM-DD) of the last daily nudge to close it with minutes:
    # a tick that already nudged today reads no outbox row to find that out.
    closing_nudged_on: str | None = Field(default=None, max_length=10)
    created_at: datetime
    updated_at: datetime

    @property
    def subject(self) -> str:
        return f"meeting:{self.id}"

    @property
    def checkin_window(self) -> tuple[datetime, datetime]:
        return self.starts_at - CHECKIN_OPENS, self.ends_at or self.starts_at + DEFAULT_LENGTH


class Invitation(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id"),
        # What the planners still have to plan is a range of these (see the marks below).
        # Partial: each holds only the answers its planner reads, so it is also the smallest
        # index of the meeting and PostgreSQL takes it whatever its statistics say of the marks.
        Index(
            "ix_invitation_reminder_due",
            "meeting_id",
            "reminder_mark",
            sqlite_where=text(COMING_SQL),
            postgresql_where=text(COMING_SQL),
        ),
        Index(
            "ix_invitation_nudge_due",
            "meeting_id",
            "nudge_mark",
            "created_at",
            sqlite_where=text(PENDING_SQL),
            postgresql_where=text(PENDING_SQL),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    answer: str = Field(default=Answer.PENDING.value, max_length=20)
    representative_name: str = Field(default="", max_length=200)
    representative_position: str = Field(default="", max_length=200)
    representative_phone: str | None = Field(default=None, max_length=20)
    representative_person_id: int | None = Field(default=None, foreign_key="person.id")
    reason: str = Field(default="", max_length=300)
    # A representative being typed: copied to the fields above only when the answer is
    # complete, so /batal halfway leaves the previous answer whole.
    pending_name: str = Field(default="", max_length=200)
    pending_position: str = Field(default="", max_length=200)
    answered_at: datetime | None = None
    # A step of the answer still being typed ("rep_name", "rep_position", "rep_phone",
    # "reason"): kept here, not in memory, so it survives a restart of the bot.
    step: str = Field(default="", max_length=20)
    checked_in_at: datetime | None = None
    checkin_method: str = Field(default="", max_length=20)  # code, qr, admin
    walk_in: bool = False
    # When the invitation was last shown in a chat the person opened (the open invitations
    # after registering, /undangan): the funnel counts it as delivered without an outbox row.
    shown_at: datetime | None = None
    # The last reminder and nudge the planners dealt with (``reminder_mark`` and
    # ``nudge_mark`` below): they only grow, written with the outbox rows they planned.
    reminder_mark: int = Field(
        default=0, sa_type=BigInteger, sa_column_kwargs={"server_default": "0"}
    )
    nudge_mark: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime
    updated_at: datetime


class AnswerChange(SQLModel, table=True):
    """Every answer as given, in order: the history behind the current answer."""

    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", index=True)
    answer: str = Field(max_length=20)
    representative_name: str = Field(default="", max_length=200)
    reason: str = Field(default="", max_length=300)
    at: datetime


def new_attendance_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if session.exec(select(Meeting).where(Meeting.attendance_code == code)).first() is None:
            return code


class MeetingError(ValueError):
    """A rule about a meeting was broken; ``code`` names it for the UI."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def create(
    session: Session,
    *,
    title: str,
    starts_at: datetime,
    timezone: str,
    venue: str,
    specs: list[str],
    now: datetime,
    ends_at: datetime | None = None,
    rsvp_deadline: datetime | None = None,
    agenda: str = "",
    organiser_id: int | None = None,
    created_by_id: int | None = None,
) -> Meeting:
    """Create the meeting, invite the audience and queue one invitation per person.

    Raises:
        MeetingError: empty title or venue, start in the past, end before start, deadline
            after the start.
        UnknownAudience: a spec matches nothing we know.
    """
    title, venue = " ".join(title.split()), " ".join(venue.split())
    if not title or len(title) > TITLE_MAX:
        raise MeetingError("title")
    if not venue or len(venue) > VENUE_MAX:
        raise MeetingError("venue")
    if len(agenda) > AGENDA_MAX:
        raise MeetingError("agenda")
    if starts_at <= now:
        raise MeetingError("start_in_past")
    if ends_at is not None and ends_at <= starts_at:
        raise MeetingError("end_before_start")
    deadline = rsvp_deadline or starts_at
    if deadline > starts_at or deadline <= now:
        raise MeetingError("deadline")
    canonical = audience.canonical(session, specs)
    invitees = audience.matching(session, canonical)
    meeting = Meeting(
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=timezone,
        venue=venue,
        agenda=agenda.strip(),
        rsvp_deadline=deadline,
        attendance_code=new_attendance_code(session),
        audience=",".join(canonical)[:300],
        organiser_id=organiser_id,
        created_by_id=created_by_id,
        created_at=now,
        updated_at=now,
    )
    session.add(meeting)
    session.flush()
    assert meeting.id is not None
    # One statement whatever the audience's size: a province's roster is never loaded.
    stamp = Invitation.__table__.c.created_at.type  # type: ignore[attr-defined]
    session.execute(
        insert(Invitation).from_select(
            ["meeting_id", "person_id", "created_at", "updated_at"],
            sql_select(
                literal(meeting.id),
                col(Person.id),
                literal(now, stamp),
                literal(now, stamp),
            )
            .where(invitees)
            .order_by(col(Person.id)),
        )
    )
    queue_invitations(session, meeting, now=now)
    return meeting


def invite_to_upcoming(session: Session, person: Person, *, now: datetime) -> int:
    """Invite someone who joined after meetings were made (a newcomer an admin approved) to
    those still open for answers whose audience takes them in, and queue the invitations as
    a meeting's creation does (only when the bot can write to them now: see
    ``queue_invitations``). Returns how many were queued; a second call adds nothing."""
    assert person.id is not None
    open_meetings = session.exec(
        select(Meeting).where(
            Meeting.status == MeetingStatus.SCHEDULED.value,
            col(Meeting.starts_at) > now,
            col(Meeting.rsvp_deadline) > now,
        )
    )
    planned = []
    for meeting in open_meetings:
        invited = session.exec(
            select(Invitation).where(
                Invitation.meeting_id == meeting.id, Invitation.person_id == person.id
            )
        ).first()
        specs = [spec for spec in meeting.audience.split(",") if spec]
        if invited is not None or not audience.includes(session, specs, person):
            continue
        assert meeting.id is not None
        invitation = Invitation(
            meeting_id=meeting.id, person_id=person.id, created_at=now, updated_at=now
        )
        session.add(invitation)
        session.flush()
        if not person.reachable:
            continue  # shown when they register, as for anyone on the roster
        planned.append(
            message_about(
                meeting,
                person_id=person.id,
                kind=Kind.INVITATION,
                slot="",
                now=now,
                payload={"invitation_id": invitation.id},
            )
        )
    return outbox.plan(session, planned, now=now)


def message_about(
    meeting: Meeting,
    *,
    person_id: int,
    kind: Kind,
    slot: str,
    now: datetime,
    payload: Mapping[str, object],
    stale: Literal["at_start", "at_deadline", "never"] = "at_start",
) -> Planned:
    """One outbox row about this meeting, for its current version (so a move or a
    cancellation makes it fall away), stale once the start (or the deadline) has passed."""
    expires_at = {"at_start": meeting.starts_at, "at_deadline": meeting.rsvp_deadline}.get(stale)
    return Planned(
        person_id=person_id,
        kind=kind.value,
        subject=meeting.subject,
        subject_version=meeting.version,
        slot=slot,
        not_before=now,
        expires_at=expires_at,
        payload=dict(payload),
    )


def organisers(session: Session, meeting: Meeting) -> list[int]:
    """Who answers for the meeting: whoever created it in the bot, else every admin (a
    meeting made from the command line has no author)."""
    if meeting.created_by_id is not None:
        return [meeting.created_by_id]
    return [admin.id for admin in admins(session) if admin.id is not None]


def alert_late_decline(
    session: Session, meeting: Meeting, invitee: Person, reason: str, *, now: datetime
) -> int:
    """A decline within 24 h of the start: the organisers are told at once."""
    payload = {
        "notice": "late_decline",
        "meeting_id": meeting.id,
        "invitee_id": invitee.id,
        "reason": reason[:300],
    }
    slot = f"late-decline-{invitee.id}-{now.isoformat()}"
    rows = [
        message_about(meeting, person_id=pid, kind=Kind.NOTICE, slot=slot, now=now, payload=payload)
        for pid in organisers(session, meeting)
    ]
    return outbox.plan(session, rows, now=now)


def queue_invitations(
    session: Session, meeting: Meeting, *, now: datetime, moved_from: datetime | None = None
) -> int:
    """One invitation message per invitee the bot can write to now, for the meeting's current
    version; returns how many were queued.

    Who can be written to is ``Person.reachable`` (its SQL twin ``reachable_clause``, the
    rule the delivery engine follows too): linked on Telegram and not blocked, or opted in to
    WhatsApp (linked, or on paper) and not failing there; a WhatsApp template goes where the
    24-hour window is closed. The others are not queued, only to be marked unreachable one by
    one: they find the invitation waiting when they register (``rsvp.take_from_queue``), and
    the recap and the reach lines count them as "belum terdaftar".

    After a move the same card goes out again with the old time named, so those who had
    accepted are asked whether that still holds, and everyone learns the new time.

    One ``INSERT … SELECT`` (on conflict nothing): no invitee is loaded into memory, the
    rows are exactly what ``outbox.plan`` would write for ``message_about``'s rows.
    """
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    stamp, kind = table.c.not_before.type, Kind.INVITATION.value
    prefix = f"|{kind}|{meeting.subject}|v{meeting.version}|"
    fields: list[object] = ["invitation_id", col(Invitation.id)]
    if moved_from is not None:
        fields += ["moved_from", moved_from.isoformat()]
    dialect = session.get_bind().dialect.name
    payload = (
        func.json_build_object(*fields) if dialect == "postgresql" else func.json_object(*fields)
    )
    rows = (
        sql_select(
            cast(col(Invitation.person_id), String) + literal(prefix),
            col(Invitation.person_id),
            literal(kind),
            literal(meeting.subject),
            literal(meeting.version),
            literal(""),
            payload,
            literal(now, stamp),
            literal(meeting.starts_at, stamp),
            literal(Status.PENDING.value),
            literal(0),
            literal(""),
            literal(now, stamp),
            literal(now, stamp),
        )
        .join(Person, col(Person.id) == col(Invitation.person_id))
        .where(
            col(Invitation.meeting_id) == meeting.id,
            col(Person.status) == PersonStatus.ACTIVE.value,
            reachable_clause(),
        )
        .order_by(col(Invitation.id))
    )
    inserter = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = inserter(OutboxMessage).from_select(
        [
            "dedupe_key",
            "person_id",
            "kind",
            "subject",
            "subject_version",
            "slot",
            "payload",
            "not_before",
            "expires_at",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    statement = statement.on_conflict_do_nothing(index_elements=["dedupe_key"])
    # Counted from RETURNING: psycopg reports no rowcount for an INSERT … SELECT.
    return sum(1 for _ in session.execute(statement.returning(col(OutboxMessage.id))))


def check_cancellable(meeting: Meeting, now: datetime) -> None:
    """Raises MeetingError when the meeting can no longer be cancelled (the chat's and the
    console's Batalkan ask before they show Ya / Tidak)."""
    if meeting.status != MeetingStatus.SCHEDULED.value:
        raise MeetingError("not_scheduled")
    if now >= meeting.starts_at:
        raise MeetingError("already_started")  # a held meeting is closed with its minutes


def check_movable(meeting: Meeting, now: datetime) -> None:
    """Raises MeetingError("not_scheduled") for a meeting that is closed, cancelled or has
    started: only a coming meeting is moved (the chat's /pindahrapat and the console alike)."""
    if meeting.status != MeetingStatus.SCHEDULED.value or meeting.starts_at <= now:
        raise MeetingError("not_scheduled")


def cancel(session: Session, meeting: Meeting, *, now: datetime) -> int:
    """Cancel: every invitee (and representative) is told; every queued row falls away.

    The notice's subject is ``meetingnews:<id>``, which has no version check, because the
    meeting's own rows are exactly what a cancellation must stop.
    """
    check_cancellable(meeting, now)
    meeting.status = MeetingStatus.CANCELLED.value
    meeting.version += 1
    meeting.updated_at = now
    session.add(meeting)
    session.flush()
    planned = [
        Planned(
            person_id=recipient,
            kind=Kind.NOTICE.value,
            subject=f"meetingnews:{meeting.id}",
            slot=f"cancelled-{meeting.version}",
            not_before=now,
            expires_at=meeting.starts_at,
            payload={"notice": "cancelled", "meeting_id": meeting.id},
        )
        for recipient in _everyone_concerned(session, meeting)
    ]
    return outbox.plan(session, planned, now=now)


def reschedule(
    session: Session,
    meeting: Meeting,
    *,
    starts_at: datetime,
    now: datetime,
    ends_at: datetime | None = None,
    rsvp_deadline: datetime | None = None,
) -> int:
    """Move the meeting: a new version, so reminders for the old time never go out, and the
    invitation goes to everyone again with the old time named."""
    if meeting.status != MeetingStatus.SCHEDULED.value:
        raise MeetingError("not_scheduled")
    if starts_at <= now:
        raise MeetingError("start_in_past")
    if ends_at is not None and ends_at <= starts_at:
        raise MeetingError("end_before_start")
    ends_at, deadline = moved_times(meeting, starts_at, now=now, ends_at=ends_at)
    if rsvp_deadline is not None:
        deadline = rsvp_deadline
    if deadline > starts_at or deadline <= now:
        raise MeetingError("deadline")
    old_start = meeting.starts_at
    meeting.starts_at, meeting.ends_at, meeting.rsvp_deadline = starts_at, ends_at, deadline
    meeting.version += 1
    meeting.updated_at = now
    session.add(meeting)
    session.flush()
    queued = queue_invitations(session, meeting, now=now, moved_from=old_start)
    # A registered representative learns the new time too (their own notice, new version).
    represented = select(Invitation).where(
        Invitation.meeting_id == meeting.id,
        Invitation.answer == Answer.DIWAKILKAN.value,
        col(Invitation.representative_person_id).is_not(None),
    )
    notices = [
        representing_notice(meeting, invitation, invitation.representative_person_id, now=now)
        for invitation in session.exec(represented.order_by(col(Invitation.id)))
        if invitation.representative_person_id is not None
    ]
    outbox.plan(session, notices, now=now)
    return queued


def moved_times(
    meeting: Meeting, starts_at: datetime, *, now: datetime, ends_at: datetime | None = None
) -> tuple[datetime | None, datetime]:
    """The end and the answer deadline a move to ``starts_at`` gives, shown in the move's
    preview before it is made: the meeting keeps its length, and its deadline stays as far
    before the start as it was (the start itself when that has passed)."""
    if ends_at is None and meeting.ends_at is not None:
        ends_at = starts_at + (meeting.ends_at - meeting.starts_at)
    kept = starts_at - (meeting.starts_at - meeting.rsvp_deadline)
    return ends_at, kept if kept > now else starts_at


def representing_notice(
    meeting: Meeting, invitation: Invitation, representative_id: int, *, now: datetime
) -> Planned:
    """The representative's own copy: whom they represent, where and when."""
    return message_about(
        meeting,
        person_id=representative_id,
        kind=Kind.NOTICE,
        slot=f"representing-{invitation.id}",
        now=now,
        payload={
            "notice": "representing",
            "meeting_id": meeting.id,
            "invitee_id": invitation.person_id,
        },
    )


def _everyone_concerned(session: Session, meeting: Meeting) -> list[int]:
    """The invitees and their representatives the bot can write to: a cancellation is not
    queued for someone it cannot reach (registering later shows no cancelled meeting)."""
    invited = select(Invitation.person_id).where(Invitation.meeting_id == meeting.id)
    representing = select(Invitation.representative_person_id).where(
        Invitation.meeting_id == meeting.id,
        col(Invitation.representative_person_id).is_not(None),
    )
    concerned = col(Person.id).in_(invited) | col(Person.id).in_(representing)
    query = select(Person.id).where(
        concerned, Person.status == PersonStatus.ACTIVE.value, reachable_clause()
    )
    return [person_id for person_id in session.exec(query.order_by(col(Person.id))) if person_id]


def invitations_of(session: Session, meeting: Meeting) -> list[Invitation]:
    query = select(Invitation).where(Invitation.meeting_id == meeting.id)
    return list(session.exec(query.order_by(col(Invitation.id))))


def reach_of_invitees(session: Session, meeting: Meeting) -> Reach:
    """Where the invitations went, by app, and how many wait for their invitee to register:
    the invitees read a few hundred at a time, never a province's roster at once."""
    query = (
        select(Person)
        .join(Invitation, col(Invitation.person_id) == col(Person.id))
        .where(Invitation.meeting_id == meeting.id, col(Invitation.walk_in).is_(False))
        .execution_options(yield_per=500)
    )
    return reach_of(session.exec(query))


def invitees_of(session: Session, meeting: Meeting) -> list[Person]:
    """The people invited (not their representatives), in one query."""
    query = select(Person).join(Invitation, col(Invitation.person_id) == col(Person.id))
    return list(session.exec(query.where(Invitation.meeting_id == meeting.id)))


def current_version(session: Session, ref: str) -> int | None:
    """For the delivery engine: the version of a scheduled meeting, None when it is gone."""
    meeting = session.get(Meeting, int(ref)) if ref.isdigit() else None
    if meeting is None or meeting.status == MeetingStatus.CANCELLED.value:
        return None
    return meeting.version


SKIP_ANSWERED = "answered"  # a nudge to answer, but they have answered meanwhile
SKIP_NOT_COMING = "not_coming"  # a reminder, but they have declined meanwhile
SKIP_NOT_REPRESENTING = "not_representing"  # no longer the invitee's representative
SKIP_SHOWN = "shown"  # the invitation was shown in the chat (on registering) before it went


def row_unwanted(
    session: Session, kind: str, payload: dict[str, object], person_id: int
) -> str | None:
    """Send-time check of a meeting's reminder, nudge or notice against the answers now."""
    if "close_meeting_id" in payload:
        meeting = session.get(Meeting, payload["close_meeting_id"])
        closed = meeting is None or meeting.status != MeetingStatus.SCHEDULED.value
        return "closed" if closed else None
    if payload.get("notice") == "representing":
        invitation = session.exec(
            select(Invitation).where(
                Invitation.meeting_id == payload.get("meeting_id"),
                Invitation.person_id == payload.get("invitee_id"),
            )
        ).first()
        still = (
            invitation is not None
            and invitation.answer == Answer.DIWAKILKAN.value
            and invitation.representative_person_id == person_id
        )
        return None if still else SKIP_NOT_REPRESENTING
    invitation_id = payload.get("invitation_id")
    if not isinstance(invitation_id, int):
        return None
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        return "subject_gone"
    if person_id != invitation.person_id and (
        invitation.answer != Answer.DIWAKILKAN.value
        or invitation.representative_person_id != person_id
    ):
        return SKIP_NOT_REPRESENTING  # the invitee chose someone else, or to come themselves
    if kind == Kind.NUDGE.value and invitation.answer != Answer.PENDING.value:
        return SKIP_ANSWERED
    # Shown on registering (or by /undangan) while this copy waited in the queue: the same
    # card twice. A moved meeting's copy still goes: it carries the new time.
    shown = kind == Kind.INVITATION.value and invitation.shown_at is not None
    if shown and "moved_from" not in payload and person_id == invitation.person_id:
        return SKIP_SHOWN
    coming = (Answer.HADIR.value, Answer.DIWAKILKAN.value)
    if kind == Kind.REMINDER.value and invitation.answer not in coming:
        return SKIP_NOT_COMING
    return None


MINUTES_MAX = 20000


def has_ended(meeting: Meeting, now: datetime) -> bool:
    return now > meeting.checkin_window[1]


def check_closable(meeting: Meeting, now: datetime) -> None:
    """Raises MeetingError when no minutes can close the meeting: already closed or
    cancelled ("not_scheduled"), or not held yet ("not_ended")."""
    if meeting.status != MeetingStatus.SCHEDULED.value:
        raise MeetingError("not_scheduled")
    if not has_ended(meeting, now):
        raise MeetingError("not_ended")


def close(
    session: Session,
    meeting: Meeting,
    *,
    now: datetime,
    text: str = "",
    file_id: str | None = None,
    file_name: str | None = None,
    file_path: str | None = None,
) -> None:
    """Record the minutes (notulen) and close the meeting; the daily nudge stops. A document
    is Telegram's ``file_id`` (sent in the chat) or a ``file_path`` in the file store
    (uploaded on the console).

    Raises:
        MeetingError: not held yet ("not_ended"), already closed or cancelled
            ("not_scheduled"), or neither text nor a document ("minutes").
    """
    check_closable(meeting, now)
    cleaned = text.strip()
    if not (file_id or file_path) and not (3 <= len(cleaned) <= MINUTES_MAX):
        raise MeetingError("minutes")
    meeting.minutes = cleaned or None
    meeting.minutes_file_id, meeting.minutes_file_name = file_id, file_name
    meeting.minutes_path = file_path
    meeting.status = MeetingStatus.DONE.value
    meeting.closed_at = meeting.updated_at = now
    session.add(meeting)
    session.flush()


def awaiting_minutes(session: Session, now: datetime) -> list[Meeting]:
    """Meetings that have ended but are not closed: their organiser is nudged daily."""
    query = select(Meeting).where(
        Meeting.status == MeetingStatus.SCHEDULED.value, col(Meeting.starts_at) < now
    )
    return [m for m in session.exec(query) if has_ended(m, now)]


# Queries for the planners (scheduler.planners). A tick must cost what is due, not what is
# stored (issue 15): the planners find the meetings in a window of start times, then read only
# the invitations whose mark says the current reminder or nudge is not planned yet, a batch at
# a time, each with whether its invitee (and representative) can be reached, in one statement.

# A reminder mark orders (version, offset): a later version is always higher, and within one
# version a smaller offset (closer to the start) is higher. Offsets are in minutes, far below
# this span (19 years).
REMINDER_MARK_SPAN = 10**7
NUDGE_AFTER_INVITATION_STAGE, NUDGE_BEFORE_DEADLINE_STAGE = 1, 2


def reminder_mark(version: int, offset: timedelta) -> int:
    """The mark of a reminder ``offset`` before the start of the meeting's ``version``.

    Not the offset's rank in the configured list: a list changed between two runs would then
    mark a later reminder as planned."""
    minutes = min(int(offset.total_seconds() // 60), REMINDER_MARK_SPAN - 1)
    return version * REMINDER_MARK_SPAN + (REMINDER_MARK_SPAN - 1 - minutes)


def nudge_mark(version: int, stage: int) -> int:
    """The mark of an RSVP nudge: 24 h after the invitation (stage 1), then one day before the
    deadline (stage 2), per version of the meeting."""
    return version * 10 + stage


def in_reminder_window(session: Session, now: datetime, horizon: timedelta) -> list[Meeting]:
    """Scheduled meetings starting after ``now`` and at most ``horizon`` later: the only ones
    for which some reminder offset (``horizon`` is the largest) has come."""
    query = select(Meeting).where(
        Meeting.status == MeetingStatus.SCHEDULED.value,
        col(Meeting.starts_at) > now,
        col(Meeting.starts_at) <= now + horizon,
    )
    return list(session.exec(query.order_by(col(Meeting.id))))


def open_for_answers(session: Session, now: datetime) -> list[Meeting]:
    """Scheduled meetings still to come whose answer deadline has not passed."""
    query = select(Meeting).where(
        Meeting.status == MeetingStatus.SCHEDULED.value,
        col(Meeting.starts_at) > now,
        col(Meeting.rsvp_deadline) > now,
    )
    return list(session.exec(query.order_by(col(Meeting.id))))


class Due(NamedTuple):
    """An invitation a reminder or nudge is due for, and whom it can go to."""

    meeting_id: int
    invitation_id: int
    person_id: int
    reachable: bool  # the invitee has a channel (Person.has_channel)
    representative_id: int | None  # a representative with a channel, when they represent


def coming_to_remind(
    session: Session, meeting_ids: list[int], *, mark: int, limit: int
) -> list[Due]:
    """Up to ``limit`` invitations of those coming (or represented) to these meetings whose
    reminder mark is below ``mark``: a range of ``ix_invitation_reminder_due``, so what was
    reminded at an earlier tick is not read again."""
    invitee, representative = aliased(Person), aliased(Person)
    represented = and_(
        col(Invitation.answer) == Answer.DIWAKILKAN.value, has_channel_clause(representative)
    )
    query = (
        sql_select(
            col(Invitation.meeting_id),
            col(Invitation.id),
            col(Invitation.person_id),
            has_channel_clause(invitee),
            col(Invitation.representative_person_id),
            represented,
        )
        .join(invitee, invitee.id == col(Invitation.person_id))  # type: ignore[arg-type]
        .outerjoin(
            representative,
            representative.id == col(Invitation.representative_person_id),  # type: ignore[arg-type]
        )
        .where(
            col(Invitation.meeting_id).in_(meeting_ids),
            text(f"invitation.{COMING_SQL}"),
            col(Invitation.reminder_mark) < mark,
        )
        # The index's own order. Not for the rows' sake: with a bare LIMIT PostgreSQL reckons
        # from its statistics (most marks anywhere are low) that a sequential scan finds the
        # first rows at once, and then reads the whole table to find none.
        .order_by(col(Invitation.meeting_id), col(Invitation.reminder_mark))
        .limit(limit)
    )
    return [
        Due(meeting_id, invitation_id, person_id, bool(ok), rep_id if rep_id and rep_ok else None)
        for meeting_id, invitation_id, person_id, ok, rep_id, rep_ok in session.execute(query)
    ]


def silent_to_nudge(
    session: Session,
    meeting_ids: list[int],
    *,
    mark: int,
    invited_by: datetime | None,
    limit: int,
) -> list[Due]:
    """Up to ``limit`` pending invitations to these meetings whose nudge mark is below
    ``mark`` (and, when ``invited_by`` is given, created by then): a range of
    ``ix_invitation_nudge_due``."""
    if mark == nudge_mark(1, NUDGE_AFTER_INVITATION_STAGE):
        # The only mark below a first version's first nudge is 0: an equality, so the index
        # goes on to bound created_at too (a range on the mark would stop it there).
        unplanned = col(Invitation.nudge_mark) == 0
    else:
        unplanned = col(Invitation.nudge_mark) < mark
    query = (
        sql_select(
            col(Invitation.meeting_id),
            col(Invitation.id),
            col(Invitation.person_id),
            has_channel_clause(Person),
        )
        .join(Person, col(Person.id) == col(Invitation.person_id))
        .where(col(Invitation.meeting_id).in_(meeting_ids), text(f"invitation.{PENDING_SQL}"))
        .where(unplanned)
        # The index's own order, for the reason given in coming_to_remind.
        .order_by(
            col(Invitation.meeting_id), col(Invitation.nudge_mark), col(Invitation.created_at)
        )
        .limit(limit)
    )
    if invited_by is not None:
        query = query.where(col(Invitation.created_at) <= invited_by)
    return [
        Due(meeting_id, invitation_id, person_id, bool(reachable), None)
        for meeting_id, invitation_id, person_id, reachable in session.execute(query)
    ]


def mark_reminded(session: Session, invitation_ids: list[int], mark: int) -> None:
    """Written in the transaction that queued their reminders (or found them unreachable)."""
    _mark(session, "reminder_mark", invitation_ids, mark)


def mark_nudged(session: Session, invitation_ids: list[int], mark: int) -> None:
    _mark(session, "nudge_mark", invitation_ids, mark)


def _mark(session: Session, column: str, invitation_ids: list[int], mark: int) -> None:
    """Not a 500-id ``IN`` list, a statement psycopg would parse anew, in Python, at every
    batch: on PostgreSQL one array of ids, on SQLite one short statement run for each id.
    Marks only move forward: a second process, or a planner holding an older reading of a
    meeting that moved meanwhile, never writes a lower mark over a higher one."""
    if not invitation_ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        by_array = text(
            f"UPDATE invitation SET {column} = :mark WHERE id = ANY(:ids) AND {column} < :mark"
        )
        session.execute(by_array, {"mark": mark, "ids": invitation_ids})
        return
    table = Invitation.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(table.c.id == bindparam("invitation_id"), table.c[column] < bindparam("mark"))
        .values({column: bindparam("mark")})
    )
    params = [{"invitation_id": i, "mark": mark} for i in invitation_ids]
    session.connection().execute(statement, params)


def reachable_organisers(session: Session, meetings: Iterable[Meeting]) -> dict[int, list[int]]:
    """``organisers`` of each meeting that can be reached, in two queries for them all (the
    creators, and the admins once) instead of a look-up per meeting and person."""
    found = list(meetings)
    creators = {m.created_by_id for m in found if m.created_by_id is not None}
    reachable: set[int] = set()
    if creators:
        query = select(Person.id).where(col(Person.id).in_(creators), has_channel_clause(Person))
        reachable = {pid for pid in session.exec(query) if pid is not None}
    admin_ids: list[int] = []
    if any(m.created_by_id is None for m in found):
        query = select(Person.id).where(
            Person.role == Role.ADMIN.value,
            Person.status == PersonStatus.ACTIVE.value,
            has_channel_clause(Person),
        )
        admin_ids = [pid for pid in session.exec(query.order_by(col(Person.id))) if pid]
    out: dict[int, list[int]] = {}
    for meeting in found:
        assert meeting.id is not None
        if meeting.created_by_id is None:
            out[meeting.id] = admin_ids
        else:
            out[meeting.id] = [meeting.created_by_id] if meeting.created_by_id in reachable else []
    return out


def mark_closing_nudged(session: Session, meeting_ids: list[int], day: str) -> None:
    if meeting_ids:
        statement = update(Meeting).where(col(Meeting.id).in_(meeting_ids))
        session.execute(statement.values(closing_nudged_on=day))


def upcoming_meetings(session: Session, now: datetime) -> list[Meeting]:
    query = select(Meeting).where(
        Meeting.status == MeetingStatus.SCHEDULED.value, col(Meeting.starts_at) > now
    )
    return list(session.exec(query.order_by(col(Meeting.starts_at))))
