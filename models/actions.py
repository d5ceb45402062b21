"""Follow-up actions (rencana tindak lanjut, RTL) and their reports.

An action is owned by an organization (any node of the tree) and optionally one person; any
registered member of the owner may report on it. Reports are history: each one is a new row,
nothing is overwritten, and the action's ``status`` is a copy of the latest report's (kept on
the action so status views and planners can filter in SQL). A report of Selesai waits for an
admin's verdict; a returned one reopens the action.

An owner typed as a group ("Camat se-Kabupaten") fans out into one action per organization,
all sharing a ``group_key`` so the status views can show them together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Index, Text, bindparam, event, func, or_, update
from sqlalchemy import select as select_columns
from sqlmodel import Field, Session, SQLModel, col, select

from models import outbox
from models.action_owners import Owner
from models.errors import DomainError
from models.meetings import Meeting
from models.outbox import Kind, Planned
from models.people import Person, admins, reachable_clause

TITLE_MAX, DETAIL_MAX, NOTE_MAX, COMMENT_MAX = 300, 2000, 1000, 500
NOTE_MIN = 5  # "ok" is not a note anyone can act on


class ReportStatus(StrEnum):
    BELUM_MULAI = "belum_mulai"
    SEDANG_BERJALAN = "sedang_berjalan"
    SELESAI = "selesai"
    TERKENDALA = "terkendala"


# Open until a Selesai report: named one by one (not ``!= selesai``) so that an index on
# ``status`` can serve the planners' queries with an ``IN``.
OPEN_STATUSES = tuple(status.value for status in ReportStatus if status != ReportStatus.SELESAI)

# Statuses whose report must say something: what was done, or what is in the way.
NOTE_REQUIRED = frozenset({ReportStatus.SELESAI.value, ReportStatus.TERKENDALA.value})


class Verdict(StrEnum):
    NONE = ""
    PENDING = "pending"  # a Selesai report waiting for an admin
    ACCEPTED = "accepted"
    RETURNED = "returned"


class Action(SQLModel, table=True):
    # The follow-up planner's two questions, each answered from one index (issue 15): which
    # open actions have a nudge moment not yet planned, and which open ones, not escalated,
    # are late enough to escalate.
    __table_args__ = (
        Index("ix_action_open_nudge", "status", "nudge_on"),
        Index("ix_action_open_escalation", "status", "escalated_at", "escalate_on"),
        # The carry-over line of every invitation: the open actions of earlier meetings.
        Index("ix_action_meeting_open", "meeting_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # One action per (meeting, owner, title): a re-run import finds it instead of adding it.
    dedupe_key: str = Field(max_length=80, unique=True)
    title: str = Field(max_length=TITLE_MAX)
    detail: str = Field(default="", sa_type=Text)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    owner_org_id: int = Field(foreign_key="organization.id", index=True)
    owner_person_id: int | None = Field(default=None, foreign_key="person.id")
    group_key: str = Field(default="", max_length=60, index=True)  # "kecamatan", "puskesmas"
    group_label: str = Field(default="", max_length=100)  # as typed: "Camat se-Kabupaten"
    due: date = Field(index=True)
    status: str = Field(default=ReportStatus.BELUM_MULAI.value, max_length=20, index=True)
    verdict: str = Field(default=Verdict.NONE.value, max_length=20)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    escalated_at: datetime | None = None
    # The owner's local day of the next nudge moment the planner has not planned yet; None:
    # not worked out yet (a new action, or its due date moved), so the next tick does. Kept
    # by the planner (scheduler.action_planners) and reset when ``due`` changes.
    nudge_on: date | None = None
    # The owner's local day from which the escalation is next worth checking; None: from
    # the due date. Kept by the planner, reset with ``nudge_on``.
    escalate_on: date | None = None
    created_at: datetime
    updated_at: datetime

    @property
    def subject(self) -> str:
        return f"action:{self.id}"

    @property
    def is_open(self) -> bool:
        """Open until a Selesai report (waiting for a check or accepted); a return reopens."""
        return self.status != ReportStatus.SELESAI.value


@event.listens_for(Action.due, "set")
def _due_moved(target: Action, value: date, old: Any, _initiator: Any) -> None:
    """A new due date makes the nudge mark wrong: forget it, and the planner works it out
    again from the new date. (A bulk ``update(Action).values(due=…)`` bypasses this and must
    set ``nudge_on=None`` itself.)"""
    if value != old:
        target.nudge_on = target.escalate_on = None


class ActionReport(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    reporter_id: int | None = Field(default=None, foreign_key="person.id")
    status: str = Field(max_length=20)
    note: str = Field(default="", sa_type=Text)
    created_at: datetime
    verdict: str = Field(default=Verdict.NONE.value, max_length=20)
    verdict_by_id: int | None = Field(default=None, foreign_key="person.id")
    verdict_comment: str = Field(default="", max_length=COMMENT_MAX)
    verdict_at: datetime | None = None


class Evidence(SQLModel, table=True):
    """A photo or document sent as evidence, downloaded to the file store.

    It belongs to a report draft while the report is being written and to the report once it
    is sent; the Telegram file id is kept too, so the admin can be shown it without an upload.
    """

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int | None = Field(default=None, foreign_key="reportdraft.id", index=True)
    report_id: int | None = Field(default=None, foreign_key="actionreport.id", index=True)
    kind: str = Field(max_length=10)  # photo, document
    telegram_file_id: str = Field(max_length=200)
    file_unique_id: str = Field(max_length=100)
    file_name: str = Field(default="", max_length=200)
    mime_type: str = Field(default="", max_length=100)
    size: int = 0
    path: str = Field(max_length=500)  # relative to the file store's root
    created_at: datetime


class ActionError(DomainError):
    """A rule about an action was broken; ``code`` names it for the UI."""

    code = "action"


# ---------------------------------------------------------------------------------------------
# Creating actions.


def _dedupe_key(meeting_id: int | None, org_id: int, title: str, due: date) -> str:
    """A meeting's action is one per (meeting, owner, title): its sheet may be imported again.
    A standalone action also counts its due date: "Laporan SPM bulanan" comes back each month."""
    digest = hashlib.sha256(" ".join(title.lower().split()).encode()).hexdigest()[:40]
    if meeting_id is None:
        return f"0|{org_id}|{digest}|{due.isoformat()}"
    return f"{meeting_id}|{org_id}|{digest}"


def clean_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not 3 <= len(cleaned) <= TITLE_MAX:
        raise ActionError(cleaned[:40], code="title")
    return cleaned


def check_due(session: Session, due: date, *, meeting_id: int | None, today: date) -> None:
    """A due date before the action's meeting (or, standalone, before today) is a typo."""
    if meeting_id is not None:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise ActionError(str(meeting_id), code="unknown_meeting")
        held_on = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone)).date()
        if due < held_on:
            raise ActionError(held_on.isoformat(), code="due_before_meeting")
    elif due < today:
        raise ActionError(today.isoformat(), code="due_in_past")


