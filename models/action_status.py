"""Where the follow-up actions (RTL) stand: per organization, per fanned-out group, and the
weekly digest for the secretariat.

Pure domain: numbers, organizations and actions, no wording. An action is *overdue* when it is
open (no Selesai report) and its due date is before ``today``; a Selesai report waiting for an
admin's check counts as Selesai (the owner has done their part).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from models.action_owners import owner_name
from models.actions import Action, ReportStatus, Verdict, is_overdue
from models.meetings import Answer, Invitation, Meeting, upcoming_meetings
from models.organizations import Organization

STATUS_ORDER = tuple(status.value for status in ReportStatus)


def empty_counts() -> dict[str, int]:
    return {status: 0 for status in STATUS_ORDER}


@dataclass(frozen=True)
class OrgSummary:
    """One owner organization's actions: ``counts`` maps every status value to a number."""

    organization: Organization
    name: str  # as an owner reads in a list ("Kecamatan Malili")
    counts: dict[str, int]
    overdue: int
    awaiting_check: int = 0  # Selesai reports waiting for an admin's verdict

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class GroupSummary:
    """One fanned-out action ("Camat se-Kabupaten": one action per kecamatan)."""

    group_key: str
    label: str  # as typed: "Camat se-Kabupaten"
    title: str
    due: date
    organizations: int
    done: int  # organizations that reported Selesai
    overdue: int


@dataclass(frozen=True)
class MeetingLine:
    meeting: Meeting
    answers: dict[str, int]  # answer value -> invitees (walk-ins not counted), every answer

    @property
    def invited(self) -> int:
        return sum(self.answers.values())


@dataclass(frozen=True)
class OverdueGroup:
    organization: Organization
    name: str
    actions: tuple[Action, ...]  # oldest due first


@dataclass(frozen=True)
class Digest:
    meetings: tuple[MeetingLine, ...]
    overdue: tuple[OverdueGroup, ...]

    @property
    def is_empty(self) -> bool:
        return not self.meetings and not self.overdue


def _actions(session: Session, org_ids: Collection[int] | None = None) -> list[Action]:
    query = select(Action)
    if org_ids is not None:
        query = query.where(col(Action.owner_org_id).in_(list(org_ids)))
    return list(session.exec(query.order_by(col(Action.due), col(Action.id))))


def _organizations(session: Session, ids: Iterable[int]) -> dict[int, Organization]:
    wanted = set(ids)
    if not wanted:
        return {}
    query = select(Organization).where(col(Organization.id).in_(wanted))
    return {org.id: org for org in session.exec(query) if org.id is not None}


def _worst_first(overdue: int, name: str) -> tuple[int, str]:
    """Most overdue first, then by name: the list is read to see whom to chase."""
    return -overdue, name.lower()


def org_summaries(
    session: Session, *, today: date, org_ids: Collection[int] | None = None
) -> list[OrgSummary]:
    """Every owner organization's actions by status (only those in ``org_ids`` when given)."""
    by_org: dict[int, list[Action]] = defaultdict(list)
    for action in _actions(session, org_ids):
        by_org[action.owner_org_id].append(action)
    orgs = _organizations(session, by_org)
    result = []
    for org_id, actions in by_org.items():
        org = orgs.get(org_id)
        if org is None:
            continue
        counts = empty_counts()
        for action in actions:
            status = action.status if action.status in counts else ReportStatus.BELUM_MULAI.value
            counts[status] += 1
        result.append(
            OrgSummary(
                organization=org,
                name=owner_name(org),
                counts=counts,
                overdue=sum(1 for action in actions if is_overdue(action, today)),
                awaiting_check=sum(
                    1
                    for action in actions
                    if action.status == ReportStatus.SELESAI.value
                    and action.verdict == Verdict.PENDING.value
                ),
            )
        )
    result.sort(key=lambda line: _worst_first(line.overdue, line.name))
    return result


def group_summaries(
    session: Session, *, today: date, org_ids: Collection[int] | None = None
) -> list[GroupSummary]:
    """Fanned-out actions, one line per group and title; most overdue first, then by label."""
    query = select(Action).where(Action.group_key != "")
    if org_ids is not None:
        query = query.where(col(Action.owner_org_id).in_(list(org_ids)))
    grouped: dict[tuple[str, str, str, int | None, date], list[Action]] = defaultdict(list)
    for action in session.exec(query.order_by(col(Action.id))):
        key = (action.group_key, action.group_label, action.title, action.meeting_id, action.due)
        grouped[key].append(action)
    result = [
        GroupSummary(
            group_key=key,
            label=label or key,
            title=title,
            due=due,
            organizations=len({action.owner_org_id for action in actions}),
            done=sum(1 for action in actions if not action.is_open),
            overdue=sum(1 for action in actions if is_overdue(action, today)),
        )
        for (key, label, title, _, due), actions in grouped.items()
    ]
    result.sort(key=lambda line: (-line.overdue, line.label.lower(), line.due, line.title.lower()))
    return result


def answer_counts(session: Session, meeting_id: int) -> dict[str, int]:
    """Invitees of a meeting by answer (walk-ins are not invitees)."""
    counts = {answer.value: 0 for answer in Answer}
    query = select(Invitation).where(Invitation.meeting_id == meeting_id)
    for invitation in session.exec(query):
        if invitation.walk_in:
            continue
        answer = invitation.answer if invitation.answer in counts else Answer.PENDING.value
        counts[answer] += 1
    return counts


def overdue_by_organization(session: Session, *, today: date) -> list[OverdueGroup]:
    """Open actions past their due date, per owner organization, most overdue first."""
    query = select(Action).where(
        Action.status != ReportStatus.SELESAI.value, col(Action.due) < today
    )
    by_org: dict[int, list[Action]] = defaultdict(list)
    for action in session.exec(query.order_by(col(Action.due), col(Action.id))):
        by_org[action.owner_org_id].append(action)
    orgs = _organizations(session, by_org)
    result = [
        OverdueGroup(orgs[org_id], owner_name(orgs[org_id]), tuple(actions))
        for org_id, actions in by_org.items()
        if org_id in orgs
    ]
    result.sort(key=lambda group: _worst_first(len(group.actions), group.name))
    return result


def digest(session: Session, *, now: datetime, today: date) -> Digest:
    """The weekly digest: upcoming meetings with their answers, and the overdue actions."""
    meetings = tuple(
        MeetingLine(meeting, answer_counts(session, meeting.id))
        for meeting in upcoming_meetings(session, now)
        if meeting.id is not None
    )
    return Digest(meetings=meetings, overdue=tuple(overdue_by_organization(session, today=today)))
