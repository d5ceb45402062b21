"""Reading a secretariat's spreadsheet by its headers: the roster and the RTL sheet alike.

Headers are matched after lower-casing and turning every run of other characters into "_", so
"No. HP", "no_hp" and "NO HP" are one column; the first column that matches a field wins and
unknown columns are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from models.errors import DomainError


class MissingColumns(DomainError):
    code = "missing_columns"

    def __init__(self, missing: Sequence[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = list(missing)


def header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def map_columns(
    headers: Sequence[str], aliases: Mapping[str, Sequence[str]], required: Sequence[str]
) -> dict[str, int]:
    """Each known field's column index.

    Raises:
        MissingColumns: a required field has no column.
    """
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header_key(str(header or ""))
        for field_name, spellings in aliases.items():
            if key in spellings and field_name not in positions:
                positions[field_name] = index
    missing = [name for name in required if name not in positions]
    if missing:
        raise MissingColumns(missing)
    return positions


def cell(row: Sequence[str], positions: Mapping[str, int], name: str) -> str:
    """The field's cell, stripped; empty when the column is missing or the row is short."""
    index = positions.get(name)
    if index is None or index >= len(row):
        return ""
    return str(row[index] or "").strip()