@dataclass
class Created:
    """What ``create`` did: the actions made now, and those that already existed."""

    created: list[Action]
    existing: list[Action]


def create(
    session: Session,
    *,
    title: str,
    owner: Owner,
    due: date,
    now: datetime,
    meeting_id: int | None = None,
    detail: str = "",
    owner_person_id: int | None = None,
    created_by_id: int | None = None,
    notify: bool = True,
) -> Created:
    """Create one action per owner organization (idempotently) and queue the assignment notices.

    The due date is not checked here (``check_due`` is, for typed input): an import loads
    history as it is. Raises ActionError for an empty or too long title or detail.
    """
    title = clean_title(title)
    detail = detail.strip()
    if len(detail) > DETAIL_MAX:
        raise ActionError(code="detail")
    result = Created([], [])
    for org in owner.organizations:
        assert org.id is not None
        key = _dedupe_key(meeting_id, org.id, title, due)
        existing = session.exec(select(Action).where(Action.dedupe_key == key)).first()
        if existing is not None:
            result.existing.append(existing)
            continue
        action = Action(
            dedupe_key=key,
            title=title,
            detail=detail,
            meeting_id=meeting_id,
            owner_org_id=org.id,
            owner_person_id=owner_person_id,
            group_key=owner.group_key,
            group_label=owner.group_label,
            due=due,
            created_by_id=created_by_id,
            created_at=now,
            updated_at=now,
        )
        session.add(action)
        session.flush()
        result.created.append(action)
    if notify:
        outbox.plan(session, assignment_notices(session, result.created, now=now), now=now)
    return result


