"""Organizations form one tree per district: agencies, kecamatan, desa and Posyandu under a desa.

An organization is what an invitation or a follow-up action is addressed to ("Dinas Kesehatan",
"Kecamatan Wotu", "Posyandu Melati Baruga"); people belong to one.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Field, Session, SQLModel, col, select


class OrgKind(StrEnum):
    AGENCY = "agency"  # a kabupaten agency (OPD) or partner: Dinas Kesehatan, TP PKK, Bappeda
    KECAMATAN = "kecamatan"
    PUSKESMAS = "puskesmas"
    DESA = "desa"
    POSYANDU = "posyandu"


class Organization(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    kind: str = Field(max_length=20, index=True)
    parent_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    # IANA zone when it differs from the deployment's (a two-zone province); inherited downwards.
    timezone: str | None = Field(default=None, max_length=40)
    created_at: datetime


_KECAMATAN_PREFIX = re.compile(r"^(kecamatan|kec\.?|camat)\s+", re.IGNORECASE)
_DESA_PREFIX = re.compile(r"^(desa|kelurahan|kel\.?)\s+", re.IGNORECASE)


def _clean(name: str) -> str:
    return " ".join(name.split())


def kind_from_name(name: str) -> OrgKind:
    """Guess an organization's kind from how secretariats name them in their sheets."""
    lowered = name.strip().lower()
    if lowered.startswith("posyandu"):
        return OrgKind.POSYANDU
    if lowered.startswith("puskesmas"):
        return OrgKind.PUSKESMAS
    if _KECAMATAN_PREFIX.match(name.strip()):
        return OrgKind.KECAMATAN
    if _DESA_PREFIX.match(name.strip()):
        return OrgKind.DESA
    return OrgKind.AGENCY


def find_child(
    session: Session, *, name: str, kind: OrgKind, parent_id: int | None
) -> Organization | None:
    """Find a node by name (case-insensitive), kind and parent."""
    query = select(Organization).where(
        Organization.kind == kind.value,
        func.lower(Organization.name) == _clean(name).lower(),
    )
    if parent_id is None:
        query = query.where(col(Organization.parent_id).is_(None))
    else:
        query = query.where(Organization.parent_id == parent_id)
    return session.exec(query).first()


def get_or_create(
    session: Session, *, name: str, kind: OrgKind, parent_id: int | None, now: datetime
) -> Organization:
    """Return the node, creating it once: imports are re-run and must not grow the tree."""
    existing = find_child(session, name=name, kind=kind, parent_id=parent_id)
    if existing is not None:
        return existing
    org = Organization(name=_clean(name), kind=kind.value, parent_id=parent_id, created_at=now)
    session.add(org)
    session.flush()
    return org


def place_organization(
    session: Session,
    *,
    organization: str,
    kecamatan: str,
    desa: str,
    posyandu: str,
    now: datetime,
) -> Organization | None:
    """Place a roster row's organization in the tree and return the node the person belongs to.

    Kecamatan and desa columns build the territorial branch; a Posyandu hangs under its desa
    (or its kecamatan when the desa is not given), a Puskesmas under its kecamatan, and an
    agency at the top: the kecamatan column of an agency's row is where its office is, not
    what it belongs to.
    """
    kec_node = None
    if kecamatan.strip():
        kec_name = _KECAMATAN_PREFIX.sub("", kecamatan.strip())
        kec_node = get_or_create(
            session, name=kec_name, kind=OrgKind.KECAMATAN, parent_id=None, now=now
        )
    desa_node = None
    if desa.strip():
        desa_name = _DESA_PREFIX.sub("", desa.strip())
        desa_node = get_or_create(
            session,
            name=desa_name,
            kind=OrgKind.DESA,
            parent_id=kec_node.id if kec_node else None,
            now=now,
        )
    name = posyandu.strip() or organization.strip()
    if not name:
        return desa_node or kec_node
    kind = OrgKind.POSYANDU if posyandu.strip() else kind_from_name(name)
    if kind == OrgKind.KECAMATAN:
        bare = _KECAMATAN_PREFIX.sub("", name)
        return get_or_create(session, name=bare, kind=OrgKind.KECAMATAN, parent_id=None, now=now)
    if kind == OrgKind.DESA:
        bare = _DESA_PREFIX.sub("", name)
        parent = kec_node.id if kec_node else None
        return get_or_create(session, name=bare, kind=OrgKind.DESA, parent_id=parent, now=now)
    if kind == OrgKind.POSYANDU:
        parent_node = desa_node or kec_node
        parent = parent_node.id if parent_node else None
        return get_or_create(session, name=name, kind=kind, parent_id=parent, now=now)
    if kind == OrgKind.PUSKESMAS:
        parent = kec_node.id if kec_node else None
        return get_or_create(session, name=name, kind=kind, parent_id=parent, now=now)
    return get_or_create(session, name=name, kind=OrgKind.AGENCY, parent_id=None, now=now)


def zone_of(session: Session, organization_id: int | None, default: str) -> str:
    """The organization's zone, or its nearest ancestor's, or the deployment's."""
    seen: set[int] = set()
    current = organization_id
    while current is not None and current not in seen:
        seen.add(current)
        org = session.get(Organization, current)
        if org is None:
            break
        if org.timezone:
            return org.timezone
        current = org.parent_id
    return default


def organization_of(session: Session, organization_id: int | None) -> Organization | None:
    return session.get(Organization, organization_id) if organization_id is not None else None


def search(session: Session, text: str, *, limit: int = 8) -> list[Organization]:
    """Organizations whose name contains ``text`` (case-insensitive), shortest names first."""
    needle = text.strip().lower()
    if len(needle) < 2:
        return []
    query = select(Organization).where(
        func.lower(Organization.name).contains(needle, autoescape=True)
    )
    found = list(session.exec(query))
    return sorted(found, key=lambda org: (len(org.name), org.name))[:limit]


def named_in(session: Session, text: str) -> Organization | None:
    """The organization someone named in free text ("Posyandu Melati Baruga", "Dinas Kesehatan
    Kab. Luwu Timur"): the one whose whole name it is; else the one whose name it holds as
    whole words (the longest, so a Posyandu wins over its desa); else the only one whose name
    holds it. None when nothing or more than one fits equally: a guess would put a newcomer
    in the wrong organization, and the admin is told it was not recognised."""
    typed = _clean(text).lower()
    if len(typed) < 3:
        return None
    organizations = list(session.exec(select(Organization)))
    exact = [org for org in organizations if org.name.lower() == typed]
    if len(exact) == 1:
        return exact[0]
    held = [
        org
        for org in organizations
        if re.search(rf"(?<!\w){re.escape(org.name.lower())}(?!\w)", typed)
    ]
    if held:
        longest = max(len(org.name) for org in held)
        best = [org for org in held if len(org.name) == longest]
        return best[0] if len(best) == 1 else None
    found = search(session, typed, limit=2)
    return found[0] if len(found) == 1 else None


def kecamatan_list(session: Session) -> list[Organization]:
    query = select(Organization).where(Organization.kind == OrgKind.KECAMATAN.value)
    return list(session.exec(query.order_by(col(Organization.name))))
