"""Bot API methods that create, change or remove messages, plus callbacks and files."""

from __future__ import annotations

import asyncio
from typing import Any

from sandbox.api_common import Ctx, check_flood, count_flood, find_chat, registry, target_chat
from sandbox.errors import bad_request
from sandbox.files import StoredFile
from sandbox.keyboards import is_inline, validate_markup
from sandbox.records import CallbackAnswer, ChatMessage
from sandbox.schema import Upload
from sandbox.text_format import check_text, format_text
from sandbox.world import Chat

HANDLERS, method = registry()

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
MAX_DOWNLOAD = 20 * 1024 * 1024


def _reply_target(chat: Chat, params: dict[str, Any]) -> ChatMessage | None:
    reply = params.get("reply_parameters")
    if not reply:
        return None
    target = chat.by_id.get(reply["message_id"])
    if target is None or target.deleted:
        if reply.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")
    return target


def _common_fields(params: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if params.get("protect_content"):
        fields["has_protected_content"] = True
    return fields


def _deliver(
    ctx: Ctx, chat: Chat, fields: dict[str, Any], markup: dict[str, Any] | None
) -> dict[str, Any]:
    reply_to = _reply_target(chat, ctx.params)
    check_flood(ctx, chat)
    message = ctx.world.new_message(
        chat, from_bot=True, fields=fields, markup=markup, reply_to=reply_to
    )
    count_flood(ctx, chat)
    return message.data


def _caption(params: dict[str, Any]) -> dict[str, Any]:
    if not params.get("caption"):
        return {}
    text, entities = format_text(
        params["caption"], params.get("parse_mode"), params.get("caption_entities")
    )
    check_text(text, caption=True)
    out: dict[str, Any] = {"caption": text} if text else {}
    if entities:
        out["caption_entities"] = entities
    if params.get("show_caption_above_media"):
        out["show_caption_above_media"] = True
    return out


@method("sendMessage")
async def send_message(ctx: Ctx) -> dict[str, Any]:
    chat = target_chat(ctx)
    p = ctx.params
    text, entities = format_text(p["text"], p.get("parse_mode"), p.get("entities"))
    check_text(text)
    markup = validate_markup(p.get("reply_markup"))
    fields: dict[str, Any] = {"text": text, **_common_fields(p)}
    if entities:
        fields["entities"] = entities
    if p.get("link_preview_options"):
        fields["link_preview_options"] = p["link_preview_options"]
    return _deliver(ctx, chat, fields, markup)


def _input_file(ctx: Ctx, value: Any, kind: str) -> StoredFile:
    files = ctx.world.files
    if isinstance(value, Upload):
        if not value.data:
            raise bad_request("file must be non-empty")
        if kind == "photo":
            stored = files.add(value.data, "photo", file_name=value.filename)
            if not stored.width:
                raise bad_request("IMAGE_PROCESS_FAILED")
            if (
                stored.width + stored.height > 10000
                or max(stored.width / stored.height, stored.height / stored.width) > 20
            ):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            return stored
        mime = value.content_type
        if mime in (None, "application/octet-stream"):
            mime = None
        return files.add(value.data, kind, file_name=value.filename, mime_type=mime)
    if not isinstance(value, str):
        raise bad_request("wrong file identifier/HTTP URL specified")
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content (the sandbox does not fetch URLs)")
    stored_or_none = files.get(value)
    if stored_or_none is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored_or_none.kind != kind:
        raise bad_request(
            f"can't use file of type {stored_or_none.kind.capitalize()} as {kind.capitalize()}"
        )
    return stored_or_none


@method("sendPhoto")
async def send_photo(ctx: Ctx) -> dict[str, Any]:
    chat = target_chat(ctx)
    p = ctx.params
    fields = _caption(p)
    markup = validate_markup(p.get("reply_markup"))
    stored = _input_file(ctx, p["photo"], "photo")
    fields.update(_common_fields(p), photo=[stored.photo_size()])
    if p.get("has_spoiler"):
        fields["has_media_spoiler"] = True
    return _deliver(ctx, chat, fields, markup)


@method("sendDocument")
async def send_document(ctx: Ctx) -> dict[str, Any]:
    chat = target_chat(ctx)
    p = ctx.params
    fields = _caption(p)
    markup = validate_markup(p.get("reply_markup"))
    stored = _input_file(ctx, p["document"], "document")
    fields.update(_common_fields(p), document=stored.document())
    return _deliver(ctx, chat, fields, markup)


def _editable(ctx: Ctx) -> tuple[Chat, ChatMessage]:
    p = ctx.params
    if "inline_message_id" in p:
        raise bad_request("MESSAGE_ID_INVALID (inline messages do not exist in the sandbox)")
    if "chat_id" not in p:
        raise bad_request("chat_id is empty")
    if "message_id" not in p:
        raise bad_request("message identifier is not specified")
    chat = find_chat(ctx)
    if chat.blocked:
        raise bad_request("message to edit not found")
    message = chat.by_id.get(p["message_id"])
    if message is None or message.deleted:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return chat, message


def _apply_edit(
    ctx: Ctx, chat: Chat, message: ChatMessage, changes: dict[str, Any], removed: list[str]
) -> dict[str, Any]:
    check_flood(ctx, chat)
    for key in removed:
        message.data.pop(key, None)
    message.data.update(changes)
    message.data["edit_date"] = ctx.world.now()
    ctx.world.validate("Message", message.data)
    if "reply_markup" in changes:
        message.reply_markup = changes["reply_markup"]
    elif "reply_markup" in removed and is_inline(message.reply_markup):
        message.reply_markup = None  # a reply keyboard sent with the message stays recorded
    message.edited = True
    chat.changed()
    count_flood(ctx, chat)
    return message.data


def _new_inline(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = validate_markup(params.get("reply_markup"))
    return markup if markup and markup.get("inline_keyboard") else None


def _split(key: str, value: Any, changes: dict[str, Any], removed: list[str]) -> None:
    if value:
        changes[key] = value
    else:
        removed.append(key)


@method("editMessageText")
async def edit_message_text(ctx: Ctx) -> dict[str, Any]:
    chat, message = _editable(ctx)
    p = ctx.params
    if "text" not in message.data:
        raise bad_request("there is no text in the message to edit")
    text, entities = format_text(p.get("text") or "", p.get("parse_mode"), p.get("entities"))
    check_text(text)
    markup = _new_inline(p)
    old = message.data
    if (old["text"], old.get("entities", []), old.get("reply_markup")) == (text, entities, markup):
        raise bad_request(NOT_MODIFIED)
    changes: dict[str, Any] = {"text": text}
    removed: list[str] = []
    _split("entities", entities, changes, removed)
    _split("reply_markup", markup, changes, removed)
    _split("link_preview_options", p.get("link_preview_options"), changes, removed)
    return _apply_edit(ctx, chat, message, changes, removed)


@method("editMessageCaption")
async def edit_message_caption(ctx: Ctx) -> dict[str, Any]:
    chat, message = _editable(ctx)
    p = ctx.params
    if not ({"photo", "document"} & message.data.keys()):
        raise bad_request("there is no caption in the message to edit")
    fields = _caption(p)
    markup = _new_inline(p)
    old = message.data
    before = (old.get("caption"), old.get("caption_entities"), old.get("reply_markup"))
    if before == (fields.get("caption"), fields.get("caption_entities"), markup):
        raise bad_request(NOT_MODIFIED)
    changes: dict[str, Any] = {}
    removed: list[str] = []
    for key in ("caption", "caption_entities", "show_caption_above_media"):
        _split(key, fields.get(key), changes, removed)
    _split("reply_markup", markup, changes, removed)
    return _apply_edit(ctx, chat, message, changes, removed)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(ctx: Ctx) -> dict[str, Any]:
    chat, message = _editable(ctx)
    markup = _new_inline(ctx.params)
    if message.data.get("reply_markup") == markup:
        raise bad_request(NOT_MODIFIED)
    changes: dict[str, Any] = {}
    removed: list[str] = []
    _split("reply_markup", markup, changes, removed)
    return _apply_edit(ctx, chat, message, changes, removed)


@method("deleteMessage")
async def delete_message(ctx: Ctx) -> bool:
    chat = find_chat(ctx)
    message = chat.by_id.get(ctx.params["message_id"])
    if message is None or message.deleted:
        raise bad_request("message to delete not found")
    message.deleted = True
    chat.changed()
    return True


@method("answerCallbackQuery")
async def answer_callback_query(ctx: Ctx) -> bool:
    p = ctx.params
    pending = ctx.bot.callbacks.get(p["callback_query_id"])
    loop_time = asyncio.get_running_loop().time()
    if (
        pending is None
        or pending.future.done()
        or loop_time - pending.created > ctx.world.callback_timeout
    ):
        raise bad_request(QUERY_TOO_OLD)
    if len(p.get("text") or "") > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    answer = CallbackAnswer(p.get("text") or None, bool(p.get("show_alert")), p.get("url"))
    pending.future.set_result(answer)
    pending.chat.answers.append(answer)
    del ctx.bot.callbacks[pending.id]
    pending.chat.changed()
    return True


@method("sendChatAction")
async def send_chat_action(ctx: Ctx) -> bool:
    chat = target_chat(ctx)
    if ctx.params["action"] not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.last_action = ctx.params["action"]
    return True


@method("getFile")
async def get_file(ctx: Ctx) -> dict[str, Any]:
    stored = ctx.world.files.get(ctx.params["file_id"])
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return stored.file_object()
