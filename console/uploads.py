"""Sheets uploaded to the console (the roster, the RTL sheet): checked first, in a
transaction that is rolled back, and kept for a while so "Simpan" imports the very file that
was checked. Each refused row is shown with the same words as the command line's report."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from html import escape

from handlers.i18n import t_plain
from handlers.import_reports import reasons_of, row_lines, summary
from models.action_import import ActionImportReport
from models.roster import ImportReport

UPLOAD_TTL_SECONDS = 30 * 60
MAX_PENDING = 5  # checked sheets waiting for Simpan, per admin (each up to 3 MB, in memory)


@dataclass
class Pending:
    person_id: int
    suffix: str
    data: bytes
    kind: str = "roster"  # roster, rtl: a checked roster is never saved as an RTL sheet
    at: float = field(default_factory=time.monotonic)


class PendingUploads:
    """Sheets checked but not saved yet, by a random id, for their uploader only; in memory
    (a restart asks for the file again) and for half an hour."""

    def __init__(self) -> None:
        self._items: dict[str, Pending] = {}

    def keep(self, pending: Pending) -> str:
        now = time.monotonic()
        for key in [k for k, v in self._items.items() if now - v.at > UPLOAD_TTL_SECONDS]:
            del self._items[key]
        # A cap per uploader: one admin's many checks never push out another's.
        mine = [k for k, v in self._items.items() if v.person_id == pending.person_id]
        for key in mine[: max(0, len(mine) - MAX_PENDING + 1)]:
            del self._items[key]
        key = secrets.token_urlsafe(16)
        self._items[key] = pending
        return key

    def take(self, key: str, person_id: int, kind: str = "roster") -> Pending | None:
        found = self._items.get(key)
        if found is None or found.person_id != person_id or found.kind != kind:
            return None
        if time.monotonic() - found.at > UPLOAD_TTL_SECONDS:
            del self._items[key]
            return None
        del self._items[key]
        return found


def _t(lang: str, key: str, **values: object) -> str:
    return escape(t_plain(lang, key, **values))


def sheet_form(lang: str, csrf: str, action: str, title_key: str, hint_key: str) -> str:
    return (
        f"<section><h2>{_t(lang, title_key)}</h2>"
        f'<p class="muted">{_t(lang, hint_key)}</p>'
        f'<form method="post" action="{action}" enctype="multipart/form-data">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        '<input type="file" name="file" accept=".csv,.xlsx" required> '
        f"<button>{_t(lang, 'konsol.check')}</button></form></section>"
    )


def sheet_report(
    lang: str,
    report: ImportReport | ActionImportReport,
    *,
    accepted: int,
    csrf: str,
    upload_id: str | None,
    saved: bool,
    save_url: str,
) -> str:
    """A sheet's report (the roster's or the RTL sheet's): each refused row and why, the
    counts, in the CLI's words, and Simpan (after a check) or "Tersimpan"."""
    lines = row_lines(lang, report.errors, reasons_of(report))
    rows = "".join(f"<li>{escape(line)}</li>" for line in lines)
    parts = [f"<section><p><b>{escape(summary(lang, report))}</b></p>"]
    if rows:
        parts.append(f"<ul>{rows}</ul>")
    if saved:
        parts.append(f"<p>{_t(lang, 'konsol.saved')}</p>")
    elif upload_id is not None and accepted:
        parts.append(
            f"<p>{_t(lang, 'konsol.not_saved_yet')}</p>"
            f'<form method="post" action="{save_url}">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
            f'<input type="hidden" name="upload" value="{escape(upload_id)}">'
            f"<button>{_t(lang, 'konsol.save', count=accepted)}</button></form>"
        )
    parts.append("</section>")
    return "".join(parts)
