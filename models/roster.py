"""Roster import: the secretariat's spreadsheet in, people and organizations upserted by phone.

Rows are validated one by one so one bad row never stops the rest; every rejected row is
reported with its number (data rows count from 1 under the header) and a reason code the CLI
turns into words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import RowMapping, insert, select, update
from sqlmodel import Session, col

from models.console import end_sessions_of_people
from models.erasures import erased_among
from models.errors import InvalidPhone, NotFound
from models.organizations import Cells, OrganizationTree
from models.people import Person, Role, by_phone
from models.phones import normalize_phone
from models.sheets import cell, map_columns

# Accepted header spellings, Indonesian or English, compared after sheets.header_key().
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("nama", "name", "nama_lengkap"),
    "phone": (
        "telepon",
        "no_hp",
        "hp",
        "phone",
        "nomor_hp",
        "no_telepon",
        "no_telp",
        "telp",
        "telepon_hp",
        "no_hp_wa",
        "whatsapp",
        "no_wa",
    ),
    "role": ("peran", "role"),
    "organization": ("organisasi", "instansi", "organization"),
    "position": ("jabatan", "position"),
    "kecamatan": ("kecamatan",),
    "desa": ("desa", "kelurahan", "desa_kelurahan"),
    "posyandu": ("posyandu",),
    # WhatsApp's opt-in collected on paper (a signed form): "ya" lets the bot write first,
    # with an approved template, to someone who has not written to it yet.
    "whatsapp_opt_in": (
        "izin_wa",
        "setuju_wa",
        "persetujuan_wa",
        "opt_in_wa",
        "wa_opt_in",
        "whatsapp_opt_in",
    ),
}
YES = frozenset({"ya", "y", "yes", "1", "true", "setuju", "v", "✓"})
REQUIRED_COLUMNS = ("name", "phone", "role")
ROLES = frozenset(role.value for role in Role)
NAME_MAX = 200


class RowProblem(StrEnum):
    BAD_PHONE = "bad_phone"
    MISSING_PHONE = "missing_phone"
    MISSING_NAME = "missing_name"
    NAME_TOO_LONG = "name_too_long"
    UNKNOWN_ROLE = "unknown_role"
    DUPLICATE = "duplicate"
    ERASED = "erased"  # the person had their data erased (UU 27/2022): not re-imported


@dataclass(frozen=True)
class RowError:
    row: int
    problem: RowProblem
    value: str = ""  # what was wrong, as typed (or the row number of the first copy)


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged


def map_headers(headers: Sequence[str]) -> dict[str, int]:
    """Find each known column's index; unknown columns are ignored.

    Raises:
        MissingColumns: name, phone or role has no column.
    """
    return map_columns(headers, HEADER_ALIASES, REQUIRED_COLUMNS)


def _cell(row: Sequence[str], positions: dict[str, int], name: str) -> str:
    return " ".join(cell(row, positions, name).split())


# Rows read, checked and written together: one query for each lookup and one bulk write each
# for a chunk, so the statements grow with the file a chunk at a time, not a row at a time,
# and what is held at once stays small (a chunk's values fit one IN list on either database).
CHUNK = 2_000


@dataclass(frozen=True)
class _Row:
    number: int
    cells: Sequence[str]
    name: str
    phone: str
    role: str


def import_roster(
    session: Session,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert every valid row; the caller commits, or rolls back for a dry run.

    Names are kept as typed (titles and degrees such as "dr." or "S.KM" matter on the daftar
    hadir) and escaped wherever they are shown, never cleaned here. ``progress`` hears the
    number of the last row done after each chunk.
    """
    positions = map_headers(headers)
    report = ImportReport()
    first_row_of_phone: dict[str, int] = {}
    tree = OrganizationTree(session, now=now)
    chunk: list[tuple[int, Sequence[str]]] = []
    number = 0
    for number, row in enumerate(rows, start=1):
        if not any(str(cell or "").strip() for cell in row):
            continue  # a blank line in a sheet is not a row anyone meant
        report.total += 1
        chunk.append((number, row))
        if len(chunk) >= CHUNK:
            _import_chunk(session, chunk, positions, first_row_of_phone, tree, report, now)
            chunk = []
            if progress is not None:
                progress(number)
    if chunk:
        _import_chunk(session, chunk, positions, first_row_of_phone, tree, report, now)
    if progress is not None:
        progress(number)
    session.flush()
    return report


