"""The roster as the secretariat looks through it (the console's Peserta page): who is on it,
where each person can be reached, searched and filtered by the same words as the meeting table.

Pure domain: rows and rules, no wording.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, select

from models.invitees import kecamatan_in
from models.organizations import Organization
from models.people import Person, PersonStatus


class Registration(StrEnum):
    """Where the bot stands with a person, as a secretariat asks it: can we reach her?"""

    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    BOTH = "both"
    PAPER = "paper"  # opted in to WhatsApp on paper, has not written yet
    NOT_REGISTERED = "not_registered"
    BLOCKED = "blocked"  # registered, but every app refuses (blocked the bot)
    ERASED = "erased"


def registration_of(person: Person) -> Registration:
    if person.status == PersonStatus.ERASED.value:
        return Registration.ERASED
    if not person.has_channel:
        return Registration.NOT_REGISTERED
    channels = person.channels()
    if not channels:
        return Registration.BLOCKED
    telegram = person.telegram_user_id is not None and person.unreachable_at is None
    whatsapp = person.whatsapp_id is not None and person.whatsapp_unreachable_at is None
    if telegram and whatsapp:
        return Registration.BOTH
    if telegram:
        return Registration.TELEGRAM
    return Registration.WHATSAPP if whatsapp else Registration.PAPER


@dataclass(frozen=True)
class PersonRow:
    person: Person
    organization: Organization | None
    kecamatan: Organization | None
    registration: Registration


@dataclass(frozen=True)
class PeopleFilters:
    text: str = ""  # words of the name, the number or the organization
    role: str = ""
    registration: str = ""  # a Registration value; "reachable" for any app
    kind: str = ""
    kecamatan_id: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.text or self.role or self.registration or self.kind or self.kecamatan_id)


REACHABLE = "reachable"
REACHING = frozenset(
    {Registration.TELEGRAM, Registration.WHATSAPP, Registration.BOTH, Registration.PAPER}
)


def directory(
    session: Session, *, person_id: int | None = None, organization_id: int | None = None
) -> list[PersonRow]:
    """Everyone on the roster (erased people too: they still count), by name; or one person,
    or one organization's people (a card, a sheet of cards), read alone."""
    orgs = {org.id: org for org in session.exec(select(Organization)) if org.id is not None}
    query = select(Person).order_by(col(Person.name), col(Person.id))
    if person_id is not None:
        query = query.where(Person.id == person_id)
    if organization_id is not None:
        query = query.where(Person.organization_id == organization_id)
    rows = []
    for person in session.exec(query):
        org = orgs.get(person.organization_id) if person.organization_id is not None else None
        rows.append(PersonRow(person, org, kecamatan_in(orgs, org), registration_of(person)))
    return rows


def _matches(row: PersonRow, filters: PeopleFilters) -> bool:
    person = row.person
    if filters.role and person.role != filters.role:
        return False
    if filters.registration == REACHABLE:
        if row.registration not in REACHING:
            return False
    elif filters.registration and row.registration != filters.registration:
        return False
    if filters.kind and (row.organization is None or row.organization.kind != filters.kind):
        return False
    if filters.kecamatan_id is not None and (
        row.kecamatan is None or row.kecamatan.id != filters.kecamatan_id
    ):
        return False
    if filters.text:
        digits = "".join(ch for ch in filters.text if ch.isdigit())
        haystack = " ".join(
            [person.name, row.organization.name if row.organization else "", person.phone or ""]
        ).lower()
        words = filters.text.lower().split()
        by_number = len(digits) >= 4 and digits.lstrip("0") in (person.phone or "")
        return by_number or all(word in haystack for word in words)
    return True


def filtered(rows: Iterable[PersonRow], filters: PeopleFilters) -> list[PersonRow]:
    return [row for row in rows if _matches(row, filters)]


def of_organization(rows: Sequence[PersonRow], organization_id: int) -> list[PersonRow]:
    """A Posyandu's (or any organization's) people, for its printable sheet of links."""
    return [
        row
        for row in rows
        if row.organization is not None
        and row.organization.id == organization_id
        and row.registration != Registration.ERASED
    ]
