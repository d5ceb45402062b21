"""The console's pages for making and changing a meeting: the new meeting's form and preview,
a move's form and preview, the cancellation's Ya / Tidak, the minutes' form.

The bot's own texts say what happened (``rapat.*``, ``notulen.*``): they are the chat's HTML
(bold, italics, line breaks) with every value escaped by ``t``, so they go into the page as they
are, line breaks made ``<br>``. The form's own labels come from the console's catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from handlers.i18n import t_plain
from models.meeting_drafts import MeetingForm
from models.meetings import MINUTES_MAX

NEW = "/konsol/rapat/baru"
# The form's field names (Indonesian, as the URL and the page are) and MeetingForm's.
FIELDS: tuple[tuple[str, str], ...] = (
    ("judul", "title"),
    ("tanggal", "day"),
    ("jam", "starts"),
    ("selesai", "ends"),
    ("tempat", "venue"),
    ("acara", "agenda"),
    ("batas", "deadline"),
)
ROLES = ("all", "opd", "kader")
OTHER = "lain"
MINUTES_ACCEPT = ".pdf,.doc,.docx,.jpg,.jpeg,.png,.webp"


def _t(lang: str, key: str, **values: object) -> str:
    return escape(t_plain(lang, key, **values))


def chat_html(text: str) -> str:
    """A chat catalogue text (already safe HTML from ``t``) for the page."""
    return text.replace("\n", "<br>")


def form_of(posted: Mapping[str, object]) -> MeetingForm:
    """The form as posted; a missing field is empty, the audience a choice or typed specs."""

    def value(name: str) -> str:
        found = posted.get(name)
        return found if isinstance(found, str) else ""

    chosen = value("untuk")
    audience = value("untuk_lain") if chosen == OTHER else (chosen if chosen in ROLES else "")
    typed = {field: value(name) for name, field in FIELDS}
    return MeetingForm(audience=audience, **typed)


def _hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'


def form_fields(form: MeetingForm) -> str:
    """The typed answers as hidden fields: "Ubah" and a lost preview show them again."""
    parts = [_hidden(name, getattr(form, field)) for name, field in FIELDS]
    if form.audience in ROLES:
        parts.append(_hidden("untuk", form.audience))
    elif form.audience:
        parts += [_hidden("untuk", OTHER), _hidden("untuk_lain", form.audience)]
    return "".join(parts)


def _problem(problems: Mapping[str, str], field: str) -> str:
    text = problems.get(field)
    return f'<span class="late">{text}</span>' if text else ""


def _input(
    lang: str,
    name: str,
    value: str,
    problem: str,
    *,
    label: str = "",
    hint: str = "",
    required: bool = False,
) -> str:
    needed = " required" if required else ""
    placeholder = f' placeholder="{escape(hint)}"' if hint else ""
    return (
        f"<label>{_t(lang, f'konsol.rapat.field.{label or name}')}"
        f'<input name="{name}" value="{escape(value)}"{placeholder}{needed}>{problem}</label>'
    )


def new_form(
    lang: str,
    csrf: str,
    form: MeetingForm,
    problems: Mapping[str, str],
    examples: Mapping[str, str],
    *,
    lead: str = "",
) -> str:
    """/rapatbaru on one page. ``problems`` are the bot's texts (HTML) by MeetingForm field;
    ``lead`` one said above the form (HTML)."""
    said = ""
    if lead or problems:
        text = lead or _t(lang, "konsol.rapat.problems")
        said = f'<section class="refused"><p>{text}</p></section>'
    hint = {
        "tanggal": t_plain(lang, "konsol.rapat.hint.tanggal", **examples),
        "jam": t_plain(lang, "konsol.rapat.hint.jam"),
        "selesai": t_plain(lang, "konsol.rapat.hint.selesai"),
        "tempat": t_plain(lang, "konsol.rapat.hint.tempat"),
        "batas": t_plain(lang, "konsol.rapat.hint.batas", **examples),
    }
    fields = []
    for name, field in FIELDS:
        problem = _problem(problems, field)
        if name == "acara":
            fields.append(
                f"<label>{_t(lang, 'konsol.rapat.field.acara')}"
                f'<textarea name="acara" rows="3" maxlength="2000">{escape(form.agenda)}'
                f"</textarea>{problem}</label>"
            )
            continue
        required = name in ("judul", "tanggal", "jam", "tempat")
        value = getattr(form, field)
        fields.append(
            _input(lang, name, value, problem, hint=hint.get(name, ""), required=required)
        )
    return (
        f'{said}<section><p class="muted">{_t(lang, "konsol.rapat.intro")}</p>'
        f'<form class="stack" method="post" action="{NEW}">{_hidden("csrf", csrf)}'
        f"{''.join(fields)}{_audience(lang, form, _problem(problems, 'audience'))}"
        f"<button>{_t(lang, 'konsol.rapat.check')}</button></form></section>"
    )


def _audience(lang: str, form: MeetingForm, problem: str) -> str:
    """The bot's three buttons as choices, and the typed specs it also takes."""
    other = form.audience not in ROLES and bool(form.audience)
    choices = [
        f'<label class="check"><input type="radio" name="untuk" value="{role}"'
        f"{' checked' if form.audience == role else ''}> "
        f"{escape(t_plain(lang, f'rapat.aud_{role}'))}</label>"
        for role in ROLES
    ]
    typed = form.audience if other else ""
    choices.append(
        f'<label class="check"><input type="radio" name="untuk" value="{OTHER}"'
        f"{' checked' if other else ''}> {_t(lang, 'konsol.rapat.aud_lain')}</label>"
        f'<input name="untuk_lain" value="{escape(typed)}" '
        f'placeholder="{_t(lang, "konsol.rapat.hint.untuk_lain")}" '
        f'aria-label="{_t(lang, "konsol.rapat.aud_lain")}">'
    )
    return (
        f"<fieldset><legend>{_t(lang, 'konsol.rapat.field.untuk')}</legend>"
        f"{''.join(choices)}{problem}</fieldset>"
    )