class Owned(Protocol):
    """What ``reachable_of`` needs of an action: an Action, or an ``ActionRef`` the planner
    read as a few columns."""

    @property
    def id(self) -> int | None: ...
    @property
    def owner_org_id(self) -> int: ...
    @property
    def owner_person_id(self) -> int | None: ...


class AboutAction(Owned, Protocol):
    @property
    def subject(self) -> str: ...


@dataclass(frozen=True)
class ActionRef:
    """An action as the nudge planner reads it: the columns it needs and nothing more, so a
    district's candidates stream as tuples instead of loading as full objects."""

    id: int
    owner_org_id: int
    owner_person_id: int | None
    due: date
    created_at: datetime
    nudge_on: date | None

    @property
    def subject(self) -> str:
        return f"action:{self.id}"


def reachable_of(session: Session, many: Iterable[Owned]) -> dict[int, list[int]]:
    """For each action (by id), who can be told: the owner organization's registered and
    reachable people, and the named owner. Three queries for any number of actions: the
    planners ask this for every batch of actions that came due."""
    many = list(many)
    org_ids = {action.owner_org_id for action in many}
    by_org: dict[int, list[int]] = {org_id: [] for org_id in org_ids}
    if org_ids:
        query = select(Person.id, Person.organization_id).where(
            col(Person.organization_id).in_(org_ids), reachable_clause()
        )
        for person_id, org_id in session.exec(query.order_by(col(Person.id))):
            if person_id is not None and org_id is not None:
                by_org[org_id].append(person_id)
    owners = {a.owner_person_id for a in many if a.owner_person_id is not None}
    named: set[int] = set()
    if owners:
        query_named = select(col(Person.id)).where(col(Person.id).in_(owners), reachable_clause())
        named = {pid for pid in session.exec(query_named) if pid is not None}
    found = {}
    for action in many:
        people = list(by_org[action.owner_org_id])
        if action.owner_person_id in named and action.owner_person_id not in people:
            people.append(action.owner_person_id)
        found[action.id or 0] = people
    return found


def reachable_members(session: Session, action: Action) -> list[int]:
    return reachable_of(session, [action])[action.id or 0]


def action_message(
    action: AboutAction,
    *,
    person_id: int,
    kind: Kind,
    slot: str,
    now: datetime,
    payload: dict[str, object] | None = None,
    not_before: datetime | None = None,
) -> Planned:
    """One outbox row about the action (the renderer reads it back by ``action_id``)."""
    return Planned(
        person_id=person_id,
        kind=kind.value,
        subject=action.subject,
        slot=slot,
        not_before=not_before or now,
        payload={"action_id": action.id, **(payload or {})},
    )


def assignment_notices(session: Session, actions: list[Action], *, now: datetime) -> list[Planned]:
    told = reachable_of(session, actions)
    return [
        action_message(
            action,
            person_id=pid,
            kind=Kind.NOTICE,
            slot="assigned",
            now=now,
            payload={"notice": "assigned"},
        )
        for action in actions
        for pid in told[action.id or 0]
    ]


# ---------------------------------------------------------------------------------------------
# Who may see and report.


def may_report(person: Person, action: Action) -> bool:
    """A member of the owner organization, or the named owner. Admins check, not report,
    unless their own organization owns the action."""
    return (
        person.organization_id is not None and person.organization_id == action.owner_org_id
    ) or (action.owner_person_id is not None and action.owner_person_id == person.id)


