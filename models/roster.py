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

from sqlmodel import Session

from models.console import end_sessions_of
from models.erasures import was_erased
from models.errors import InvalidPhone, NotFound
from models.organizations import place_organization
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
    hadir) and escaped wherever they are shown, never cleaned here.
    """
    positions = map_headers(headers)
    report = ImportReport()
    first_row_of_phone: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        report.total += 1
        if progress is not None:
            progress(number)
        if not any(str(cell or "").strip() for cell in row):
            report.total -= 1  # a blank line in a sheet is not a row anyone meant
            continue
        error = _import_row(session, row, number, positions, first_row_of_phone, report, now)
        if error is not None:
            report.errors.append(error)
    session.flush()
    return report


def _import_row(
    session: Session,
    row: Sequence[str],
    number: int,
    positions: dict[str, int],
    first_row_of_phone: dict[str, int],
    report: ImportReport,
    now: datetime,
) -> RowError | None:
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
    if raw_role not in {role.value for role in Role}:
        return RowError(number, RowProblem.UNKNOWN_ROLE, raw_role)
    if was_erased(session, phone):
        return RowError(number, RowProblem.ERASED)
    if phone in first_row_of_phone:
        return RowError(number, RowProblem.DUPLICATE, str(first_row_of_phone[phone]))
    first_row_of_phone[phone] = number

    org = place_organization(
        session,
        organization=_cell(row, positions, "organization"),
        kecamatan=_cell(row, positions, "kecamatan"),
        desa=_cell(row, positions, "desa"),
        posyandu=_cell(row, positions, "posyandu"),
        now=now,
    )
    values: dict[str, Any] = {
        "name": name,
        "role": raw_role,
        "position": _cell(row, positions, "position")[:200],
        "organization_id": org.id if org else None,
    }
    person = by_phone(session, phone)
    if person is None:
        person = Person(phone=phone, created_at=now, updated_at=now, **values)
        _opted_in_on_paper(person, row, positions, phone, now)
        session.add(person)
        report.created += 1
        return None
    opted_in = _opted_in_on_paper(person, row, positions, phone, now)
    if not opted_in and all(getattr(person, key) == value for key, value in values.items()):
        report.unchanged += 1
        return None
    if person.role != values["role"] and person.id is not None:
        end_sessions_of(session, person.id, now=now)  # the console follows the new role
    for key, value in values.items():
        setattr(person, key, value)
    person.updated_at = now
    session.add(person)
    report.updated += 1
    return None


def _opted_in_on_paper(
    person: Person, row: Sequence[str], positions: dict[str, int], phone: str, now: datetime
) -> bool:
    """A "ya" in the opt-in column: the number may be written to on WhatsApp (templates
    only, until the person writes and opens the 24-hour window). True when it changed."""
    if _cell(row, positions, "whatsapp_opt_in").lower() not in YES:
        return False
    if person.whatsapp_opt_in_at is not None:
        return False  # already opted in (on paper before, or by writing to the bot)
    # Only the permission: the number is linked (and the privacy notice shown) when the person
    # first writes, like anyone else.
    person.whatsapp_opt_in_at = now
    return True


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
