"""The web chat page and the small JSON API behind it.

The page is one static file; it renders message text from (text, entities) with DOM
nodes, never innerHTML, so nothing a user or the bot typed can inject markup.

Telegram people live under `/users/<id>`, WhatsApp people under `/wa/users/<wa_id>`; the
list at `/users` holds both, each tagged with its `channel` (WhatsApp ids as `wa:<wa_id>`, so
one id names one person whichever app she is on).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.errors import SandboxUsageError
from sandbox.files import image_size
from sandbox.records import ChatMessage
from sandbox.whatsapp.media import base_mime, sniff_image
from sandbox.whatsapp.records import WhatsAppMessage

if TYPE_CHECKING:
    from sandbox.core import Sandbox
    from sandbox.users import SandboxUser
    from sandbox.whatsapp.state import Chat as WhatsAppChat
    from sandbox.whatsapp.users import WhatsAppUser

STATIC = Path(__file__).with_name("static")
API = "/sandbox/api"
MAX_WAIT = 25.0


def _file_url(file_id: str) -> str:
    return f"{API}/files/{file_id}"


def message_json(msg: ChatMessage) -> dict[str, Any]:
    data = msg.data
    out: dict[str, Any] = {
        "id": msg.message_id,
        "from_bot": msg.from_bot,
        "date": data["date"],
        "kind": msg.kind,
        "text": msg.content,
        "entities": msg.entities,
        "edited": msg.edited,
        "deleted": msg.deleted,
        "buttons": msg.inline_keyboard,
    }
    if msg.photo:
        out["photo"] = _file_url(msg.photo[-1]["file_id"])
    if msg.document:
        doc = msg.document
        out["document"] = {
            "name": doc.get("file_name") or "file",
            "size": doc.get("file_size"),
            "url": _file_url(doc["file_id"]),
        }
    if "contact" in data:
        out["contact"] = data["contact"]
    if "sticker" in data:
        out["sticker"] = data["sticker"].get("emoji", "")
    return out


def user_json(user: SandboxUser) -> dict[str, Any]:
    try:
        blocked, count = user.blocked, len(user.history)
    except SandboxUsageError:  # no bot yet (a WhatsApp-only sandbox): the list must still load
        blocked, count = False, 0
    return {
        "id": user.id,
        "name": user.full_name,
        "phone": user.phone,
        "label": user.label,
        "username": user.username,
        "blocked": blocked,
        "messages": count,
        "channel": "telegram",
    }


# ---------------------------------------------------------------------------------- WhatsApp
# Media the page shows or opens in place; anything else (HTML, SVG, ...) is served as a
# download, so a file a person sent cannot run script on the page's origin.
_INLINE_MEDIA = frozenset(
    {"image/jpeg", "image/png", "image/webp", "application/pdf", "text/plain", "text/csv"}
)


def _media_url(media_id: str) -> str:
    return f"{API}/wa/media/{media_id}"


def _wa_chat(user: WhatsAppUser) -> WhatsAppChat | None:
    """Her chat with the default business number; None while no number exists."""
    try:
        return user.chat
    except SandboxUsageError:
        return None


def wa_user_json(user: WhatsAppUser) -> dict[str, Any]:
    chat = _wa_chat(user)
    return {
        "id": f"wa:{user.wa_id}",
        "channel": "whatsapp",
        "name": user.name,
        "phone": user.phone,
        "wa_id": user.wa_id,
        "user_id": user.user_id,
        "label": user.label,
        "online": user.online,
        "messages": len(chat.messages) if chat else 0,
    }


def wa_message_json(msg: WhatsAppMessage) -> dict[str, Any]:
    """What the business sent: `body` keeps WhatsApp's markers (*bold* ...) for the page to
    draw, `status` is what the bot's status webhooks said (sent, delivered, read, failed)."""
    is_list = msg.interactive_type == "list"
    return {
        "id": msg.id,
        "from_bot": True,
        "date": msg.sent_at,
        "type": msg.type,
        "interactive_type": msg.interactive_type,
        "body": msg.body,
        "header": msg.header,
        "footer": msg.footer,
        "buttons": [] if is_list else msg.labels,
        "list_button": msg.list_button,
        "rows": [
            {"section": title, "id": r.id, "title": r.title, "description": r.description}
            for title, rows in msg.sections
            for r in rows
        ],
        "template": msg.template.name if msg.template else None,
        "status": msg.status,
        "error_code": msg.error_code,
        "reply_to": msg.reply_to,
        "media": (
            {"url": _media_url(msg.media_id), "mime": msg.mime, "filename": msg.filename}
            if msg.media_id
            else None
        ),
    }