def actions_of(session: Session, person: Person, *, only_open: bool = True) -> list[Action]:
    """The actions this person may report on, nearest due first."""
    conditions = []
    if person.organization_id is not None:
        conditions.append(col(Action.owner_org_id) == person.organization_id)
    if person.id is not None:
        conditions.append(col(Action.owner_person_id) == person.id)
    if not conditions:
        return []
    query = select(Action).where(or_(*conditions))
    if only_open:
        query = query.where(Action.status != ReportStatus.SELESAI.value)
    return list(session.exec(query.order_by(col(Action.due), col(Action.id))))


def reportable(session: Session, person: Person, action_id: int | None) -> Action:
    """The action, when this person may report on it now.

    Raises:
        ActionError: "gone" (no such action: a forged or stale button), "not_yours",
            "done" (a Selesai report is waiting for a check or was accepted).
    """
    action = session.get(Action, action_id) if action_id is not None else None
    if action is None:
        raise ActionError(code="gone")
    if not may_report(person, action):
        raise ActionError(code="not_yours")
    if not action.is_open:
        raise ActionError(code="done")
    return action


# ---------------------------------------------------------------------------------------------
# Reports and the admin's check.


def check_note(status: str, note: str) -> str:
    cleaned = note.strip()
    if len(cleaned) > NOTE_MAX:
        raise ActionError(code="note_long")
    if status in NOTE_REQUIRED and len(cleaned) < NOTE_MIN:
        raise ActionError(code="note_required")
    if cleaned and len(cleaned) < NOTE_MIN:
        raise ActionError(code="note_short")
    return cleaned


def submit_report(
    session: Session,
    action: Action,
    reporter: Person,
    *,
    status: str,
    note: str,
    now: datetime,
) -> ActionReport:
    """Record a report (history: a new row) and copy its status to the action.

    A Selesai report waits for the admins: each gets the report with Accept / Return buttons.
    """
    if status not in {s.value for s in ReportStatus}:
        raise ActionError(status, code="status")
    if not may_report(reporter, action):
        raise ActionError(code="not_yours")
    # Two members sending Selesai at once: the second waits for the first and finds it done
    # (PostgreSQL; SQLite writes one at a time anyway).
    session.refresh(action, with_for_update=True)
    if not action.is_open:
        raise ActionError(code="done")
    cleaned = check_note(status, note)
    selesai = status == ReportStatus.SELESAI.value
    report = ActionReport(
        action_id=action.id or 0,
        reporter_id=reporter.id,
        status=status,
        note=cleaned,
        created_at=now,
        verdict=Verdict.PENDING.value if selesai else Verdict.NONE.value,
    )
    session.add(report)
    action.status = status
    action.verdict = Verdict.PENDING.value if selesai else Verdict.NONE.value
    action.updated_at = now
    session.add(action)
    session.flush()
    if selesai:
        rows = [
            action_message(
                action,
                person_id=admin.id,
                kind=Kind.NOTICE,
                slot=f"review-{report.id}",
                now=now,
                payload={"notice": "review", "report_id": report.id},
            )
            for admin in admins(session)
            if admin.id is not None and admin.is_registered
        ]
        outbox.plan(session, rows, now=now)
    return report


