"""A refused row is quoted back short: a pasted paragraph in one cell does not flood the chat."""

from __future__ import annotations

from handlers.import_reports import ROSTER_REASONS, row_lines
from models.roster import RowError, RowProblem


def test_a_refused_cell_is_quoted_short() -> None:
    (line,) = row_lines(
        "id", [RowError(3, RowProblem.UNKNOWN_ROLE, "bidan " * 100)], ROSTER_REASONS
    )
    assert line.startswith("Baris 3: peran tidak dikenal (bidan bidan")
    assert "…" in line and len(line) < 120