def wa_inbound_json(message: dict[str, Any], chat: WhatsAppChat) -> dict[str, Any]:
    """What she sent, from the webhook message object (send_raw shapes included, so every
    field is read defensively); `status` is read once the business marked it read."""
    kind = str(message.get("type") or "")
    content = message.get(kind)
    content = content if isinstance(content, dict) else {}
    body = content.get("body") if kind == "text" else content.get("caption")
    if kind == "interactive":
        choice = content.get("button_reply") or content.get("list_reply")
        body = choice.get("title") if isinstance(choice, dict) else None
    elif kind == "button":
        body = content.get("text")
    context = message.get("context")
    try:
        date = float(message.get("timestamp") or 0)
    except (TypeError, ValueError):
        date = 0.0
    media_id = content.get("id")
    return {
        "id": message.get("id"),
        "from_bot": False,
        "date": date,
        "type": kind,
        "body": body if isinstance(body, str) else "",
        "status": "read" if message.get("id") in chat.read_by_business else "delivered",
        "reply_to": context.get("id") if isinstance(context, dict) else None,
        "location": content if kind == "location" else None,
        "media": (
            {
                "url": _media_url(media_id),
                "mime": content.get("mime_type"),
                "filename": content.get("filename"),
            }
            if isinstance(media_id, str) and media_id
            else None
        ),
    }


class WebApi:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sb = sandbox

    def _user(self, request: web.Request) -> SandboxUser:
        try:
            return self.sb.user(int(request.match_info["user_id"]))
        except (ValueError, SandboxUsageError):
            raise web.HTTPNotFound(text="no such user") from None

    @staticmethod
    def _wait_args(request: web.Request) -> tuple[int, float]:
        try:
            after = int(request.query.get("after", "-1"))
            wait = min(float(request.query.get("wait", "0")), MAX_WAIT)
        except ValueError:
            raise web.HTTPBadRequest(text="after and wait must be numbers") from None
        return after, wait

    async def index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "chat.html")

    async def controls(self, request: web.Request) -> web.Response:
        """The runner's buttons (none in a plain sandbox) and its status line."""
        return web.json_response(self.sb.controls.json())

    async def control(self, request: web.Request) -> web.Response:
        found = self.sb.controls.get(request.match_info["name"])
        if found is None or found.run is None:
            raise web.HTTPNotFound(text="no such control")
        text = await found.run()
        return web.json_response({"text": text, **self.sb.controls.json()})

    async def users(self, request: web.Request) -> web.Response:
        after, wait = self._wait_args(request)
        world = self.sb.world
        if world.users_version <= after and wait > 0 and not world.closing.is_set():
            await world.user_waiters.wait(wait)
        bot = self.sb.bot if self.sb.world.bots else None
        numbers = self.sb.whatsapp_numbers
        return web.json_response(
            {
                "version": world.users_version,
                "bot": {"username": bot.username, "name": bot.first_name} if bot else None,
                "whatsapp": ({"number": numbers[0].display_phone_number} if numbers else None),
                "users": [user_json(u) for u in self.sb.users]
                + [wa_user_json(u) for u in self.sb.whatsapp_users],
            }
        )

    async def create_user(self, request: web.Request) -> web.Response:
        body = await _json(request)
        name = str(body.get("name") or body.get("first_name") or "").strip()
        if not name:
            raise web.HTTPBadRequest(text="name is required")
        first, _, last = name.partition(" ")
        user = self.sb.create_user(
            first,
            last_name=str(body.get("last_name") or last) or None,
            phone=str(body.get("phone") or "").strip() or None,
            label=str(body.get("label") or "").strip() or None,
        )
        return web.json_response(user_json(user))

    async def messages(self, request: web.Request) -> web.Response:
        user = self._user(request)
        after, wait = self._wait_args(request)
        chat = user.chat
        if chat.version <= after and wait > 0 and not self.sb.world.closing.is_set():
            await chat.waiters.wait(wait)
        keyboard = chat.reply_keyboard
        answers = chat.answers
        return web.json_response(
            {
                "version": chat.version,
                "user": user_json(user),
                "messages": [message_json(m) for m in chat.messages],
                "reply_keyboard": keyboard["keyboard"] if keyboard else None,
                "placeholder": keyboard.get("input_field_placeholder") if keyboard else None,
                "last_answer": (
                    {"n": len(answers), "text": answers[-1].text, "alert": answers[-1].show_alert}
                    if answers
                    else None
                ),
            }
        )

    async def send(self, request: web.Request) -> web.Response:
        user = self._user(request)
        text = str((await _json(request)).get("text") or "")
        return await _run(user.send_text(text))

    async def press(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await _json(request)
        label = str(body.get("label") or "")
        if body.get("message_id") is None:
            return await _run(user.press_reply(label))
        try:
            msg = user.chat.by_id[int(body["message_id"])]
        except (KeyError, ValueError):
            raise web.HTTPNotFound(text="no such message") from None
        try:
            answer = await user.press(label, message=msg, timeout=10.0)
        except SandboxUsageError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        except TimeoutError:
            return web.json_response({"answer": None, "error": "the bot did not answer"})
        return web.json_response({"answer": answer})

    async def contact(self, request: web.Request) -> web.Response:
        return await _run(self._user(request).share_contact())

    async def photo(self, request: web.Request) -> web.Response:
        user = self._user(request)
        data, caption, upload = await read_upload(request)
        if image_size(data) is not None:
            return await _run(user.send_photo(data, caption=caption))
        return await _run(
            user.send_document(
                data,
                file_name=upload.filename or "file",
                mime_type=upload.content_type,
                caption=caption,
            )
        )

    async def block(self, request: web.Request) -> web.Response:
        user = self._user(request)
        if (await _json(request)).get("blocked", True):
            user.block_bot()
        else:
            user.unblock_bot()
        return web.json_response(user_json(user))

    async def file(self, request: web.Request) -> web.Response:
        stored = self.sb.world.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound(text="no such file")
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )


class WhatsAppWebApi:
    """The page playing WhatsApp people: same shapes as the Telegram routes where they agree.

    Reading her chat marks the business's messages read (`read_all()`), as opening the chat
    on a phone does, so the bot sees `read` statuses; `?read=0` (a hidden tab) does not.
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self.sb = sandbox

    def _user(self, request: web.Request) -> WhatsAppUser:
        try:
            return self.sb.whatsapp_user(request.match_info["wa_id"])
        except SandboxUsageError:
            raise web.HTTPNotFound(text="no such WhatsApp user") from None

    @staticmethod
    def _chat(user: WhatsAppUser) -> WhatsAppChat:
        chat = _wa_chat(user)
        if chat is None:
            raise web.HTTPConflict(text="create_whatsapp_number() first: she has no one to talk to")
        return chat

    async def create_user(self, request: web.Request) -> web.Response:
        body = await _json(request)
        name = str(body.get("name") or "").strip()
        phone = str(body.get("phone") or "").strip()
        if not name or not phone:
            raise web.HTTPBadRequest(text="name and phone are required on WhatsApp")
        label = str(body.get("label") or "").strip() or None
        try:
            user = self.sb.create_whatsapp_user(name, phone, label=label)
        except SandboxUsageError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response(wa_user_json(user))

    async def messages(self, request: web.Request) -> web.Response:
        user = self._user(request)
        chat = self._chat(user)
        after, wait = WebApi._wait_args(request)
        if chat.version <= after and wait > 0 and not self.sb.world.closing.is_set():
            await chat.waiters.wait(wait)
        if request.query.get("read") != "0" and user.online:
            user.read_all()  # bumps chat.version when it changed something, read below
        return web.json_response(
            {
                "version": chat.version,
                "user": wa_user_json(user),
                "business": user.business.display_phone_number,
                "typing": user.business_typing,
                "messages": [
                    wa_message_json(m)
                    if isinstance(m, WhatsAppMessage)
                    else wa_inbound_json(m, chat)
                    for m in chat.timeline
                ],
            }
        )

    async def send(self, request: web.Request) -> web.Response:
        user = self._user(request)
        self._chat(user)
        text = str((await _json(request)).get("text") or "")
        return await _run(user.send_text(text))

    async def press(self, request: web.Request) -> web.Response:
        """A reply button, list row (by title) or template quick reply of one message."""
        user = self._user(request)
        self._chat(user)
        body = await _json(request)
        message = None
        if body.get("message_id") is not None:
            wanted = str(body["message_id"])
            message = next((m for m in user.messages if m.id == wanted), None)
            if message is None:
                raise web.HTTPNotFound(text="no such message on her phone")
        return await _run(user.press(str(body.get("label") or ""), message=message))

    async def photo(self, request: web.Request) -> web.Response:
        """The page's upload: JPEG/PNG as a WhatsApp image, any other file as a document."""
        user = self._user(request)
        self._chat(user)
        data, caption, upload = await read_upload(request)
        if sniff_image(data) is not None:
            return await _run(user.send_photo(data, caption=caption))
        mime = upload.content_type or "application/octet-stream"
        return await _run(user.send_document(data, upload.filename or "file", mime, caption))

    async def read(self, request: web.Request) -> web.Response:
        user = self._user(request)
        self._chat(user)
        return web.json_response({"read": [m.id for m in user.read_all()]})

    async def online(self, request: web.Request) -> web.Response:
        """Her phone off (messages stay `sent`, one tick) or on (they arrive)."""
        user = self._user(request)
        chat = self._chat(user)
        if (await _json(request)).get("online", True):
            user.go_online()
        else:
            user.go_offline()
        chat.changed()  # going offline changes no message: wake the page's poll anyway
        return web.json_response(wa_user_json(user))

    async def media(self, request: web.Request) -> web.Response:
        item = self.sb.whatsapp.media.kept(request.match_info["media_id"])
        if item is None:
            raise web.HTTPNotFound(text="no such media")
        mime = base_mime(item.mime_type)
        if mime in _INLINE_MEDIA or mime.startswith("audio/"):
            return web.Response(body=item.data, content_type=mime)
        return web.Response(
            body=item.data,
            content_type="application/octet-stream",
            headers={"Content-Disposition": "attachment"},
        )