def review(
    session: Session,
    report_id: int | None,
    admin: Person,
    *,
    accept: bool,
    now: datetime,
    comment: str = "",
) -> tuple[Action, ActionReport]:
    """An admin's verdict on a Selesai report; the reporter and the owner are told either way.

    Raises:
        ActionError: "gone" (no such report), "not_admin", "already_checked" (another admin, or
            a second tap, was first), "comment" (a return needs a reason).
    """
    report = session.get(ActionReport, report_id) if report_id is not None else None
    action = session.get(Action, report.action_id) if report is not None else None
    if report is None or action is None:
        raise ActionError(code="gone")
    if not admin.is_admin:
        raise ActionError(code="not_admin")
    if report.verdict != Verdict.PENDING.value:
        raise ActionError(report.verdict, code="already_checked")
    cleaned = " ".join(comment.split())
    if not accept and not 3 <= len(cleaned) <= COMMENT_MAX:
        raise ActionError(code="comment")
    verdict = Verdict.ACCEPTED.value if accept else Verdict.RETURNED.value
    # Two admins at once: only the one whose UPDATE still finds the report pending decides.
    decided = session.execute(
        update(ActionReport)
        .where(col(ActionReport.id) == report.id, col(ActionReport.verdict) == Verdict.PENDING)
        .values(verdict=verdict, verdict_by_id=admin.id, verdict_comment=cleaned, verdict_at=now)
        .returning(col(ActionReport.id))
    ).all()
    if not decided:
        raise ActionError(code="already_checked")
    session.refresh(report)
    action.verdict = report.verdict
    if not accept:
        # Reopened: it is being worked on again, and the nudges resume.
        action.status = ReportStatus.SEDANG_BERJALAN.value
    action.updated_at = now
    session.add(action)
    session.flush()
    told = [pid for pid in reachable_members(session, action)]
    if report.reporter_id is not None and report.reporter_id not in told:
        reporter = session.get(Person, report.reporter_id)
        if reporter is not None and reporter.is_registered:
            told.append(report.reporter_id)
    rows = [
        action_message(
            action,
            person_id=pid,
            kind=Kind.NOTICE,
            slot=f"verdict-{report.id}",
            now=now,
            payload={"notice": "verdict", "report_id": report.id},
        )
        for pid in told
    ]
    outbox.plan(session, rows, now=now)
    return action, report


def reports_of(session: Session, action_id: int) -> list[ActionReport]:
    query = select(ActionReport).where(ActionReport.action_id == action_id)
    return list(session.exec(query.order_by(col(ActionReport.id))))


def evidence_of(session: Session, report_id: int) -> list[Evidence]:
    query = select(Evidence).where(Evidence.report_id == report_id)
    return list(session.exec(query.order_by(col(Evidence.id))))


def evidence_paths(session: Session) -> set[str]:
    """Every stored file an evidence row (of a report or a draft) points at."""
    return set(session.exec(select(Evidence.path)))


def latest_report(session: Session, action_id: int) -> ActionReport | None:
    query = select(ActionReport).where(ActionReport.action_id == action_id)
    return session.exec(query.order_by(col(ActionReport.id).desc())).first()


# ---------------------------------------------------------------------------------------------
# Queries for planners, status views and carry-over.


def is_overdue(action: Action, today: date) -> bool:
    return action.is_open and action.due < today


def nudge_candidates(
    session: Session, *, up_to: date, batch: int = 500
) -> Iterator[list[ActionRef]]:
    """Open actions whose next nudge moment falls on or before ``up_to`` (the latest local
    day on which a workday has started, in any zone in use), or has not been worked out yet.

    Two searches of ``ix_action_open_nudge`` (a range, and the NULLs: one ``OR`` would be
    planned as a scan): what was planned at an earlier tick has a later mark and is not read.
    Streamed in batches, so a backlog (the first tick after an upgrade) is never all in
    memory."""
    columns = (
        col(Action.id),
        col(Action.owner_org_id),
        col(Action.owner_person_id),
        col(Action.due),
        col(Action.created_at),
        col(Action.nudge_on),
    )
    is_open = col(Action.status).in_(OPEN_STATUSES)
    for mark in (col(Action.nudge_on).is_(None), col(Action.nudge_on) <= up_to):
        query = select_columns(*columns).where(is_open, mark).execution_options(yield_per=batch)
        for rows in session.execute(query).partitions():
            yield [ActionRef(*row) for row in rows]


