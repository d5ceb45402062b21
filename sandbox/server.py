"""The HTTP face of the sandbox: Telegram's URL shapes, body formats and error answers.

aiohttp's server sets TCP_NODELAY on every connection; with Nagle plus delayed ACKs every
round trip of a small long-poll answer would stall ~40 ms, so keep it that way.
"""

from __future__ import annotations

import copy
import json
import logging
import time
from typing import Any

from aiohttp import web

from sandbox.api_common import Ctx, Handler
from sandbox.api_messages import HANDLERS as MESSAGE_HANDLERS
from sandbox.api_updates import HANDLERS as UPDATE_HANDLERS
from sandbox.errors import ApiError, SandboxBug, bad_request
from sandbox.records import ApiCall
from sandbox.schema import Upload
from sandbox.world import BotState, World

log = logging.getLogger("sandbox")

HANDLERS: dict[str, Handler] = {**MESSAGE_HANDLERS, **UPDATE_HANDLERS}
MAX_BODY = 60 * 1024 * 1024
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def json_response(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=_ENCODER.encode(body).encode("utf-8"),
        status=status,
        content_type="application/json",
    )


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Merge query string and body; Telegram accepts urlencoded, multipart and JSON."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    if not request.body_exists:
        return raw, files
    ctype = request.content_type
    if ctype == "application/json":
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise bad_request("JSON request body must be an object")
        raw.update(body)
    elif ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = Upload(value.file.read(), value.filename, value.content_type)
            else:
                raw[key] = value
    return raw, files


class ApiServer:
    def __init__(self, world: World) -> None:
        self.world = world

    def add_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self.handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self.handle_file)

    async def handle_api(self, request: web.Request) -> web.Response:
        bot = self.world.bots.get(request.match_info["token"])
        if bot is None:
            return json_response(ApiError(401, "Unauthorized").payload(), 401)
        spec = self.world.schema.method(request.match_info["method"])
        if spec is None:
            return json_response(ApiError(404, "Not Found").payload(), 404)
        started = time.perf_counter()
        call = ApiCall(bot.username, spec.name, {}, 0, self.world.clock())
        self.world.calls.append(call)
        try:
            raw, files = await read_params(request)
            call.params = dict(raw)
            status, body = await self.execute(bot, spec.name, raw, files, call)
        except ApiError as exc:
            status, body = exc.status, exc.payload()
        except Exception as exc:  # a sandbox bug must reach the test, not just a log line
            log.exception("sandbox: %s crashed", spec.name)
            self.world.errors.append(f"{spec.name} crashed: {exc!r}")
            status, body = 500, {"ok": False, "error_code": 500, "description": repr(exc)}
        call.status = status
        call.duration = time.perf_counter() - started
        if not body.get("ok"):
            call.description = body.get("description")
        return json_response(body, status)

    async def execute(
        self,
        bot: BotState,
        name: str,
        raw: dict[str, Any],
        files: dict[str, Upload],
        call: ApiCall,
    ) -> tuple[int, dict[str, Any]]:
        world = self.world
        failure, delay = world.faults.take(name)
        if failure is not None:
            return failure.status, failure.body()
        if delay is not None and not delay.execute:
            await world.sleep(delay.seconds)
            return 504, {"ok": False, "error_code": 504, "description": "Gateway Timeout"}
        spec = world.schema.methods[name.lower()]
        parsed = world.schema.parse_params(spec, raw, files)
        call.params = parsed.params
        call.ignored = parsed.ignored
        for warning in parsed.warnings:
            world.warn(warning)
        handler = HANDLERS.get(name.lower())
        if handler is None:
            world.warn(f"{name} is not implemented by the sandbox")
            raise bad_request(f"method {name} is not implemented by the sandbox")
        try:
            result = await handler(Ctx(world, bot, name, parsed.params))
            if world.strict:
                problems = world.schema.check_value(spec.returns, result, f"{name} result")
                if problems:
                    world.validate(spec.returns[0], result)
        except SandboxBug as exc:
            return 500, {"ok": False, "error_code": 500, "description": f"Sandbox bug: {exc}"}
        call.result = copy.deepcopy(result)  # the answer as of now, even if held below
        if delay is not None:
            await world.sleep(delay.seconds)
        return 200, {"ok": True, "result": call.result}

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] not in self.world.bots:
            return json_response(ApiError(401, "Unauthorized").payload(), 401)
        stored = self.world.files.by_path(request.match_info["path"])
        if stored is None:
            return json_response(ApiError(404, "Not Found").payload(), 404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )


def make_app(world: World) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    ApiServer(world).add_routes(app)
    return app
