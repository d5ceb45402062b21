"""Read a roster-like sheet (CSV or XLSX) into a header row and data rows of text.

Sizes are capped before the whole file is read: a few hundred KB of XLSX can hold a million
rows (two minutes and more than 600 MB once read), and Python's csv stops at a 128 KB cell
with an error nobody at a district office can read. A district roster is a few thousand
rows; an RTL sheet a few dozen; a province's roster, loaded on the command line, tens of
thousands.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

from python_calamine import CalamineWorkbook

MAX_ROWS = 20_000  # data rows, the header not counted
# ``roster import`` on the command line: a province's roster (issue 15 measured 50,000 people),
# read by the engineer on the server rather than uploaded by anyone with a console session.
ROSTER_MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 10_000  # a note or an address; never a pasted document
MAX_FILE_BYTES = 20 * 1024 * 1024  # 20,000 long rows of CSV fit well within this
MAX_SHEET_XML_BYTES = 64 * 1024 * 1024  # an XLSX sheet unpacked (zipped it is a tenth or less)
MAX_UNPACKED_BYTES = 96 * 1024 * 1024  # all of a workbook's parts unpacked, shared strings too
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+[0-9]+(?::[A-Z]+([0-9]+))?\"")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


class UnreadableTable(Exception):
    """The file cannot be read as a sheet; the message says why in plain words."""


class TableTooLarge(UnreadableTable):
    """Past a cap: ``kind`` is "rows", "columns", "cell" or "bytes"; ``row`` the sheet's row
    (1 = the header) of a too-long cell. The command line words it in the admin's language."""

    def __init__(self, path: Path, kind: str, limit: int, row: int | None = None) -> None:
        where = f", row {row}" if row is not None else ""
        super().__init__(f"{path}{where}: more than {limit} {kind}")
        self.name, self.kind, self.limit, self.row = path.name, kind, limit, row


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"{value.isoformat()} 00:00:00"  # a date cell, written as openpyxl did
    if isinstance(value, float) and value.is_integer():
        # Excel stores a phone typed without quotes as a number: 8123456789.0
        return str(int(value))
    return str(value).strip()


def read_table(path: Path, *, max_rows: int | None = None) -> tuple[list[str], list[list[str]]]:
    """Return (headers, rows). CSV may be comma- or semicolon-separated, UTF-8 or Windows-1252.
    ``max_rows`` replaces ``MAX_ROWS`` (``roster import`` takes a province).

    Raises:
        UnreadableTable: missing, not a sheet, or damaged.
        TableTooLarge: more than ``max_rows`` rows, ``MAX_COLUMNS`` columns, a cell longer than
            ``MAX_CELL_CHARS``, or a file over ``MAX_FILE_BYTES``; found before the rest is read.
    """
    if not path.is_file():
        raise UnreadableTable(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise UnreadableTable(f"{path}: expected .csv or .xlsx")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise TableTooLarge(path, "bytes", MAX_FILE_BYTES // (1024 * 1024))
    limit = MAX_ROWS if max_rows is None else max_rows
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, limit)
    return _read_csv(path, limit)


def _checked(path: Path, cells: list[str], row: int, max_rows: int) -> list[str]:
    """One row, refused when it is past a cap (``row`` counts the header as 1)."""
    if row > max_rows + 1:
        raise TableTooLarge(path, "rows", max_rows)
    # Empty cells far to the right (a sheet formatted there) are no columns.
    if len(cells) > MAX_COLUMNS and any(cells[MAX_COLUMNS:]):
        raise TableTooLarge(path, "columns", MAX_COLUMNS)
    if any(len(cell) > MAX_CELL_CHARS for cell in cells):
        raise TableTooLarge(path, "cell", MAX_CELL_CHARS, row)
    return cells


def _read_csv(path: Path, max_rows: int) -> tuple[list[str], list[list[str]]]:
    raw = path.read_bytes()  # at most MAX_FILE_BYTES
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly everything
        raise UnreadableTable(f"{path}: unknown text encoding")
    first_line = text.splitlines()[0] if text else ""
    # Excel in an Indonesian locale saves CSV with semicolons (the comma is the decimal mark).
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # newline="" keeps a quoted cell with a line break ("Kader\nKetua") in one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for number, row in enumerate(reader, 1):
            rows.append(_checked(path, [c.strip() for c in row], number, max_rows))
    except csv.Error as exc:
        # Python's own limit (a 128 KB cell) is far past ours: the same words for both.
        if "field larger than field limit" in str(exc):
            raise TableTooLarge(path, "cell", MAX_CELL_CHARS, len(rows) + 1) from None
        raise UnreadableTable(f"{path}: not a readable CSV file ({exc})") from exc
    if not rows:
        raise UnreadableTable(f"{path}: the file is empty")
    return rows[0], rows[1:]


def _count_rows(path: Path, max_rows: int) -> None:
    """Refuse a workbook with a sheet past the caps, reading no more of it than the caps allow.

    The reader loads a whole sheet at once, and the size a sheet states in its first bytes may
    be a lie: a stated size past the cap is refused at once, and otherwise the rows are
    counted, unpacked a piece at a time, stopping at the cap.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableTable(f"{path}: not a readable XLSX file (BadZipFile)") from exc
    with archive:
        # Every part counts: text can sit in xl/sharedStrings.xml rather than in the sheet,
        # and a small file can unpack to hundreds of megabytes.
        if sum(item.file_size for item in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise TableTooLarge(path, "bytes", MAX_FILE_BYTES // (1024 * 1024))
        sheets = [
            item
            for item in archive.infolist()
            if item.filename.startswith("xl/worksheets/") and item.filename.endswith(".xml")
        ]
        for item in sheets:
            if item.file_size > MAX_SHEET_XML_BYTES:
                raise TableTooLarge(path, "rows", max_rows)
            with archive.open(item) as stream:
                head = stream.read(4096)
                stated = _DIMENSION.search(head)
                said = stated.group(1) if stated is not None else None
                if said is not None and int(said) > max_rows + 1:
                    raise TableTooLarge(path, "rows", max_rows)
                rows, carry = 0, head
                while chunk := stream.read(1024 * 1024):
                    carry += chunk
                    cut = carry.rfind(b"<")  # a tag cut in two is counted with the next piece
                    rows += len(_ROW_TAG.findall(carry, 0, cut))
                    carry = carry[cut:]
                    if rows > max_rows + 1:
                        raise TableTooLarge(path, "rows", max_rows)
                if rows + len(_ROW_TAG.findall(carry)) > max_rows + 1:
                    raise TableTooLarge(path, "rows", max_rows)


def _read_xlsx(path: Path, max_rows: int) -> tuple[list[str], list[list[str]]]:
    """The first sheet's cached values, read by calamine (Rust): a province's 50,000 rows in
    under a second, where openpyxl took 11 s (issue 15)."""
    _count_rows(path, max_rows)
    rows: list[list[str]] = []
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        # The size the sheet states: a million rows is refused before one is read.
        if sheet.total_height > max_rows + 1:
            raise TableTooLarge(path, "rows", max_rows)
        for number, row in enumerate(sheet.iter_rows(), 1):
            rows.append(_checked(path, [_text(cell) for cell in row], number, max_rows))
    except UnreadableTable:
        raise
    except Exception as exc:  # calamine raises several types for a damaged file
        reason = exc.__class__.__name__
        raise UnreadableTable(f"{path}: not a readable XLSX file ({reason})") from exc
    if not rows:
        raise UnreadableTable(f"{path}: the first sheet is empty")
    return rows[0], rows[1:]
