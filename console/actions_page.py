"""The console's Tindak lanjut page: the reports waiting for a check first (the note, the photos
inline, Terima / Kembalikan with the reason), then every action, overdue first, filterable by
status, words and lateness; the export; the RTL sheet upload with its row-by-row report."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from babel.dates import format_date

from console.pages import options
from console.uploads import sheet_form, sheet_report
from handlers.i18n import t_plain
from handlers.people_view import format_when
from models.action_board import STATUS_FILTERS, BoardFilters, BoardLine, WaitingReport
from models.action_import import ActionImportReport
from models.action_owners import owner_name
from models.actions import Verdict

BASE = "/konsol/tindak-lanjut"


def _t(lang: str, key: str, **values: object) -> str:
    return escape(t_plain(lang, key, **values))


def _status(lang: str, line: BoardLine) -> str:
    action = line.action
    if action.verdict == Verdict.PENDING.value:
        return _t(lang, "rtl.status.selesai_pending")
    if action.status == "selesai" and action.verdict == Verdict.ACCEPTED.value:
        return _t(lang, "rtl.status.selesai_accepted")
    if action.verdict == Verdict.RETURNED.value and action.is_open:
        return _t(lang, "rtl.status.returned")
    return _t(lang, f"rtl.status.{action.status}")


def _evidence(lang: str, item: WaitingReport) -> str:
    parts = []
    for file in item.evidence:
        url = f"/konsol/bukti/{file.id}"
        name = escape(file.file_name or t_plain(lang, "konsol.rtl.file"))
        if file.kind == "photo" or file.mime_type.startswith("image/"):
            image = f'<img class="evidence" src="{url}" alt="{name}" loading="lazy">'
            parts.append(f'<a href="{url}">{image}</a>')
        else:
            parts.append(f'<a href="{url}">📄 {name}</a>')
    return f'<div class="evidence">{"".join(parts)}</div>' if parts else ""


def waiting_section(lang: str, items: Sequence[WaitingReport], csrf: str, zone: str) -> str:
    if not items:
        return ""
    cards = []
    for item in items:
        report = item.report
        owner = owner_name(item.owner) if item.owner else "-"
        reporter = item.reporter.name if item.reporter else "-"
        when = format_when(lang, report.created_at, zone)
        hidden = f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        action_url = f"{BASE}/laporan/{report.id}"
        cards.append(
            f'<li class="report"><b>{escape(item.action.title)}</b><br>'
            f'<span class="muted">{escape(owner)} · {escape(reporter)} · {escape(when)}</span>'
            f"<p>{escape(report.note or '-')}</p>{_evidence(lang, item)}"
            f'<form method="post" action="{action_url}/terima">{hidden}'
            f"<button>{_t(lang, 'konsol.rtl.accept')}</button></form>"
            f'<form method="post" action="{action_url}/kembalikan">{hidden}'
            f"<label>{_t(lang, 'konsol.rtl.return_reason')}"
            '<textarea name="alasan" rows="2" minlength="3" maxlength="500" required></textarea>'
            f'</label><button class="light">{_t(lang, "konsol.rtl.return")}</button></form></li>'
        )
    title = _t(lang, "konsol.rtl.waiting", count=len(items))
    listed = f'<ul class="reports">{"".join(cards)}</ul>'
    return f'<section id="menunggu"><h2>{title}</h2>{listed}</section>'


def _filter_form(lang: str, filters: BoardFilters) -> str:
    statuses = [("", t_plain(lang, "konsol.filter.all"))] + [
        (value, t_plain(lang, f"konsol.rtl.status.{value}")) for value in STATUS_FILTERS
    ]
    chosen = options(statuses, filters.status)
    late = " checked" if filters.overdue_only else ""
    return (
        f'<form class="filters" method="get" action="{BASE}">'
        f'<label>{_t(lang, "konsol.rtl.search")}<input type="search" name="q" '
        f'value="{escape(filters.text)}"></label>'
        f'<label>{_t(lang, "konsol.filter.status")}<select name="status">{chosen}</select></label>'
        f'<label class="check"><input type="checkbox" name="terlambat" value="1"{late}> '
        f"{_t(lang, 'konsol.rtl.overdue_only')}</label>"
        f"<button>{_t(lang, 'konsol.filter.apply')}</button> "
        f'<a href="{BASE}">{_t(lang, "konsol.filter.clear")}</a></form>'
    )


def board_section(lang: str, lines: Sequence[BoardLine], filters: BoardFilters) -> str:
    head = "".join(
        f"<th>{_t(lang, key)}</th>"
        for key in ("konsol.rtl.col.title", "konsol.rtl.col.owner", "konsol.rtl.col.due")
    )
    rows = []
    for line in lines:
        action = line.action
        due = escape(format_date(action.due, "d MMM yyyy", locale=lang))
        if line.overdue_days:
            late = _t(lang, "konsol.rtl.late", days=line.overdue_days)
            due += f'<br><span class="late">{late}</span>'
        owner = owner_name(line.owner) if line.owner else "-"
        rows.append(
            f"<tr><td>{escape(action.title)}<br>"
            f'<span class="muted">{_status(lang, line)}</span></td>'
            f"<td>{escape(owner)}</td><td>{due}</td></tr>"
        )
    table = (
        f'<div class="scroll"><table class="people"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        if rows
        else f"<p>{_t(lang, 'konsol.filter.nothing')}</p>"
    )
    export = f'<a href="{BASE}/ekspor.xlsx">{_t(lang, "konsol.rtl.export")}</a>'
    title = _t(lang, "konsol.rtl.all", count=len(lines))
    return f"<section><h2>{title}</h2>{_filter_form(lang, filters)}{table}<p>{export}</p></section>"


def rtl_form(lang: str, csrf: str) -> str:
    return sheet_form(lang, csrf, f"{BASE}/unggah", "konsol.rtl.upload", "konsol.rtl.upload_hint")


def rtl_report(
    lang: str, report: ActionImportReport, *, csrf: str, upload_id: str | None, saved: bool
) -> str:
    """The RTL sheet's report: the CLI's words, row by row, then Simpan or "Tersimpan"."""
    return sheet_report(
        lang,
        report,
        accepted=report.rows_created,
        csrf=csrf,
        upload_id=upload_id,
        saved=saved,
        save_url=f"{BASE}/simpan",
    )
