"""/rapatbaru: a meeting being written by an admin, kept step by step in the database.

Each typed answer is validated here (the handler only renders), so a restart between two
messages loses nothing and the same rules serve a future WhatsApp channel.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Field, Session, SQLModel, select

from models import audience, audit, meetings
from models.dates import DateParseError, parse_date, parse_time, parse_when

DRAFT_TTL = timedelta(hours=24)
_T = TypeVar("_T")


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
    canonical, count = _audience_of(session, specs)
    draft.specs = ",".join(canonical)
    _advance(session, draft, Stage.PREVIEW, now)
    return count


def _audience_of(session: Session, specs: list[str]) -> tuple[list[str], int]:
    """The specs as stored, and how many they invite; DraftError("audience") for nobody."""
    try:
        canonical = audience.canonical(session, specs)
        count = len(audience.resolve(session, canonical)) if canonical else 0
    except audience.UnknownAudience as error:
        raise DraftError("audience") from error
    if not count:
        raise DraftError("audience")
    return canonical, count


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
    audit.record(
        session,
        act=audit.Act.MEETING_CREATE,
        via=audit.Via.CHAT,
        now=now,
        actor_id=draft.author_id,
        target=f"meeting:{meeting.id}",
        people=len(meetings.invitations_of(session, meeting)),
    )
    session.delete(draft)
    return meeting


def start_closing(
    session: Session, *, author_id: int, meeting: meetings.Meeting, now: datetime
) -> MeetingDraft:
    """The admin chose a held meeting to close: the next text or document is its minutes."""
    meetings.check_closable(meeting, now)
    draft = start(session, author_id=author_id, now=now)
    draft.target_meeting_id = meeting.id
    _advance(session, draft, Stage.MINUTES, now)
    return draft


def start_moving(
    session: Session, *, author_id: int, meeting: meetings.Meeting, now: datetime
) -> MeetingDraft:
    meetings.check_movable(meeting, now)
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
    assert draft.day is not None
    moment = _typed_time(cleaned)
    meeting = _meeting_to_move(session, draft)
    starts_at = _start_at(draft.day, moment, zone, now)
    draft.starts_at = starts_at
    _advance(session, draft, Stage.MOVE_PREVIEW, now)
    return meeting


def _typed_time(text: str) -> time:
    """A moved meeting's new time: a zone typed with it is ignored, the meeting keeps its own."""
    try:
        moment, _ = parse_time(text)
    except DateParseError as error:
        raise DraftError("time") from error
    return moment


def _start_at(day: date, moment: time, zone: ZoneInfo, now: datetime) -> datetime:
    starts_at = datetime.combine(day, moment, zone)
    if starts_at <= now:
        raise DraftError("time_past")
    return starts_at


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
    told = meetings.reschedule(session, meeting, starts_at=draft.starts_at, now=now)
    audit.record(
        session,
        act=audit.Act.MEETING_MOVE,
        via=audit.Via.CHAT,
        now=now,
        actor_id=draft.author_id,
        target=f"meeting:{meeting.id}",
        people=told,
    )
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


# -- The console's forms: every answer on one page, checked with the steps' own rules -------


@dataclass(frozen=True)
class MeetingForm:
    """/rapatbaru's answers as typed in the console's form; empty: not given. ``audience`` is
    a button's choice (all, opd, kader) or specs typed as in the chat, comma-separated."""

    title: str = ""
    day: str = ""
    starts: str = ""
    ends: str = ""
    venue: str = ""
    agenda: str = ""
    deadline: str = ""
    audience: str = ""


@dataclass(frozen=True)
class NewMeeting:
    """A form that fits: what ``meetings.create`` is given, and how many it invites."""

    title: str
    starts_at: datetime
    ends_at: datetime | None
    timezone: str
    venue: str
    agenda: str
    rsvp_deadline: datetime
    specs: tuple[str, ...]
    invited: int


class FormErrors(ValueError):
    """Every answer that does not fit, by the form's field, with the code the chat's step
    gives the same answer (so the page says what the bot says)."""

    def __init__(self, problems: dict[str, str], day: date | None = None) -> None:
        super().__init__(", ".join(f"{name}={code}" for name, code in problems.items()))
        self.problems = problems
        self.day = day  # the meeting's day when it could be read: the examples start there


