"""The check-in QR as a printable page: taped at the hall's door, scanned by arriving people.

One QR per chat app the bot runs on (Telegram's deep link ``?start=hadir_<kode>``, WhatsApp's
click-to-chat with ``HADIR <kode>`` typed in), and the code in large letters for whoever types
it. The QR is inline SVG: sharp when printed at any size, and allowed by the console's
Content-Security-Policy, which permits no images from anywhere, not even ``data:``.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from console.links import ChatLink
from handlers.i18n import t_plain
from handlers.people_view import format_when
from models.meetings import Meeting


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an inline ``<svg>`` element."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    text: str = image.to_string(encoding="unicode")
    return text.replace("<svg ", '<svg class="qr" role="img" ', 1)


def checkin_body(lang: str, meeting: Meeting, links: Sequence[ChatLink]) -> str:
    when = format_when(lang, meeting.starts_at, meeting.timezone)
    code = escape(meeting.attendance_code)
    parts = [
        '<section class="print">'
        f"<p><b>{escape(when)}</b><br>{escape(meeting.venue)}</p>"
        f"<p>{escape(t_plain(lang, 'konsol.qr.code_intro'))}</p>"
        f'<p class="code">{code}</p>'
        f"<p>{escape(t_plain(lang, 'konsol.qr.type', code=meeting.attendance_code))}</p>"
        "</section>"
    ]
    for link in links:
        label = t_plain(lang, f"konsol.qr.scan.{link.channel}")
        parts.append(
            f'<section class="print"><h2>{escape(label)}</h2>{qr_svg(link.url)}'
            f'<p class="muted small">{escape(link.url)}</p></section>'
        )
    if not links:
        parts.append(f"<section><p>{escape(t_plain(lang, 'konsol.qr.no_links'))}</p></section>")
    return "".join(parts)
