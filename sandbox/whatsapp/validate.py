"""What the bot may send with `POST /<phone_number_id>/messages`, checked as Meta checks it.

Meta refuses a malformed message at once with HTTP 400 and a code: 131008 for a missing
value, 131009 for a value out of bounds in interactive messages, 100 for wrong types or plain
field limits, the 132xxx family for templates. Lengths count characters (Python `len`), as
Meta's limits do. Fields the sandbox does not know are accepted and listed in `sb.warnings`;
kinds of message it does not model are refused with code 100 and a warning, so a gap of the
sandbox never passes for a bug of the bot.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.whatsapp.errors import GraphError, bad_param, invalid, missing
from sandbox.whatsapp.ids import BSUID
from sandbox.whatsapp.media import IMAGE_TYPES, MediaItem, base_mime
from sandbox.whatsapp.records import ListRow
from sandbox.whatsapp.templates import ApprovedTemplate, RenderedTemplate, render

Warn = Callable[[str], None]
FindTemplate = Callable[[str, str], ApprovedTemplate | None]
FindMedia = Callable[[str], MediaItem | None]

MODELLED_TYPES = ("text", "interactive", "template", "image", "document")
META_TYPES = frozenset(
    {
        "audio",
        "contacts",
        "location",
        "reaction",
        "sticker",
        "video",
        "order",
        "product",
        "product_list",
    }
)
TOP_LEVEL = frozenset(
    {
        "messaging_product",
        "recipient_type",
        "to",
        "recipient",
        "type",
        "context",
        "biz_opaque_callback_data",
        "recipient_identity_key_hash",
    }
)
_PHONE_NOISE = re.compile(r"[\s()+\-.]")


@dataclass
class Recipient:
    input: str
    wa_id: str | None = None  # the digits, when addressed by phone number
    user_id: str | None = None  # when addressed by business-scoped user id


@dataclass
class Outbound:
    """A message that passed validation, reduced to what a person will see."""

    type: str
    payload: dict[str, Any]
    body: str = ""
    header: str | None = None
    footer: str | None = None
    interactive_type: str | None = None
    buttons: list[list[str]] = field(default_factory=list)
    button_ids: list[str] = field(default_factory=list)
    list_button: str | None = None
    sections: list[tuple[str | None, list[ListRow]]] = field(default_factory=list)
    template: RenderedTemplate | None = None
    media: MediaItem | None = None
    filename: str | None = None
    reply_to: str | None = None
    tracker: str | None = None


class _Fields:
    """Typed access to one JSON object with Meta-style error messages."""

    def __init__(self, value: Any, path: str, allowed: set[str], warn: Warn) -> None:
        if not isinstance(value, dict):
            raise bad_param(f"Param {path} must be a JSON object")
        self.obj: dict[str, Any] = value
        self.path = path
        extra = sorted(set(value) - allowed)
        if extra:
            warn(f"whatsapp: unknown field(s) {extra} in {path}; Meta may refuse them")

    def at(self, key: str) -> str:
        return f"{self.path}['{key}']"

    def text(
        self,
        key: str,
        *,
        required: bool = True,
        limit: int | None = None,
        code: int = 100,
        what: str | None = None,
    ) -> str | None:
        """A string field; over `limit` gives `code` (100: a plain field, 131009: an
        interactive element, whose messages Meta words as "<what> length invalid")."""
        value = self.obj.get(key)
        if value is None:
            if required:
                raise missing(f"The parameter {self.at(key)} is required.")
            return None
        if not isinstance(value, str):
            raise bad_param(f"Param {self.at(key)} must be a string.")
        if required and not value.strip():
            raise missing(f"The parameter {self.at(key)} is required (it is empty).")
        if limit is not None and len(value) > limit:
            if code == 131009:
                raise invalid(
                    f"{what or self.at(key)} length invalid. Min length: 1, Max length: {limit}"
                )
            raise bad_param(f"Param {self.at(key)} must be at most {limit} characters long.")
        return value


def parse_recipient(body: dict[str, Any]) -> Recipient:
    kind = body.get("recipient_type", "individual")
    if kind != "individual":
        raise bad_param(f"recipient_type {kind!r} (groups) is not modelled by the sandbox")
    to = body.get("to")
    if to is not None:
        if not isinstance(to, str):
            raise bad_param("Param to must be a string.")
        digits = _PHONE_NOISE.sub("", to)
        if not digits.isdigit() or not 5 <= len(digits) <= 20:
            raise bad_param(f"Param to {to!r} is not a phone number or WhatsApp ID.")
        return Recipient(to, wa_id=digits)
    recipient = body.get("recipient")
    if recipient is not None:
        if not isinstance(recipient, str) or not BSUID.fullmatch(recipient):
            raise bad_param(f"Param recipient {recipient!r} is not a business-scoped user ID.")
        return Recipient(recipient, user_id=recipient)
    raise missing("The parameter to is required.")


def parse_message(
    body: dict[str, Any],
    *,
    warn: Warn,
    find_template: FindTemplate,
    find_media: FindMedia,
) -> Outbound:
    """Check a send request's content; raise GraphError as Meta would answer."""
    kind = body.get("type", "text")
    if not isinstance(kind, str):
        raise bad_param("Param type must be a string.")
    if kind not in MODELLED_TYPES:
        if kind in META_TYPES:
            warn(f"whatsapp: message type {kind!r} is not modelled by the sandbox")
            raise bad_param(f"message type {kind!r} is not modelled by the sandbox")
        known = ", ".join(sorted(META_TYPES | set(MODELLED_TYPES)))
        raise bad_param(f"Param type must be one of {{{known}}}.")
    extra = sorted(set(body) - TOP_LEVEL - {kind})
    if extra:
        warn(f"whatsapp: unknown top-level field(s) {extra} in a {kind} message")
    if kind not in body:
        raise missing(f"The parameter {kind} is required.")
    content = body[kind]
    if kind == "text":
        out = _text(content, warn)
    elif kind == "interactive":
        out = _interactive(content, warn, find_media)
    elif kind == "template":
        out = _template(content, warn, find_template)
    else:
        out = _media(kind, content, warn, find_media)
    out.payload = copy.deepcopy(content)
    context = body.get("context")
    if context is not None:
        ctx = _Fields(context, "context", {"message_id"}, warn)
        out.reply_to = ctx.text("message_id")
    tracker = body.get("biz_opaque_callback_data")
    if tracker is not None:
        if not isinstance(tracker, str):
            raise bad_param("Param biz_opaque_callback_data must be a string.")
        if len(tracker) > 512:
            raise invalid("biz_opaque_callback_data length invalid. Max length: 512")
        out.tracker = tracker
    return out


