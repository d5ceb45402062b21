"""Printable registration cards: a person's one-tap link as a QR (Telegram: their own token, so
one tap after consent links the account; WhatsApp: the bot's number with DAFTAR typed in), one
card or a Posyandu's whole sheet, for the secretariat to print and hand out at the posyandu."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from console.checkin_page import qr_svg
from console.links import ChatLink
from handlers.i18n import t_plain
from handlers.people_view import organization_name
from models.organizations import Organization
from models.people_directory import PersonRow, Registration


def _t(lang: str, key: str, **values: object) -> str:
    return escape(t_plain(lang, key, **values))


def card(lang: str, row: PersonRow, links: Sequence[ChatLink]) -> str:
    person = row.person
    parts = [
        f'<section class="print card"><h2>{escape(person.name)}</h2>'
        f'<p class="muted">{organization_name(lang, row.organization)} · '
        f"{_t(lang, f'konsol.reg.{row.registration.value}')}</p>"
    ]
    if row.registration in (Registration.TELEGRAM, Registration.BOTH):
        parts.append(f"<p>{_t(lang, 'konsol.card.done')}</p>")
    elif person.is_admin:
        parts.append(f"<p>{_t(lang, 'konsol.card.admin')}</p>")
    for link in links:
        parts.append(
            f"<h3>{_t(lang, f'konsol.card.{link.channel}')}</h3>{qr_svg(link.url)}"
            f'<p class="muted small">{escape(link.url)}</p>'
        )
    if not links:
        parts.append(f"<p>{_t(lang, 'konsol.card.no_links')}</p>")
    parts.append("</section>")
    return "".join(parts)


def sheet_body(
    lang: str,
    organization: Organization | None,
    rows: Sequence[PersonRow],
    links_of: Callable[[PersonRow], Sequence[ChatLink]],
) -> str:
    """One card per person: on paper, each cadre scans her own."""
    intro = _t(lang, "konsol.card.intro")
    cards = "".join(card(lang, row, links_of(row)) for row in rows)
    if not rows:
        cards = f"<section><p>{_t(lang, 'konsol.filter.nothing')}</p></section>"
    name = organization_name(lang, organization) if organization else ""
    return f'<section><p><b>{name}</b></p><p class="muted">{intro}</p></section>{cards}'
