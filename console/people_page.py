"""The console's people page (Peserta): the roster upload with the same row-by-row report as
``pokjanal roster import --dry-run``, shown before anything is saved, then "Simpan"."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from html import escape

from handlers.i18n import plain, t_plain
from models.registration import RegistrationRequest
from models.roster import ImportReport

UPLOAD_TTL_SECONDS = 30 * 60
MAX_PENDING = 20


@dataclass
class Pending:
    person_id: int
    suffix: str
    data: bytes
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
        while len(self._items) >= MAX_PENDING:
            del self._items[next(iter(self._items))]
        key = secrets.token_urlsafe(16)
        self._items[key] = pending
        return key

    def take(self, key: str, person_id: int) -> Pending | None:
        found = self._items.get(key)
        if found is None or found.person_id != person_id:
            return None
        if time.monotonic() - found.at > UPLOAD_TTL_SECONDS:
            del self._items[key]
            return None
        del self._items[key]
        return found


def _t(lang: str, key: str, **values: object) -> str:
    return escape(t_plain(lang, key, **values))


def import_summary(lang: str, report: ImportReport) -> str:
    """ "8 baris: 4 baru, …": the same line on the console and the command line."""
    return plain(
        lang,
        "cli.import_summary",
        total=report.total,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=len(report.errors),
    )


def upload_form(lang: str, csrf: str) -> str:
    return (
        f"<section><h2>{_t(lang, 'konsol.roster_upload')}</h2>"
        f'<p class="muted">{_t(lang, "konsol.roster_hint")}</p>'
        '<form method="post" action="/konsol/peserta/unggah" enctype="multipart/form-data">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        '<input type="file" name="file" accept=".csv,.xlsx" required> '
        f"<button>{_t(lang, 'konsol.check')}</button></form></section>"
    )


def report_body(
    lang: str, report: ImportReport, *, csrf: str, upload_id: str | None, saved: bool
) -> str:
    """The sheet's report: each refused row and why, the counts, and Simpan (dry run) or
    "Tersimpan"."""
    rows = "".join(
        "<li>"
        + escape(
            plain(
                lang,
                "cli.row_error",
                row=error.row,
                reason=plain(lang, f"cli.reason.{error.problem.value}", value=error.value),
            )
        )
        + "</li>"
        for error in report.errors
    )
    parts = [f"<section><p><b>{escape(import_summary(lang, report))}</b></p>"]
    if rows:
        parts.append(f"<ul>{rows}</ul>")
    if saved:
        parts.append(f"<p>{_t(lang, 'konsol.saved')}</p>")
    elif upload_id is not None and report.accepted:
        parts.append(
            f"<p>{_t(lang, 'konsol.not_saved_yet')}</p>"
            '<form method="post" action="/konsol/peserta/simpan">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
            f'<input type="hidden" name="upload" value="{escape(upload_id)}">'
            f"<button>{_t(lang, 'konsol.save', count=report.accepted)}</button></form>"
        )
    parts.append("</section>")
    return "".join(parts)


def problem_body(lang: str, text: str, csrf: str) -> str:
    """A sheet that cannot be read at all: why, and the form again."""
    return f'<section class="refused"><p>{escape(text)}</p></section>' + upload_form(lang, csrf)


def requests_body(lang: str, requests: list[RegistrationRequest], csrf: str) -> str:
    """The registration requests waiting, each with the chat's three decisions."""
    if not requests:
        return (
            f"<section><h2>{_t(lang, 'konsol.requests')}</h2>"
            f'<p class="muted">{_t(lang, "konsol.no_requests")}</p></section>'
        )
    items = []
    for request in requests:
        buttons = "".join(
            f'<button name="keputusan" value="{code}">{_t(lang, key)}</button> '
            for code, key in DECISIONS
        )
        items.append(
            f"<li><b>{escape(request.details or request.contact_name or '-')}</b> "
            f'<span class="muted">{escape(request.phone)}</span>'
            f'<form method="post" action="/konsol/peserta/permintaan/{request.id}">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">{buttons}</form></li>'
        )
    return f"<section><h2>{_t(lang, 'konsol.requests')}</h2><ul>{''.join(items)}</ul></section>"


DECISIONS = (("k", "admin.approve_kader"), ("o", "admin.approve_opd"), ("x", "admin.reject"))