def _import_chunk(
    session: Session,
    chunk: list[tuple[int, Sequence[str]]],
    positions: dict[str, int],
    first_row_of_phone: dict[str, int],
    tree: OrganizationTree,
    report: ImportReport,
    now: datetime,
) -> None:
    """Check the chunk's rows in order, then write the accepted ones in bulk."""
    checked = [_checked(number, row, positions) for number, row in chunk]
    erased = erased_among(session, {row.phone for row in checked if isinstance(row, _Row)})
    accepted: list[_Row] = []
    for row in checked:
        if isinstance(row, RowError):
            report.errors.append(row)
        elif row.phone in erased:
            report.errors.append(RowError(row.number, RowProblem.ERASED))
        elif row.phone in first_row_of_phone:
            first = str(first_row_of_phone[row.phone])
            report.errors.append(RowError(row.number, RowProblem.DUPLICATE, first))
        else:
            first_row_of_phone[row.phone] = row.number
            accepted.append(row)
    if not accepted:
        return
    homes = tree.place_all(
        [
            Cells(
                organization=_cell(row.cells, positions, "organization"),
                kecamatan=_cell(row.cells, positions, "kecamatan"),
                desa=_cell(row.cells, positions, "desa"),
                posyandu=_cell(row.cells, positions, "posyandu"),
            )
            for row in accepted
        ]
    )
    existing = _on_roster(session, [row.phone for row in accepted])
    created: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    new_roles: list[int] = []
    for row, home in zip(accepted, homes, strict=True):
        values: dict[str, Any] = {
            "name": row.name,
            "role": row.role,
            "position": _cell(row.cells, positions, "position")[:200],
            "organization_id": home,
        }
        opts_in = _opts_in(row.cells, positions)
        person = existing.get(row.phone)
        if person is None:
            opted_in_at = now if opts_in else None
            created.append(
                {
                    "phone": row.phone,
                    "created_at": now,
                    "updated_at": now,
                    "whatsapp_opt_in_at": opted_in_at,
                    **values,
                }
            )
            report.created += 1
            continue
        # Already opted in (on paper before, or by writing to the bot): nothing new.
        opted_in = opts_in and person["whatsapp_opt_in_at"] is None
        if not opted_in and all(person[key] == value for key, value in values.items()):
            report.unchanged += 1
            continue
        if person["role"] != row.role:
            new_roles.append(person["id"])  # the console follows the new role
        opted_in_at = now if opted_in else person["whatsapp_opt_in_at"]
        changed.append(
            {"id": person["id"], "updated_at": now, "whatsapp_opt_in_at": opted_in_at, **values}
        )
        report.updated += 1
    if created:
        # render_nulls: every new person the same shape (no opt-in is NULL, not left out), so
        # the chunk goes as one executemany rather than one statement per change of shape.
        session.execute(insert(Person).execution_options(render_nulls=True), created)
    if changed:
        # One shape for every changed row, so it goes as one executemany (by primary key; the
        # session's copies of these people are updated too).
        session.execute(update(Person), changed)
    end_sessions_of_people(session, new_roles, now=now)


def _on_roster(session: Session, phones: list[str]) -> dict[str, RowMapping]:
    """What an import compares of the people with these numbers, by number, in one query:
    only the columns a row sets (whole Person objects cost more to load than to compare)."""
    query = select(
        col(Person.id),
        col(Person.phone),
        col(Person.name),
        col(Person.role),
        col(Person.position),
        col(Person.organization_id),
        col(Person.whatsapp_opt_in_at),
    ).where(col(Person.phone).in_(phones))
    return {row["phone"]: row for row in session.execute(query).mappings()}


def _checked(number: int, row: Sequence[str], positions: dict[str, int]) -> _Row | RowError:
    """A row's own checks, in the order the report has always named the first problem."""
    name = _cell(row, positions, "name")
    raw_phone = _cell(row, positions, "phone")
    raw_role = _cell(row, positions, "role").lower()
    if not name:
        return RowError(number, RowProblem.MISSING_NAME)
    if len(name) > NAME_MAX:
        return RowError(number, RowProblem.NAME_TOO_LONG, name[:40])
    if not raw_phone:
        return RowError(number, RowProblem.MISSING_PHONE)
    try:
        phone = normalize_phone(raw_phone)
    except InvalidPhone:
        return RowError(number, RowProblem.BAD_PHONE, raw_phone)
    if raw_role not in ROLES:
        return RowError(number, RowProblem.UNKNOWN_ROLE, raw_role)
    return _Row(number, row, name, phone, raw_role)


def _opts_in(row: Sequence[str], positions: dict[str, int]) -> bool:
    """A "ya" in the opt-in column: the number may be written to on WhatsApp (templates
    only, until the person writes and opens the 24-hour window). Only the permission: the
    number is linked (and the privacy notice shown) when the person first writes, like
    anyone else."""
    return _cell(row, positions, "whatsapp_opt_in").lower() in YES


def make_admin(session: Session, *, phone_raw: str, name: str | None, now: datetime) -> Person:
    """Give a person the admin role, creating them when a name is given and they are new.

    Raises:
        InvalidPhone: the number is not valid.
        NotFound: nobody has that number and no name was given.
    """
    phone = normalize_phone(phone_raw)
    person = by_phone(session, phone)
    if person is None:
        if not name:
            raise NotFound(phone)
        person = Person(name=name, phone=phone, created_at=now, updated_at=now)
    person.role = Role.ADMIN.value
    person.updated_at = now
    session.add(person)
    session.flush()
    return person