async def read_upload(request: web.Request) -> tuple[bytes, str | None, web.FileField]:
    """The page's file upload (multipart ``file``, optional ``caption``), either app's."""
    form = await request.post()
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        raise web.HTTPBadRequest(text="multipart field 'file' is required")
    return upload.file.read(), str(form.get("caption") or "") or None, upload


async def _json(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="JSON body expected") from None
    return body if isinstance(body, dict) else {}


async def _run(action: Any) -> web.Response:
    try:
        result = await action
    except SandboxUsageError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    return web.json_response({"ok": True, "message": result})


def add_web_routes(app: web.Application, sandbox: Sandbox) -> None:
    api = WebApi(sandbox)
    app.router.add_get("/", api.index)
    app.router.add_get(f"{API}/users", api.users)
    app.router.add_post(f"{API}/users", api.create_user)
    app.router.add_get(f"{API}/users/{{user_id}}/messages", api.messages)
    app.router.add_post(f"{API}/users/{{user_id}}/send", api.send)
    app.router.add_post(f"{API}/users/{{user_id}}/press", api.press)
    app.router.add_post(f"{API}/users/{{user_id}}/contact", api.contact)
    app.router.add_post(f"{API}/users/{{user_id}}/photo", api.photo)
    app.router.add_post(f"{API}/users/{{user_id}}/block", api.block)
    app.router.add_get(f"{API}/files/{{file_id}}", api.file)
    app.router.add_get(f"{API}/controls", api.controls)
    app.router.add_post(f"{API}/controls/{{name}}", api.control)
    wa = WhatsAppWebApi(sandbox)
    app.router.add_post(f"{API}/wa/users", wa.create_user)
    app.router.add_get(f"{API}/wa/users/{{wa_id}}/messages", wa.messages)
    app.router.add_post(f"{API}/wa/users/{{wa_id}}/send", wa.send)
    app.router.add_post(f"{API}/wa/users/{{wa_id}}/press", wa.press)
    app.router.add_post(f"{API}/wa/users/{{wa_id}}/photo", wa.photo)
    app.router.add_post(f"{API}/wa/users/{{wa_id}}/read", wa.read)
    app.router.add_post(f"{API}/wa/users/{{wa_id}}/online", wa.online)
    app.router.add_get(f"{API}/wa/media/{{media_id}}", wa.media)
