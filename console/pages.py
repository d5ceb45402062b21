"""The console's HTML: one small layout, escaped values, readable at 360 px and at 1280 px.

Server-rendered, no build step and no script: a civil servant's office laptop or a cadre
supervisor's cheap phone gets the same pages. Every text comes from the catalogue, in the
admin's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import TypeVar
from urllib.parse import urlencode

from handlers.i18n import t_plain

T = TypeVar("T")

STYLE = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,sans-serif;color:#1c2430;background:#f4f6f8}
header{background:#0b6e4f;color:#fff;padding:.7rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem;
align-items:center;justify-content:space-between}
header b{font-size:1.05rem}
main{max-width:60rem;margin:0 auto;padding:1rem}
section{background:#fff;border-radius:.6rem;padding:.8rem 1rem;margin:0 0 1rem;
box-shadow:0 1px 2px #0001}
h1{font-size:1.25rem;margin:.2rem 0 1rem}
h2{font-size:1.05rem;margin:.1rem 0 .6rem}
.funnel{display:flex;flex-wrap:wrap;gap:.4rem}
.funnel span{background:#e8f3ee;border-radius:.4rem;padding:.25rem .5rem}
ul{padding-left:1.1rem;margin:.3rem 0}
.muted{color:#5b6573}
form.inline{display:inline}
button{font:inherit;padding:.45rem .9rem;border-radius:.4rem;border:0;background:#0b6e4f;color:#fff}
header button{background:#ffffff22}
.refused{border-left:4px solid #b3261e}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:.3rem .25rem;border-bottom:1px solid #e3e7ea}
td+td,th+th{text-align:right;white-space:nowrap}
a{color:#0b6e4f}
nav a{color:#fff;margin-right:.2rem}
details>summary{cursor:pointer;list-style:none}
details>summary h2{display:inline;margin:0}
details>summary::before{content:"▸ ";color:#0b6e4f}
details[open]>summary::before{content:"▾ "}
details[open]>summary{margin-bottom:.6rem}
form.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr));gap:.5rem;
align-items:end;margin:.2rem 0 .6rem}
form.filters label{display:flex;flex-direction:column;font-size:.85rem;color:#5b6573}
form.filters input,form.filters select{font:inherit;font-size:.95rem;padding:.35rem;
border:1px solid #c9d0d6;border-radius:.35rem;min-width:0}
table.people td+td{text-align:left;white-space:normal}
.code{font:700 3rem/1.1 ui-monospace,monospace;letter-spacing:.3rem;margin:.4rem 0}
svg.qr{width:min(70vw,16rem);height:auto;display:block;margin:.4rem 0}
.small{font-size:.8rem;word-break:break-all}
img.evidence{max-width:100%;max-height:14rem;border-radius:.3rem;margin:.2rem .3rem .2rem 0}
ul.reports{list-style:none;padding:0}
li.report{border-bottom:1px solid #e3e7ea;padding:.4rem 0 .8rem}
li.report form{margin:.4rem 0}
li.report textarea{display:block;width:100%;font:inherit;margin:.2rem 0}
button.light{background:#e8f3ee;color:#0b6e4f}
.late{color:#b3261e;font-size:.85rem}
label.check{flex-direction:row;align-items:center;gap:.3rem}
section.card h3{font-size:.95rem;margin:.6rem 0 0}
@media print{section.card{break-inside:avoid}}
form.stack label,form.stack fieldset{display:flex;flex-direction:column;gap:.2rem;
margin:0 0 .7rem;font-size:.9rem;color:#5b6573}
form.stack fieldset{border:1px solid #e3e7ea;border-radius:.4rem;padding:.4rem .6rem}
form.stack label.check{flex-direction:row;align-items:center;gap:.4rem;margin:.1rem 0;
color:#1c2430}
form.stack input:not([type=radio]),form.stack textarea{font:inherit;color:#1c2430;
padding:.4rem;border:1px solid #c9d0d6;border-radius:.35rem;width:100%;min-width:0}
.bubble{white-space:pre-wrap;overflow-wrap:anywhere;background:#e8f3ee;border-radius:.6rem;
padding:.6rem .8rem;margin:.4rem 0 .8rem}
.minutes{white-space:pre-wrap}
form.siaran fieldset{border:0;padding:0;margin:0 0 .6rem}
form.siaran legend{font-weight:600;margin-bottom:.3rem}
form.siaran label{display:block;margin:.25rem 0}
form.siaran select,form.siaran input[type=search],form.siaran textarea{display:block;
width:100%;max-width:100%;font:inherit;padding:.35rem;border:1px solid #c9d0d6;
border-radius:.35rem;margin:.2rem 0 .4rem}
form.siaran .sub{margin-left:1.6rem}
.excerpt{white-space:pre-wrap;overflow-wrap:anywhere;margin:.3rem 0}
@media print{header,form,nav{display:none}body{background:#fff}section{box-shadow:none}}
"""


