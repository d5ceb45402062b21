"""Fixtures: a started sandbox with one bot, a python-telegram-bot client, a user;
for WhatsApp, a business number, the real pywa client, a person and a webhook endpoint."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pywa_async
import telegram
from aiohttp import web
from pywa_async.types import RawUpdate

from sandbox import Sandbox, SandboxUser, check_object
from sandbox.whatsapp import (
    SIGNATURE_HEADER,
    Envelope,
    WhatsAppNumber,
    WhatsAppUser,
    check_envelope,
    encode,
)

TOKEN = "123456:TEST-token_abc"


def assert_emitted_valid(sb: Sandbox) -> None:
    """Everything the sandbox sent to bots must be a valid Bot API object."""
    for update in sb.updates:
        assert check_object("Update", update) == [], update
    for call in sb.calls:
        if call.status == 200 and isinstance(call.result, dict) and "message_id" in call.result:
            assert check_object("Message", call.result) == [], call
    for user in sb.users:
        for message in user.history:
            assert check_object("Message", message.data) == [], message
    assert sb.errors == []


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    sandbox = Sandbox()
    await sandbox.start()
    sandbox.create_bot(TOKEN)
    try:
        yield sandbox
    finally:
        await sandbox.stop()
    assert_emitted_valid(sandbox)


@pytest.fixture
async def bot(sb: Sandbox) -> AsyncIterator[telegram.Bot]:
    client = telegram.Bot(TOKEN, base_url=sb.api_url, base_file_url=sb.file_url)
    async with client:
        yield client


@pytest.fixture
async def alice(sb: Sandbox) -> SandboxUser:
    """A user who has started the bot (so the bot may write to her)."""
    user = sb.create_user("Sitti", "Aminah", phone="+6285312345678")
    await user.send_text("/start")
    return user


def last_result(sb: Sandbox, method: str) -> Any:
    return [c for c in sb.calls_to(method) if c.status == 200][-1].result


async def raw_call(
    sb: Sandbox, method: str, *, token: str = TOKEN, **params: Any
) -> tuple[int, dict[str, Any]]:
    """A Bot API call without python-telegram-bot, for shapes it would never send."""
    import aiohttp

    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sb.api_url}{token}/{method}", json=params) as response,
    ):
        return response.status, await response.json()


# ---------------------------------------------------------------------------------- WhatsApp
WA_TOKEN = "WA-TOKEN"
WA_SECRET = "APP-SECRET"
WA_PHONE_ID = "1001"
WA_WABA = "2001"
WA_VERIFY = "verify-me"
REMINDER = {
    "name": "pengingat_posyandu",
    "language": "id",
    "category": "UTILITY",
    "components": [
        {
            "type": "HEADER",
            "format": "TEXT",
            "text": "Posyandu {{1}}",
            "example": {"header_text": ["Melati"]},
        },
        {
            "type": "BODY",
            "text": "Halo *{{1}}*, Posyandu buka {{2}} jam {{3}}.",
            "example": {"body_text": [["Sitti", "Senin", "08.00"]]},
        },
        {"type": "FOOTER", "text": "Pokjanal"},
        {
            "type": "BUTTONS",
            "buttons": [
                {"type": "QUICK_REPLY", "text": "Hadir"},
                {"type": "QUICK_REPLY", "text": "Tidak bisa"},
            ],
        },
    ],
}


class FakeClock:
    """The sandbox clock, moved by tests (the 24-hour window, media URL expiry)."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def wa_client(sb: Sandbox, *, timeout: float = 5.0, token: str = WA_TOKEN) -> Any:
    """The real pywa async client, its httpx base URL moved onto the sandbox."""
    session = httpx.AsyncClient(timeout=timeout)
    client = pywa_async.WhatsApp(
        phone_id=WA_PHONE_ID,
        token=token,
        session=session,
        app_secret=WA_SECRET,
        verify_token=WA_VERIFY,
        waba_id=WA_WABA,
    )
    session.base_url = httpx.URL(f"{sb.whatsapp_api_url}/v22.0")
    return client


def parse_with_pywa(client: Any, envelope: Envelope) -> object:
    """Build the update pywa would hand to a handler; raises if pywa cannot parse it."""
    raw = RawUpdate(envelope.raw, hmac_header=None, update_hash=envelope.raw.hex()[:32])
    handler = client._get_handler_type(raw)
    assert handler is not None, envelope.body
    return client._handlers_to_updates[handler].from_update(client=client, update=raw)


