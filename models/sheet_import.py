"""A secretariat's sheet, whichever it is: a roster (nama, no HP, peran) or an RTL sheet
(tindak lanjut, penanggung jawab, tenggat), told apart by its headers and imported by the rules
of ``models.roster`` and ``models.action_import``. The chat's "send the sheet as a document"
uses it; the console and the CLI ask for one kind by their page or command."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Session

from models import action_import, roster
from models.action_import import ActionImportReport
from models.roster import ImportReport
from models.sheets import MissingColumns


class SheetKind(StrEnum):
    ROSTER = "roster"
    RTL = "rtl"


def kind_of(headers: Sequence[str]) -> SheetKind:
    """Which sheet this is by its headers: an RTL sheet's three columns first (a roster has no
    "tenggat"), then the roster's.

    Raises:
        MissingColumns: neither: the roster's missing columns (the likelier sheet to send).
    """
    try:
        action_import.map_headers(headers)
        return SheetKind.RTL
    except MissingColumns:
        roster.map_headers(headers)
        return SheetKind.ROSTER


@dataclass(frozen=True)
class SheetResult:
    kind: SheetKind
    report: ImportReport | ActionImportReport

    @property
    def savable(self) -> int:
        """Rows a "Simpan" would create or change."""
        if isinstance(self.report, ActionImportReport):
            return self.report.rows_created
        return self.report.created + self.report.updated


def import_sheet(
    session: Session,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    now: datetime,
    today: date,
) -> SheetResult:
    """Import by the sheet's kind; the caller commits, or rolls back for a check.

    Raises:
        MissingColumns: the sheet is neither kind (see ``kind_of``).
    """
    kind = kind_of(headers)
    if kind == SheetKind.RTL:
        return SheetResult(
            kind, action_import.import_actions(session, headers, rows, now=now, today=today)
        )
    return SheetResult(kind, roster.import_roster(session, headers, rows, now=now))
