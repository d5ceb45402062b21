"""Links that open the bot's chat on a phone, for the console's printable QR pages: one-tap
registration (a person's own token on Telegram; DAFTAR typed in on WhatsApp) and check-in at the
hall (``hadir_<kode>`` / ``HADIR <kode>``). The composition root knows the bot's Telegram
username (asked of Telegram at start) and the WhatsApp number; the console only builds URLs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from handlers.checkin import DEEP_LINK_PREFIX
from handlers.registration import START_WORD


@dataclass(frozen=True)
class ChatLink:
    channel: str  # telegram, whatsapp
    url: str


def _nobody() -> str | None:
    return None


@dataclass(frozen=True)
class ChatLinks:
    telegram_username: Callable[[], str | None] = field(default=_nobody)
    whatsapp_number: str | None = None

    def _links(self, start: str | None, typed: str) -> list[ChatLink]:
        found = []
        name = self.telegram_username()
        if name and start:
            found.append(ChatLink("telegram", f"https://t.me/{name}?start={start}"))
        if self.whatsapp_number:
            url = f"https://wa.me/{self.whatsapp_number}?text={quote(typed)}"
            found.append(ChatLink("whatsapp", url))
        return found

    def checkin(self, code: str) -> list[ChatLink]:
        return self._links(f"{DEEP_LINK_PREFIX}{code}", f"HADIR {code}")

    def registration(self, token: str | None) -> list[ChatLink]:
        """A person's own link on Telegram (registers in one tap after consent); on WhatsApp the
        number itself is known, so DAFTAR is the whole of it."""
        return self._links(token, START_WORD)
