"""The secretariat's board of follow-up actions (the console's Tindak lanjut page).

Pure domain: which actions to show, in what order (overdue first, the most overdue first,
then by due date), and the Selesai reports waiting for an admin's check with their evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.actions import Action, ActionReport, Evidence, ReportStatus, Verdict, is_overdue
from models.organizations import Organization
from models.people import Person

WAITING = "menunggu"  # the status filter for "Selesai, waiting for a check"
STATUS_FILTERS = (WAITING, *(status.value for status in ReportStatus))


@dataclass(frozen=True)
class BoardFilters:
    status: str = ""  # a ReportStatus value, WAITING, or empty for all
    text: str = ""  # words of the title or the owner's name
    overdue_only: bool = False


@dataclass(frozen=True)
class BoardLine:
    action: Action
    owner: Organization | None
    overdue_days: int  # 0 when not overdue


@dataclass(frozen=True)
class WaitingReport:
    report: ActionReport
    action: Action
    owner: Organization | None
    reporter: Person | None
    evidence: tuple[Evidence, ...]


def _matches(line: BoardLine, filters: BoardFilters) -> bool:
    action = line.action
    if filters.overdue_only and not line.overdue_days:
        return False
    if filters.status == WAITING:
        if action.verdict != Verdict.PENDING.value:
            return False
    elif filters.status and action.status != filters.status:
        return False
    if filters.text:
        haystack = f"{action.title} {line.owner.name if line.owner else ''}".lower()
        return all(word in haystack for word in filters.text.lower().split())
    return True


def board(
    session: Session, *, today: date, filters: BoardFilters = BoardFilters()
) -> list[BoardLine]:
    """Every action matching ``filters``: overdue first (the longest overdue on top), then the
    others by due date."""
    orgs = {org.id: org for org in session.exec(select(Organization))}
    lines = []
    for action in session.exec(select(Action)):
        days = (today - action.due).days if is_overdue(action, today) else 0
        line = BoardLine(action, orgs.get(action.owner_org_id), days)
        if _matches(line, filters):
            lines.append(line)
    lines.sort(key=lambda line: (-line.overdue_days, line.action.due, line.action.id or 0))
    return lines


def waiting_reports(session: Session) -> list[WaitingReport]:
    """Selesai reports no admin has checked yet, oldest first: the first to check."""
    reports = session.exec(
        select(ActionReport)
        .where(ActionReport.verdict == Verdict.PENDING.value)
        .order_by(col(ActionReport.created_at), col(ActionReport.id))
    ).all()
    found = []
    for report in reports:
        action = session.get(Action, report.action_id)
        if action is None:
            continue
        files = session.exec(
            select(Evidence).where(Evidence.report_id == report.id).order_by(col(Evidence.id))
        ).all()
        found.append(
            WaitingReport(
                report=report,
                action=action,
                owner=session.get(Organization, action.owner_org_id),
                reporter=session.get(Person, report.reporter_id) if report.reporter_id else None,
                evidence=tuple(files),
            )
        )
    return found


def waiting_count(session: Session) -> int:
    query = select(func.count()).select_from(ActionReport)
    return session.exec(query.where(ActionReport.verdict == Verdict.PENDING.value)).one()


def evidence_of_report(session: Session, evidence_id: int) -> Evidence | None:
    """A file of a sent report (a draft's files are their writer's, not the console's)."""
    item = session.get(Evidence, evidence_id)
    return item if item is not None and item.report_id is not None else None
