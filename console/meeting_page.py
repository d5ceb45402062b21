"""The console's meeting page (Rapat): what /rekap says in the chat, and the whole table.

At the top what fits a phone's first screen: the funnel, the answers, each kind of
organization with how many answered, "Ingatkan" and the downloads. Below, folded until opened
(or until a search is made): the invitees, searchable and filterable by answer, kind,
kecamatan and role, by a plain GET form, so it works without a script and a filtered view can
be bookmarked; the representatives; the late changes. For the demo's 111 invitees the page
is under two phone screens until the table is opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from urllib.parse import urlencode

from console.pages import options, page_of, pager, query
from handlers.i18n import t_plain
from handlers.people_view import format_when, organization_name
from models.invitees import Filters, InviteeRow, LateChange, filtered, kecamatan_of_rows
from models.meetings import Answer, MeetingStatus
from models.organizations import Organization, OrgKind
from models.people import Role
from models.recap import Recap

FORMATS = ("xlsx", "pdf", "csv")
ANSWERS = (Answer.HADIR, Answer.DIWAKILKAN, Answer.TIDAK_HADIR, Answer.PENDING)
PAGE_ROWS = 50  # rows of the table per page: a laptop screen or two; a phone scrolls


def _t(lang: str, key: str, **values: object) -> str:
    """A catalogue text, escaped for the page."""
    return escape(t_plain(lang, key, **values))


def _org(lang: str, org: Organization | None) -> str:
    """The name as people read it (organization_name escapes: right for the page too)."""
    return organization_name(lang, org)


def meeting_body(
    lang: str,
    data: Recap,
    *,
    csrf: str,
    rows: Sequence[InviteeRow],
    filters: Filters,
    late: Sequence[LateChange],
    page_no: int = 1,
    nudged: int | None = None,
) -> str:
    meeting = data.meeting
    assert meeting.id is not None
    base = f"/konsol/rapat/{meeting.id}"
    when = format_when(lang, meeting.starts_at, meeting.timezone)
    parts = [
        "<section>"
        f'<p><b>{escape(when)}</b><br><span class="muted">{escape(meeting.venue)}</span></p>'
        + _chips(
            _t(lang, f"konsol.funnel.{key}", count=getattr(data.funnel, key))
            for key in ("invited", "delivered", "answered", "checked_in")
        )
        + _chips(_t(lang, f"konsol.answer.{a.value}", count=data.answers[a.value]) for a in ANSWERS)
        + "</section>"
    ]
    if nudged is not None:
        parts.append(f"<section><p>{_t(lang, 'konsol.nudged', count=nudged)}</p></section>")
    parts.append(_kinds(lang, data, base))
    parts.append(_actions(lang, data, base, csrf))
    parts.append(_table(lang, rows, filters, base, page_no))
    parts.append(_representatives(lang, rows))
    parts.append(_late(lang, late, meeting.timezone))
    return "".join(parts)


def _chips(items: Iterable[str]) -> str:
    return '<div class="funnel">' + "".join(f"<span>{item}</span>" for item in items) + "</div>"


def _kinds(lang: str, data: Recap, base: str) -> str:
    """Each kind of organization: answered of invited, organizations covered; a link filters
    the table to it."""
    head = "".join(
        f"<th>{_t(lang, key)}</th>"
        for key in ("konsol.col.kind", "konsol.col.answered", "konsol.col.covered")
    )
    rows = []
    for line in data.kinds:
        name = _t(lang, f"rekap.kind.{line.kind}")
        if line.kind in {kind.value for kind in OrgKind}:
            name = f'<a href="{base}?{urlencode({"jenis": line.kind})}#peserta">{name}</a>'
        covered = f"{line.covered}/{line.organizations}" if line.organizations else "–"
        rows.append(
            f"<tr><td>{name}</td><td>{line.answered}/{line.invited}</td><td>{covered}</td></tr>"
        )
    return (
        f"<section><h2>{_t(lang, 'konsol.by_kind')}</h2><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _actions(lang: str, data: Recap, base: str, csrf: str) -> str:
    button = ""
    if data.open_for_answers and data.nudgeable:
        button = (
            f'<form method="post" action="{base}/ingatkan">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
            f"<button>{_t(lang, 'konsol.nudge', count=data.nudgeable)}</button></form>"
        )
    links = " · ".join(f'<a href="{base}/daftar-hadir.{fmt}">{fmt.upper()}</a>' for fmt in FORMATS)
    qr = f'<a href="{base}/qr">{_t(lang, "konsol.checkin_qr")}</a>'
    return (
        f"<section>{button}<p>{_t(lang, 'konsol.attendance')}: {links}<br>{qr}</p>"
        f"{_changes(lang, data, base)}</section>"
    )


def _changes(lang: str, data: Recap, base: str) -> str:
    """Pindahkan, Batalkan and Notulen (console.meeting_admin_routes): a scheduled meeting
    offers all three, each page refusing with the chat's words when the time is wrong (the
    notulen once answers are closed); a closed one shows its minutes."""
    status = data.meeting.status
    pages = []
    if status == MeetingStatus.SCHEDULED.value:
        pages = [("pindah", "konsol.rapat.move"), ("batal", "konsol.rapat.cancel")]
        if not data.open_for_answers:
            pages.append(("notulen", "konsol.rapat.minutes"))
    elif status == MeetingStatus.DONE.value:
        pages = [("notulen", "konsol.rapat.minutes")]
    links = " · ".join(f'<a href="{base}/{path}">{_t(lang, key)}</a>' for path, key in pages)
    return f"<p>{links}</p>" if links else ""


def _filter_form(lang: str, rows: Sequence[InviteeRow], filters: Filters, base: str) -> str:
    every = ("", t_plain(lang, "konsol.filter.all"))
    answers = [every] + [(a.value, t_plain(lang, f"konsol.answer_word.{a.value}")) for a in Answer]
    kinds = [every] + [(k.value, t_plain(lang, f"rekap.kind.{k.value}")) for k in OrgKind]
    kecamatan = [every] + [
        (str(org.id), org.name) for org in kecamatan_of_rows(rows) if org.id is not None
    ]
    roles = [every] + [(r.value, t_plain(lang, f"konsol.role.{r.value}")) for r in Role]
    chosen_kec = str(filters.kecamatan_id) if filters.kecamatan_id is not None else ""
    fields = [
        (
            "q",
            f'<input type="search" name="q" value="{escape(filters.text)}" '
            f'placeholder="{_t(lang, "konsol.filter.search_hint")}">',
        ),
        ("jawaban", f'<select name="jawaban">{options(answers, filters.answer)}</select>'),
        ("jenis", f'<select name="jenis">{options(kinds, filters.kind)}</select>'),
        ("kecamatan", f'<select name="kecamatan">{options(kecamatan, chosen_kec)}</select>'),
        ("peran", f'<select name="peran">{options(roles, filters.role)}</select>'),
    ]
    labelled = "".join(
        f"<label>{_t(lang, f'konsol.filter.{name}')}{control}</label>" for name, control in fields
    )
    return (
        f'<form class="filters" method="get" action="{base}#peserta">{labelled}'
        f"<button>{_t(lang, 'konsol.filter.apply')}</button> "
        f'<a href="{base}#peserta">{_t(lang, "konsol.filter.clear")}</a></form>'
    )


def _answer_cell(lang: str, row: InviteeRow) -> str:
    text = _t(lang, f"konsol.answer_word.{row.answer}")
    if row.answer == Answer.DIWAKILKAN.value and row.representative:
        text += f'<br><span class="muted">{escape(row.representative)}</span>'
    elif row.answer == Answer.TIDAK_HADIR.value and row.reason:
        text += f'<br><span class="muted">{escape(row.reason)}</span>'
    if row.checked_in:
        text += " ✅"
    return text


def _query(filters: Filters, page_no: int) -> str:
    return query(
        {
            "q": filters.text,
            "jawaban": filters.answer,
            "jenis": filters.kind,
            "kecamatan": "" if filters.kecamatan_id is None else str(filters.kecamatan_id),
            "peran": filters.role,
            "hal": str(page_no),
        }
    )


def _table(lang: str, rows: Sequence[InviteeRow], filters: Filters, base: str, page_no: int) -> str:
    shown = filtered(rows, filters)
    window, page_no, pages = page_of(shown, page_no, PAGE_ROWS)
    head = "".join(
        f"<th>{_t(lang, key)}</th>"
        for key in ("konsol.col.name", "konsol.col.organization", "konsol.col.answer")
    )
    body = "".join(
        f"<tr><td>{escape(row.name or t_plain(lang, 'rekap.erased_name'))}</td>"
        f"<td>{_org(lang, row.organization)}</td><td>{_answer_cell(lang, row)}</td></tr>"
        for row in window
    )
    table = (
        f'<div class="scroll"><table class="people"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
        if window
        else f"<p>{_t(lang, 'konsol.filter.nothing')}</p>"
    )
    turn = pager(lang, lambda to: f"{base}?{_query(filters, to)}#peserta", page_no, pages)
    count = _t(lang, "konsol.invitees_found", count=len(shown), total=len(rows))
    opened = " open" if filters.any or page_no > 1 else ""
    return (
        f'<section id="peserta"><details{opened}><summary><h2>'
        f"{_t(lang, 'konsol.invitees', count=len(rows))}</h2></summary>"
        f'{_filter_form(lang, rows, filters, base)}<p class="muted">{count}</p>{table}'
        f"{turn}</details></section>"
    )


def _representatives(lang: str, rows: Sequence[InviteeRow]) -> str:
    sent = [row for row in rows if row.answer == Answer.DIWAKILKAN.value]
    items = "".join(
        f"<li>{escape(row.representative or '—')} "
        f'<span class="muted">{_t(lang, "konsol.for", name=row.name or "—")} · '
        f"{_org(lang, row.organization)}</span></li>"
        for row in sent
    )
    title = _t(lang, "konsol.representatives", count=len(sent))
    inner = f"<ul>{items}</ul>" if items else f"<p>{_t(lang, 'konsol.none')}</p>"
    return f"<section><details><summary><h2>{title}</h2></summary>{inner}</details></section>"


def _late(lang: str, late: Sequence[LateChange], zone: str) -> str:
    items = "".join(
        f"<li>{escape(change.name or '—')} "
        f'<span class="muted">{_org(lang, change.organization)}</span><br>'
        + _t(
            lang,
            "konsol.late_change",
            before=t_plain(lang, f"konsol.answer_word.{change.before}"),
            after=t_plain(lang, f"konsol.answer_word.{change.after}"),
            when=format_when(lang, change.at, zone),
        )
        + (f' <span class="muted">({escape(change.reason)})</span>' if change.reason else "")
        + "</li>"
        for change in late
    )
    title = _t(lang, "konsol.late_changes", count=len(late))
    inner = f"<ul>{items}</ul>" if items else f"<p>{_t(lang, 'konsol.none')}</p>"
    opened = " open" if late else ""
    return (
        f"<section><details{opened}><summary><h2>{title}</h2></summary>{inner}</details></section>"
    )
