"""Planners for follow-up actions: nudges before and after the due date, one escalation, and
the admins' weekly digest.

Like the meeting planners they run every tick and plan only what has come due, with dedupe keys,
so a second run, a second process or a restart queue nothing twice. Whether a nudge is still
wanted (a Selesai report came in meanwhile) is checked again at send time (models.subjects).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from models import actions, outbox
from models.actions import Action
from models.organizations import zone_of
from models.outbox import Kind, OutboxMessage, Planned, Status
from models.people import admins
from scheduler.calendar import WORKDAY_START

BEFORE_DUE = timedelta(days=3)
OVERDUE_EVERY = 3  # days between overdue nudges
ESCALATE_AFTER = 2  # overdue nudges sent before the admins hear of it
DIGEST_WEEKDAY, DIGEST_TIME = 0, time(7, 30)  # Monday 07.30 local


def nudge_slot(due: date, today: date) -> tuple[str, date] | None:
    """The latest nudge moment on or before ``today``: ("before", H-3), ("due", the day) or
    ("overdue-K", K×3 days after); None before H-3."""
    if today < due - BEFORE_DUE:
        return None
    if today < due:
        return "before", due - BEFORE_DUE
    late = (today - due).days // OVERDUE_EVERY
    if late == 0:
        return "due", due
    return f"overdue-{late}", due + timedelta(days=late * OVERDUE_EVERY)


def _at_workday_start(day: date, zone: str) -> datetime:
    return datetime.combine(day, WORKDAY_START, ZoneInfo(zone))


class _Zones:
    """The local zone of each owner organization, looked up once per planning run."""

    def __init__(self, session: Session, default: str) -> None:
        self.session, self.default = session, default
        self._known: dict[int, str] = {}

    def today(self, org_id: int, now: datetime) -> tuple[date, str]:
        if org_id not in self._known:
            self._known[org_id] = zone_of(self.session, org_id, self.default)
        zone = self._known[org_id]
        return now.astimezone(ZoneInfo(zone)).date(), zone


def plan_action_nudges(session: Session, *, now: datetime, zone: str) -> list[Planned]:
    """One nudge row per member for the latest moment that has come (not for moments before
    the action existed: an imported year-old action waits for its next overdue moment).

    The members of every owner are read in one query: a district has about a thousand
    actions, and this runs every tick."""
    zones = _Zones(session, zone)
    due_now: list[tuple[Action, str]] = []
    for action in actions.open_actions(session):
        today, local_zone = zones.today(action.owner_org_id, now)
        found = nudge_slot(action.due, today)
        if found is None:
            continue
        slot, day = found
        moment = _at_workday_start(day, local_zone)
        if moment <= now and moment >= action.created_at:
            due_now.append((action, slot))
    told = actions.reachable_of(session, [action for action, _ in due_now])
    return [
        actions.action_message(action, person_id=person_id, kind=Kind.NUDGE, slot=slot, now=now)
        for action, slot in due_now
        for person_id in told[action.id or 0]
    ]


def overdue_nudge_days(session: Session, late: list[Action]) -> dict[str, int]:
    """Per action subject: on how many days an overdue nudge reached somebody. Days, not
    moments: after a long weekend two moments can go out in one bundle, and that is one
    reminder, not two. One query for all the late actions."""
    days: dict[str, set[date]] = {action.subject: set() for action in late}
    subjects = list(days)
    for start in range(0, len(subjects), 500):
        query = select(OutboxMessage.subject, OutboxMessage.sent_at).where(
            col(OutboxMessage.subject).in_(subjects[start : start + 500]),
            OutboxMessage.kind == Kind.NUDGE.value,
            col(OutboxMessage.slot).startswith("overdue-"),
            OutboxMessage.status == Status.SENT.value,
        )
        for subject, sent_at in session.exec(query):
            if sent_at is not None:
                days[subject].add(sent_at.date())
    return {subject: len(found) for subject, found in days.items()}


def plan_escalations(session: Session, *, now: datetime, zone: str) -> list[Planned]:
    """After two overdue nudges, the admins hear of the action once, naming it and its owner.

    An owner with nobody reachable cannot be nudged at all; that is exactly what the admins
    must know, so then the escalation comes when the second overdue moment has passed. With
    no admin to tell, nothing is marked: the escalation waits for one.
    """
    recipients = [a.id for a in admins(session) if a.id is not None and a.reachable]
    if not recipients:
        return []
    zones = _Zones(session, zone)
    planned: list[Planned] = []
    waiting = [a for a in actions.open_actions(session) if a.escalated_at is None]
    late = []
    for action in waiting:
        today, _ = zones.today(action.owner_org_id, now)
        if today >= action.due + timedelta(days=ESCALATE_AFTER * OVERDUE_EVERY):
            late.append(action)
    told = actions.reachable_of(session, late)
    reminded = overdue_nudge_days(session, late)
    for action in late:
        nobody = not told[action.id or 0]
        if not nobody and reminded[action.subject] < ESCALATE_AFTER:
            continue
        action.escalated_at = now
        session.add(action)
        payload: dict[str, object] = {"unreachable": True} if nobody else {}
        for person_id in recipients:
            planned.append(
                actions.action_message(
                    action,
                    person_id=person_id,
                    kind=Kind.ESCALATION,
                    slot="escalation",
                    now=now,
                    payload=payload,
                )
            )
    session.flush()
    return planned


def plan_weekly_digest(session: Session, *, now: datetime, zone: str) -> list[Planned]:
    """Monday 07.30 local: each admin's digest (stale at the end of that Monday)."""
    planned: list[Planned] = []
    for admin in admins(session):
        if admin.id is None or not admin.is_registered:
            continue
        local_zone = zone_of(session, admin.organization_id, zone)
        tz = ZoneInfo(local_zone)
        local = now.astimezone(tz)
        if local.weekday() != DIGEST_WEEKDAY or local.time() < DIGEST_TIME:
            continue
        monday = local.date()
        planned.append(
            Planned(
                person_id=admin.id,
                kind=Kind.DIGEST.value,
                subject=f"digest:{monday.isoformat()}",
                slot="weekly",
                not_before=now,
                expires_at=datetime.combine(monday + timedelta(days=1), time(0), tz),
                payload={"digest": monday.isoformat(), "zone": local_zone},
            )
        )
    return planned


def action_planner(clock: Callable[[], datetime], zone: str) -> Callable[[Session], int]:
    """The tick's planner for follow-up actions and the weekly digest."""

    def plan(session: Session) -> int:
        now = clock()
        rows = plan_action_nudges(session, now=now, zone=zone)
        rows += plan_escalations(session, now=now, zone=zone)
        rows += plan_weekly_digest(session, now=now, zone=zone)
        return outbox.plan(session, rows, now=now)

    plan.__name__ = "action_planner"
    return plan