def new_preview(
    lang: str,
    csrf: str,
    form: MeetingForm,
    token: str,
    *,
    summary: str,
    ends: str,
    invitation: str,
    reach: str,
) -> str:
    """The bot's preview, the invitation as invitees will read it, who it reaches, and
    "Buat rapat" (the preview's token: a second click makes nothing) or "Ubah"."""
    ending = f"<p>{_t(lang, 'konsol.rapat.ends', when=ends)}</p>" if ends else ""
    reached = f"<p>{_t(lang, 'konsol.rapat.reach')} {reach}.</p>"
    return (
        f"<section><p>{chat_html(summary)}</p>{ending}{reached}"
        f'<form class="inline" method="post" action="{NEW}/buat">{_hidden("csrf", csrf)}'
        f"{_hidden('pratinjau', token)}{form_fields(form)}"
        f"<button>{_t(lang, 'konsol.rapat.create')}</button></form> "
        f'<form class="inline" method="post" action="{NEW}">{_hidden("csrf", csrf)}'
        f"{_hidden('ubah', '1')}{form_fields(form)}"
        f'<button class="light">{_t(lang, "konsol.rapat.edit")}</button></form></section>'
        f"<section><h2>{_t(lang, 'konsol.rapat.invitation')}</h2>"
        f'<div class="bubble">{chat_html(invitation)}</div></section>'
    )


def said(text: str, links: Sequence[tuple[str, str]] = (), *, refused: bool = False) -> str:
    """What happened (a bot's text, HTML), and where to go from here (label already escaped)."""
    kind = ' class="refused"' if refused else ""
    onward = " · ".join(f'<a href="{escape(href)}">{label}</a>' for href, label in links)
    return (
        f"<section{kind}><p>{chat_html(text)}</p>{f'<p>{onward}</p>' if onward else ''}</section>"
    )


def back(lang: str, meeting_id: int) -> tuple[str, str]:
    return f"/konsol/rapat/{meeting_id}", _t(lang, "konsol.rapat.open")


