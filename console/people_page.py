"""The console's people page (Peserta): the roster upload with the same row-by-row report as
``pokjanal roster import --dry-run``, shown before anything is saved, then "Simpan"."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from console.pages import options, page_of, pager, query
from console.uploads import sheet_form, sheet_report
from handlers.i18n import t_plain
from handlers.people_view import organization_name
from models.organizations import OrgKind
from models.people import Role
from models.people_directory import (
    REACHABLE,
    REACHING,
    PeopleFilters,
    PersonRow,
    Registration,
    filtered,
)
from models.registration import RegistrationRequest
from models.roster import ImportReport

BASE = "/konsol/peserta"


def _t(lang: str, key: str, **values: object) -> str:
    return escape(t_plain(lang, key, **values))


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
        report,
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


PAGE_ROWS = 50


def _filter_form(lang: str, rows: Sequence[PersonRow], filters: PeopleFilters) -> str:
    every = ("", t_plain(lang, "konsol.filter.all"))
    roles = [every] + [(r.value, t_plain(lang, f"konsol.role.{r.value}")) for r in Role]
    states = [every, (REACHABLE, t_plain(lang, "konsol.reg.reachable"))] + [
        (r.value, t_plain(lang, f"konsol.reg.{r.value}")) for r in Registration
    ]
    kinds = [every] + [(k.value, t_plain(lang, f"rekap.kind.{k.value}")) for k in OrgKind]
    found = {row.kecamatan.id: row.kecamatan for row in rows if row.kecamatan is not None}
    kecamatan = [every] + [
        (str(org.id), org.name) for org in sorted(found.values(), key=lambda o: o.name.lower())
    ]
    chosen_kec = str(filters.kecamatan_id) if filters.kecamatan_id is not None else ""
    fields = [
        (
            "q",
            f'<input type="search" name="q" value="{escape(filters.text)}" '
            f'placeholder="{_t(lang, "konsol.people_search_hint")}">',
        ),
        ("status", f'<select name="status">{options(states, filters.registration)}</select>'),
        ("peran", f'<select name="peran">{options(roles, filters.role)}</select>'),
        ("jenis", f'<select name="jenis">{options(kinds, filters.kind)}</select>'),
        ("kecamatan", f'<select name="kecamatan">{options(kecamatan, chosen_kec)}</select>'),
    ]
    labelled = "".join(
        f"<label>{_t(lang, f'konsol.people_filter.{name}')}{control}</label>"
        for name, control in fields
    )
    return (
        f'<form class="filters" method="get" action="{BASE}#daftar">{labelled}'
        f"<button>{_t(lang, 'konsol.filter.apply')}</button> "
        f'<a href="{BASE}#daftar">{_t(lang, "konsol.filter.clear")}</a></form>'
    )


def _query(filters: PeopleFilters, page_no: int) -> str:
    return query(
        {
            "q": filters.text,
            "status": filters.registration,
            "peran": filters.role,
            "jenis": filters.kind,
            "kecamatan": "" if filters.kecamatan_id is None else str(filters.kecamatan_id),
            "hal": str(page_no),
        }
    )


def directory_body(
    lang: str, rows: Sequence[PersonRow], filters: PeopleFilters, page_no: int
) -> str:
    """Everyone on the roster: searched, filtered, each with where the bot reaches them and
    a printable registration link (the person's, and their organization's sheet)."""
    shown = filtered(rows, filters)
    window, page_no, pages = page_of(shown, page_no, PAGE_ROWS)
    head = "".join(
        f"<th>{_t(lang, key)}</th>"
        for key in ("konsol.col.name", "konsol.col.organization", "konsol.col.registration")
    )
    body = []
    for row in window:
        person = row.person
        name = escape(person.name or t_plain(lang, "rekap.erased_name"))
        role = _t(lang, f"konsol.role.{person.role}")
        org = organization_name(lang, row.organization)
        if row.organization is not None:
            org = f'<a href="{BASE}/organisasi/{row.organization.id}/tautan">{org}</a>'
        status = _t(lang, f"konsol.reg.{row.registration.value}")
        if row.registration != Registration.ERASED:
            status += f'<br><a href="{BASE}/{person.id}/tautan">{_t(lang, "konsol.link_qr")}</a>'
        body.append(
            f'<tr><td>{name}<br><span class="muted">{role}</span></td>'
            f"<td>{org}</td><td>{status}</td></tr>"
        )
    table = (
        f'<div class="scroll"><table class="people"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
        if body
        else f"<p>{_t(lang, 'konsol.filter.nothing')}</p>"
    )
    turn = pager(lang, lambda to: f"{BASE}?{_query(filters, to)}#daftar", page_no, pages)
    reached = sum(1 for row in rows if row.registration in REACHING)
    count = _t(lang, "konsol.people_found", count=len(shown), total=len(rows), reached=reached)
    return (
        f'<section id="daftar"><h2>{_t(lang, "konsol.roster")}</h2>'
        f'{_filter_form(lang, rows, filters)}<p class="muted">{count}</p>{table}'
        f"{turn}</section>"
    )
