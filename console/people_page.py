"""The console's people page (Peserta): the roster upload with the same row-by-row report as
``pokjanal roster import --dry-run``, shown before anything is saved, then "Simpan"."""

from __future__ import annotations

from html import escape

from console.uploads import sheet_form, sheet_report
from handlers.i18n import plain, t_plain
from models.registration import RegistrationRequest
from models.roster import ImportReport


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
    return sheet_form(
        lang, csrf, "/konsol/peserta/unggah", "konsol.roster_upload", "konsol.roster_hint"
    )


def report_body(
    lang: str, report: ImportReport, *, csrf: str, upload_id: str | None, saved: bool
) -> str:
    """The roster's report: each refused row and why, the counts, and Simpan or "Tersimpan"."""
    return sheet_report(
        lang,
        import_summary(lang, report),
        report.errors,
        "cli.reason",
        accepted=report.accepted,
        csrf=csrf,
        upload_id=upload_id,
        saved=saved,
        save_url="/konsol/peserta/simpan",
    )


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
