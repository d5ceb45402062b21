"""A small schema of what Meta sends, to check the sandbox's own output.

The Telegram side validates every emitted object against the Bot API tables; Meta publishes
no such machine-readable schema, so this is a hand-written one for the envelopes and API
answers the sandbox produces. A violation is a sandbox bug (recorded in `sb.errors`), never
the bot's fault. `check_envelope` is public so tests can check captured bodies too.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.whatsapp.ids import BSUID

_DIGITS = re.compile(r"\d{5,20}")
_ID = re.compile(r"\d{1,20}")
_WAMID = re.compile(r"wamid\.[A-Za-z0-9+/=_-]{8,200}")
_TIMESTAMP = re.compile(r"\d{9,11}")
MESSAGE_TYPES = frozenset(
    {
        "text",
        "interactive",
        "button",
        "image",
        "document",
        "sticker",
        "audio",
        "video",
        "location",
        "contacts",
        "reaction",
        "unsupported",
    }
)
STATUSES = frozenset({"sent", "delivered", "read", "failed"})
CATEGORIES = frozenset({"service", "utility", "marketing", "authentication"})
PRICING_TYPES = frozenset({"regular", "free_customer_service", "free_entry_point"})
MEDIA_FIELDS = {
    "image": {"id", "mime_type", "sha256"},
    "document": {"id", "mime_type", "sha256"},
    "sticker": {"id", "mime_type", "sha256", "animated"},
    "audio": {"id", "mime_type", "sha256", "voice"},
    "video": {"id", "mime_type", "sha256"},
}


class _Check:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def obj(self, value: Any, path: str, required: set[str], optional: set[str]) -> bool:
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, got {type(value).__name__}")
            return False
        for key in sorted(required - set(value)):
            self.fail(path, f"missing {key!r}")
        for key in sorted(set(value) - required - optional):
            self.fail(path, f"unexpected {key!r}")
        return True

    def string(self, value: Any, path: str, pattern: re.Pattern[str] | None = None) -> None:
        if not isinstance(value, str) or not value:
            self.fail(path, f"expected a non-empty string, got {value!r}")
        elif pattern is not None and not pattern.fullmatch(value):
            self.fail(path, f"{value!r} does not match {pattern.pattern}")

    def array(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            self.fail(path, "expected a non-empty array")
            return []
        return value


def check_envelope(envelope: Any) -> list[str]:
    """Problems with a `messages` webhook body, as Meta would never send it; [] if fine."""
    c = _Check()
    if not c.obj(envelope, "envelope", {"object", "entry"}, set()):
        return c.problems
    if envelope["object"] != "whatsapp_business_account":
        c.fail("object", "must be 'whatsapp_business_account'")
    for i, entry in enumerate(c.array(envelope.get("entry"), "entry")):
        if not c.obj(entry, f"entry[{i}]", {"id", "changes"}, set()):
            continue
        c.string(entry["id"], f"entry[{i}].id", _ID)
        for j, change in enumerate(c.array(entry.get("changes"), f"entry[{i}].changes")):
            path = f"entry[{i}].changes[{j}]"
            if c.obj(change, path, {"field", "value"}, set()):
                if change["field"] != "messages":
                    c.fail(f"{path}.field", "only 'messages' is produced")
                _value(c, change["value"], f"{path}.value")
    return c.problems


def _value(c: _Check, value: Any, path: str) -> None:
    if not c.obj(
        value, path, {"messaging_product", "metadata"}, {"contacts", "messages", "statuses"}
    ):
        return
    if value["messaging_product"] != "whatsapp":
        c.fail(f"{path}.messaging_product", "must be 'whatsapp'")
    if c.obj(
        value["metadata"], f"{path}.metadata", {"display_phone_number", "phone_number_id"}, set()
    ):
        c.string(
            value["metadata"]["display_phone_number"],
            f"{path}.metadata.display_phone_number",
            _DIGITS,
        )
        c.string(value["metadata"]["phone_number_id"], f"{path}.metadata.phone_number_id", _ID)
    if ("messages" in value) == ("statuses" in value):
        c.fail(path, "exactly one of 'messages' and 'statuses'")
    if "messages" in value and "contacts" not in value:
        c.fail(path, "incoming messages come with 'contacts'")
    for k, contact in enumerate(value.get("contacts") or []):
        _contact(c, contact, f"{path}.contacts[{k}]")
    for k, message in enumerate(
        c.array(value["messages"], f"{path}.messages") if "messages" in value else []
    ):
        _message(c, message, f"{path}.messages[{k}]")
    for k, status in enumerate(
        c.array(value["statuses"], f"{path}.statuses") if "statuses" in value else []
    ):
        _status(c, status, f"{path}.statuses[{k}]")


def _contact(c: _Check, contact: Any, path: str) -> None:
    if not c.obj(contact, path, {"wa_id"}, {"profile", "user_id"}):
        return
    c.string(contact["wa_id"], f"{path}.wa_id", _DIGITS)
    if "user_id" in contact:
        c.string(contact["user_id"], f"{path}.user_id", BSUID)
    if "profile" in contact and c.obj(contact["profile"], f"{path}.profile", {"name"}, set()):
        c.string(contact["profile"]["name"], f"{path}.profile.name")


def _message(c: _Check, msg: Any, path: str) -> None:
    kinds = set(MESSAGE_TYPES)
    if not c.obj(msg, path, {"from", "id", "timestamp", "type"}, kinds | {"context", "errors"}):
        return
    c.string(msg["from"], f"{path}.from", _DIGITS)
    c.string(msg["id"], f"{path}.id", _WAMID)
    c.string(msg["timestamp"], f"{path}.timestamp", _TIMESTAMP)
    kind = msg["type"]
    if kind not in MESSAGE_TYPES:
        c.fail(f"{path}.type", f"unknown type {kind!r}")
        return
    if kind != "unsupported" and kind not in msg:
        c.fail(path, f"type {kind!r} without its {kind!r} object")
    if "context" in msg and c.obj(msg["context"], f"{path}.context", {"from", "id"}, set()):
        c.string(msg["context"]["id"], f"{path}.context.id", _WAMID)
    body = msg.get(kind)
    where = f"{path}.{kind}"
    if kind == "text" and c.obj(body, where, {"body"}, set()):
        c.string(body["body"], f"{where}.body")
    elif kind == "interactive" and c.obj(body, where, {"type"}, {"button_reply", "list_reply"}):
        sub = body["type"]
        optional = {"description"} if sub == "list_reply" else set()
        if sub not in ("button_reply", "list_reply"):
            c.fail(f"{where}.type", f"unknown interactive reply {sub!r}")
        elif c.obj(body.get(sub), f"{where}.{sub}", {"id", "title"}, optional):
            c.string(body[sub]["title"], f"{where}.{sub}.title")
        if "context" not in msg:
            c.fail(path, "a reply to an interactive message carries its context")
    elif kind == "button" and c.obj(body, where, {"text", "payload"}, set()):
        c.string(body["text"], f"{where}.text")
    elif kind in MEDIA_FIELDS and c.obj(
        body, where, MEDIA_FIELDS[kind], {"caption", "filename", "url"}
    ):
        c.string(body["id"], f"{where}.id", _ID)
        c.string(body["mime_type"], f"{where}.mime_type")
    elif kind == "location" and c.obj(
        body, where, {"latitude", "longitude"}, {"name", "address", "url"}
    ):
        for axis, limit in (("latitude", 90), ("longitude", 180)):
            v = body[axis]
            if not isinstance(v, int | float) or isinstance(v, bool) or abs(v) > limit:
                c.fail(f"{where}.{axis}", f"{v!r} is not a coordinate")


def _status(c: _Check, status: Any, path: str) -> None:
    optional = {
        "conversation",
        "pricing",
        "errors",
        "biz_opaque_callback_data",
        "recipient_user_id",
    }
    if not c.obj(status, path, {"id", "status", "timestamp", "recipient_id"}, optional):
        return
    c.string(status["id"], f"{path}.id", _WAMID)
    c.string(status["timestamp"], f"{path}.timestamp", _TIMESTAMP)
    c.string(status["recipient_id"], f"{path}.recipient_id", _DIGITS)
    state = status["status"]
    if state not in STATUSES:
        c.fail(f"{path}.status", f"unknown status {state!r}")
    if (state == "failed") != ("errors" in status):
        c.fail(path, "'errors' comes with, and only with, a failed status")
    for k, error in enumerate(
        c.array(status["errors"], f"{path}.errors") if "errors" in status else []
    ):
        where = f"{path}.errors[{k}]"
        if c.obj(error, where, {"code", "title", "message", "error_data"}, {"href"}):
            if not isinstance(error["code"], int):
                c.fail(f"{where}.code", "must be an integer")
            c.obj(error["error_data"], f"{where}.error_data", {"details"}, set())
    if "conversation" in status and c.obj(
        status["conversation"], f"{path}.conversation", {"id", "origin"}, {"expiration_timestamp"}
    ):
        origin = status["conversation"]["origin"]
        if (
            c.obj(origin, f"{path}.conversation.origin", {"type"}, set())
            and origin["type"] not in CATEGORIES
        ):
            c.fail(f"{path}.conversation.origin.type", f"unknown category {origin['type']!r}")
    if "pricing" in status and c.obj(
        status["pricing"],
        f"{path}.pricing",
        {"billable", "pricing_model", "category", "type"},
        set(),
    ):
        pricing = status["pricing"]
        if not isinstance(pricing["billable"], bool):
            c.fail(f"{path}.pricing.billable", "must be a boolean")
        if pricing["pricing_model"] != "PMP":
            c.fail(f"{path}.pricing.pricing_model", "must be 'PMP'")
        if pricing["category"] not in CATEGORIES:
            c.fail(f"{path}.pricing.category", f"unknown category {pricing['category']!r}")
        if pricing["type"] not in PRICING_TYPES:
            c.fail(f"{path}.pricing.type", f"unknown pricing type {pricing['type']!r}")


def check_send_response(body: Any) -> list[str]:
    """Problems with a `POST /messages` answer."""
    c = _Check()
    if c.obj(body, "response", {"messaging_product", "contacts", "messages"}, set()):
        for k, contact in enumerate(c.array(body["contacts"], "contacts")):
            c.obj(contact, f"contacts[{k}]", {"input"}, {"wa_id", "user_id"})
            if isinstance(contact, dict) and not ({"wa_id", "user_id"} & set(contact)):
                c.fail(f"contacts[{k}]", "needs wa_id or user_id")
        for k, message in enumerate(c.array(body["messages"], "messages")):
            if c.obj(message, f"messages[{k}]", {"id"}, {"message_status"}):
                c.string(message["id"], f"messages[{k}].id", _WAMID)
    return c.problems


def check_media_info(body: Any) -> list[str]:
    """Problems with a `GET /<media_id>` answer."""
    c = _Check()
    if c.obj(
        body, "media", {"messaging_product", "url", "mime_type", "sha256", "file_size", "id"}, set()
    ):
        if not isinstance(body["file_size"], int):
            c.fail("media.file_size", "must be an integer")
        c.string(body["id"], "media.id", _ID)
        c.string(body["sha256"], "media.sha256", re.compile(r"[0-9a-f]{64}"))
    return c.problems