class _Checks:
    """Collects each field's DraftError instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: dict[str, str] = {}

    def run(self, name: str, check: Callable[[], _T]) -> _T | None:
        try:
            return check()
        except DraftError as error:
            self.problems.setdefault(name, error.code)
            return None


def _typed(text: str) -> str:
    return " ".join(text.split())


def _time_of(text: str) -> tuple[time, str | None]:
    try:
        return parse_time(text)
    except DateParseError as error:
        raise DraftError("time") from error


def check_form(
    session: Session, form: MeetingForm, *, now: datetime, default_zone: str
) -> NewMeeting:
    """The whole of /rapatbaru at once, each answer read as its step reads it (``6 Des``,
    ``besok``, ``09.00 Wita``...), plus the optional end time and agenda the chat does not ask.

    Raises:
        FormErrors: every answer that does not fit, with its step's code.
    """
    checks = _Checks()
    title = _typed(form.title)
    if not 3 <= len(title) <= meetings.TITLE_MAX:
        checks.problems["title"] = "title"
    zone_name = default_zone
    day = checks.run("day", lambda: _meeting_day(_typed(form.day), _today(now, default_zone)))
    typed = checks.run("starts", lambda: _time_of(_typed(form.starts)))
    starts_at: datetime | None = None
    if typed is not None:
        zone_name = typed[1] or default_zone
        if day is not None:
            moment, zone = typed[0], ZoneInfo(zone_name)
            starts_at = checks.run("starts", lambda: _start_at(day, moment, zone, now))
    ends_at = None
    if form.ends.strip():
        end = checks.run("ends", lambda: _time_of(_typed(form.ends)))
        if end is not None and day is not None and starts_at is not None:
            ends_at = datetime.combine(day, end[0], ZoneInfo(end[1] or zone_name))
            if ends_at <= starts_at:
                checks.problems["ends"] = "meeting_end_before_start"
    venue = _typed(form.venue)
    if not 3 <= len(venue) <= meetings.VENUE_MAX:
        checks.problems["venue"] = "venue"
    agenda = form.agenda.strip()
    if len(agenda) > meetings.AGENDA_MAX:
        checks.problems["agenda"] = "meeting_agenda"
    zone = ZoneInfo(zone_name)
    deadline = starts_at
    if form.deadline.strip():
        today = now.astimezone(zone).date()
        deadline = checks.run(
            "deadline", lambda: _deadline_from(_typed(form.deadline), today, zone)
        )
    if starts_at is not None and deadline is not None and not now < deadline <= starts_at:
        checks.problems["deadline"] = "deadline_order"
    specs = [part for part in _typed(form.audience).split(",") if part.strip()]
    chosen = checks.run("audience", lambda: _audience_of(session, specs))
    if checks.problems:
        raise FormErrors(checks.problems, day)
    assert starts_at is not None and deadline is not None and chosen is not None
    return NewMeeting(
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=zone_name,
        venue=venue,
        agenda=agenda,
        rsvp_deadline=deadline,
        specs=tuple(chosen[0]),
        invited=chosen[1],
    )


def _today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def check_move(meeting: meetings.Meeting, day: str, starts: str, *, now: datetime) -> datetime:
    """/pindahrapat's new date and time at once, read as its steps read them, in the
    meeting's zone: the new start (nothing moves here).

    Raises:
        MeetingError: the meeting cannot be moved (closed, cancelled, started).
        FormErrors: the date or the time does not fit.
    """
    meetings.check_movable(meeting, now)
    zone = ZoneInfo(meeting.timezone)
    checks = _Checks()
    new_day = checks.run("day", lambda: _meeting_day(_typed(day), now.astimezone(zone).date()))
    moment = checks.run("starts", lambda: _typed_time(_typed(starts)))
    starts_at = None
    if new_day is not None and moment is not None:
        starts_at = checks.run("starts", lambda: _start_at(new_day, moment, zone, now))
    if checks.problems or starts_at is None:
        raise FormErrors(checks.problems, new_day)
    return starts_at
