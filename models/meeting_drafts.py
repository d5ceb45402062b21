"""/rapatbaru: a meeting being written by an admin, kept step by step in the database.

Each typed answer is validated here (the handler only renders), so a restart between two
messages loses nothing and the same rules serve a future WhatsApp channel.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Field, Session, SQLModel, select

from models import audience, meetings
from models.dates import DateParseError, parse_date, parse_time, parse_when

DRAFT_TTL = timedelta(hours=24)


class Stage(StrEnum):
    TITLE = "title"
    DATE = "date"
    TIME = "time"
    VENUE = "venue"
    DEADLINE = "deadline"
    AUDIENCE = "audience"
    PREVIEW = "preview"
    MINUTES = "minutes"  # closing a held meeting: the admin's next text or document
    MOVE_DATE = "move_date"  # moving a meeting: its new date, then its new time
    MOVE_TIME = "move_time"
    MOVE_PREVIEW = "move_preview"  # the move shown (old → new) until Ya, pindahkan or Tidak


def new_version() -> int:
    return secrets.randbelow(10**9) + 1


class MeetingDraft(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="person.id", unique=True)
    stage: str = Field(default=Stage.TITLE.value, max_length=20)
    title: str = Field(default="", max_length=meetings.TITLE_MAX)
    day: date | None = None
    starts_at: datetime | None = None
    timezone: str = Field(default="", max_length=40)
    venue: str = Field(default="", max_length=meetings.VENUE_MAX)
    rsvp_deadline: datetime | None = None
    specs: str = Field(default="", max_length=300)
    # The meeting being closed or moved (the other stages build a new one).
    target_meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    # Starts at a random number, one more each step: a button carries it, so a button of an
    # older draft (ids are reused on SQLite) or an earlier step never acts on this one.
    version: int = Field(default_factory=lambda: new_version())
    updated_at: datetime


class DraftError(ValueError):
    """The typed answer does not fit the step; ``code`` names why (the UI re-asks)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def draft_of(session: Session, author_id: int, *, now: datetime) -> MeetingDraft | None:
    draft = session.exec(select(MeetingDraft).where(MeetingDraft.author_id == author_id)).first()
    if draft is not None and draft.updated_at + DRAFT_TTL < now:
        session.delete(draft)
        session.flush()
        return None
    return draft


def start(session: Session, *, author_id: int, now: datetime) -> MeetingDraft:
    draft = draft_of(session, author_id, now=now)
    if draft is not None:
        session.delete(draft)
        session.flush()
    draft = MeetingDraft(author_id=author_id, updated_at=now)
    session.add(draft)
    session.flush()
    return draft


def _advance(session: Session, draft: MeetingDraft, stage: Stage, now: datetime) -> None:
    draft.stage, draft.updated_at = stage.value, now
    draft.version += 1
    session.add(draft)
    session.flush()


def answer(
    session: Session, draft: MeetingDraft, text: str, *, now: datetime, default_zone: str
) -> Stage:
    """Take the typed answer to the current step; return the next step.

    Raises:
        DraftError: the answer does not fit (too short, not a date, in the past, ...).
    """
    cleaned = " ".join(text.split())
    stage = Stage(draft.stage)
    zone = ZoneInfo(draft.timezone or default_zone)
    today = now.astimezone(zone).date()
    if stage == Stage.TITLE:
        if not 3 <= len(cleaned) <= meetings.TITLE_MAX:
            raise DraftError("title")
        draft.title = cleaned
        _advance(session, draft, Stage.DATE, now)
    elif stage == Stage.DATE:
        draft.day = _meeting_day(cleaned, today)
        _advance(session, draft, Stage.TIME, now)
    elif stage == Stage.TIME:
        try:
            moment, named_zone = parse_time(cleaned)
        except DateParseError as error:
            raise DraftError("time") from error
        draft.timezone = named_zone or draft.timezone or default_zone
        assert draft.day is not None
        starts = datetime.combine(draft.day, moment, ZoneInfo(draft.timezone))
        if starts <= now:
            raise DraftError("time_past")
        draft.starts_at = starts
        _advance(session, draft, Stage.VENUE, now)
    elif stage == Stage.VENUE:
        if not 3 <= len(cleaned) <= meetings.VENUE_MAX:
            raise DraftError("venue")
        draft.venue = cleaned
        _advance(session, draft, Stage.DEADLINE, now)
    elif stage == Stage.DEADLINE:
        set_deadline(session, draft, _deadline_from(cleaned, today, zone), now=now)
    elif stage == Stage.AUDIENCE:
        choose_audience(
            session, draft, [part for part in cleaned.split(",") if part.strip()], now=now
        )
    return Stage(draft.stage)


def _meeting_day(text: str, today: date) -> date:
    """A meeting's date as typed (6/12/2023, 6 Des, besok): today or later."""
    try:
        day = parse_date(text, today=today)
    except DateParseError as error:
        raise DraftError("date") from error
    if day < today:
        raise DraftError("date_past")
    return day


def _deadline_from(text: str, today: date, zone: ZoneInfo) -> datetime:
    try:
        day, moment, named = parse_when(text, today=today)
    except DateParseError:
        try:
            day, moment, named = parse_date(text, today=today), None, None
        except DateParseError as error:
            raise DraftError("deadline") from error
    tz = ZoneInfo(named) if named else zone
    return datetime.combine(day, moment or time(23, 59), tz)


def set_deadline(
    session: Session, draft: MeetingDraft, deadline: datetime | None, *, now: datetime
) -> None:
    """None: the start itself (the default, a button)."""
    assert draft.starts_at is not None
    chosen = deadline or draft.starts_at
    if chosen > draft.starts_at or chosen <= now:
        raise DraftError("deadline_order")
    draft.rsvp_deadline = chosen
    _advance(session, draft, Stage.AUDIENCE, now)


