"""Organizations form one tree per district: agencies, kecamatan, desa and Posyandu under a desa.

An organization is what an invitation or a follow-up action is addressed to ("Dinas Kesehatan",
"Kecamatan Wotu", "Posyandu Melati Baruga"); people belong to one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, insert
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


@dataclass(frozen=True)
class Node:
    """A node as a roster row names it, before it has an id. Two rows name the same node when
    kind, name (case-insensitive, spaces collapsed) and parent match, as ``find_child`` does."""

    kind: OrgKind
    folded: str  # the name lowered: what is compared
    parent: Node | None
    name: str = field(compare=False)  # as first typed (spaces collapsed): what a new node is called

    @classmethod
    def of(cls, name: str, kind: OrgKind, parent: Node | None) -> Node:
        clean = _clean(name)
        return cls(kind, clean.lower(), parent, clean)

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1


@dataclass(frozen=True)
class Placement:
    """Where a roster row puts its person: every node the row names (created when missing,
    even a kecamatan that is only where an agency's office is) and the one the person
    belongs to."""

    nodes: tuple[Node, ...]
    home: Node | None


@dataclass(frozen=True)
class Cells:
    """A roster row's organization columns, as typed (spaces collapsed)."""

    organization: str = ""
    kecamatan: str = ""
    desa: str = ""
    posyandu: str = ""


def placement(*, organization: str, kecamatan: str, desa: str, posyandu: str) -> Placement:
    """Place a roster row's organization in the tree.

    Kecamatan and desa columns build the territorial branch; a Posyandu hangs under its desa
    (or its kecamatan when the desa is not given), a Puskesmas under its kecamatan, and an
    agency at the top: the kecamatan column of an agency's row is where its office is, not
    what it belongs to.
    """
    kec_node = None
    if kecamatan.strip():
        kec_name = _KECAMATAN_PREFIX.sub("", kecamatan.strip())
        kec_node = Node.of(kec_name, OrgKind.KECAMATAN, None)
    desa_node = None
    if desa.strip():
        desa_name = _DESA_PREFIX.sub("", desa.strip())
        desa_node = Node.of(desa_name, OrgKind.DESA, kec_node)
    named = tuple(node for node in (kec_node, desa_node) if node is not None)
    name = posyandu.strip() or organization.strip()
    if not name:
        return Placement(named, desa_node or kec_node)
    kind = OrgKind.POSYANDU if posyandu.strip() else kind_from_name(name)
    if kind == OrgKind.KECAMATAN:
        home = Node.of(_KECAMATAN_PREFIX.sub("", name), OrgKind.KECAMATAN, None)
    elif kind == OrgKind.DESA:
        home = Node.of(_DESA_PREFIX.sub("", name), OrgKind.DESA, kec_node)
    elif kind == OrgKind.POSYANDU:
        home = Node.of(name, kind, desa_node or kec_node)
    elif kind == OrgKind.PUSKESMAS:
        home = Node.of(name, kind, kec_node)
    else:
        home = Node.of(name, OrgKind.AGENCY, None)
    return Placement((*named, home), home)


def place_organization(
    session: Session,
    *,
    organization: str,
    kecamatan: str,
    desa: str,
    posyandu: str,
    now: datetime,
) -> Organization | None:
    """One row's ``placement``, node by node (a single person); a roster file goes through
    ``OrganizationTree``, which places the same way without a query a row."""
    place = placement(organization=organization, kecamatan=kecamatan, desa=desa, posyandu=posyandu)
    made: dict[Node, Organization] = {}

    def made_of(node: Node) -> Organization:
        if node not in made:
            parent = made_of(node.parent) if node.parent is not None else None
            made[node] = get_or_create(
                session,
                name=node.name,
                kind=node.kind,
                parent_id=parent.id if parent is not None else None,
                now=now,
            )
        return made[node]

    for node in place.nodes:
        made_of(node)
    return made_of(place.home) if place.home is not None else None


class OrganizationTree:
    """The organization tree read once into a dictionary, for a whole roster file.

    A province's roster of 50,000 rows asked for three names a row by ``lower(name)``, which
    no index serves (146 s). The tree is a few thousand nodes: read whole, matched as
    ``find_child`` matches (kind, parent, case-insensitive name; the oldest node when two
    match), and what is missing is created a level at a time, one flush per level.
    """

    def __init__(self, session: Session, *, now: datetime) -> None:
        self._session, self._now = session, now
        self._ids: dict[tuple[str, str, int | None], int] = {}
        query = select(
            Organization.id, Organization.name, Organization.kind, Organization.parent_id
        ).order_by(col(Organization.id))
        for org_id, name, kind, parent_id in session.exec(query):
            assert org_id is not None
            self._ids.setdefault((kind, name.lower(), parent_id), org_id)
        self._placed: dict[Node, int] = {}
        self._homes: dict[Cells, int | None] = {}

    def place_all(self, rows: Sequence[Cells]) -> list[int | None]:
        """The organization each row's person belongs to, creating what the rows name and the
        tree lacks. Rows repeat their organizations (five cadres to a Posyandu): each
        distinct set of cells is placed once per file."""
        new = {cells: None for cells in rows if cells not in self._homes}
        places = {
            cells: placement(
                organization=cells.organization,
                kecamatan=cells.kecamatan,
                desa=cells.desa,
                posyandu=cells.posyandu,
            )
            for cells in new
        }
        self.ensure(node for place in places.values() for node in place.nodes)
        for cells, place in places.items():
            self._homes[cells] = self.id_of(place.home)
        return [self._homes[cells] for cells in rows]

    def ensure(self, nodes: Iterable[Node]) -> None:
        """Give every node (and its parents) an id, creating the missing ones."""
        levels: dict[int, dict[Node, None]] = {}
        for node in nodes:
            current: Node | None = node
            while current is not None and current not in self._placed:
                levels.setdefault(current.depth, {}).setdefault(current, None)
                current = current.parent
        for depth in sorted(levels):
            missing: dict[tuple[str, str, int | None], list[Node]] = {}
            for node in levels[depth]:
                parent_id = self._placed[node.parent] if node.parent is not None else None
                key = (node.kind.value, node.folded, parent_id)
                found = self._ids.get(key)
                if found is None:
                    missing.setdefault(key, []).append(node)
                else:
                    self._placed[node] = found
            if missing:
                self._create(missing)

    def _create(self, missing: dict[tuple[str, str, int | None], list[Node]]) -> None:
        """One level's new nodes in one INSERT (batched by the driver); each returned row is
        matched back by its own kind, name and parent, whatever order they come in."""
        rows = [
            {"name": nodes[0].name, "kind": kind, "parent_id": parent_id, "created_at": self._now}
            for (kind, _folded, parent_id), nodes in missing.items()
        ]
        returning = insert(Organization).returning(
            col(Organization.id),
            col(Organization.name),
            col(Organization.kind),
            col(Organization.parent_id),
        )
        for org_id, name, kind, parent_id in self._session.execute(returning, rows):
            key = (kind, name.lower(), parent_id)
            self._ids[key] = org_id
            for node in missing[key]:
                self._placed[node] = org_id

    def id_of(self, node: Node | None) -> int | None:
        """The id of a node given one by ``ensure``."""
        return self._placed[node] if node is not None else None


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
