"""The console's Siaran page: the form (the chat's audience choices, the text), the preview
with the exact message and who gets it by app, Kirim, and the reports of past broadcasts.

No script: the organization is found by part of its name as in the chat, and when several
match the form comes back with them to pick one, the typed text kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from handlers.i18n import Markup, t_plain
from handlers.people_view import format_when, organization_name
from models.broadcasts import TEXT_MAX, Broadcast, Report
from models.organizations import Organization
from models.people import Reach
from models.recap import ChannelLine

BASE = "/konsol/siaran"
ROLES = ("all", "kader", "opd", "admin")  # the chat's buttons, in their order
KECAMATAN, ORGANIZATION = "kecamatan", "instansi"
COUNTS = ("sent", "waiting", "unreachable", "failed", "skipped")
EXCERPT = 160  # characters of a past broadcast's text shown in its report


@dataclass
class Compose:
    """What the form holds: posted back to it when something must be fixed, so nothing
    typed on a phone is lost."""

    audience: str = ""
    kecamatan_id: int | None = None
    org_query: str = ""
    org_id: int | None = None
    text: str = ""
    # Several organizations matched the typed words: (id, name as read, escaped) to pick from.
    choices: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Preview:
    draft_id: int
    version: int
    label: str  # the audience, plain text
    reach: Reach
    templates: int
    message: Markup  # the message as the bot renders it (Telegram's HTML is the page's too)


@dataclass(frozen=True)
class ReportLine:
    broadcast: Broadcast
    label: str
    counts: Report
    channels: tuple[ChannelLine, ...]


def _t(lang: str, key: str, **values: object) -> str:
    return escape(t_plain(lang, key, **values))


def said(text: str, *, refused: bool = False) -> str:
    """A box saying what happened (``text`` already escaped)."""
    kind = ' class="refused"' if refused else ""
    return f"<section{kind}><p>{text}</p></section>"


def _radio(name: str, value: str, label: str, chosen: str, *, required: bool = False) -> str:
    checked = " checked" if value == chosen else ""
    need = " required" if required else ""
    return (
        f'<label><input type="radio" name="{name}" value="{escape(value)}"{checked}{need}> '
        f"{label}</label>"
    )


def _audience_fields(lang: str, form: Compose, kecamatan: Sequence[Organization]) -> str:
    roles = "".join(
        _radio("penerima", role, _t(lang, f"siaran.aud_{role}"), form.audience, required=not i)
        for i, role in enumerate(ROLES)
    )
    places = "".join(
        f'<option value="{place.id}"{" selected" if place.id == form.kecamatan_id else ""}>'
        f"{organization_name(lang, place)}</option>"
        for place in kecamatan
    )
    one_place = _radio(
        "penerima", KECAMATAN, _t(lang, "konsol.siaran.one_kecamatan"), form.audience
    )
    one_org = _radio("penerima", ORGANIZATION, _t(lang, "konsol.siaran.one_org"), form.audience)
    choices = ""
    if form.choices:
        choices = "".join(
            _radio("instansi_id", str(org_id), name, str(form.org_id))
            for org_id, name in form.choices
        )
        choices = f'<div class="sub">{choices}</div>'
    return (
        f"<fieldset><legend>{_t(lang, 'konsol.siaran.audience')}</legend>{roles}{one_place}"
        f'<div class="sub"><label for="siaran-kecamatan">{_t(lang, "konsol.siaran.kecamatan")}'
        f'</label><select id="siaran-kecamatan" name="kecamatan">{places}</select></div>'
        f"{one_org}"
        f'<div class="sub"><label for="siaran-instansi">{_t(lang, "konsol.siaran.org")}</label>'
        f'<input type="search" id="siaran-instansi" name="instansi" maxlength="100" '
        f'value="{escape(form.org_query)}" '
        f'placeholder="{_t(lang, "konsol.siaran.org_hint")}"></div>{choices}</fieldset>'
    )


def compose_section(
    lang: str, csrf: str, form: Compose, kecamatan: Sequence[Organization], *, folded: bool
) -> str:
    """The form; under a preview it is folded ("change the message or the recipients")."""
    inner = (
        f'<form class="siaran" method="post" action="{BASE}/pratinjau">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f"{_audience_fields(lang, form, kecamatan)}"
        f'<label for="siaran-teks"><b>{_t(lang, "konsol.siaran.text", max=TEXT_MAX)}</b></label>'
        # The browser's maxlength counts a line break once, as the bot does (the server
        # turns the CRLF a form posts back into one break before counting).
        f'<textarea id="siaran-teks" name="teks" rows="6" maxlength="{TEXT_MAX}" required>'
        f"{escape(form.text)}</textarea>"
        f"<button>{_t(lang, 'konsol.siaran.preview_button')}</button></form>"
    )
    if folded:
        summary = f"<summary><h2>{_t(lang, 'konsol.siaran.edit')}</h2></summary>"
        return f'<section id="tulis"><details>{summary}{inner}</details></section>'
    return f'<section id="tulis"><h2>{_t(lang, "konsol.siaran.compose")}</h2>{inner}</section>'


def preview_section(lang: str, csrf: str, preview: Preview) -> str:
    """Who gets it (by app, and who cannot), the exact message, and Kirim carrying the draft's
    version: a second Kirim, or an older preview's, sends nothing."""
    reach = preview.reach
    lines = [
        _t(
            lang,
            "konsol.siaran.reach",
            count=reach.reachable,
            telegram=reach.telegram,
            whatsapp=reach.whatsapp,
        )
    ]
    if reach.unregistered:
        lines.append(_t(lang, "konsol.siaran.unregistered", count=reach.unregistered))
    if reach.blocked:
        lines.append(_t(lang, "konsol.siaran.blocked", count=reach.blocked))
    if preview.templates:
        lines.append(escape(t_plain(lang, "preview.templates", count=preview.templates).strip()))
    listed = "".join(f"<li>{line}</li>" for line in lines)
    return (
        f'<section id="pratinjau"><h2>{_t(lang, "konsol.siaran.preview")}</h2>'
        f"<p>{_t(lang, 'konsol.siaran.to', audience=preview.label)}</p><ul>{listed}</ul>"
        f'<p class="muted">{_t(lang, "konsol.siaran.exact")}</p>'
        f'<div class="bubble">{preview.message}</div>'
        f'<form method="post" action="{BASE}/kirim">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<input type="hidden" name="draf" value="{preview.draft_id}">'
        f'<input type="hidden" name="versi" value="{preview.version}">'
        f"<button>{_t(lang, 'siaran.send')}</button> "
        f'<span class="muted">{_t(lang, "konsol.siaran.send_hint")}</span></form></section>'
    )


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def _channel(lang: str, line: ChannelLine) -> str:
    """As /rekap words a channel: WhatsApp with delivered and read, Telegram sent only."""
    key = "rekap.channel.read" if line.read is not None else "rekap.channel.sent"
    channel = t_plain(lang, f"channel.{line.channel}")
    return _t(
        lang, key, channel=channel, sent=line.sent, delivered=line.delivered, read=line.read or 0
    )


