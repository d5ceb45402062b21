"""Every follow-up action (RTL) and every report on it, as one XLSX for the secretariat.

Two sheets: one row per action, then one row per report (history: every report, not only the
latest), with the stored path of each evidence file. Everything users typed is written as a
text cell (``put_text``): a note typed as ``=HYPERLINK(...)`` is shown as typed, never run.
"""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from handlers.attendance_export import _CONTROL, put_text
from handlers.i18n import t_plain
from handlers.people_view import format_when
from models import action_owners, actions
from models.actions import Action, ActionReport, Evidence
from models.clock import SystemClock
from models.meetings import Meeting
from models.organizations import Organization
from models.people import Person, PersonStatus

DEFAULT_ZONE = "Asia/Jakarta"
ACTION_COLUMNS = (
    "id",
    "meeting",
    "title",
    "detail",
    "owner",
    "group",
    "due",
    "status",
    "verdict",
    "overdue",
)
ACTION_WIDTHS = (9, 30, 50, 36, 32, 26, 12, 16, 20, 12)
REPORT_COLUMNS = (
    "id",
    "title",
    "time",
    "reporter",
    "status",
    "note",
    "verdict",
    "verdict_comment",
    "evidence",
)
REPORT_WIDTHS = (9, 40, 34, 26, 16, 50, 20, 36, 50)


def _safe(value: str) -> str:
    """Control characters dropped (openpyxl refuses them); ``put_text`` keeps it text."""
    return _CONTROL.sub("", value).strip()


def _status(lang: str, status: str) -> str:
    if status in {s.value for s in actions.ReportStatus}:
        return t_plain(lang, f"rtl.status.{status}")
    return status


def _verdict(lang: str, verdict: str) -> str:
    if verdict and verdict in {v.value for v in actions.Verdict}:
        return t_plain(lang, f"actions_export.verdict.{verdict}")
    return verdict


def _aware(when: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back naive."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _headers(lang: str, keys: tuple[str, ...]) -> list[str]:
    return [t_plain(lang, f"actions_export.col.{key}") for key in keys]


def write_actions_xlsx(
    path: Path,
    session: Session,
    lang: str,
    *,
    zone: str = DEFAULT_ZONE,
    today: date | None = None,
) -> tuple[int, int]:
    """Write the workbook; return (actions, reports) written.

    Report times are shown in the action's meeting's zone, else in ``zone`` (the deployment's);
    "overdue" is judged against ``today`` (by default today in ``zone``).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    if today is None:
        today = SystemClock().now().astimezone(ZoneInfo(zone)).date()
    all_actions = list(session.exec(select(Action).order_by(col(Action.id))))
    meetings: dict[int, Meeting | None] = {}
    organizations: dict[int, Organization | None] = {}
    people: dict[int, Person | None] = {}

    def meeting_of(action: Action) -> Meeting | None:
        if action.meeting_id is None:
            return None
        if action.meeting_id not in meetings:
            meetings[action.meeting_id] = session.get(Meeting, action.meeting_id)
        return meetings[action.meeting_id]

    def owner_of(action: Action) -> str:
        if action.owner_org_id not in organizations:
            organizations[action.owner_org_id] = session.get(Organization, action.owner_org_id)
        org = organizations[action.owner_org_id]
        return action_owners.owner_name(org) if org is not None else ""

    def person_name(person_id: int | None) -> str:
        if person_id is None:
            return ""
        if person_id not in people:
            people[person_id] = session.get(Person, person_id)
        person = people[person_id]
        if person is None:
            return ""
        if person.status == PersonStatus.ERASED.value or not person.name.strip():
            return t_plain(lang, "export.erased")
        return person.name

    yes, no = t_plain(lang, "actions_export.yes"), t_plain(lang, "actions_export.no")
    # Every report and every file in two queries, not two per action.
    reports_by_action: dict[int, list[ActionReport]] = defaultdict(list)
    for report in session.exec(select(ActionReport).order_by(col(ActionReport.id))):
        reports_by_action[report.action_id].append(report)
    files_by_report: dict[int, list[str]] = defaultdict(list)
    query = select(Evidence).where(col(Evidence.report_id).is_not(None))
    for item in session.exec(query.order_by(col(Evidence.id))):
        assert item.report_id is not None
        files_by_report[item.report_id].append(item.path)
    action_rows: list[list[Any]] = []
    report_rows: list[list[Any]] = []
    for action in all_actions:
        assert action.id is not None
        meeting = meeting_of(action)
        action_rows.append(
            [
                action.id,
                _safe(meeting.title) if meeting is not None else "",
                _safe(action.title),
                _safe(action.detail),
                _safe(owner_of(action)),
                _safe(action.group_label),
                action.due,
                _status(lang, action.status),
                _verdict(lang, action.verdict),
                yes if actions.is_overdue(action, today) else no,
            ]
        )
        report_zone = meeting.timezone if meeting is not None else zone
        for report in reports_by_action[action.id]:
            assert report.id is not None
            when = format_when(lang, _aware(report.created_at), report_zone)
            evidence = files_by_report[report.id]
            report_rows.append(
                [
                    action.id,
                    _safe(action.title),
                    html.unescape(when),
                    _safe(person_name(report.reporter_id)),
                    _status(lang, report.status),
                    _safe(report.note),
                    _verdict(lang, report.verdict),
                    _safe(report.verdict_comment),
                    "\n".join(_safe(p) for p in evidence),
                ]
            )

    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    wrap = Alignment(wrap_text=True, vertical="top")

    def fill(
        title: str, headers: list[str], rows: list[list[Any]], widths: tuple[int, ...]
    ) -> Worksheet:
        sheet = workbook.create_sheet(title[:31])
        for column, header in enumerate(headers, 1):
            cell = sheet.cell(row=1, column=column)
            put_text(cell, _safe(header))
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9D9D9")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for at, values in enumerate(rows, 2):
            for column, value in enumerate(values, 1):
                cell = sheet.cell(row=at, column=column)
                if isinstance(value, str):
                    put_text(cell, value)  # text, never a formula
                else:
                    cell.value = value
                    if isinstance(value, date):
                        cell.number_format = "DD/MM/YYYY"
                cell.alignment = wrap
        for column, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(rows), 1) + 1}"
        return sheet

    fill(
        t_plain(lang, "actions_export.sheet.actions"),
        _headers(lang, ACTION_COLUMNS),
        action_rows,
        ACTION_WIDTHS,
    )
    fill(
        t_plain(lang, "actions_export.sheet.reports"),
        _headers(lang, REPORT_COLUMNS),
        report_rows,
        REPORT_WIDTHS,
    )
    workbook.properties.creator = "Pokjanal Bot"
    workbook.save(path)
    return len(action_rows), len(report_rows)
