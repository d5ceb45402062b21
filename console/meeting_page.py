"""The console's meeting page (Rapat): the funnel, each organization's answers, who has not
answered (with "Ingatkan"), and the daftar hadir to download — what /rekap says in the chat,
on a page that fits a phone and a laptop alike."""

from __future__ import annotations

from html import escape

from handlers.i18n import t_plain
from handlers.people_view import format_when, organization_name
from models.meetings import Answer
from models.recap import Recap

FORMATS = ("xlsx", "pdf", "csv")


def _t(lang: str, key: str, **values: object) -> str:
    """A catalogue text, escaped for the page."""
    return escape(t_plain(lang, key, **values))


def meeting_body(lang: str, data: Recap, *, csrf: str, nudged: int | None = None) -> str:
    meeting = data.meeting
    funnel = data.funnel
    when = format_when(lang, meeting.starts_at, meeting.timezone)
    parts = [
        "<section>"
        f'<p><b>{escape(when)}</b><br><span class="muted">{escape(meeting.venue)}</span></p>'
        '<div class="funnel">'
        + "".join(
            f"<span>{escape(t_plain(lang, f'konsol.funnel.{key}', count=getattr(funnel, key)))}"
            "</span>"
            for key in ("invited", "delivered", "answered", "checked_in")
        )
        + "</div></section>"
    ]
    if nudged is not None:
        parts.append(
            f"<section><p>{escape(t_plain(lang, 'konsol.nudged', count=nudged))}</p></section>"
        )
    parts.append(_answers(lang, data))
    parts.append(_organizations(lang, data))
    parts.append(_non_responders(lang, data, csrf))
    assert meeting.id is not None
    links = " · ".join(
        f'<a href="/konsol/rapat/{meeting.id}/daftar-hadir.{fmt}">{fmt.upper()}</a>'
        for fmt in FORMATS
    )
    parts.append(
        f"<section><h2>{escape(t_plain(lang, 'konsol.attendance'))}</h2><p>{links}</p></section>"
    )
    return "".join(parts)


def _answers(lang: str, data: Recap) -> str:
    items = "".join(
        f"<span>{_t(lang, f'konsol.answer.{a.value}', count=data.answers[a.value])}</span>"
        for a in Answer
    )
    return (
        f"<section><h2>{escape(t_plain(lang, 'konsol.answers'))}</h2>"
        f'<div class="funnel">{items}</div></section>'
    )


def _organizations(lang: str, data: Recap) -> str:
    head = "".join(
        f"<th>{escape(t_plain(lang, key))}</th>"
        for key in ("konsol.col.organization", "konsol.col.invited", "konsol.col.coming")
    )
    rows = []
    for line in data.organizations:
        coming = line.counts[Answer.HADIR.value] + line.counts[Answer.DIWAKILKAN.value]
        mark = "✅" if line.covered else "⚠️"
        rows.append(
            f"<tr><td>{mark} {organization_name(lang, line.organization)}</td>"
            f"<td>{line.invited}</td><td>{coming}</td></tr>"
        )
    title = t_plain(
        lang, "konsol.organizations", covered=data.covered, total=len(data.organizations)
    )
    return (
        f'<section><h2>{escape(title)}</h2><div class="scroll"><table><thead><tr>{head}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _non_responders(lang: str, data: Recap, csrf: str) -> str:
    meeting_id = data.meeting.id
    unreachable = " · " + _t(lang, "konsol.unreachable")
    items = "".join(
        f"<li>{escape(line.name or '—')} "
        f'<span class="muted">{organization_name(lang, line.organization)}'
        f"{'' if line.reachable else unreachable}</span></li>"
        for line in data.non_responders
    )
    button = ""
    if data.open_for_answers and data.nudgeable:
        label = t_plain(lang, "konsol.nudge", count=data.nudgeable)
        button = (
            f'<form method="post" action="/konsol/rapat/{meeting_id}/ingatkan">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
            f"<button>{escape(label)}</button></form>"
        )
    title = t_plain(lang, "konsol.non_responders", count=len(data.non_responders))
    inner = f"<ul>{items}</ul>" if items else ""
    return f"<section><h2>{escape(title)}</h2>{inner}{button}</section>"