def reports_section(lang: str, lines: Sequence[ReportLine], zone: str) -> str:
    """Each past broadcast with the chat report's counts, and what each app made of them."""
    refresh = f'<a href="{BASE}#laporan">{_t(lang, "konsol.siaran.refresh")}</a>'
    head = f"<h2>{_t(lang, 'konsol.siaran.reports')}</h2><p>{refresh}</p>"
    if not lines:
        empty = f'<p class="muted">{_t(lang, "konsol.siaran.no_reports")}</p>'
        return f'<section id="laporan">{head}{empty}</section>'
    items = []
    for line in lines:
        broadcast = line.broadcast
        when = format_when(lang, broadcast.created_at, zone)
        counts = "".join(
            f"<span>{_t(lang, f'konsol.siaran.count.{key}', count=getattr(line.counts, key))}"
            "</span>"
            for key in COUNTS
        )
        channels = "".join(
            f'<p class="muted">{_channel(lang, channel)}</p>' for channel in line.channels
        )
        recipients = _t(lang, "konsol.siaran.recipients", count=broadcast.recipients)
        items.append(
            f'<li class="report"><b>#{broadcast.id}</b> · {escape(line.label)}<br>'
            f'<span class="muted">{escape(when)} · {recipients}</span>'
            f'<p class="excerpt">{escape(_excerpt(broadcast.text))}</p>'
            f'<div class="funnel">{counts}</div>{channels}</li>'
        )
    return f'<section id="laporan">{head}<ul class="reports">{"".join(items)}</ul></section>'
