"""The web chat page and the small JSON API behind it.

The page is one static file; it renders message text from (text, entities) with DOM
nodes, never innerHTML, so nothing a user or the bot typed can inject markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.errors import SandboxUsageError
from sandbox.files import image_size
from sandbox.records import ChatMessage

if TYPE_CHECKING:
    from sandbox.core import Sandbox
    from sandbox.users import SandboxUser

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
    return {
        "id": user.id,
        "name": user.full_name,
        "phone": user.phone,
        "label": user.label,
        "username": user.username,
        "blocked": user.blocked,
        "messages": len(user.history),
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

    async def users(self, request: web.Request) -> web.Response:
        after, wait = self._wait_args(request)
        world = self.sb.world
        if world.users_version <= after and wait > 0 and not world.closing.is_set():
            await world.user_waiters.wait(wait)
        bot = self.sb.bot if self.sb.world.bots else None
        return web.json_response(
            {
                "version": world.users_version,
                "bot": {"username": bot.username, "name": bot.first_name} if bot else None,
                "users": [user_json(u) for u in self.sb.users],
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
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            raise web.HTTPBadRequest(text="multipart field 'file' is required")
        data = upload.file.read()
        caption = str(form.get("caption") or "") or None
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
