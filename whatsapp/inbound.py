"""Reading the Cloud API's webhook envelopes: which messages and which delivery statuses.

An envelope may carry several messages and statuses, of several numbers; each message is
stored in the inbox on its own (keyed by its ``wamid``, so a re-delivered envelope is handled
once), and each status updates the outbox row it names. A body that is not an envelope is a
``BadEnvelope`` (answered 400 and logged, never a crash).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


class BadEnvelope(ValueError):
    """Not a WhatsApp Business Account webhook body."""


@dataclass(frozen=True)
class InboundMessage:
    """One message as stored in the inbox: the message object, and who sent it."""

    wamid: str
    wa_id: str
    user_id: str | None
    name: str
    timestamp: int
    message: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(
            {
                "wa_id": self.wa_id,
                "user_id": self.user_id,
                "name": self.name,
                "message": self.message,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )


@dataclass(frozen=True)
class Status:
    wamid: str
    status: str  # sent | delivered | read | failed
    timestamp: int
    error_code: int | None = None
    error_title: str = ""


def _dict(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadEnvelope(f"{what} is not an object")
    return value


def _list(value: object, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadEnvelope(f"{what} is not a list")
    return value


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def parse_envelope(raw: bytes) -> tuple[list[InboundMessage], list[Status]]:
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise BadEnvelope(f"not JSON: {exc}") from exc
    body = _dict(body, "the body")
    if body.get("object") != "whatsapp_business_account":
        raise BadEnvelope(f"object is {body.get('object')!r}")
    messages: list[InboundMessage] = []
    statuses: list[Status] = []
    for entry in _list(body.get("entry"), "entry"):
        for change in _list(_dict(entry, "an entry").get("changes"), "changes"):
            change = _dict(change, "a change")
            if change.get("field") != "messages":
                continue  # account updates, template reviews…: not ours to handle
            value = _dict(change.get("value"), "a change's value")
            messages += _messages(value)
            statuses += _statuses(value)
    return messages, statuses


def _messages(value: dict[str, Any]) -> list[InboundMessage]:
    contacts = {}
    for contact in _list(value.get("contacts"), "contacts"):
        contact = _dict(contact, "a contact")
        contacts[str(contact.get("wa_id") or contact.get("user_id") or "")] = contact
    found = []
    for message in _list(value.get("messages"), "messages"):
        if not isinstance(message, dict):
            log.warning("whatsapp webhook: skipped a message that is not an object")
            continue
        wamid = message.get("id")
        number = message.get("from")
        user_id = message.get("from_user_id")
        contact = contacts.get(str(number or user_id or ""), {})
        user_id = user_id or contact.get("user_id")
        if not isinstance(wamid, str) or not wamid or not (number or user_id):
            # One odd message must not turn the envelope away: Meta would re-send all of it.
            log.warning("whatsapp webhook: skipped a message without id or sender: %.200r", message)
            continue
        if message.get("type") == "system":
            continue  # "number changed" and the like: nothing to answer
        profile = contact.get("profile") if isinstance(contact.get("profile"), dict) else {}
        found.append(
            InboundMessage(
                wamid=wamid,
                wa_id=str(number or ""),  # empty for a person Meta names only by user id
                user_id=str(user_id) if user_id else None,
                name=str((profile or {}).get("name") or ""),
                timestamp=_int(message.get("timestamp")),
                message=message,
            )
        )
    return found


def _statuses(value: dict[str, Any]) -> list[Status]:
    found = []
    for status in _list(value.get("statuses"), "statuses"):
        status = _dict(status, "a status")
        errors = _list(status.get("errors"), "errors")
        first = errors[0] if errors and isinstance(errors[0], dict) else {}
        found.append(
            Status(
                wamid=str(status.get("id") or ""),
                status=str(status.get("status") or ""),
                timestamp=_int(status.get("timestamp")),
                error_code=_int(first.get("code")) if first else None,
                error_title=str(first.get("title") or first.get("message") or "")[:200],
            )
        )
    return found


@dataclass(frozen=True)
class Reading:
    """What a stored message says, for the router."""

    kind: str  # text | reply (a button, list row or template quick reply) | file | other
    text: str = ""
    reply_id: str = ""
    media_id: str = ""
    mime: str = ""
    filename: str = ""
    sha256: str = ""
    file_kind: str = ""  # image | document


def read(message: dict[str, Any]) -> Reading:
    kind = message.get("type")
    if kind == "text":
        return Reading("text", text=str((message.get("text") or {}).get("body") or ""))
    if kind == "interactive":
        interactive = message.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        return Reading(
            "reply", text=str(reply.get("title") or ""), reply_id=str(reply.get("id") or "")
        )
    if kind == "button":  # a template's quick reply
        button = message.get("button") or {}
        return Reading(
            "reply", text=str(button.get("text") or ""), reply_id=str(button.get("payload") or "")
        )
    if kind in ("image", "document"):
        media = message.get(kind) or {}
        return Reading(
            "file",
            text=str(media.get("caption") or ""),
            media_id=str(media.get("id") or ""),
            mime=str(media.get("mime_type") or ""),
            filename=str(media.get("filename") or ""),
            sha256=str(media.get("sha256") or ""),
            file_kind=kind,
        )
    return Reading("other")
