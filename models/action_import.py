"""Follow-up actions (RTL) from a sheet: the secretariat's matrix of a meeting, row by row.

Like the roster import, every row is checked on its own, so one bad row never stops the rest;
each rejected row is reported with its number (data rows count from 1 under the header) and a
reason code the CLI turns into words. Actions are created through ``actions.create``, which is
idempotent: a second run of the same sheet finds every action instead of adding it. History is
loaded as it is (a due date in the past is not refused); the report counts those rows instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Session

from models import action_owners, actions
from models.errors import InvalidPhone
from models.meetings import Meeting
from models.people import by_phone
from models.phones import normalize_phone
from models.sheets import cell, map_columns

# Accepted header spellings, Indonesian or English, compared after sheets.header_key().
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "title": (
        "tindak_lanjut",
        "rencana_tindak_lanjut",
        "rtl",
        "kegiatan",
        "title",
        "action",
        "follow_up",
    ),
    "owner": ("penanggung_jawab", "pj", "owner", "instansi"),
    "due": ("tenggat", "tenggat_waktu", "batas_waktu", "due", "due_date", "deadline"),
    "detail": ("keterangan", "detail", "details", "catatan", "note", "notes"),
    "phone": ("no_hp", "phone", "hp", "telepon", "nomor_hp", "no_telepon", "pj_no_hp"),
}
REQUIRED_COLUMNS = ("title", "owner", "due")


class ActionRowProblem(StrEnum):
    MISSING_TITLE = "missing_title"
    TITLE_TOO_SHORT = "title_too_short"
    TITLE_TOO_LONG = "title_too_long"
    DETAIL_TOO_LONG = "detail_too_long"
    MISSING_OWNER = "missing_owner"
    UNKNOWN_OWNER = "unknown_owner"
    MISSING_DUE = "missing_due"
    BAD_DATE = "bad_date"
    BAD_PHONE = "bad_phone"
    UNKNOWN_PERSON = "unknown_person"
    DUPLICATE = "duplicate"  # same title and owner as an earlier row of this sheet
    DUE_BEFORE_MEETING = "due_before_meeting"  # a year typo: due before the meeting was held


@dataclass(frozen=True)
class ActionRowError:
    row: int
    problem: ActionRowProblem
    value: str = ""  # what was wrong, as typed (or the row number of the first copy)


@dataclass
class ActionImportReport:
    """Rows and actions: a group owner ("Camat se-Kabupaten") is one row and many actions."""

    total: int = 0  # data rows, blank lines not counted
    rows_created: int = 0  # rows that created at least one action
    rows_existing: int = 0  # rows whose actions were all there already
    created: int = 0  # actions created now
    existing: int = 0  # actions that were already there
    overdue: int = 0  # accepted rows with an open action due before today
    errors: list[ActionRowError] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.rows_created + self.rows_existing


def map_headers(headers: Sequence[str]) -> dict[str, int]:
    """Find each known column's index; unknown columns are ignored.

    Raises:
        MissingColumns: the title, owner or due date has no column.
    """
    return map_columns(headers, HEADER_ALIASES, REQUIRED_COLUMNS)


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")


def parse_sheet_date(text: str) -> date | None:
    """YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY (or DD.MM.YYYY), or an Excel date cell.

    ``bot.tables.read_table`` turns a real Excel date cell into ``str(datetime)``,
    "2024-01-15 00:00:00"; the time part is dropped. None when it is not a calendar date.
    """
    cleaned = text.strip()
    iso = _ISO.match(cleaned)
    if iso is not None:
        year, month, day = int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
    else:
        day_first = _DAY_FIRST.match(cleaned)
        if day_first is None:
            return None
        day, month, year = int(day_first.group(1)), int(day_first.group(3)), int(day_first.group(4))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def import_actions(
    session: Session,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    now: datetime,
    today: date,
    meeting_id: int | None = None,
) -> ActionImportReport:
    """Create the actions of every valid row; the caller commits, or rolls back for a dry run.

    Assignment notices are queued for every action created now (the running bot delivers
    them); actions that were already there are not announced again.

    Raises:
        MissingColumns: the title, owner or due date has no column.
        actions.ActionError: "unknown_meeting", before any row is read.
    """
    positions = map_headers(headers)
    if meeting_id is not None and session.get(Meeting, meeting_id) is None:
        raise actions.ActionError(str(meeting_id), code="unknown_meeting")
    run = _Run(session, positions, meeting_id, now, today)
    for number, row in enumerate(rows, start=1):
        if not any(str(cell or "").strip() for cell in row):
            continue  # a blank line in a sheet is not a row anyone meant
        run.report.total += 1
        error = _import_row(run, row, number)
        if error is not None:
            run.report.errors.append(error)
    session.flush()
    return run.report


@dataclass
class _Run:
    session: Session
    positions: dict[str, int]
    meeting_id: int | None
    now: datetime
    today: date
    report: ActionImportReport = field(default_factory=ActionImportReport)
    # action id -> the first row of this sheet that named it, to report a repeated row
    first_row_of_action: dict[int, int] = field(default_factory=dict)


def _import_row(run: _Run, row: Sequence[str], number: int) -> ActionRowError | None:
    session, positions, report = run.session, run.positions, run.report
    title = " ".join(cell(row, positions, "title").split())
    raw_owner = " ".join(cell(row, positions, "owner").split())
    raw_due = cell(row, positions, "due")
    detail = cell(row, positions, "detail")
    raw_phone = cell(row, positions, "phone")
    if not title:
        return ActionRowError(number, ActionRowProblem.MISSING_TITLE)
    if len(title) > actions.TITLE_MAX:
        return ActionRowError(number, ActionRowProblem.TITLE_TOO_LONG, title[:40])
    if len(title) < 3:
        return ActionRowError(number, ActionRowProblem.TITLE_TOO_SHORT, title)
    if len(detail) > actions.DETAIL_MAX:
        return ActionRowError(number, ActionRowProblem.DETAIL_TOO_LONG, str(actions.DETAIL_MAX))
    if not raw_owner:
        return ActionRowError(number, ActionRowProblem.MISSING_OWNER)
    owner = action_owners.find_owner(session, raw_owner)
    if owner is None:
        return ActionRowError(number, ActionRowProblem.UNKNOWN_OWNER, raw_owner)
    if not raw_due:
        return ActionRowError(number, ActionRowProblem.MISSING_DUE)
    due = parse_sheet_date(raw_due)
    if due is None:
        return ActionRowError(number, ActionRowProblem.BAD_DATE, raw_due)
    if run.meeting_id is not None:
        # History loads as it is (long overdue is fine), but not a due date before the meeting.
        try:
            actions.check_due(session, due, meeting_id=run.meeting_id, today=run.today)
        except actions.ActionError as error:
            return ActionRowError(number, ActionRowProblem.DUE_BEFORE_MEETING, error.detail)
    person_id = None
    if raw_phone:
        try:
            phone = normalize_phone(raw_phone)
        except InvalidPhone:
            return ActionRowError(number, ActionRowProblem.BAD_PHONE, raw_phone)
        person = by_phone(session, phone)
        if person is None:
            return ActionRowError(number, ActionRowProblem.UNKNOWN_PERSON, raw_phone)
        person_id = person.id

    try:
        result = actions.create(
            session,
            title=title,
            owner=owner,
            due=due,
            now=run.now,
            meeting_id=run.meeting_id,
            detail=detail,
            owner_person_id=person_id,
            notify=True,
        )
    except actions.ActionError as exc:  # checked above; kept so one row never stops the rest
        problem = (
            ActionRowProblem.DETAIL_TOO_LONG
            if exc.code == "detail"
            else ActionRowProblem.MISSING_TITLE
        )
        return ActionRowError(number, problem, exc.detail)

    # Every action of the row already came from an earlier row of this sheet: a repeat, on the
    # first run as on every later one (where those actions are "already there").
    earlier = [run.first_row_of_action.get(a.id or 0) for a in result.existing]
    if not result.created and earlier and all(earlier):
        return ActionRowError(number, ActionRowProblem.DUPLICATE, str(min(filter(None, earlier))))
    for action in [*result.created, *result.existing]:
        assert action.id is not None
        run.first_row_of_action.setdefault(action.id, number)
    report.created_ids += [a.id for a in result.created if a.id is not None]
    report.created += len(result.created)
    report.existing += len(result.existing)
    if result.created:
        report.rows_created += 1
    else:
        report.rows_existing += 1
    if any(actions.is_overdue(a, run.today) for a in [*result.created, *result.existing]):
        report.overdue += 1
    return None
