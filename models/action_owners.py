"""Who owns a follow-up action: one organization, or a group that fans out into many.

A Rakor's RTL names offices the way letters do: "Kecamatan Malili", "Dinas Kesehatan", or
"Camat se-Kabupaten" (one action per kecamatan). Sheets and admins type these; this module
turns them into organizations of the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.organizations import Organization, OrgKind


@dataclass(frozen=True)
class Group:
    key: str
    kind: OrgKind
    pattern: re.Pattern[str]


GROUPS = (
    Group("kecamatan", OrgKind.KECAMATAN, re.compile(r"^(camat|kecamatan)\s+se-?\s*kabupaten$")),
    Group(
        "puskesmas",
        OrgKind.PUSKESMAS,
        re.compile(r"^(kepala\s+)?puskesmas\s+se-?\s*kabupaten$"),
    ),
    Group("posyandu", OrgKind.POSYANDU, re.compile(r"^(kader\s+)?posyandu\s+se-?\s*kabupaten$")),
    Group("desa", OrgKind.DESA, re.compile(r"^(kepala\s+)?(desa|kades)\s+se-?\s*kabupaten$")),
)
GROUP_LABELS = {
    "kecamatan": "Camat se-Kabupaten",
    "puskesmas": "Kepala Puskesmas se-Kabupaten",
    "posyandu": "Posyandu se-Kabupaten",
    "desa": "Desa se-Kabupaten",
}
_KECAMATAN_PREFIX = re.compile(r"^(kecamatan|kec\.?|camat)\s+", re.IGNORECASE)
_DESA_PREFIX = re.compile(r"^(desa|kelurahan|kel\.?)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Owner:
    """Who an action is for: one organization, or a group of them (``group_key`` set)."""

    organizations: tuple[Organization, ...]
    group_key: str = ""
    group_label: str = ""


def group_owner(session: Session, key: str, label: str = "") -> Owner:
    group = next(g for g in GROUPS if g.key == key)
    query = select(Organization).where(Organization.kind == group.kind.value)
    members = tuple(session.exec(query.order_by(col(Organization.name))))
    return Owner(members, group_key=key, group_label=label or GROUP_LABELS[key])


def search_groups(session: Session, text: str) -> list[Owner]:
    """The groups an admin may mean by what they typed ("camat se-kabupaten", or just
    "puskesmas"), each with its organizations; groups of nobody are left out."""
    typed = " ".join(text.lower().split())
    found = []
    for group in GROUPS:
        label = GROUP_LABELS[group.key]
        if group.pattern.match(typed) or (len(typed) >= 4 and typed in label.lower()):
            owner = group_owner(session, group.key)
            if owner.organizations:
                found.append(owner)
    return found


def match_group(text: str) -> str | None:
    cleaned = " ".join(text.lower().split())
    return next((g.key for g in GROUPS if g.pattern.match(cleaned)), None)


def find_owner(session: Session, text: str) -> Owner | None:
    """The owner an admin typed or a sheet names: a group, or exactly one organization.

    "Kecamatan Malili" finds the kecamatan stored as "Malili"; otherwise the name must match
    one organization exactly (case-insensitive), because a sheet's owner is not a search.
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        return None
    key = match_group(cleaned)
    if key is not None:
        owner = group_owner(session, key, label=cleaned)
        return owner if owner.organizations else None
    candidates: list[tuple[str, OrgKind | None]] = [(cleaned, None)]
    if _KECAMATAN_PREFIX.match(cleaned):
        candidates.insert(0, (_KECAMATAN_PREFIX.sub("", cleaned), OrgKind.KECAMATAN))
    if _DESA_PREFIX.match(cleaned):
        candidates.insert(0, (_DESA_PREFIX.sub("", cleaned), OrgKind.DESA))
    for name, kind in candidates:
        query = select(Organization).where(func.lower(Organization.name) == name.lower())
        if kind is not None:
            query = query.where(Organization.kind == kind.value)
        found = list(session.exec(query))
        if len(found) == 1:
            return Owner((found[0],))
    return None


def owner_name(org: Organization) -> str:
    """How an owner reads in a list: kecamatan and desa nodes are stored without the prefix."""
    if org.kind == OrgKind.KECAMATAN.value:
        return f"Kecamatan {org.name}"
    if org.kind == OrgKind.DESA.value:
        return f"Desa {org.name}"
    return org.name