def choose_audience(
    session: Session, draft: MeetingDraft, specs: list[str], *, now: datetime
) -> int:
    """Raises DraftError("audience") when the specs name nothing or nobody."""
    try:
        canonical = audience.canonical(session, specs)
        count = len(audience.resolve(session, canonical)) if canonical else 0
    except audience.UnknownAudience as error:
        raise DraftError("audience") from error
    if not count:
        raise DraftError("audience")
    draft.specs = ",".join(canonical)
    _advance(session, draft, Stage.PREVIEW, now)
    return count


def confirm(session: Session, draft: MeetingDraft, *, now: datetime) -> meetings.Meeting:
    """Create the meeting and queue its invitations; the draft is gone.

    Raises:
        MeetingError: the meeting's own rules (a start that passed while previewing, ...).
    """
    assert draft.starts_at is not None
    meeting = meetings.create(
        session,
        title=draft.title,
        starts_at=draft.starts_at,
        timezone=draft.timezone,
        venue=draft.venue,
        rsvp_deadline=draft.rsvp_deadline,
        specs=draft.specs.split(","),
        created_by_id=draft.author_id,
        now=now,
    )
    session.delete(draft)
    return meeting


def start_closing(
    session: Session, *, author_id: int, meeting: meetings.Meeting, now: datetime
) -> MeetingDraft:
    """The admin chose a held meeting to close: the next text or document is its minutes."""
    if meeting.status != meetings.MeetingStatus.SCHEDULED.value:
        raise meetings.MeetingError("not_scheduled")
    if not meetings.has_ended(meeting, now):
        raise meetings.MeetingError("not_ended")
    draft = start(session, author_id=author_id, now=now)
    draft.target_meeting_id = meeting.id
    _advance(session, draft, Stage.MINUTES, now)
    return draft


def start_moving(
    session: Session, *, author_id: int, meeting: meetings.Meeting, now: datetime
) -> MeetingDraft:
    if meeting.status != meetings.MeetingStatus.SCHEDULED.value or meeting.starts_at <= now:
        raise meetings.MeetingError("not_scheduled")
    draft = start(session, author_id=author_id, now=now)
    draft.target_meeting_id, draft.timezone = meeting.id, meeting.timezone
    _advance(session, draft, Stage.MOVE_DATE, now)
    return draft


def move_answer(
    session: Session, draft: MeetingDraft, text: str, *, now: datetime
) -> meetings.Meeting | None:
    """The new date, then the new time (in the meeting's zone); after the time, the meeting
    to move, with the draft at its preview: nothing moves until the admin confirms it.

    Raises:
        DraftError: an answer that does not fit (re-asked).
        MeetingError: the meeting's own rules (the new start in the past, ...).
    """
    zone = ZoneInfo(draft.timezone)
    cleaned = " ".join(text.split())
    if draft.stage == Stage.MOVE_DATE.value:
        draft.day = _meeting_day(cleaned, now.astimezone(zone).date())
        _advance(session, draft, Stage.MOVE_TIME, now)
        return None
    try:
        moment, _ = parse_time(cleaned)
    except DateParseError as error:
        raise DraftError("time") from error
    assert draft.day is not None
    meeting = _meeting_to_move(session, draft)
    starts_at = datetime.combine(draft.day, moment, zone)
    if starts_at <= now:
        raise DraftError("time_past")
    draft.starts_at = starts_at
    _advance(session, draft, Stage.MOVE_PREVIEW, now)
    return meeting


def _meeting_to_move(session: Session, draft: MeetingDraft) -> meetings.Meeting:
    meeting = session.get(meetings.Meeting, draft.target_meeting_id)
    if meeting is None or meeting.status != meetings.MeetingStatus.SCHEDULED.value:
        session.delete(draft)  # nothing left to move: end the conversation
        raise meetings.MeetingError("not_scheduled")
    return meeting


def meeting_to_move(session: Session, draft: MeetingDraft) -> meetings.Meeting | None:
    """The meeting a move's preview is about (None when it is gone meanwhile)."""
    meeting = session.get(meetings.Meeting, draft.target_meeting_id)
    return meeting if draft.stage == Stage.MOVE_PREVIEW.value else None


def confirm_move(session: Session, draft: MeetingDraft, *, now: datetime) -> meetings.Meeting:
    """Ya, pindahkan: the meeting moves to the previewed time; the draft is gone.

    Raises:
        MeetingError: cancelled meanwhile, or the new start passed while previewing.
    """
    meeting = _meeting_to_move(session, draft)
    assert draft.starts_at is not None
    meetings.reschedule(session, meeting, starts_at=draft.starts_at, now=now)
    session.delete(draft)
    return meeting


def record_minutes(
    session: Session,
    draft: MeetingDraft,
    *,
    now: datetime,
    text: str = "",
    file_id: str | None = None,
    file_name: str | None = None,
) -> meetings.Meeting:
    """Raises MeetingError (see meetings.close); the draft is gone on success."""
    meeting = session.get(meetings.Meeting, draft.target_meeting_id)
    if meeting is None:
        raise meetings.MeetingError("not_scheduled")
    meetings.close(session, meeting, now=now, text=text, file_id=file_id, file_name=file_name)
    session.delete(draft)
    return meeting


def discard(session: Session, author_id: int) -> Stage | None:
    """Drop the admin's draft; the stage it was at (to say what was cancelled), or None."""
    draft = session.exec(select(MeetingDraft).where(MeetingDraft.author_id == author_id)).first()
    if draft is None:
        return None
    session.delete(draft)
    return Stage(draft.stage)