def page(lang: str, title: str, body: str, *, signed_in: str = "", csrf: str = "") -> str:
    """A whole page: ``body`` is HTML made here (values escaped where it was built)."""
    out = ""
    if signed_in:
        out = (
            f'<form class="inline" method="post" action="/konsol/keluar">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
            f"<button>{escape(t_plain(lang, 'konsol.sign_out'))}</button></form>"
        )
    who = f"<span>{escape(signed_in)}</span>" if signed_in else ""
    if signed_in:
        links = (
            ("/konsol/", "konsol.home"),
            ("/konsol/rapat/baru", "konsol.new_meeting"),
            ("/konsol/peserta", "konsol.people"),
            ("/konsol/tindak-lanjut", "konsol.actions"),
            ("/konsol/siaran", "konsol.siaran"),
        )
        who = (
            "<nav>"
            + " · ".join(
                f'<a href="{href}">{escape(t_plain(lang, key))}</a>' for href, key in links
            )
            + f"</nav>{who}"
        )
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · {escape(t_plain(lang, 'konsol.name'))}</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<header><b>{escape(t_plain(lang, 'konsol.name'))}</b>{who}{out}</header>"
        f"<main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )


def message(lang: str, title_key: str, text_key: str, **values: object) -> str:
    """A page that only says something (a refused link, signed out)."""
    text = escape(t_plain(lang, text_key, **values))
    return page(lang, t_plain(lang, title_key), f'<section class="refused"><p>{text}</p></section>')


def options(values: Sequence[tuple[str, str]], chosen: str) -> str:
    """A select's options, the chosen one selected."""
    return "".join(
        f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>'
        f"{escape(label)}</option>"
        for value, label in values
    )


def query(values: Mapping[str, str]) -> str:
    """A filtered view's query string: the fields that are set."""
    return urlencode({key: value for key, value in values.items() if value})


def page_of(rows: Sequence[T], page_no: int, size: int) -> tuple[Sequence[T], int, int]:
    """The rows of one page, that page's number (kept within the pages there are) and how many
    pages there are: a forged or stale page number shows the nearest page."""
    pages = max(1, -(-len(rows) // size))
    page_no = min(max(page_no, 1), pages)
    return rows[(page_no - 1) * size : page_no * size], page_no, pages


def pager(lang: str, href: Callable[[int], str], page_no: int, pages: int) -> str:
    """◀ halaman 2 dari 5 ▶, each arrow a link to its page."""
    turn = []
    if page_no > 1:
        turn.append(f'<a href="{href(page_no - 1)}">◀</a>')
    if pages > 1:
        turn.append(escape(t_plain(lang, "konsol.page", page=page_no, pages=pages)))
    if page_no < pages:
        turn.append(f'<a href="{href(page_no + 1)}">▶</a>')
    return f"<p>{' '.join(turn)}</p>"
