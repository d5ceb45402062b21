"""Plain records of the WhatsApp side: what the business sent, what it called, what failed.

They are what tests assert on, so each keeps both the exact payload the bot sent and the
views a person would read (`text` with formatting removed, `buttons` as rows of labels).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sandbox.whatsapp.markup import strip_markup


class ListRow(NamedTuple):
    id: str
    title: str
    description: str | None


@dataclass
class TemplateInfo:
    """Which approved template a message used, with the values filled in."""

    name: str
    language: str
    params: list[str]
    category: str
    header_params: list[str] = field(default_factory=list)
    payloads: list[str] = field(default_factory=list)  # per quick reply button, in order


@dataclass(eq=False)
class WhatsAppMessage:
    """One message a business sent to a person, as it is now (status updated in place)."""

    id: str
    type: str  # text | interactive | template | image | document
    to: str  # the recipient's wa_id
    phone_id: str  # the business number that sent it
    payload: dict[str, Any]  # the message object exactly as the bot sent it
    sent_at: float
    body: str = ""
    header: str | None = None
    footer: str | None = None
    interactive_type: str | None = None  # button | list
    buttons: list[list[str]] = field(default_factory=list)
    button_ids: list[str] = field(default_factory=list)
    list_button: str | None = None
    sections: list[tuple[str | None, list[ListRow]]] = field(default_factory=list)
    template: TemplateInfo | None = None
    media: bytes | None = None
    media_id: str | None = None
    filename: str | None = None
    mime: str | None = None
    reply_to: str | None = None  # context.message_id, when it named a known message
    tracker: str | None = None  # biz_opaque_callback_data, echoed in statuses
    status: str = "accepted"  # accepted | sent | delivered | read | failed
    error_code: int | None = None
    pricing_category: str | None = None
    billable: bool | None = None
    history: list[tuple[str, float]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """What the person reads: the body (or caption) without WhatsApp's markers."""
        return strip_markup(self.body)

    @property
    def caption(self) -> str | None:
        return (self.body or None) if self.type in ("image", "document") else None

    @property
    def rows(self) -> list[ListRow]:
        return [row for _, rows in self.sections for row in rows]

    @property
    def labels(self) -> list[str]:
        return [label for row in self.buttons for label in row]

    def set_status(self, status: str, at: float) -> None:
        self.status = status
        self.history.append((status, at))

    def __repr__(self) -> str:
        extra = f" buttons={self.buttons}" if self.buttons else ""
        if self.template is not None:
            extra += f" template={self.template.name}"
        code = f" error={self.error_code}" if self.error_code else ""
        return f"<{self.type} {self.status}{code}: {self.text!r}{extra}>"


@dataclass
class WhatsAppCall:
    """One Graph API request: what the bot asked and what the sandbox answered."""

    method: str
    path: str
    time: float
    query: dict[str, str] = field(default_factory=dict)
    json: Any = None
    form: dict[str, Any] | None = None
    status: int = 0
    response: Any = None
    phone_id: str | None = None
    duration: float = 0.0

    @property
    def error_code(self) -> int | None:
        if isinstance(self.response, dict) and isinstance(self.response.get("error"), dict):
            code = self.response["error"].get("code")
            return code if isinstance(code, int) else None
        return None


@dataclass
class Envelope:
    """One webhook body the sandbox produced for a business, delivered or not."""

    body: dict[str, Any]
    raw: bytes
    lane: str
    checked: bool = True  # False for send_raw input, deliberately outside the schema
    delivered: bool = False
    attempts: int = 0
    statuses: list[int] = field(default_factory=list)  # HTTP status per attempt (0: no answer)


@dataclass
class WebhookFailure:
    """An envelope the bot's endpoint never accepted (every retry answered non-2xx)."""

    envelope: Envelope
    errors: list[str]