def _text(content: Any, warn: Warn) -> Outbound:
    f = _Fields(content, "text", {"body", "preview_url"}, warn)
    body = f.text("body", limit=4096)
    if "preview_url" in content and not isinstance(content["preview_url"], bool):
        raise bad_param("Param text['preview_url'] must be a boolean.")
    assert body is not None
    return Outbound("text", {}, body=body)


def _interactive(content: Any, warn: Warn, find_media: FindMedia) -> Outbound:
    f = _Fields(content, "interactive", {"type", "header", "body", "footer", "action"}, warn)
    itype = f.text("type")
    if itype not in ("button", "list"):
        warn(f"whatsapp: interactive type {itype!r} is not modelled by the sandbox")
        raise bad_param(f"interactive type {itype!r} is not modelled by the sandbox")
    out = Outbound("interactive", {}, interactive_type=itype)
    body = _Fields(content.get("body"), "interactive['body']", {"text"}, warn)
    out.body = (
        body.text("text", limit=1024 if itype == "button" else 4096, code=131009, what="Body text")
        or ""
    )
    if "footer" in content:
        footer = _Fields(content["footer"], "interactive['footer']", {"text"}, warn)
        out.footer = footer.text("text", limit=60, code=131009, what="Footer text")
    if "header" in content:
        out.header, out.media, out.filename = _header(content["header"], itype, warn, find_media)
    action = content.get("action")
    if itype == "button":
        _buttons(out, action, warn)
    else:
        _list(out, action, warn)
    return out


def _header(
    value: Any, itype: str, warn: Warn, find_media: FindMedia
) -> tuple[str | None, MediaItem | None, str | None]:
    f = _Fields(
        value, "interactive['header']", {"type", "text", "image", "document", "video"}, warn
    )
    htype = f.text("type")
    if htype == "text":
        return f.text("text", limit=60, code=131009, what="Header text"), None, None
    if itype == "list":
        raise invalid("A list message header must be of type text")
    if htype in ("image", "document"):
        path = f"interactive['header']['{htype}']"
        item, filename, _ = _media_ref(htype, value.get(htype), path, warn, find_media)
        return None, item, filename
    warn(f"whatsapp: interactive header type {htype!r} is not modelled by the sandbox")
    raise bad_param(f"interactive header type {htype!r} is not modelled by the sandbox")


