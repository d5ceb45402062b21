"""Playing a Telegram user: type, tap buttons, share a contact, read what the bot sent.

Waiting is event-driven (no sleeps): every change of a chat wakes its waiters, so a
test proceeds the moment the bot's answer lands.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sandbox.errors import SandboxUsageError
from sandbox.files import make_png
from sandbox.records import CallbackAnswer, ChatMessage, UserProfile
from sandbox.text_format import format_text
from sandbox.world import BotState, Chat, World, wait_until

_UNSUPPORTED_REPLY_BUTTONS = (
    "request_location",
    "request_users",
    "request_chat",
    "request_poll",
    "web_app",
    "request_managed_bot",
)


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


class SandboxUser:
    """A person in the sandbox; their private chat id equals their user id, as on Telegram."""

    def __init__(self, world: World, profile: UserProfile, bot: Callable[[], BotState]) -> None:
        self._world = world
        self.profile = profile
        self._bot = bot
        self._cursor = 0

    # ------------------------------------------------------------------ identity
    @property
    def id(self) -> int:
        return self.profile.id

    @property
    def first_name(self) -> str:
        return self.profile.first_name

    @property
    def last_name(self) -> str | None:
        return self.profile.last_name

    @property
    def full_name(self) -> str:
        return self.profile.full_name

    @property
    def username(self) -> str | None:
        return self.profile.username

    @property
    def phone(self) -> str | None:
        return self.profile.phone

    @property
    def language_code(self) -> str | None:
        return self.profile.language_code

    @property
    def label(self) -> str | None:
        return self.profile.label

    def __repr__(self) -> str:
        return f"<SandboxUser {self.full_name!r} id={self.id} phone={self.phone!r}>"

    # ------------------------------------------------------------------ chat state
    @property
    def chat(self) -> Chat:
        return self._bot().chat(self.profile)

    @property
    def history(self) -> list[ChatMessage]:
        """Both directions, oldest first."""
        return list(self.chat.messages)

    @property
    def messages(self) -> list[ChatMessage]:
        """What the bot sent to this chat, oldest first, as the messages look now."""
        return list(self.chat.bot_messages)

    @property
    def last_message(self) -> ChatMessage | None:
        sent = self.chat.bot_messages
        return sent[-1] if sent else None

    @property
    def unread(self) -> list[ChatMessage]:
        return self.messages[self._cursor :]

    def mark_read(self) -> None:
        self._cursor = len(self.messages)

    @property
    def reply_keyboard(self) -> dict[str, Any] | None:
        return self.chat.reply_keyboard

    @property
    def answers(self) -> list[CallbackAnswer]:
        return list(self.chat.answers)

    @property
    def blocked(self) -> bool:
        return self.chat.blocked

    @property
    def chat_action(self) -> str | None:
        return self.chat.last_action

    def block_bot(self) -> None:
        self._set_blocked(True)

    def unblock_bot(self) -> None:
        self._set_blocked(False)

    def _set_blocked(self, blocked: bool) -> None:
        chat = self.chat
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        bot = chat.bot
        member = {"status": "member", "user": bot.as_user()}
        kicked = {"status": "kicked", "user": bot.as_user(), "until_date": 0}
        old, new = (member, kicked) if blocked else (kicked, member)
        self._world.push_update(
            bot,
            "my_chat_member",
            {
                "chat": self.profile.as_chat(),
                "from": self.profile.as_user(),
                "date": self._world.now(),
                "old_chat_member": old,
                "new_chat_member": new,
            },
        )
        chat.changed()

    # ------------------------------------------------------------------ sending
    def _send(self, fields: dict[str, Any]) -> ChatMessage:
        chat = self.chat
        if chat.blocked:
            raise SandboxUsageError(f"{self.full_name} has blocked the bot; unblock_bot() first")
        message = self._world.new_message(chat, from_bot=False, fields=fields)
        chat.started = True
        self._world.push_update(chat.bot, "message", message.data)
        return message

    async def send_text(self, text: str) -> dict[str, Any]:
        """Send a text; commands and mentions get entities like a Telegram client adds."""
        plain, entities = format_text(text, None, None)
        if not plain:
            raise SandboxUsageError("Telegram clients cannot send an empty message")
        fields: dict[str, Any] = {"text": plain}
        if entities:
            fields["entities"] = entities
        return self._send(fields).data

    async def share_contact(
        self,
        phone: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """Without `phone`: her own contact (request_contact button); else someone's card."""
        if phone is None:
            if not self.phone:
                raise SandboxUsageError(f"{self.full_name} has no phone number to share")
            contact: dict[str, Any] = {
                "phone_number": _digits(self.phone),
                "first_name": first_name or self.first_name,
                "user_id": self.id,
            }
            if last_name or self.last_name:
                contact["last_name"] = last_name or self.last_name
        else:
            contact = {"phone_number": phone, "first_name": first_name or phone}
            if last_name:
                contact["last_name"] = last_name
            if user_id is not None:
                contact["user_id"] = user_id
        return self._send({"contact": contact}).data

    async def send_photo(
        self, data: bytes | None = None, caption: str | None = None
    ) -> dict[str, Any]:
        stored = self._world.files.add(data if data is not None else make_png(), "photo")
        if not stored.width:
            raise SandboxUsageError("send_photo needs PNG, JPEG, GIF or WebP bytes")
        fields: dict[str, Any] = {"photo": [stored.photo_size()]}
        fields.update(self._caption(caption))
        return self._send(fields).data

    async def send_document(
        self,
        data: bytes,
        file_name: str = "document.pdf",
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        stored = self._world.files.add(data, "document", file_name=file_name, mime_type=mime_type)
        fields: dict[str, Any] = {"document": stored.document()}
        fields.update(self._caption(caption))
        return self._send(fields).data

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        stored = self._world.files.add(make_png(512, 512), "sticker")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.size,
        }
        return self._send({"sticker": sticker}).data

    async def send_message(self, **fields: Any) -> dict[str, Any]:
        """Any other message content (location, venue...), checked against the schema."""
        return self._send(fields).data

    def _caption(self, caption: str | None) -> dict[str, Any]:
        if not caption:
            return {}
        text, entities = format_text(caption, None, None)
        out: dict[str, Any] = {"caption": text}
        if entities:
            out["caption_entities"] = entities
        return out

    # ------------------------------------------------------------------ buttons
    async def press(
        self, label: str, *, timeout: float = 5.0, message: ChatMessage | None = None
    ) -> str | None:
        """Tap a button by its label, newest inline keyboard first, then the reply keyboard.

        For a callback button, wait for the bot's answerCallbackQuery and return its text;
        a bot that never answers leaves the client spinning, so that raises TimeoutError.
        """
        candidates = [message] if message is not None else reversed(self.messages)
        for msg in candidates:
            if msg.deleted:
                continue
            for row in msg.inline_keyboard:
                for button in row:
                    if button["text"] == label:
                        return await self._press_inline(msg, button, timeout)
        if message is None and self._reply_button(label) is not None:
            await self.press_reply(label)
            return None
        raise SandboxUsageError(f"{self.full_name}: no button {label!r}. " + self._labels())

    def _reply_button(self, label: str) -> dict[str, Any] | None:
        keyboard = self.reply_keyboard
        for row in keyboard["keyboard"] if keyboard else []:
            for button in row:
                if button["text"] == label:
                    return dict(button)
        return None

    async def press_reply(self, label: str) -> None:
        """Tap a button of the reply keyboard currently shown (not an inline one)."""
        button = self._reply_button(label)
        if button is None:
            raise SandboxUsageError(
                f"{self.full_name}: no reply button {label!r}. " + self._labels()
            )
        if any(button.get(k) for k in _UNSUPPORTED_REPLY_BUTTONS):
            raise SandboxUsageError(f"button {label!r} is not supported by the sandbox")
        keyboard = self.reply_keyboard or {}
        if keyboard.get("one_time_keyboard"):
            self.chat.reply_keyboard = None
        if button.get("request_contact"):
            await self.share_contact()
        else:
            await self.send_text(button["text"])

    def _labels(self) -> str:
        inline = [
            f"#{m.message_id}: {m.buttons}" for m in self.messages if m.buttons and not m.deleted
        ]
        reply = self.reply_keyboard
        reply_labels = [[b["text"] for b in row] for row in reply["keyboard"]] if reply else None
        return f"Inline keyboards: {inline or 'none'}; reply keyboard: {reply_labels}"

    async def _press_inline(
        self, msg: ChatMessage, button: dict[str, Any], timeout: float
    ) -> str | None:
        if "callback_data" not in button:
            kind = next(k for k in button if k not in ("text", "style", "icon_custom_emoji_id"))
            raise SandboxUsageError(f"button {button['text']!r} is a {kind} button, not pressable")
        return await self._callback(msg, button["callback_data"], repr(button["text"]), timeout)

    async def press_callback(
        self, data: str, *, message: ChatMessage | None = None, timeout: float = 5.0
    ) -> str | None:
        """A forged or stale press: any callback_data, on `message` or her newest bot message.

        A modified client can send any data for any message it sees, so bots must not trust
        callback_data; this lets tests prove that.
        """
        if message is None:
            visible = [m for m in self.messages if not m.deleted]
            if not visible:
                raise SandboxUsageError(f"{self.full_name} has no bot message to press on")
            message = visible[-1]
        return await self._callback(message, data, f"callback data {data!r}", timeout)

    async def _callback(self, msg: ChatMessage, data: str, what: str, timeout: float) -> str | None:
        chat = self.chat
        pending = self._world.new_callback(chat, msg, data)
        query = {
            "id": pending.id,
            "from": self.profile.as_user(),
            "message": msg.data,
            "chat_instance": chat.chat_instance,
            "data": data,
        }
        self._world.push_update(chat.bot, "callback_query", query)
        try:
            answer = await asyncio.wait_for(asyncio.shield(pending.future), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"{self.full_name} pressed {what} but the bot did not answer the "
                f"callback query within {timeout}s\n{self.dump()}"
            ) from None
        return answer.text

    # ------------------------------------------------------------------ waiting
    async def next_message(self, timeout: float = 5.0) -> ChatMessage:
        """The next bot message this user has not read yet, waiting for it if needed."""
        chat = self.chat
        if len(chat.bot_messages) <= self._cursor:
            await self.wait_for(
                lambda msgs: len(msgs) > self._cursor, timeout, what="a new message"
            )
        message = chat.bot_messages[self._cursor]
        self._cursor += 1
        return message

    async def wait_for(
        self,
        predicate: Callable[[list[ChatMessage]], object],
        timeout: float = 5.0,
        *,
        what: str = "the condition",
    ) -> list[ChatMessage]:
        return await wait_until(
            self.chat.waiters,
            lambda: self.messages,
            predicate,
            timeout,
            lambda: f"waited {timeout}s for {what}\n{self.dump()}",
        )

    def dump(self) -> str:
        lines = [f"{self.full_name} (id {self.id}) chat, {len(self.history)} messages:"]
        for msg in self.history:
            read = " " if not msg.from_bot or self.messages.index(msg) < self._cursor else "*"
            lines.append(f"  {read} {msg!r}")
        if self.reply_keyboard:
            rows = [[b["text"] for b in row] for row in self.reply_keyboard["keyboard"]]
            lines.append(f"  reply keyboard: {rows}")
        lines.append("  (* = not yet read by next_message)")
        return "\n".join(lines)
