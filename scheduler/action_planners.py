"""Planners for follow-up actions: nudges before and after the due date, one escalation, and
the admins' weekly digest.

Like the meeting planners they run every tick and plan only what has come due, with dedupe keys,
so a second run, a second process or a restart queue nothing twice. Whether a nudge is still
wanted (a Selesai report came in meanwhile) is checked again at send time (models.subjects).

A tick costs what is due, not what is stored (issue 15): a district keeps years of actions,
overdue ones stay overdue for months, and the planner runs every 30 seconds. So the database is
asked only for actions whose next nudge moment has come (``Action.nudge_on``, see
``plan_action_nudges``) and for open, unescalated actions late enough to escalate, each on its
own index; the exact check in the owner's zone is done in Python on those few
(``action_planner`` sums up what a tick reads).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from models import actions, outbox
from models.actions import Action, ActionRef
from models.organizations import Organization, zone_of
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


def next_nudge_day(due: date, day: date) -> date:
    """The day of the nudge moment after the one on ``day`` (H-3 → the due date → every
    third day after it)."""
    return due if day < due else day + timedelta(days=OVERDUE_EVERY)


def _at_workday_start(day: date, zone: str) -> datetime:
    return datetime.combine(day, WORKDAY_START, ZoneInfo(zone))


def _started_day(now: datetime, zone: str) -> date:
    """The latest local day whose workday start has come: today from 07.30, else yesterday.
    A nudge moment on day D has come exactly when D is on or before it."""
    local = now.astimezone(ZoneInfo(zone))
    return local.date() if local.time() >= WORKDAY_START else local.date() - timedelta(days=1)


class _Zones:
    """The local zone of each owner organization, looked up once per planning run."""

    def __init__(self, session: Session, default: str) -> None:
        self.session, self.default = session, default
        self._known: dict[int, str] = {}

    def of(self, org_id: int | None) -> str:
        if org_id is None:
            return self.default
        if org_id not in self._known:
            self._known[org_id] = zone_of(self.session, org_id, self.default)
        return self._known[org_id]

    def today(self, org_id: int, now: datetime) -> tuple[date, str]:
        zone = self.of(org_id)
        return now.astimezone(ZoneInfo(zone)).date(), zone

    def in_use(self) -> set[str]:
        """Every zone an owner can be in: the deployment's and any organization's own. The
        organizations are a small table (a province has a few thousand), read in one query."""
        query = select(Organization.timezone).where(col(Organization.timezone).is_not(None))
        return {self.default, *(zone for zone in self.session.exec(query.distinct()) if zone)}

    def latest(self, day_of: Callable[[str], date]) -> date:
        """The latest of ``day_of(zone)`` over the zones in use: the bound for the SQL window,
        wide enough for the owner furthest east."""
        return max(day_of(zone) for zone in self.in_use())


def plan_action_nudges(session: Session, *, now: datetime, zone: str) -> list[Planned]:
    """One nudge row per member for the latest moment that has come (not for moments before
    the action existed: an imported year-old action waits for its next overdue moment).

    Already planned moments are known in SQL by a mark on the action, ``nudge_on``: the local
    day of the next moment not planned yet. The tick reads only open actions whose mark is on
    or before the latest local day whose workday has started (``ix_action_open_nudge``),
    checks each in its owner's zone, queues the nudge, and moves the mark to the following
    moment in the same transaction (``actions.mark_nudges``). An overdue action is then read
    once every three days, not at every tick.

    Why a mark on the action and not an anti-join against the outbox: an owner nobody can
    reach gets no outbox row, so the anti-join would find such an action "not planned" at
    every tick, and a district has many unregistered Posyandu; and the moment (a local day
    from the due date and the owner's zone) is not something SQL can compute on both
    databases with an index. The mark is reset when the due date changes (``Action.due``'s
    set event); a Selesai report leaves it alone (closed actions are not open, so not read),
    and a reopened action is read again at once if its mark has passed. The dedupe key and
    ``ON CONFLICT`` stay the last guard: two processes that read the same mark plan the same
    rows, and only one insert of each wins.

    A member who becomes reachable between two moments is nudged from the next moment (at
    most three days), not at once: the moment was already planned for those reachable then.
    """
    zones = _Zones(session, zone)
    up_to = zones.latest(lambda z: _started_day(now, z))
    planned: list[Planned] = []
    marks: list[tuple[int, date, date]] = []
    for batch in actions.nudge_candidates(session, up_to=up_to):
        due_now: list[tuple[ActionRef, str]] = []
        for action in batch:
            local_zone = zones.of(action.owner_org_id)
            started = _started_day(now, local_zone)
            if action.nudge_on is not None and action.nudge_on > started:
                continue  # its moment has come further east, not yet in its own zone
            found = nudge_slot(action.due, started)
            if found is None:
                marks.append((action.id, action.due, action.due - BEFORE_DUE))
                continue
            slot, day = found
            if _at_workday_start(day, local_zone) >= action.created_at:
                due_now.append((action, slot))
            marks.append((action.id, action.due, next_nudge_day(action.due, day)))
        told = actions.reachable_of(session, [action for action, _ in due_now])
        planned += [
            actions.action_message(action, person_id=person_id, kind=Kind.NUDGE, slot=slot, now=now)
            for action, slot in due_now
            for person_id in told[action.id]
        ]
    actions.mark_nudges(session, marks)
    return planned


@dataclass
class Reminders:
    """An action's overdue nudges so far: on how many days one reached somebody, and whether
    one is still queued (so the count may yet grow before the next moment)."""

    days: set[date] = field(default_factory=set)
    queued: bool = False


def overdue_reminders(session: Session, late: Iterable[Action]) -> dict[str, Reminders]:
    """Per action subject. Days, not moments: after a long weekend two moments can go out in
    one bundle, and that is one reminder, not two. One query per 500 late actions, on the
    outbox's subject index."""
    found: dict[str, Reminders] = {action.subject: Reminders() for action in late}
    subjects = list(found)
    waiting = (Status.PENDING.value, Status.SENDING.value)
    for start in range(0, len(subjects), 500):
        # Only the subject in SQL: a condition on the status would let the database prefer
        # the status index and walk every row ever sent; an action has a few dozen rows.
        query = select(
            OutboxMessage.subject, OutboxMessage.slot, OutboxMessage.status, OutboxMessage.sent_at
        ).where(
            col(OutboxMessage.subject).in_(subjects[start : start + 500]),
            OutboxMessage.kind == Kind.NUDGE.value,
        )
        for subject, slot, status, sent_at in session.exec(query):
            if not slot.startswith("overdue-"):
                continue
            if status in waiting:
                found[subject].queued = True
            elif status == Status.SENT.value and sent_at is not None:
                found[subject].days.add(sent_at.date())
    return found


def overdue_nudge_days(session: Session, late: Iterable[Action]) -> dict[str, int]:
    """Per action subject: on how many days an overdue nudge reached somebody."""
    return {subject: len(r.days) for subject, r in overdue_reminders(session, late).items()}


def plan_escalations(session: Session, *, now: datetime, zone: str) -> list[Planned]:
    """After two overdue nudges, the admins hear of the action once, naming it and its owner.

    An owner with nobody reachable cannot be nudged at all; that is exactly what the admins
    must know, so then the escalation comes when the second overdue moment has passed. With
    no admin to tell, nothing is marked: the escalation waits for one.

    Like the nudges, the check is marked on the action, ``escalate_on`` (the owner's local
    day from which it is next worth checking), and the tick reads only open, unescalated
    actions whose mark has come (``ix_action_open_escalation``); an escalated one is never
    read again. The first check is on the sixth day after the due date. An action still
    waiting for its second reminder is checked again at every tick while an overdue nudge of
    it is queued (it may go out any minute, and the admins hear right after), and otherwise
    not before its next nudge moment (``nudge_on``): until then no reminder can reach anyone.
    So a member who becomes unreachable between moments leaves the owner with nobody to
    nudge, and the admins hear at the next moment, not at once. A new due date resets the mark.
    """
    recipients = [a.id for a in admins(session) if a.id is not None and a.reachable]
    if not recipients:
        return []
    zones = _Zones(session, zone)
    planned: list[Planned] = []
    after = timedelta(days=ESCALATE_AFTER * OVERDUE_EVERY)
    latest_today = zones.latest(lambda z: now.astimezone(ZoneInfo(z)).date())
    late: list[tuple[Action, date]] = []
    for action in actions.escalation_candidates(session, up_to=latest_today):
        today, _ = zones.today(action.owner_org_id, now)
        if action.escalate_on is not None and action.escalate_on > today:
            continue  # its day has come further east, not yet in its own zone
        if today < action.due + after:
            action.escalate_on = action.due + after
            continue
        late.append((action, today))
    told = actions.reachable_of(session, [action for action, _ in late])
    reminded = overdue_reminders(session, [action for action, _ in late])
    for action, today in late:
        nobody = not told[action.id or 0]
        so_far = reminded[action.subject]
        if not nobody and len(so_far.days) < ESCALATE_AFTER:
            if not so_far.queued:
                action.escalate_on = max(action.nudge_on or today, today)
            continue
        action.escalated_at = now
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
    zones = _Zones(session, zone)
    for admin in admins(session):
        if admin.id is None or not admin.is_registered:
            continue
        local_zone = zones.of(admin.organization_id)
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
    """The tick's planner for follow-up actions and the weekly digest.

    What a tick with nothing new reads: the zones in use (organizations), the actions whose
    nudge mark has come and those whose escalation check has come (each an empty index
    search), and the admins. Nothing grows with the actions or the outbox; a tick with work
    reads the actions due and, for those, their members and their nudges by subject."""

    def plan(session: Session) -> int:
        now = clock()
        # The nudges are queued first: the escalation check counts a just-queued overdue
        # nudge as one that may still go out, and keeps checking until it has.
        queued = outbox.plan(session, plan_action_nudges(session, now=now, zone=zone), now=now)
        rows = plan_escalations(session, now=now, zone=zone)
        rows += plan_weekly_digest(session, now=now, zone=zone)
        return queued + outbox.plan(session, rows, now=now)

    plan.__name__ = "action_planner"
    return plan
