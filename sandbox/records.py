"""Plain records shared by the world, the HTTP layer and the user-playing API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.html_entities import to_html


@dataclass
class UserProfile:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    phone: str | None = None
    language_code: str | None = None
    label: str | None = None

    def as_user(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out

    def as_chat(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "first_name": self.first_name, "type": "private"}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        return out

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass(eq=False)
class ChatMessage:
    """One message of a private chat as it is *now* (edits applied, deletion marked).

    `data` is the Message object exactly as the bot would receive it; `reply_markup`
    keeps what the bot sent, including reply keyboards that Telegram never echoes back.
    """

    message_id: int
    from_bot: bool
    data: dict[str, Any]
    reply_markup: dict[str, Any] | None = None
    edited: bool = False
    deleted: bool = False

    @property
    def text(self) -> str | None:
        return self.data.get("text")

    @property
    def caption(self) -> str | None:
        return self.data.get("caption")

    @property
    def content(self) -> str:
        return self.data.get("text") or self.data.get("caption") or ""

    @property
    def entities(self) -> list[dict[str, Any]]:
        return list(self.data.get("entities") or self.data.get("caption_entities") or [])

    @property
    def html(self) -> str:
        return to_html(self.content, self.entities)

    @property
    def photo(self) -> list[dict[str, Any]] | None:
        return self.data.get("photo")

    @property
    def document(self) -> dict[str, Any] | None:
        return self.data.get("document")

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        markup = self.data.get("reply_markup") or {}
        return list(markup.get("inline_keyboard", []))

    @property
    def buttons(self) -> list[list[str]]:
        return [[b["text"] for b in row] for row in self.inline_keyboard]

    @property
    def kind(self) -> str:
        for key in ("text", "photo", "document", "sticker", "contact", "location"):
            if key in self.data:
                return key
        return "other"

    def __repr__(self) -> str:
        flags = "".join(f" {f}" for f in ("edited", "deleted") if getattr(self, f))
        who = "bot" if self.from_bot else "user"
        body = self.content if self.kind in ("text", "photo", "document") else f"<{self.kind}>"
        buttons = f" buttons={self.buttons}" if self.buttons else ""
        return f"<#{self.message_id} {who}{flags}: {body!r}{buttons}>"


@dataclass
class CallbackAnswer:
    text: str | None
    show_alert: bool = False
    url: str | None = None


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class ApiCall:
    """One entry of `Sandbox.calls`: what the bot asked and what it got."""

    bot: str
    method: str
    params: dict[str, Any]
    status: int
    time: float
    duration: float = 0.0
    result: Any = None
    description: str | None = None
    ignored: list[str] = field(default_factory=list)  # client-default noise, see schema.py
