"""A sheet's import report in words, the same on the command line, the console and the chat:
"8 baris: 4 baru, …" and "Baris 3: peran tidak dikenal (bidan)". Plain text; each place
escapes it for its own markup."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol

from handlers.i18n import plain
from models.action_import import ActionImportReport
from models.roster import ImportReport

ROSTER_REASONS, ACTION_REASONS = "cli.reason", "cli.action_reason"


class RowError(Protocol):
    @property
    def row(self) -> int: ...

    @property
    def problem(self) -> StrEnum: ...

    @property
    def value(self) -> str: ...


def summary(lang: str, report: ImportReport | ActionImportReport) -> str:
    """The counts: created, changed, unchanged (or already there), refused."""
    if isinstance(report, ActionImportReport):
        return plain(
            lang,
            "cli.action_import_summary",
            total=report.total,
            rows_created=report.rows_created,
            created=report.created,
            rows_existing=report.rows_existing,
            existing=report.existing,
            rejected=len(report.errors),
        )
    return plain(
        lang,
        "cli.import_summary",
        total=report.total,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=len(report.errors),
    )


def reasons_of(report: ImportReport | ActionImportReport) -> str:
    return ACTION_REASONS if isinstance(report, ActionImportReport) else ROSTER_REASONS


VALUE_ROOM = 40  # characters of a refused cell quoted back: a whole pasted paragraph is not


def _cut(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= VALUE_ROOM else value[: VALUE_ROOM - 1].rstrip() + "…"


def row_lines(lang: str, errors: Sequence[RowError], reasons: str) -> list[str]:
    """One line per refused row: its number and why (``reasons``: the catalogue prefix)."""
    return [
        plain(
            lang,
            "cli.row_error",
            row=error.row,
            reason=plain(lang, f"{reasons}.{error.problem.value}", value=_cut(error.value)),
        )
        for error in errors
    ]


def too_large(lang: str, error: Exception, name: str = "") -> str | None:
    """A sheet refused for a size cap (``bot.tables.TableTooLarge``: which cap, which row) in
    the admin's words; None for any other trouble. Read by its attributes: the reader is the
    composition root's, handed in, and this layer does not import it."""
    kind, limit = getattr(error, "kind", None), getattr(error, "limit", None)
    if not isinstance(kind, str) or not isinstance(limit, int):
        return None
    name, row = name or getattr(error, "name", ""), getattr(error, "row", None)
    return plain(lang, f"cli.table_too_large.{kind}", name=name, limit=limit, row=row)