def assert_whatsapp_emitted_valid(sb: Sandbox) -> None:
    """Every envelope the sandbox produced passes its schema and pywa's parsers."""
    client = pywa_async.WhatsApp(token="x", session=httpx.AsyncClient(), filter_updates=False)
    for number in sb.whatsapp_numbers:
        for envelope in number.envelopes:
            if not envelope.checked:
                continue
            assert check_envelope(envelope.body) == [], envelope.body
            assert envelope.raw == encode(envelope.body)
            value = envelope.body["entry"][0]["changes"][0]["value"]
            if "contacts" in value:
                parse_with_pywa(client, envelope)
    assert sb.errors == []


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def wsb(clock: FakeClock) -> AsyncIterator[Sandbox]:
    """A started sandbox with one WhatsApp business number and one approved template."""
    sandbox = Sandbox(clock=clock, whatsapp_webhook_backoff=0.01)
    await sandbox.start()
    try:
        number = sandbox.create_whatsapp_number(
            WA_PHONE_ID, "6281100001001", WA_TOKEN, WA_SECRET, WA_WABA
        )
        number.approve_template(REMINDER)
        yield sandbox
    finally:
        await sandbox.stop()
    assert_whatsapp_emitted_valid(sandbox)


@pytest.fixture
def biz(wsb: Sandbox) -> WhatsAppNumber:
    return wsb.whatsapp_number


@pytest.fixture
async def wa(wsb: Sandbox) -> AsyncIterator[Any]:
    client = wa_client(wsb)
    try:
        yield client
    finally:
        await client.api._session.aclose()


@pytest.fixture
async def sitti(wsb: Sandbox) -> WhatsAppUser:
    """A cadre who has written to the business, so its 24-hour window is open."""
    user = wsb.create_whatsapp_user("Sitti Aminah", "+6285312345678")
    await user.send_text("halo")
    return user


class Hook:
    """A webhook endpoint for tests: answers Meta's verification, records every POST.

    `answers` scripts the HTTP statuses of the next POSTs (then 200); `wa` (a pywa client)
    makes it behave like a pywa bot: signature check, then pywa's handlers.
    """

    def __init__(self, verify_token: str = WA_VERIFY, wa: Any = None) -> None:
        self.verify_token = verify_token
        self.wa = wa
        self.answers: list[int] = []
        self.posts: list[tuple[bytes, dict[str, str]]] = []
        self.challenge_answer: str | None = None  # override what GET echoes
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/hook", self._get)
        app.router.add_post("/hook", self._post)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/hook"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _get(self, request: web.Request) -> web.Response:
        if request.query.get("hub.mode") != "subscribe":
            return web.Response(status=400)
        if request.query.get("hub.verify_token") != self.verify_token:
            return web.Response(status=403, text="Forbidden")
        answer = self.challenge_answer or request.query.get("hub.challenge", "")
        return web.Response(text=answer)

    async def _post(self, request: web.Request) -> web.Response:
        raw = await request.read()
        self.posts.append((raw, dict(request.headers)))
        self._changed.set()
        if self.answers:
            return web.Response(status=self.answers.pop(0))
        if self.wa is not None:
            error = await self.wa.webhook_update_validator(
                raw, request.headers.get(SIGNATURE_HEADER)
            )
            if error is not None:
                return web.Response(text=error[0], status=error[1])
            text, status = await self.wa.webhook_update_handler(raw)
            return web.Response(text=text, status=status)
        return web.Response(text="ok")

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw, _ in self.posts]

    def values(self) -> list[dict[str, Any]]:
        return [b["entry"][0]["changes"][0]["value"] for b in self.bodies]

    def statuses(self) -> list[tuple[str, str]]:
        """(message id, status) of every status POST received, in order."""
        return [(s["id"], s["status"]) for v in self.values() for s in v.get("statuses", [])]

    async def wait_for(self, predicate: Callable[[Hook], bool], timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while not predicate(self):
                self._changed.clear()
                await self._changed.wait()


@pytest.fixture
async def hook(biz: WhatsAppNumber) -> AsyncIterator[Hook]:
    """A subscribed webhook endpoint (records only; no bot behind it)."""
    endpoint = Hook()
    await endpoint.start()
    await biz.subscribe(endpoint.url, WA_VERIFY)
    try:
        yield endpoint
    finally:
        await endpoint.stop()
