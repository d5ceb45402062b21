"""Read a roster-like sheet (CSV or XLSX) into a header row and data rows of text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook


class UnreadableTable(Exception):
    """The file cannot be read as a sheet; the message says why in plain words."""


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel stores a phone typed without quotes as a number: 8123456789.0
        return str(int(value))
    return str(value).strip()


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Return (headers, rows). CSV may be comma- or semicolon-separated, UTF-8 or Windows-1252."""
    if not path.is_file():
        raise UnreadableTable(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise UnreadableTable(f"{path}: expected .csv or .xlsx")


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    raw = path.read_bytes()
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
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise UnreadableTable(f"{path}: the file is empty")
    return [h.strip() for h in rows[0]], [[c.strip() for c in r] for r in rows[1:]]


def _read_xlsx(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        reason = exc.__class__.__name__
        raise UnreadableTable(f"{path}: not a readable XLSX file ({reason})") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = [[_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not rows:
        raise UnreadableTable(f"{path}: the first sheet is empty")
    return rows[0], rows[1:]
