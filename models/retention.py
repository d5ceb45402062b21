"""Retention: after the period the privacy notice states, the personal parts of old records go.

What goes: the reasons people typed for not coming and the representatives they named (on the
answer and in its history), who wrote and who checked a report, and the evidence files with
their rows. What stays: the meetings, who was invited and who came (the SPJ's attendance
totals are a financial record), the reports' status and notes as their organization's record.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from models.actions import ActionReport, Evidence
from models.meetings import AnswerChange, Invitation, Meeting
from models.outbox import Kind, OutboxMessage
from models.registration import RegistrationRequest, RequestStatus

_PERIOD = re.compile(r"\s*(\d{1,4})\s*([ymd])\s*")


@dataclass(frozen=True)
class Period:
    """``2y``, ``18m``, ``90d``: kept as typed so the notice can say it in words."""

    amount: int
    unit: str  # y, m, d

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.fullmatch(text.lower())
        if not match or int(match.group(1)) == 0:
            raise ValueError(f"'{text.strip()}' is not a number followed by y, m or d (e.g. 2y)")
        return cls(int(match.group(1)), match.group(2))

    def before(self, now: datetime) -> datetime:
        """The moment this period before ``now`` (months by the calendar, the day clamped)."""
        if self.unit == "d":
            return now - timedelta(days=self.amount)
        months = self.amount * (12 if self.unit == "y" else 1)
        index = now.year * 12 + now.month - 1 - months
        year, month = divmod(index, 12)
        day = min(now.day, calendar.monthrange(year, month + 1)[1])
        return now.replace(year=year, month=month + 1, day=day)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


@dataclass
class Purged:
    answers: int = 0  # invitations whose reason or representative was cleared
    history: int = 0  # answer-history rows cleared
    reports: int = 0  # reports no longer naming their writer or checker
    evidence: int = 0  # evidence files deleted (with their rows)
    messages: int = 0  # sent messages whose stored text quoted a reason (a late-decline alert)
    requests: int = 0  # decided registration requests deleted (who asked, their number)
    paths: list[str] = field(default_factory=list)  # to delete once the transaction commits

    @property
    def total(self) -> int:
        return (
            self.answers
            + self.history
            + self.reports
            + self.evidence
            + self.messages
            + self.requests
        )


def purge(session: Session, *, before: datetime, now: datetime) -> Purged:
    """Clear what is older than ``before``; rows with nothing left to clear are not counted, so
    a second run says 0. The files are only listed: the caller deletes them after the commit
    (a rolled-back dry run must leave every file in place)."""
    old_meetings = select(Meeting.id).where(col(Meeting.starts_at) < before)
    personal = or_(
        col(Invitation.reason) != "",
        col(Invitation.representative_name) != "",
        col(Invitation.representative_position) != "",
        col(Invitation.representative_phone).is_not(None),
        col(Invitation.pending_name) != "",
        col(Invitation.pending_position) != "",
    )
    result = Purged()
    invitations = session.exec(
        select(Invitation).where(col(Invitation.meeting_id).in_(old_meetings), personal)
    ).all()
    for invitation in invitations:
        invitation.reason = ""
        invitation.representative_name = ""
        invitation.representative_position = ""
        invitation.representative_phone = None
        invitation.pending_name = ""
        invitation.pending_position = ""
        invitation.updated_at = now
        session.add(invitation)
    result.answers = len(invitations)
    old_invitations = select(Invitation.id).where(col(Invitation.meeting_id).in_(old_meetings))
    changes = session.exec(
        select(AnswerChange).where(
            col(AnswerChange.invitation_id).in_(old_invitations),
            or_(col(AnswerChange.reason) != "", col(AnswerChange.representative_name) != ""),
        )
    ).all()
    for change in changes:
        change.reason = ""
        change.representative_name = ""
        session.add(change)
    result.history = len(changes)
    reports = session.exec(
        select(ActionReport).where(
            col(ActionReport.created_at) < before,
            or_(
                col(ActionReport.reporter_id).is_not(None),
                col(ActionReport.verdict_by_id).is_not(None),
            ),
        )
    ).all()
    for report in reports:
        report.reporter_id = None
        report.verdict_by_id = None
        session.add(report)
    result.reports = len(reports)
    evidence = session.exec(select(Evidence).where(col(Evidence.created_at) < before)).all()
    for item in evidence:
        if item.path:
            result.paths.append(item.path)
        session.delete(item)
    result.evidence = len(evidence)
    # A late-decline alert to the organisers carries the reason in its payload.
    quoting = session.exec(
        select(OutboxMessage).where(
            col(OutboxMessage.created_at) < before, OutboxMessage.kind == Kind.NOTICE.value
        )
    ).all()
    for row in quoting:
        if row.payload.get("reason"):
            row.payload = {**row.payload, "reason": ""}
            session.add(row)
            result.messages += 1
    decided = [RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.CANCELLED]
    requests = session.exec(
        select(RegistrationRequest).where(
            col(RegistrationRequest.created_at) < before,
            col(RegistrationRequest.status).in_([status.value for status in decided]),
        )
    ).all()
    for request in requests:
        session.delete(request)
    result.requests = len(requests)
    session.flush()
    return result