def _buttons(out: Outbound, action: Any, warn: Warn) -> None:
    f = _Fields(action, "interactive['action']", {"buttons"}, warn)
    buttons = f.obj.get("buttons")
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        count = len(buttons) if isinstance(buttons, list) else 0
        raise invalid(
            f"Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: 3 (got {count})"
        )
    titles: list[str] = []
    for i, raw in enumerate(buttons):
        b = _Fields(raw, f"interactive['action']['buttons'][{i}]", {"type", "reply"}, warn)
        if b.obj.get("type") != "reply":
            raise bad_param(f"Param {b.at('type')} must be 'reply'.")
        reply = _Fields(b.obj.get("reply"), b.at("reply"), {"id", "title"}, warn)
        title = reply.text("title", limit=20, code=131009, what="Button title")
        button_id = reply.text("id", limit=256, code=131009, what="Button id")
        assert title is not None and button_id is not None
        if title in titles:
            raise invalid(f"Button title must be unique: {title!r} appears twice")
        if button_id in out.button_ids:
            raise invalid(f"Button id must be unique: {button_id!r} appears twice")
        titles.append(title)
        out.button_ids.append(button_id)
    out.buttons = [titles]


def _list(out: Outbound, action: Any, warn: Warn) -> None:
    f = _Fields(action, "interactive['action']", {"button", "sections"}, warn)
    out.list_button = f.text("button", limit=20, code=131009, what="Button label")
    sections = f.obj.get("sections")
    if not isinstance(sections, list) or not 1 <= len(sections) <= 10:
        raise invalid("Invalid sections count. Min allowed sections: 1, Max allowed sections: 10")
    total = 0
    for i, raw in enumerate(sections):
        s = _Fields(raw, f"interactive['action']['sections'][{i}]", {"title", "rows"}, warn)
        title = s.text(
            "title", required=len(sections) > 1, limit=24, code=131009, what="Section title"
        )
        rows = s.obj.get("rows")
        if not isinstance(rows, list) or not rows:
            raise invalid(f"Section {i} needs at least one row")
        parsed: list[ListRow] = []
        for j, row_raw in enumerate(rows):
            r = _Fields(row_raw, f"{s.at('rows')}[{j}]", {"id", "title", "description"}, warn)
            row_title = r.text("title", limit=24, code=131009, what="Row title")
            row_id = r.text("id", limit=200, code=131009, what="Row id")
            description = r.text(
                "description", required=False, limit=72, code=131009, what="Row description"
            )
            assert row_title is not None and row_id is not None
            if row_id in out.button_ids:
                raise invalid(f"Row id must be unique: {row_id!r} appears twice")
            out.button_ids.append(row_id)
            parsed.append(ListRow(row_id, row_title, description))
        total += len(parsed)
        out.sections.append((title, parsed))
    if total > 10:
        raise invalid(f"Total row count exceed max allowed count: 10 (got {total})")
    out.buttons = [[row.title] for _, rows in out.sections for row in rows]


def _media_ref(
    kind: str, value: Any, path: str, warn: Warn, find_media: FindMedia
) -> tuple[MediaItem, str | None, _Fields]:
    allowed = {"id", "link", "caption"} | ({"filename"} if kind == "document" else set())
    f = _Fields(value, path, allowed, warn)
    if "link" in f.obj:
        if "id" in f.obj:
            raise bad_param(f"{path}: give either an id or a link, not both")
        warn("whatsapp: media by link is not modelled; upload the file and send its id")
        raise bad_param(f"{path}['link']: the sandbox does not fetch links; upload and send the id")
    media_id = f.text("id")
    assert media_id is not None
    item = find_media(media_id)
    if item is None:
        raise GraphError(400, 131053, f"Unknown media id {media_id} for this business account")
    if kind == "image" and base_mime(item.mime_type) not in IMAGE_TYPES:
        raise GraphError(400, 131053, f"media {media_id} is {item.mime_type}, not an image")
    filename = f.text("filename", required=False, limit=240) if kind == "document" else None
    return item, filename, f


def _media(kind: str, content: Any, warn: Warn, find_media: FindMedia) -> Outbound:
    item, filename, fields = _media_ref(kind, content, kind, warn, find_media)
    caption = fields.text("caption", required=False, limit=1024)
    return Outbound(kind, {}, body=caption or "", media=item, filename=filename or item.filename)


def _template(content: Any, warn: Warn, find_template: FindTemplate) -> Outbound:
    f = _Fields(content, "template", {"name", "language", "components", "namespace"}, warn)
    name = f.text("name")
    language = _Fields(f.obj.get("language"), "template['language']", {"code", "policy"}, warn)
    code = language.text("code")
    assert name is not None and code is not None
    tpl = find_template(name, code)
    if tpl is None:
        raise GraphError(400, 132001, f"template name ({name}) does not exist in {code}")
    rendered = render(tpl, f.obj.get("components"), warn)
    out = Outbound("template", {}, body=rendered.body, header=rendered.header, footer=tpl.footer)
    out.template = rendered
    if tpl.quick_replies:
        out.buttons = [list(tpl.quick_replies)]
        out.button_ids = list(rendered.payloads)
    return out