def mark_nudges(session: Session, marks: list[tuple[int, date, date]]) -> None:
    """Move each action's nudge mark (id, the due date it was worked out from, the next day)
    in one executemany, in the transaction that queues the nudges.

    The mark only moves forward and only while the due date is still the one it was worked
    out from: a process that read the action before a due date was edited, or before another
    process planned, cannot put back a stale mark."""
    if not marks:
        return
    table = Action.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(
            table.c.id == bindparam("b_id"),
            table.c.due == bindparam("b_due"),
            or_(table.c.nudge_on.is_(None), table.c.nudge_on < bindparam("b_next")),
        )
        .values(nudge_on=bindparam("b_next"))
    )
    session.flush()
    session.connection().execute(
        statement, [{"b_id": i, "b_due": due, "b_next": nxt} for i, due, nxt in marks]
    )
    for action_id, _, _ in marks:  # a copy loaded in this session must not show the old mark
        loaded = session.identity_map.get(session.identity_key(Action, action_id))
        if loaded is not None:
            session.expire(loaded, ["nudge_on"])


def escalation_candidates(session: Session, *, up_to: date) -> list[Action]:
    """Open actions not escalated yet whose escalation check is due on or before ``up_to``
    (the latest local today), or not worked out yet: two searches of
    ``ix_action_open_escalation``. Once escalated (or closed) an action is not read again.
    Whole objects, as the planner marks them: these are the few late ones of the day."""
    found: list[Action] = []
    is_waiting = (col(Action.status).in_(OPEN_STATUSES), col(Action.escalated_at).is_(None))
    for mark in (col(Action.escalate_on).is_(None), col(Action.escalate_on) <= up_to):
        found += session.exec(select(Action).where(*is_waiting, mark))
    return found


def carried_over(session: Session, meeting: Meeting) -> list[Action]:
    """Open actions of meetings held before this one: "tindak lanjut rapat sebelumnya"."""
    earlier = select(Meeting.id).where(
        col(Meeting.starts_at) < meeting.starts_at, col(Meeting.id) != meeting.id
    )
    query = select(Action).where(
        col(Action.meeting_id).in_(earlier.scalar_subquery()),
        col(Action.status).in_(OPEN_STATUSES),  # an index search; `!=` walked every action
    )
    return list(session.exec(query.order_by(col(Action.due), col(Action.id))))


@dataclass(frozen=True)
class CarryOver:
    open: int
    overdue: int
    mine: int


def carry_over_counts(
    session: Session, meeting: Meeting, person: Person, *, today: date
) -> CarryOver:
    """The invitation's one line: counted in SQL, as it is rendered once per invitee."""
    earlier = select(Meeting.id).where(
        col(Meeting.starts_at) < meeting.starts_at, col(Meeting.id) != meeting.id
    )
    base = (
        select(func.count())
        .select_from(Action)
        .where(
            col(Action.meeting_id).in_(earlier.scalar_subquery()),
            col(Action.status).in_(OPEN_STATUSES),  # rendered per invitee: the open ones only
        )
    )
    total = session.exec(base).one()
    if not total:
        return CarryOver(0, 0, 0)
    overdue = session.exec(base.where(col(Action.due) < today)).one()
    mine_by = [col(Action.owner_person_id) == person.id]
    if person.organization_id is not None:
        mine_by.append(col(Action.owner_org_id) == person.organization_id)
    mine = session.exec(base.where(or_(*mine_by))).one()
    return CarryOver(total, overdue, mine)


def current_version(session: Session, ref: str) -> int | None:
    """For the delivery engine: 0 while the action exists (actions are not versioned)."""
    return 0 if ref.isdigit() and session.get(Action, int(ref)) is not None else None


def row_unwanted(session: Session, kind: str, payload: dict[str, object]) -> str | None:
    """Send-time check: no nudge or escalation once Selesai is reported; no review request
    once another admin has checked the report."""
    action = session.get(Action, payload.get("action_id"))
    if action is None:
        return "subject_gone"
    if kind in (Kind.NUDGE.value, Kind.ESCALATION.value) and not action.is_open:
        return "done"
    if payload.get("notice") == "review":
        report = session.get(ActionReport, payload.get("report_id"))
        if report is None or report.verdict != Verdict.PENDING.value:
            return "already_checked"
    return None
