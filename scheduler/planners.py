"""Planners: pure functions of the database state and "now" -> the messages that are due.

They run at every tick and may run twice, in two processes, or after a restart: every row
they plan has a dedupe key, so nothing is queued twice. A row is planned when its time has
come (not ahead of time), so who receives it follows the answers as they are then; what
changes after planning is caught at send time (models.subjects).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from models import outbox
from models.meetings import (
    Answer,
    Invitation,
    Meeting,
    MeetingStatus,
    awaiting_minutes,
    message_about,
    organisers,
)
from models.outbox import Kind, Planned
from models.people import Person

NUDGE_AFTER_INVITATION = timedelta(hours=24)
NUDGE_BEFORE_DEADLINE = timedelta(days=1)


def offset_slot(offset: timedelta) -> str:
    """``3d``, ``2h``, ``30m``: the reminder's slot in the dedupe key."""
    minutes = int(offset.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def _upcoming(session: Session, now: datetime) -> list[Meeting]:
    query = select(Meeting).where(
        Meeting.status == MeetingStatus.SCHEDULED.value, col(Meeting.starts_at) > now
    )
    return list(session.exec(query))


def _registered(session: Session, person_id: int | None) -> bool:
    person = session.get(Person, person_id) if person_id is not None else None
    return person is not None and person.has_channel


def plan_meeting_reminders(
    session: Session, *, now: datetime, offsets: list[timedelta]
) -> list[Planned]:
    """Reminders before the start to those coming (and their representatives).

    Only the latest offset whose time has come is planned: someone who accepts a day before
    gets the "1 day" reminder, not a late "3 days" one as well.
    """
    planned: list[Planned] = []
    for meeting in _upcoming(session, now):
        due = [o for o in sorted(offsets, reverse=True) if meeting.starts_at - o <= now]
        if not due:
            continue
        offset = due[-1]
        coming = session.exec(
            select(Invitation).where(
                Invitation.meeting_id == meeting.id,
                col(Invitation.answer).in_([Answer.HADIR.value, Answer.DIWAKILKAN.value]),
            )
        )
        for invitation in coming:
            recipients = [invitation.person_id]
            if invitation.answer == Answer.DIWAKILKAN.value and _registered(
                session, invitation.representative_person_id
            ):
                assert invitation.representative_person_id is not None
                recipients.append(invitation.representative_person_id)
            for recipient in recipients:
                planned.append(
                    message_about(
                        meeting,
                        person_id=recipient,
                        kind=Kind.REMINDER,
                        slot=f"{offset_slot(offset)}-{invitation.id}",
                        now=now,
                        payload={"invitation_id": invitation.id, "offset": offset_slot(offset)},
                    )
                )
    return planned


def plan_rsvp_nudges(session: Session, *, now: datetime) -> list[Planned]:
    """Nudges to those who have not answered: 24 h after the invitation, and one day before
    the deadline; none once they answer (checked again at send time)."""
    planned: list[Planned] = []
    for meeting in _upcoming(session, now):
        if meeting.rsvp_deadline <= now:
            continue
        silent = session.exec(
            select(Invitation).where(
                Invitation.meeting_id == meeting.id, Invitation.answer == Answer.PENDING.value
            )
        )
        for invitation in silent:
            slots = []
            # After a move the invitation went out again: count the 24 h from then.
            sent = invitation.created_at
            if meeting.version > 1:
                sent = max(sent, meeting.updated_at)
            if sent + NUDGE_AFTER_INVITATION <= now:
                slots.append("after-24h")
            if meeting.rsvp_deadline - NUDGE_BEFORE_DEADLINE <= now:
                slots.append("before-deadline")
            if not slots or not _registered(session, invitation.person_id):
                continue
            # One nudge row per moment that has come; the engine bundles a person's nudges.
            planned.append(
                message_about(
                    meeting,
                    person_id=invitation.person_id,
                    kind=Kind.NUDGE,
                    slot=f"{slots[-1]}-{invitation.id}",
                    now=now,
                    payload={"invitation_id": invitation.id},
                    stale="at_deadline",
                )
            )
    return planned


def plan_closing_nudges(session: Session, *, now: datetime, zone: str) -> list[Planned]:
    """Until a held meeting is closed with its minutes, its organiser (or, when the CLI
    created it, every admin) is nudged once a day — bundled and on working days."""
    planned: list[Planned] = []
    for meeting in awaiting_minutes(session, now):
        day = now.astimezone(ZoneInfo(meeting.timezone or zone)).date().isoformat()
        for person_id in organisers(session, meeting):
            if not _registered(session, person_id):
                continue
            planned.append(
                message_about(
                    meeting,
                    person_id=person_id,
                    kind=Kind.NUDGE,
                    slot=f"close-{day}",
                    now=now,
                    payload={"close_meeting_id": meeting.id},
                    stale="never",
                )
            )
    return planned


def meeting_planner(
    offsets: list[timedelta], clock: Callable[[], datetime], zone: str = "Asia/Jakarta"
) -> Callable[[Session], int]:
    """The tick's planner for meetings: reminders and RSVP nudges, queued idempotently."""

    def plan(session: Session) -> int:
        now = clock()
        rows = plan_meeting_reminders(session, now=now, offsets=offsets)
        rows += plan_rsvp_nudges(session, now=now)
        rows += plan_closing_nudges(session, now=now, zone=zone)
        return outbox.plan(session, rows, now=now)

    plan.__name__ = "meeting_planner"
    return plan
