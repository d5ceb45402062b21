"""The audit trail: who did what with other people's data, for the district to show (UU 27/2022).

A row says who (an admin's person id, or none for the command line), when, what (a short
code), on what (``meeting:3``, ``report:7``) and how many people it touched; never a name, a
number or a typed text, so the trail itself holds nothing an erasure would have to reach.
It is written in the same transaction as the act: an act rolled back leaves no row.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, Session, SQLModel, col, select


class Act(StrEnum):
    EXPORT_ATTENDANCE = "export_attendance"
    EXPORT_ACTIONS = "export_actions"
    BROADCAST = "broadcast"
    REGISTRATION_APPROVE = "registration_approve"
    REGISTRATION_REJECT = "registration_reject"
    ADMIN_ADD = "admin_add"
    MEETING_CREATE = "meeting_create"
    MEETING_MOVE = "meeting_move"
    MEETING_CANCEL = "meeting_cancel"
    REPORT_ACCEPT = "report_accept"
    REPORT_RETURN = "report_return"
    ERASURE = "erasure"
    PURGE = "purge"


class Via(StrEnum):
    CHAT = "chat"
    CONSOLE = "console"
    CLI = "cli"


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    # No foreign key: the trail must outlive anything done to the people it names.
    actor_id: int | None = None
    via: str = Field(max_length=10)
    action: str = Field(max_length=40)
    target: str = Field(default="", max_length=60)
    people: int = 0


def record(
    session: Session,
    *,
    act: Act,
    via: Via,
    now: datetime,
    actor_id: int | None = None,
    target: str = "",
    people: int = 0,
) -> AuditEntry:
    """Add the act to the trail in the caller's transaction (committed or rolled back with it)."""
    entry = AuditEntry(
        at=now,
        actor_id=actor_id,
        via=via.value,
        action=act.value,
        target=target[:60],
        people=max(people, 0),
    )
    session.add(entry)
    return entry


def entries(session: Session, *, since: datetime | None = None) -> list[AuditEntry]:
    """The trail, newest first (``since``: from that moment on)."""
    query = select(AuditEntry)
    if since is not None:
        query = query.where(col(AuditEntry.at) >= since)
    return list(session.exec(query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())))
