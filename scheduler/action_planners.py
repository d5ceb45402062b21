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

from sqlalchemy import func
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


def plan_action_nudges(session: Session, *, now: datetime, zone: str) -> list[Planned]:
    """One nudge row per member for the latest moment that has come (not for moments before
    the action existed: an imported year-old action waits for its next overdue moment)."""
    planned: list[Planned] = []
    for action in actions.open_actions(session):
        local_zone = zone_of(session, action.owner_org_id, zone)
        today = now.astimezone(ZoneInfo(local_zone)).date()
        found = nudge_slot(action.due, today)
        if found is None:
            continue
        slot, day = found
        moment = _at_workday_start(day, local_zone)
        if moment > now or moment < action.created_at:
            continue
        for person_id in actions.reachable_members(session, action):
            planned.append(
                actions.action_message(
                    action, person_id=person_id, kind=Kind.NUDGE, slot=slot, now=now
                )
            )
    return planned


def overdue_nudges_sent(session: Session, action: Action) -> int:
    """How many overdue moments reached somebody (several members share one moment)."""
    query = select(func.count(func.distinct(OutboxMessage.slot))).where(
        OutboxMessage.subject == action.subject,
        OutboxMessage.kind == Kind.NUDGE.value,
        col(OutboxMessage.slot).startswith("overdue-"),
        OutboxMessage.status == Status.SENT.value,
    )
    return session.exec(query).one()


def plan_escalations(session: Session, *, now: datetime, zone: str) -> list[Planned]:
    """After two overdue nudges, the admins hear of the action once, naming it and its owner.

    An owner with nobody reachable cannot be nudged at all; that is exactly what the admins
    must know, so then the escalation comes when the second overdue moment has passed.
    """
    planned: list[Planned] = []
    recipients = [a.id for a in admins(session) if a.id is not None and a.telegram_chat_id]
    for action in actions.open_actions(session):
        if action.escalated_at is not None:
            continue
        local_zone = zone_of(session, action.owner_org_id, zone)
        today = now.astimezone(ZoneInfo(local_zone)).date()
        second = action.due + timedelta(days=ESCALATE_AFTER * OVERDUE_EVERY)
        if today < second:
            continue
        nobody = not actions.reachable_members(session, action)
        if not nobody and overdue_nudges_sent(session, action) < ESCALATE_AFTER:
            continue
        action.escalated_at = now
        session.add(action)
        for person_id in recipients:
            planned.append(
                actions.action_message(
                    action, person_id=person_id, kind=Kind.ESCALATION, slot="escalation", now=now
                )
            )
    session.flush()
    return planned


def plan_weekly_digest(session: Session, *, now: datetime, zone: str) -> list[Planned]:
    """Monday 07.30 local: each admin's digest (stale at the end of that Monday)."""
    planned: list[Planned] = []
    for admin in admins(session):
        if admin.id is None or admin.telegram_chat_id is None:
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