def move_form(
    lang: str,
    csrf: str,
    meeting_id: int,
    *,
    now_text: str,
    day: str,
    starts: str,
    problems: Mapping[str, str],
    examples: Mapping[str, str],
) -> str:
    base = f"/konsol/rapat/{meeting_id}"
    said_problems = ""
    if problems:
        said_problems = (
            f'<section class="refused"><p>{_t(lang, "konsol.rapat.not_moved")}</p></section>'
        )
    fields = _input(
        lang,
        "tanggal",
        day,
        _problem(problems, "day"),
        label="tanggal_baru",
        hint=t_plain(lang, "konsol.rapat.hint.tanggal", **examples),
        required=True,
    ) + _input(
        lang,
        "jam",
        starts,
        _problem(problems, "starts"),
        label="jam_baru",
        hint=t_plain(lang, "konsol.rapat.hint.jam"),
        required=True,
    )
    return (
        f"{said_problems}<section><p>{_t(lang, 'konsol.rapat.now', when=now_text)}</p>"
        f'<form class="stack" method="post" action="{base}/pindah">{_hidden("csrf", csrf)}'
        f"{fields}<button>{_t(lang, 'konsol.rapat.check')}</button> "
        f'<a href="{base}">{escape(t_plain(lang, "rapat.no"))}</a></form></section>'
    )


def move_preview(
    lang: str, csrf: str, meeting_id: int, *, text: str, starts_at: str, version: int
) -> str:
    """The bot's old → new preview; Ya, pindahkan carries the previewed start and the
    meeting's version (a preview of a meeting changed since moves nothing); Tidak goes back."""
    base = f"/konsol/rapat/{meeting_id}"
    return (
        f"<section><p>{chat_html(text)}</p>"
        f'<form class="inline" method="post" action="{base}/pindah/ya">{_hidden("csrf", csrf)}'
        f"{_hidden('mulai', starts_at)}{_hidden('versi', str(version))}"
        f"<button>{escape(t_plain(lang, 'rapat.move_yes'))}</button></form> "
        f'<a href="{base}">{escape(t_plain(lang, "rapat.no"))}</a></section>'
    )


def cancel_question(lang: str, csrf: str, meeting_id: int, *, text: str) -> str:
    base = f"/konsol/rapat/{meeting_id}"
    return (
        f"<section><p>{chat_html(text)}</p>"
        f'<form class="inline" method="post" action="{base}/batal">{_hidden("csrf", csrf)}'
        f"<button>{escape(t_plain(lang, 'rapat.cancel_yes'))}</button></form> "
        f'<a href="{base}">{escape(t_plain(lang, "rapat.no"))}</a></section>'
    )


def minutes_form(lang: str, csrf: str, meeting_id: int, *, title: str, text: str = "") -> str:
    base = f"/konsol/rapat/{meeting_id}"
    return (
        f"<section><p><b>{escape(title)}</b></p>"
        f'<form class="stack" method="post" action="{base}/notulen" '
        f'enctype="multipart/form-data">{_hidden("csrf", csrf)}'
        f"<label>{_t(lang, 'konsol.rapat.minutes_text')}"
        f'<textarea name="notulen" rows="8" maxlength="{MINUTES_MAX}">{escape(text)}</textarea>'
        f"</label><label>{_t(lang, 'konsol.rapat.minutes_file')}"
        f'<input type="file" name="berkas" accept="{MINUTES_ACCEPT}"></label>'
        f"<button>{_t(lang, 'konsol.rapat.minutes_save')}</button></form></section>"
    )


def minutes_recorded(
    lang: str, meeting_id: int, *, text: str, document: str, stored: bool, closed: str
) -> str:
    """A closed meeting's minutes: the text, and the document (a link when it is kept here;
    its name when it was sent in the chat)."""
    base = f"/konsol/rapat/{meeting_id}"
    parts = [f'<p class="muted">{_t(lang, "konsol.rapat.minutes_closed", when=closed)}</p>']
    if text:
        parts.append(f'<p class="minutes">{escape(text)}</p>')
    if document and stored:
        label = _t(lang, "konsol.rapat.minutes_document", name=document)
        parts.append(f'<p><a href="{base}/notulen/berkas">📄 {label}</a></p>')
    elif document:
        parts.append(f"<p>{escape(t_plain(lang, 'notulen.document', name=document))}</p>")
    href, label = back(lang, meeting_id)
    parts.append(f'<p><a href="{href}">{label}</a></p>')
    return f"<section>{''.join(parts)}</section>"
