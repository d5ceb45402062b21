"""A meeting's invitees as the console's table shows them: searched and filtered, and the late
changes of answer the secretariat must know about before printing the daftar hadir.

Pure domain: rows and rules, no wording. The table is filtered here rather than in the page so
the same rules (what "kecamatan" means for a Posyandu, what the search matches) are tested
without a browser.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from models.meetings import Answer, AnswerChange, Invitation, Meeting
from models.organizations import Organization, OrgKind
from models.people import Person, PersonStatus

# A change of answer this close to the start is "late": the seating, the snacks and the
# daftar hadir were planned on the old one (the chat's late-decline alert uses the same span).
LATE = timedelta(hours=24)


@dataclass(frozen=True)
class InviteeRow:
    invitation_id: int
    person_id: int
    name: str  # empty when the person erased their data
    role: str
    organization: Organization | None
    kecamatan: Organization | None  # the organization's own, or the one it lies in
    answer: str
    representative: str  # "name, position" when represented
    reason: str
    checked_in: bool

    @property
    def kind(self) -> str:
        return self.organization.kind if self.organization else ""


@dataclass(frozen=True)
class Filters:
    """What the admin asked for; an empty field filters nothing."""

    text: str = ""
    answer: str = ""
    kind: str = ""
    kecamatan_id: int | None = None
    role: str = ""

    @property
    def any(self) -> bool:
        return bool(self.text or self.answer or self.kind or self.kecamatan_id or self.role)


@dataclass(frozen=True)
class LateChange:
    name: str
    organization: Organization | None
    before: str  # the answer value it replaced
    after: str
    at: datetime
    reason: str
    representative: str


def kecamatan_in(orgs: dict[int, Organization], org: Organization | None) -> Organization | None:
    """The kecamatan an organization is, or lies in (walking up the tree), if any."""
    seen: set[int] = set()
    while org is not None and org.id not in seen:
        if org.kind == OrgKind.KECAMATAN.value:
            return org
        seen.add(org.id or 0)
        org = orgs.get(org.parent_id) if org.parent_id is not None else None
    return None


def _representative(invitation: Invitation) -> str:
    parts = [invitation.representative_name, invitation.representative_position]
    return ", ".join(part for part in parts if part)


def invitee_rows(session: Session, meeting_id: int) -> list[InviteeRow]:
    """Every invitee (walk-ins too), by organization then name."""
    orgs = {org.id: org for org in session.exec(select(Organization)) if org.id is not None}
    found = session.exec(
        select(Invitation, Person).where(
            Invitation.meeting_id == meeting_id, Invitation.person_id == Person.id
        )
    ).all()
    rows = []
    for invitation, person in found:
        assert invitation.id is not None and person.id is not None
        org = orgs.get(person.organization_id) if person.organization_id is not None else None
        erased = person.status == PersonStatus.ERASED.value
        rows.append(
            InviteeRow(
                invitation_id=invitation.id,
                person_id=person.id,
                name="" if erased else person.name,
                role=person.role,
                organization=org,
                kecamatan=kecamatan_in(orgs, org),
                answer=invitation.answer,
                representative=_representative(invitation),
                reason=invitation.reason,
                checked_in=invitation.checked_in_at is not None,
            )
        )
    rows.sort(
        key=lambda row: (
            row.organization.name.lower() if row.organization else "\uffff",
            row.name.lower(),
            row.person_id,
        )
    )
    return rows


def _matches(row: InviteeRow, filters: Filters) -> bool:
    if filters.answer and row.answer != filters.answer:
        return False
    if filters.kind and row.kind != filters.kind:
        return False
    if filters.role and row.role != filters.role:
        return False
    if filters.kecamatan_id is not None and (
        row.kecamatan is None or row.kecamatan.id != filters.kecamatan_id
    ):
        return False
    if filters.text:
        haystack = " ".join(
            [row.name, row.organization.name if row.organization else "", row.representative]
        ).lower()
        return all(word in haystack for word in filters.text.lower().split())
    return True


def filtered(rows: Iterable[InviteeRow], filters: Filters) -> list[InviteeRow]:
    return [row for row in rows if _matches(row, filters)]


def kecamatan_of_rows(rows: Sequence[InviteeRow]) -> list[Organization]:
    """The kecamatan the invitees lie in, by name: the filter's choices."""
    found = {row.kecamatan.id: row.kecamatan for row in rows if row.kecamatan is not None}
    return sorted(found.values(), key=lambda org: org.name.lower())


def late_changes(session: Session, meeting: Meeting) -> list[LateChange]:
    """Answers changed within ``LATE`` of the start (or after it), newest first. A first answer
    is no change: only one that replaced another."""
    found = session.exec(
        select(AnswerChange, Invitation, Person)
        .where(
            AnswerChange.invitation_id == Invitation.id,
            Invitation.meeting_id == meeting.id,
            Invitation.person_id == Person.id,
        )
        .order_by(col(AnswerChange.invitation_id), col(AnswerChange.at), col(AnswerChange.id))
    ).all()
    orgs: dict[int, Organization | None] = {}
    previous: dict[int, str] = {}
    changes = []
    late_from = meeting.starts_at - LATE
    for change, _, person in found:
        before = previous.get(change.invitation_id, Answer.PENDING.value)
        previous[change.invitation_id] = change.answer
        if before == Answer.PENDING.value or before == change.answer or change.at < late_from:
            continue
        org_id = person.organization_id
        if org_id is not None and org_id not in orgs:
            orgs[org_id] = session.get(Organization, org_id)
        erased = person.status == PersonStatus.ERASED.value
        changes.append(
            LateChange(
                name="" if erased else person.name,
                organization=orgs.get(org_id) if org_id is not None else None,
                before=before,
                after=change.answer,
                at=change.at,
                reason=change.reason,
                representative=change.representative_name,
            )
        )
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes
