"""Planners: functions of the database state and "now" that queue the messages that are due.

They run at every tick and may run twice, in two processes, or after a restart: every row
they plan has a dedupe key, so nothing is queued twice. A row is planned when its time has
come (not ahead of time), so who receives it follows the answers as they are then; what
changes after planning is caught at send time (models.subjects).

A tick costs what is due, not what is stored (issue 15). The time windows are SQL on indexes:
reminders look only at meetings starting within the largest offset, nudges at meetings still
open for answers, and then, for all the meetings sharing a version and a moment in one
statement, at the invitations of the right answer (partial indexes per answer). "Already
planned" is SQL too: each invitation carries a mark of the last reminder and of the last nudge
planned for it (``models.meetings.reminder_mark`` / ``nudge_mark``: the meeting's version and
the offset or moment), written in the transaction that queues the rows. Marks only grow — a
smaller offset, a later moment, a new version after a move — so what is left to plan is an
index range (``mark < the current one``), and a row planned at an earlier tick is not read
again. Whether the invitee (and representative) can be reached is joined in the same
statement (``Person.has_channel`` as SQL), and the rows are inserted a batch at a time without
reading their keys back (``outbox.plan(fresh=True)``). Each batch is committed with its marks:
a long run (a meeting of 100,000 invitees reaching its 24 h) holds the write lock only a batch
at a time, and PostgreSQL can skip the marked rows' old index entries instead of stepping over
them again at every batch.

Why marks and not an anti-join against the outbox: an anti-join still reads every coming or
silent invitation of the meeting at every tick, only to find its row exists (the cost grows
with what was planned, not with what is due); it must rebuild each row's dedupe key in SQL in
two dialects; and it would plan again whatever a retention purge removes from the outbox. The
dedupe keys with ``ON CONFLICT DO NOTHING`` stay as the final guard: two processes planning the
same moment, or the first tick after the marks were added to an existing database, insert
nothing twice.

A moment is dealt with for everyone it was due to, reachable or not: only those with a channel
get a row, and someone who registers afterwards is shown their open invitations on
registering and gets the next reminder or nudge, not a late copy of the one that passed
(otherwise the unregistered would be read again at every tick, the very cost removed here).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session

from models import outbox
from models.meetings import (
    NUDGE_AFTER_INVITATION_STAGE,
    NUDGE_BEFORE_DEADLINE_STAGE,
    Meeting,
    awaiting_minutes,
    coming_to_remind,
    in_reminder_window,
    mark_closing_nudged,
    mark_nudged,
    mark_reminded,
    message_about,
    nudge_mark,
    open_for_answers,
    reachable_organisers,
    reminder_mark,
    silent_to_nudge,
)
from models.outbox import Kind, Planned

NUDGE_AFTER_INVITATION = timedelta(hours=24)
NUDGE_BEFORE_DEADLINE = timedelta(days=1)
# Invitations read, planned and marked at a time: memory stays flat however many are due.
BATCH = 500
# Meetings asked about in one statement (their ids are its parameters).
GROUP = 500
K = TypeVar("K", bound=Hashable)


def offset_slot(offset: timedelta) -> str:
    """``3d``, ``2h``, ``30m``: the reminder's slot in the dedupe key."""
    minutes = int(offset.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def _groups(keyed: list[tuple[K, Meeting]]) -> list[tuple[K, list[Meeting]]]:
    """Meetings sharing what their query needs (a version and a moment), at most GROUP of them
    at a time: one statement per group, not per meeting, however many meetings are open."""
    by_key: dict[K, list[Meeting]] = defaultdict(list)
    for key, meeting in keyed:
        by_key[key].append(meeting)
    return [
        (key, found[start : start + GROUP])
        for key, found in by_key.items()
        for start in range(0, len(found), GROUP)
    ]


def _by_id(meetings: list[Meeting]) -> dict[int, Meeting]:
    return {meeting.id: meeting for meeting in meetings if meeting.id is not None}


def _kept(session: Session, meetings: list[Meeting]) -> list[Meeting]:
    """The meetings as read, detached: the batches' commits must not expire them (each would
    then be read again, once a batch)."""
    for meeting in meetings:
        session.expunge(meeting)
    return meetings


def plan_meeting_reminders(session: Session, *, now: datetime, offsets: list[timedelta]) -> int:
    """Reminders before the start to those coming (and their representatives); returns how
    many rows were queued.

    Only the latest offset whose time has come is planned: someone who accepts a day before
    gets the "1 day" reminder, not a late "3 days" one as well.
    """
    if not offsets:
        return 0
    keyed: list[tuple[tuple[int, str], Meeting]] = []
    for meeting in _kept(session, in_reminder_window(session, now, max(offsets))):
        offset = min(o for o in offsets if meeting.starts_at - o <= now)
        keyed.append(((reminder_mark(meeting.version, offset), offset_slot(offset)), meeting))
    queued = 0
    for (mark, slot), group in _groups(keyed):
        by_id = _by_id(group)
        while True:
            batch = coming_to_remind(session, list(by_id), mark=mark, limit=BATCH)
            rows: list[Planned] = []
            for due in batch:
                recipients = [due.person_id] if due.reachable else []
                if due.representative_id is not None:
                    recipients.append(due.representative_id)
                rows += [
                    message_about(
                        by_id[due.meeting_id],
                        person_id=recipient,
                        kind=Kind.REMINDER,
                        slot=f"{slot}-{due.invitation_id}",
                        now=now,
                        payload={"invitation_id": due.invitation_id, "offset": slot},
                    )
                    for recipient in recipients
                ]
            queued += outbox.plan(session, rows, now=now, fresh=True)
            mark_reminded(session, [due.invitation_id for due in batch], mark)
            session.commit()
            if len(batch) < BATCH:
                break
    return queued


def plan_rsvp_nudges(session: Session, *, now: datetime) -> int:
    """Nudges to those who have not answered: 24 h after the invitation, and one day before
    the deadline; none once they answer (checked again at send time). Returns how many rows
    were queued."""
    keyed: list[tuple[tuple[int, str, datetime | None], Meeting]] = []
    cutoff = now - NUDGE_AFTER_INVITATION
    for meeting in _kept(session, open_for_answers(session, now)):
        if meeting.rsvp_deadline - NUDGE_BEFORE_DEADLINE <= now:
            stage, moment, invited_by = NUDGE_BEFORE_DEADLINE_STAGE, "before-deadline", None
        else:
            stage, moment, invited_by = NUDGE_AFTER_INVITATION_STAGE, "after-24h", cutoff
            # After a move the invitation went out again: count the 24 h from then.
            if meeting.version > 1 and meeting.updated_at > cutoff:
                continue
        keyed.append(((nudge_mark(meeting.version, stage), moment, invited_by), meeting))
    queued = 0
    for (mark, moment, invited_by), group in _groups(keyed):
        by_id = _by_id(group)
        while True:
            batch = silent_to_nudge(
                session, list(by_id), mark=mark, invited_by=invited_by, limit=BATCH
            )
            # One nudge row per moment that has come; the engine bundles a person's nudges.
            rows = [
                message_about(
                    by_id[due.meeting_id],
                    person_id=due.person_id,
                    kind=Kind.NUDGE,
                    slot=f"{moment}-{due.invitation_id}",
                    now=now,
                    payload={"invitation_id": due.invitation_id},
                    stale="at_deadline",
                )
                for due in batch
                if due.reachable
            ]
            queued += outbox.plan(session, rows, now=now, fresh=True)
            mark_nudged(session, [due.invitation_id for due in batch], mark)
            session.commit()
            if len(batch) < BATCH:
                break
    return queued


def plan_closing_nudges(session: Session, *, now: datetime, zone: str) -> int:
    """Until a held meeting is closed with its minutes, its organiser (or, when the CLI
    created it, every admin) is nudged once a day — bundled and on working days. Returns how
    many rows were queued."""
    waiting = [
        (meeting, now.astimezone(ZoneInfo(meeting.timezone or zone)).date().isoformat())
        for meeting in awaiting_minutes(session, now)
    ]
    waiting = [(meeting, day) for meeting, day in waiting if meeting.closing_nudged_on != day]
    if not waiting:
        return 0
    recipients = reachable_organisers(session, [meeting for meeting, _ in waiting])
    rows: list[Planned] = []
    by_day: dict[str, list[int]] = defaultdict(list)
    for meeting, day in waiting:
        assert meeting.id is not None
        if not recipients[meeting.id]:
            continue  # nobody to tell yet: an organiser who registers later today still hears
        by_day[day].append(meeting.id)
        rows += [
            message_about(
                meeting,
                person_id=person_id,
                kind=Kind.NUDGE,
                slot=f"close-{day}",
                now=now,
                payload={"close_meeting_id": meeting.id},
                stale="never",
            )
            for person_id in recipients[meeting.id]
        ]
    queued = outbox.plan(session, rows, now=now, fresh=True)
    for day, meeting_ids in by_day.items():
        mark_closing_nudged(session, meeting_ids, day)
    return queued


def meeting_planner(
    offsets: list[timedelta], clock: Callable[[], datetime], zone: str = "Asia/Jakarta"
) -> Callable[[Session], int]:
    """The tick's planner for meetings: reminders, RSVP nudges and the daily nudge to close a
    held meeting, queued idempotently."""

    def plan(session: Session) -> int:
        now = clock()
        queued = plan_meeting_reminders(session, now=now, offsets=offsets)
        queued += plan_rsvp_nudges(session, now=now)
        queued += plan_closing_nudges(session, now=now, zone=zone)
        return queued

    plan.__name__ = "meeting_planner"
    return plan
