"""The Graph API face of the sandbox: Meta's URL shapes, auth, bodies and error answers.

Served under `/graph` (`Sandbox.whatsapp_api_url`) with any `v<version>` segment, so pywa
works unchanged once its httpx `base_url` points there. Implemented: `POST /<phone_id>/messages`
(send, mark as read, typing indicator), `POST /<phone_id>/media`, `GET` and `DELETE
/<media_id>`, and the media download URL. Anything else answers Meta's "unsupported request"
error and adds a warning, so a call the sandbox does not model is never mistaken for success.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import time
from typing import Any

from aiohttp import web

from sandbox.errors import SandboxBug
from sandbox.whatsapp.errors import (
    GraphError,
    bad_param,
    missing,
    unauthorized,
    unknown_object,
)
from sandbox.whatsapp.media import MediaItem, upload_problem
from sandbox.whatsapp.records import WhatsAppCall
from sandbox.whatsapp.state import WhatsAppNumber, WhatsAppWorld
from sandbox.whatsapp.validate import parse_message, parse_recipient
from sandbox.whatsapp.webhook_schema import check_media_info, check_send_response

log = logging.getLogger("sandbox")
_VERSION = re.compile(r"v\d+(\.\d+)?")
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def json_response(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=_ENCODER.encode(body).encode("utf-8"), status=status, content_type="application/json"
    )


class GraphApi:
    def __init__(self, wa: WhatsAppWorld) -> None:
        self.wa = wa

    def add_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/graph/{tail:.*}", self.handle)
        app.router.add_get("/whatsapp_business/attachments/", self.download)

    # ------------------------------------------------------------------ dispatch
    async def handle(self, request: web.Request) -> web.Response:
        started = time.perf_counter()
        call = WhatsAppCall(request.method, request.path, self.wa.now(), dict(request.query))
        self.wa.calls.append(call)
        try:
            status, body = await self._execute(request, call)
        except GraphError as exc:
            status, body = exc.status, exc.payload()
        except SandboxBug as exc:
            status, body = 500, GraphError(500, 131000, f"Sandbox bug: {exc}").payload()
        except Exception as exc:  # a sandbox bug must reach the test, not just a log line
            log.exception("sandbox: WhatsApp %s %s crashed", request.method, request.path)
            self.wa.world.errors.append(
                f"WhatsApp {request.method} {request.path} crashed: {exc!r}"
            )
            status, body = 500, GraphError(500, 131000, repr(exc)).payload()
        call.status = status
        call.response = copy.deepcopy(body)
        call.duration = time.perf_counter() - started
        return json_response(body, status)

    async def _execute(self, request: web.Request, call: WhatsAppCall) -> tuple[int, Any]:
        parts = [p for p in request.match_info["tail"].split("/") if p]
        if parts and _VERSION.fullmatch(parts[0]):
            parts = parts[1:]
        endpoint = parts[1] if len(parts) == 2 else (parts[0] if parts else "")
        addressed = self.wa.numbers.get(parts[0]) if len(parts) == 2 else None
        if addressed is not None:  # listed in biz.calls even if refused (token, fault)
            call.phone_id = addressed.phone_id
            addressed.calls.append(call)
        fault = self.wa.faults.take_call(endpoint)
        if fault is not None and fault.kind == "fail":
            raise fault.error()
        if fault is not None and not fault.execute:
            await self.wa.world.sleep(fault.seconds)
            raise GraphError(500, 131000, "the request was lost (sandbox delay fault)")
        token = self._token(request)
        status, body = await self._route(request, call, parts, token)
        if fault is not None:
            await self.wa.world.sleep(fault.seconds)  # executed; the answer comes late
        return status, body

    def _token(self, request: web.Request) -> str:
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        token = token or request.query.get("access_token", "")
        if not token or token not in self.wa.tokens:
            raise unauthorized()
        return token

    async def _route(
        self, request: web.Request, call: WhatsAppCall, parts: list[str], token: str
    ) -> tuple[int, Any]:
        method = request.method
        if len(parts) == 2 and method == "POST" and parts[1] in ("messages", "media"):
            number = self._number(parts[0], token, method)
            if parts[1] == "messages":
                return 200, await self._messages(request, call, number)
            return 200, await self._upload(request, call, number)
        if len(parts) == 1 and method in ("GET", "DELETE"):
            item = self.wa.media.get(parts[0])
            if item is not None and self.wa.may_use(token, item.waba_id):
                owner = self.wa.numbers[item.phone_id]
                owner.calls.append(call)
                call.phone_id = owner.phone_id
                wanted = request.query.get("phone_number_id")
                if wanted is not None and wanted != item.phone_id:
                    raise bad_param(f"media {item.id} does not belong to phone number {wanted}")
                if method == "DELETE":
                    item.deleted = True
                    return 200, {"success": True}
                url = self.wa.media.url(_origin(request), item, self.wa.now())
                info = {
                    "messaging_product": "whatsapp",
                    "url": url,
                    "mime_type": item.mime_type,
                    "sha256": item.sha256_hex,
                    "file_size": len(item.data),
                    "id": item.id,
                }
                self.wa.check("media info", check_media_info(info))
                return 200, info
        known = set(self.wa.numbers) | {n.waba_id for n in self.wa.numbers.values()}
        if parts and parts[0] in known:
            where = f"{method} /{'/'.join(parts)}"
            self.wa.warn(f"whatsapp: {where} is not implemented by the sandbox")
            raise bad_param(f"{where} is not modelled by the sandbox")
        raise unknown_object(method, parts[0] if parts else "")

    def _number(self, phone_id: str, token: str, method: str) -> WhatsAppNumber:
        number = self.wa.numbers.get(phone_id)
        if number is None or not self.wa.may_use(token, number.waba_id):
            raise unknown_object(method, phone_id)
        return number

    # ------------------------------------------------------------------ messages
    async def _messages(
        self, request: web.Request, call: WhatsAppCall, number: WhatsAppNumber
    ) -> dict[str, Any]:
        body = await _read_json(request)
        call.json = copy.deepcopy(body)
        product = body.get("messaging_product")
        if product is None:
            raise missing("The parameter messaging_product is required.")
        if product != "whatsapp":
            raise bad_param("Param messaging_product must be 'whatsapp'.")
        if "status" in body:
            return self._read_receipt(body, number)
        recipient = parse_recipient(body)
        out = parse_message(
            body,
            warn=self.wa.warn,
            find_template=number.template,
            find_media=lambda media_id: self._media_for(number, media_id),
        )
        response = number.send(recipient, out)
        self.wa.check("send response", check_send_response(response))
        return response

    def _read_receipt(self, body: dict[str, Any], number: WhatsAppNumber) -> dict[str, Any]:
        if body.get("status") != "read":
            raise bad_param("Param status must be 'read'.")
        extra = sorted(
            set(body) - {"messaging_product", "status", "message_id", "typing_indicator"}
        )
        if extra:
            self.wa.warn(f"whatsapp: unknown field(s) {extra} in a read receipt")
        message_id = body.get("message_id")
        if not isinstance(message_id, str) or not message_id:
            raise missing("The parameter message_id is required.")
        typing = body.get("typing_indicator")
        if typing is not None and typing != {"type": "text"}:
            raise bad_param("Param typing_indicator must be {'type': 'text'}.")
        number.mark_read(message_id, typing is not None)
        return {"success": True}

    def _media_for(self, number: WhatsAppNumber, media_id: str) -> MediaItem | None:
        item = self.wa.media.get(media_id)
        if item is None or item.waba_id != number.waba_id:
            return None
        return item

    # ------------------------------------------------------------------ media
    async def _upload(
        self, request: web.Request, call: WhatsAppCall, number: WhatsAppNumber
    ) -> dict[str, Any]:
        if request.content_type != "multipart/form-data":
            raise bad_param("media uploads are multipart/form-data")
        form = await request.post()
        fields: dict[str, Any] = {}
        upload: web.FileField | None = None
        for key, value in form.items():
            if isinstance(value, web.FileField):
                upload = value if key == "file" else upload
                fields[key] = {"filename": value.filename, "content_type": value.content_type}
            else:
                fields[key] = value
        call.form = fields
        extra = sorted(set(fields) - {"messaging_product", "file", "type", "ttl_minutes"})
        if extra:
            self.wa.warn(f"whatsapp: unknown field(s) {extra} in a media upload")
        if fields.get("messaging_product") != "whatsapp":
            raise missing("The parameter messaging_product is required and must be 'whatsapp'.")
        if upload is None:
            raise missing("The parameter file is required.")
        mime = fields.get("type")
        if not isinstance(mime, str) or not mime:
            raise missing("The parameter type is required.")
        data = upload.file.read()
        fields["file"]["size"] = len(data)
        problem = upload_problem(data, mime)
        if problem is not None:
            raise GraphError(400, 131053, problem)
        item = self.wa.media.add(
            data,
            mime,
            waba_id=number.waba_id,
            phone_id=number.phone_id,
            filename=upload.filename or None,
            now=self.wa.now(),
            from_user=False,
        )
        return {"id": item.id}

    async def download(self, request: web.Request) -> web.StreamResponse:
        """The lookaside URL: the bytes, for the same Bearer token as the API."""
        try:
            token = self._token(request)
        except GraphError as exc:
            return json_response(exc.payload(), exc.status)
        q = request.query
        item = self.wa.media.resolve(
            q.get("mid", ""), q.get("ext", ""), q.get("hash", ""), self.wa.now()
        )
        if item is None or not self.wa.may_use(token, item.waba_id):
            return web.Response(status=404, text="URL expired or not found")
        headers = {}
        if item.filename:
            headers["Content-Disposition"] = f'attachment; filename="{item.filename}"'
        return web.Response(
            body=item.data, content_type=item.mime_type.split(";")[0], headers=headers
        )


def _origin(request: web.Request) -> str:
    """The host the bot used, so download URLs reach the sandbox however it was addressed."""
    return f"{request.scheme}://{request.host}"


async def _read_json(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if request.content_type == "application/x-www-form-urlencoded":
        form = dict(await request.post())
        body: dict[str, Any] = {}
        for key, value in form.items():
            text = str(value)
            try:
                body[key] = json.loads(text) if text[:1] in "{[" else text
            except ValueError:
                body[key] = text
        return body
    try:
        parsed = json.loads(raw or b"{}")
    except ValueError:
        raise bad_param("the request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise bad_param("the request body must be a JSON object")
    return parsed


def add_whatsapp_routes(app: web.Application, wa: WhatsAppWorld) -> None:
    GraphApi(wa).add_routes(app)
