"""Who a message is for: everyone, a role, an organization's subtree, a kecamatan, a person.

Audiences are written as short specs (``all``, ``kader``, ``opd``, ``admin``,
``org:<name or id>``, ``kecamatan:<name or id>``, ``phone:<number>``) so the CLI, the bot's
buttons and stored broadcasts share one language for them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, false, func, or_, true
from sqlmodel import Session, col, select

from models.errors import DomainError, InvalidPhone
from models.organizations import Organization, OrgKind
from models.people import Person, PersonStatus, Role
from models.phones import normalize_phone


class UnknownAudience(DomainError):
    code = "unknown_audience"


def subtree_ids(session: Session, root_id: int) -> set[int]:
    """The organization and everything under it (a kecamatan: its desa and their Posyandu)."""
    found = {root_id}
    frontier = [root_id]
    while frontier:
        children = session.exec(
            select(Organization.id).where(col(Organization.parent_id).in_(frontier))
        ).all()
        frontier = [c for c in children if c is not None and c not in found]
        found.update(frontier)
    return found


def _find_org(session: Session, ref: str, kind: OrgKind | None) -> Organization:
    query = select(Organization)
    if kind is not None:
        query = query.where(Organization.kind == kind.value)
    if ref.isdigit():
        org = session.exec(query.where(Organization.id == int(ref))).first()
    else:
        name = ref.strip()
        if kind == OrgKind.KECAMATAN:
            name = name.removeprefix("Kecamatan ").removeprefix("kecamatan ")
        org = session.exec(query.where(func.lower(Organization.name) == name.lower())).first()
    if org is None:
        raise UnknownAudience(ref)
    return org


def matching(session: Session, specs: Iterable[str]) -> ColumnElement[bool]:
    """A condition on ``Person`` for the active people any of the specs names: a meeting's
    invitations are inserted from it in one statement (``INSERT … SELECT``), without loading
    a province's roster into memory.

    Raises:
        UnknownAudience: a spec names no role, organization, kecamatan or person we know.
    """
    conditions: list[ColumnElement[bool]] = []
    for raw in specs:
        spec = raw.strip()
        kind, _, ref = spec.partition(":")
        kind = kind.lower()
        if kind == "all" and not ref:
            conditions.append(true())
        elif kind in {r.value for r in Role} and not ref:
            conditions.append(col(Person.role) == kind)
        elif kind in ("org", "kecamatan") and ref:
            org = _find_org(session, ref, OrgKind.KECAMATAN if kind == "kecamatan" else None)
            assert org.id is not None
            conditions.append(col(Person.organization_id).in_(subtree_ids(session, org.id)))
        elif kind == "phone" and ref:
            try:
                phone = normalize_phone(ref)
            except InvalidPhone:
                raise UnknownAudience(spec) from None
            named = col(Person.phone) == phone
            found = select(Person.id).where(Person.status == PersonStatus.ACTIVE.value, named)
            if session.exec(found).first() is None:
                raise UnknownAudience(spec)
            conditions.append(named)
        else:
            raise UnknownAudience(spec)
    if not conditions:
        return false()
    return and_(col(Person.status) == PersonStatus.ACTIVE.value, or_(*conditions))


def resolve(session: Session, specs: Iterable[str]) -> list[Person]:
    """Active people matching any of the specs, each once, in a stable order.

    Raises:
        UnknownAudience: a spec names no role, organization, kecamatan or person we know.
    """
    query = select(Person).where(matching(session, specs)).order_by(col(Person.id))
    return list(session.exec(query))


def canonical(session: Session, specs: Iterable[str]) -> list[str]:
    """Specs with organizations by id (``kecamatan:Wotu`` -> ``kecamatan:12``), as stored, so a
    report can name them later even if a name is edited.

    Raises:
        UnknownAudience: a spec names nothing we know.
    """
    result = []
    for raw in specs:
        spec = raw.strip()
        kind, _, ref = spec.partition(":")
        kind = kind.lower()
        if kind in ("org", "kecamatan") and ref:
            try:
                org = _find_org(session, ref, OrgKind.KECAMATAN if kind == "kecamatan" else None)
            except UnknownAudience:
                raise UnknownAudience(spec) from None  # name the whole spec in the message
            result.append(f"{kind}:{org.id}")
        elif kind == "phone" and ref:
            try:
                result.append(f"phone:{normalize_phone(ref)}")
            except InvalidPhone:
                raise UnknownAudience(spec) from None
        else:
            result.append(kind if not ref else spec)
    return list(dict.fromkeys(result))


def includes(session: Session, specs: Iterable[str], person: Person) -> bool:
    """Whether a stored audience (canonical specs) takes in this person, without resolving it:
    someone approved after a meeting was made is checked against its audience."""
    if person.status != PersonStatus.ACTIVE.value:
        return False
    for raw in specs:
        kind, _, ref = raw.strip().partition(":")
        kind = kind.lower()
        if kind == "all" and not ref:
            return True
        if kind in {r.value for r in Role} and not ref and person.role == kind:
            return True
        if kind in ("org", "kecamatan") and ref and person.organization_id is not None:
            try:
                org = _find_org(session, ref, OrgKind.KECAMATAN if kind == "kecamatan" else None)
            except UnknownAudience:
                continue  # an organization gone since: it takes in nobody
            assert org.id is not None
            if person.organization_id in subtree_ids(session, org.id):
                return True
        if kind == "phone" and ref and person.phone == ref:
            return True
    return False
