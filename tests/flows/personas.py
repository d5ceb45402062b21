"""Story steps that read the same on both channels: a persona on Telegram or on WhatsApp.

The stories (register, answer an invitation, get a reminder, report) are written once against
``Persona`` and run once per channel, so "a rule changed once changes both" is checked where
people see it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sandbox.users import SandboxUser
from sandbox.whatsapp.users import WhatsAppUser
from tests.flows.conftest import World

CHANNELS = ("telegram", "whatsapp")


class Shown(Protocol):
    @property
    def text(self) -> str: ...


def _said(message: Any) -> str:
    """A message's text, or a photo's caption (Telegram keeps them apart)."""
    return getattr(message, "content", None) or message.text or ""


class Persona:
    def __init__(self, world: World, channel: str, name: str, phone: str) -> None:
        self.channel = channel
        self.world = world
        self.phone = phone
        self.user: SandboxUser | WhatsAppUser = (
            world.user(name, phone) if channel == "telegram" else world.wa_user(name, phone)
        )

    @classmethod
    def wrap(cls, world: World, user: SandboxUser | WhatsAppUser) -> Persona:
        """A persona around a user made elsewhere."""
        persona = cls.__new__(cls)
        persona.world, persona.user = world, user
        persona.channel = "telegram" if isinstance(user, SandboxUser) else "whatsapp"
        persona.phone = user.phone or ""
        return persona

    @property
    def on_whatsapp(self) -> bool:
        return self.channel == "whatsapp"

    @property
    def messages(self) -> Sequence[Any]:
        return self.user.messages

    @property
    def last(self) -> Any:
        return self.user.messages[-1]

    def texts(self) -> list[str]:
        return [m.text for m in self.user.messages]

    async def send(self, text: str) -> None:
        await self.user.send_text(text)

    async def send_photo(self, data: bytes) -> None:
        await self.user.send_photo(data)

    def command(self, name: str) -> str:
        """How the person asks for something: /tindaklanjut on Telegram, TINDAKLANJUT on
        WhatsApp (which has no bot commands)."""
        return name.upper() if self.on_whatsapp else f"/{name}"

    async def press(self, label: str, message: Any = None) -> str:
        """Press a button; the bot's short answer (Telegram's alert, WhatsApp's message)."""
        if isinstance(self.user, SandboxUser):
            return await self.user.press(label, message=message) or ""
        await self.user.press(label, message=message)
        return ""  # WhatsApp has no alerts: what the bot says comes as a message

    async def wait_for(
        self, check: Callable[[Sequence[Any]], bool], timeout: float = 5.0
    ) -> Sequence[Any]:
        return await self.user.wait_for(check, timeout=timeout)  # type: ignore[arg-type]

    async def wait_text(self, needle: str, timeout: float = 5.0) -> Any:
        """The newest message holding ``needle`` (waiting for it)."""
        found = await self.wait_for(lambda ms: any(needle in _said(m) for m in ms), timeout)
        return [m for m in found if needle in _said(m)][-1]

    async def register(self) -> str:
        """Consent, then the roster match: /start, Setuju, Bagikan nomor HP on Telegram;
        DAFTAR, Setuju on WhatsApp (the number is known). The bot's welcome."""
        if isinstance(self.user, SandboxUser):
            await self.user.send_text("/start")
            notice = await self.user.next_message()
            assert "pemberitahuan privasi" in notice.text
            await self.user.press("Setuju")
            await self.user.next_message()
            await self.user.press("Bagikan nomor HP")
            return (await self.user.next_message()).text
        await self.user.send_text("DAFTAR")
        notice = await self.wait_text("pemberitahuan privasi")
        assert notice.labels == ["Setuju", "Tidak setuju"]
        await self.user.press("Setuju")
        return str((await self.wait_text("Akun Anda sudah terhubung")).text)
