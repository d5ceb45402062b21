"""Playing a person on WhatsApp: write, tap buttons, send photos, read what the business sent.

Each action becomes the inbound webhook Meta would send and waits until the bot's endpoint
accepted it (or every retry failed), so a test's next line sees the bot's reaction as soon as
it exists. Waiting for the bot is event-driven, never a fixed sleep.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from typing import Any

from sandbox.errors import SandboxUsageError
from sandbox.files import make_png
from sandbox.whatsapp.ids import new_wamid
from sandbox.whatsapp.media import make_jpeg, make_ogg, make_webp, sniff_image
from sandbox.whatsapp.records import WhatsAppMessage
from sandbox.whatsapp.state import Chat, WhatsAppNumber, WhatsAppProfile, WhatsAppWorld
from sandbox.world import wait_until

TYPING_SECONDS = 25.0


class WhatsAppUser:
    """A person with a phone number (her wa_id) and a business-scoped user id.

    She talks to the sandbox's first business number unless bound to another with `at()`.
    """

    def __init__(
        self,
        wa: WhatsAppWorld,
        profile: WhatsAppProfile,
        business: Callable[[], WhatsAppNumber],
    ) -> None:
        self._wa = wa
        self.profile = profile
        self._business = business
        self._cursor = 0

    # ------------------------------------------------------------------ identity
    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def phone(self) -> str:
        return self.profile.phone

    @property
    def wa_id(self) -> str:
        return self.profile.wa_id

    @property
    def user_id(self) -> str:
        return self.profile.user_id

    @property
    def label(self) -> str | None:
        return self.profile.label

    def __repr__(self) -> str:
        return f"<WhatsAppUser {self.name!r} wa_id={self.wa_id} user_id={self.user_id}>"

    @property
    def business(self) -> WhatsAppNumber:
        return self._business()

    def at(self, number: WhatsAppNumber) -> WhatsAppUser:
        """The same person, talking to another business number."""
        return WhatsAppUser(self._wa, self.profile, lambda: number)

    # ------------------------------------------------------------------ chat state
    @property
    def chat(self) -> Chat:
        return self.business.chat(self.profile)

    @property
    def messages(self) -> list[WhatsAppMessage]:
        """What the business sent that reached her phone, oldest first."""
        return list(self.chat.messages)

    @property
    def last_message(self) -> WhatsAppMessage | None:
        messages = self.chat.messages
        return messages[-1] if messages else None

    @property
    def undelivered(self) -> list[WhatsAppMessage]:
        """Messages the API accepted but that failed (131047 and co.): she never saw them."""
        return list(self.chat.undelivered)

    @property
    def pending(self) -> list[WhatsAppMessage]:
        """Sent while she was offline; they arrive when she comes online."""
        return list(self.chat.pending)

    @property
    def sent(self) -> list[dict[str, Any]]:
        """Her own messages, as the business received them."""
        return list(self.chat.inbound)

    @property
    def unread(self) -> list[WhatsAppMessage]:
        return self.messages[self._cursor :]

    def mark_read(self) -> None:
        """Move the `next_message` cursor to the end (no read receipts; see read_all)."""
        self._cursor = len(self.chat.messages)

    @property
    def last_inbound_at(self) -> float | None:
        """Sandbox-clock time of her last message to this business (it opened the window)."""
        return self.chat.last_inbound_at

    @property
    def window_open(self) -> bool:
        return self.chat.window_open(self._wa.now())

    @property
    def online(self) -> bool:
        return self.profile.online

    def go_offline(self) -> None:
        """Her phone is off: messages stay `sent` until go_online()."""
        self.profile.online = False

    def go_online(self) -> None:
        self.profile.online = True
        for number in self._wa.numbers.values():
            chat = number.chats.get(self.wa_id)
            if chat is not None and chat.pending:
                number.deliver_pending(chat)

    def read_all(self) -> list[WhatsAppMessage]:
        """She opens the chat: delivered messages turn `read` (status webhooks follow)."""
        return self.business.read(self.chat)

    def seen_by_business(self, message_id: str | None = None) -> bool:
        """Whether the business marked her message (by default her last one) as read."""
        inbound = self.chat.inbound
        if message_id is None:
            if not inbound:
                return False
            message_id = inbound[-1].get("id")
        return message_id in self.chat.read_by_business

    @property
    def business_typing(self) -> bool:
        at = self.chat.typing_at
        return at is not None and self._wa.now() - at < TYPING_SECONDS

    # ------------------------------------------------------------------ sending
    def _base(self, kind: str, reply_to: WhatsAppMessage | str | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {
            "from": self.wa_id,
            "id": new_wamid(self.wa_id, outbound=False),
            "timestamp": str(int(self._wa.now())),
            "type": kind,
        }
        if reply_to is not None:
            target = reply_to if isinstance(reply_to, str) else reply_to.id
            message["context"] = {"from": self.business.display_phone_number, "id": target}
        return message

    async def _send(self, message: dict[str, Any], *, check: bool = True) -> dict[str, Any]:
        if not self.profile.online:
            raise SandboxUsageError(f"{self.name} is offline; go_online() first")
        done = self.business.receive(self.profile, message, check=check)
        if done is not None:
            await asyncio.shield(done)
        return message

    async def send_text(
        self, text: str, *, reply_to: WhatsAppMessage | str | None = None
    ) -> dict[str, Any]:
        """A text message (optionally quoting one of the business's messages)."""
        if not text.strip():
            raise SandboxUsageError("WhatsApp cannot send an empty message")
        if len(text) > 65536:
            raise SandboxUsageError("WhatsApp clients cap a text at 65536 characters")
        message = self._base("text", reply_to)
        message["text"] = {"body": text}
        return await self._send(message)

    async def press(self, label: str, message: WhatsAppMessage | None = None) -> dict[str, Any]:
        """Tap a reply button, pick a list row, or tap a template's quick reply, by label.

        Without `message`, the newest message that shows that label is used.
        """
        delivered = self.chat.messages
        if message is not None and message not in delivered:
            raise SandboxUsageError(f"{self.name} never received {message!r}")
        candidates = [message] if message is not None else list(reversed(delivered))
        for msg in candidates:
            if msg is not None and label in msg.labels:
                return await self._send(self._tap(msg, label))
        shown = [f"{m.id[-8:]}: {m.buttons}" for m in delivered if m.buttons]
        raise SandboxUsageError(
            f"{self.name}: no button {label!r}. Buttons shown: {shown or 'none'}"
        )

    def _tap(self, msg: WhatsAppMessage, label: str) -> dict[str, Any]:
        reply = self._base("interactive", msg)
        if msg.type == "template":
            assert msg.template is not None
            index = msg.buttons[0].index(label)
            reply["type"] = "button"
            reply["button"] = {"payload": msg.template.payloads[index], "text": label}
        elif msg.interactive_type == "list":
            row = next(r for r in msg.rows if r.title == label)
            chosen: dict[str, Any] = {"id": row.id, "title": row.title}
            if row.description:
                chosen["description"] = row.description
            reply["interactive"] = {"type": "list_reply", "list_reply": chosen}
        else:
            index = msg.buttons[0].index(label)
            reply["interactive"] = {
                "type": "button_reply",
                "button_reply": {"id": msg.button_ids[index], "title": label},
            }
        return reply

    def _media(
        self, data: bytes, mime: str, filename: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        item = self.business.store_user_media(data, mime, filename)
        body: dict[str, Any] = {
            "mime_type": mime,
            "sha256": item.sha256_b64,
            "id": item.id,
            "url": self._wa.media.url(self._wa.base_url, item, self._wa.now()),
        }
        if filename is not None:
            body["filename"] = filename
        body.update({k: v for k, v in extra.items() if v is not None})
        return body

    async def send_photo(
        self, data: bytes | None = None, caption: str | None = None, mime: str = "image/jpeg"
    ) -> dict[str, Any]:
        """A photo; without `data` a small image of type `mime` (JPEG or PNG) is made up.

        WhatsApp reports the file's real type, so given bytes must be a JPEG or a PNG.
        """
        if data is None:
            if mime not in ("image/jpeg", "image/png"):
                raise SandboxUsageError("send_photo makes up JPEG or PNG images only")
            data = make_jpeg() if mime == "image/jpeg" else make_png()
        actual = sniff_image(data)
        if actual is None:
            raise SandboxUsageError("send_photo needs JPEG or PNG bytes")
        message = self._base("image")
        message["image"] = self._media(data, actual, caption=caption or None)
        return await self._send(message)

    async def send_document(
        self,
        data: bytes,
        filename: str,
        mime: str = "application/pdf",
        caption: str | None = None,
    ) -> dict[str, Any]:
        if not data or not filename or "/" not in mime:
            raise SandboxUsageError("send_document needs bytes, a file name and a MIME type")
        message = self._base("document")
        message["document"] = self._media(data, mime, filename, caption=caption or None)
        return await self._send(message)

    async def send_sticker(
        self, data: bytes | None = None, animated: bool = False
    ) -> dict[str, Any]:
        message = self._base("sticker")
        message["sticker"] = self._media(data or make_webp(), "image/webp", animated=animated)
        return await self._send(message)

    async def send_audio(
        self, data: bytes | None = None, voice: bool = True, mime: str = "audio/ogg; codecs=opus"
    ) -> dict[str, Any]:
        """A voice note by default (what people send instead of typing)."""
        message = self._base("audio")
        message["audio"] = self._media(data or make_ogg(), mime, voice=voice)
        return await self._send(message)

    async def send_location(
        self,
        latitude: float,
        longitude: float,
        name: str | None = None,
        address: str | None = None,
    ) -> dict[str, Any]:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise SandboxUsageError(f"({latitude}, {longitude}) is not a place on Earth")
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if name:
            location["name"] = name
        if address:
            location["address"] = address
        message = self._base("location")
        message["location"] = location
        return await self._send(message)

    async def send_raw(self, message: dict[str, Any]) -> dict[str, Any]:
        """Any inbound message object, unchecked (from/id/timestamp filled in if missing):
        for proving the bot copes with shapes the sandbox itself never produces."""
        raw = copy.deepcopy(message)
        base = self._base(str(raw.get("type", "text")))
        for key in ("from", "id", "timestamp"):
            raw.setdefault(key, base[key])
        return await self._send(raw, check=False)

    # ------------------------------------------------------------------ waiting
    async def next_message(self, timeout: float = 5.0) -> WhatsAppMessage:
        """The next delivered message not yet returned here, waiting for it if needed."""
        if len(self.chat.messages) <= self._cursor:
            await self.wait_for(
                lambda msgs: len(msgs) > self._cursor, timeout, what="a new message"
            )
        message = self.chat.messages[self._cursor]
        self._cursor += 1
        return message

    async def wait_for(
        self,
        predicate: Callable[[list[WhatsAppMessage]], object],
        timeout: float = 5.0,
        *,
        what: str = "the condition",
    ) -> list[WhatsAppMessage]:
        return await wait_until(
            self.chat.waiters,
            lambda: self.messages,
            predicate,
            timeout,
            lambda: f"waited {timeout}s for {what}\n{self.dump()}",
        )

    def dump(self) -> str:
        chat = self.chat
        lines = [f"{self.name} ({self.wa_id}) with {self.business.display_phone_number}:"]
        events: list[tuple[float, str]] = []
        for m in chat.inbound:
            content = m.get(m.get("type", ""), {})
            events.append((float(m.get("timestamp", 0)), f"  > {m.get('type')}: {content}"))
        for msg in chat.messages + chat.pending + chat.undelivered:
            events.append((msg.sent_at, f"  < {msg!r}"))
        lines.extend(text for _, text in sorted(events, key=lambda e: e[0]))
        return "\n".join(lines)
