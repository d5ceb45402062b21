"""The bot's aiohttp client behaves as python-telegram-bot's httpx one did: file names as they
are, slow-but-moving transfers complete, stalls and refusals become TimedOut / NetworkError."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.http import AiohttpRequest


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[bytes]]]:
    bodies: list[bytes] = []

    async def upload(request: web.Request) -> web.Response:
        bodies.append(await request.read())
        return web.json_response({"ok": True, "result": True})

    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(12):  # 4.8 s in all, never more than 0.4 s without a byte
            await response.write(b"x" * 1000)
            await asyncio.sleep(0.4)
        await response.write_eof()
        return response

    async def stall(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="too late")

    app = web.Application()
    app.router.add_post("/upload", upload)
    app.router.add_get("/trickle", trickle)
    app.router.add_get("/stall", stall)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}", bodies
    finally:
        await runner.cleanup()


async def test_a_document_keeps_its_name_as_written(server: tuple[str, list[bytes]]) -> None:
    base, bodies = server
    name = "Laporan kegiatan – Posyandu Melati.pdf"
    document = InputFile(b"%PDF-1.4 bukti", filename=name)
    data = RequestData(
        [
            RequestParameter.from_input("chat_id", 7),
            RequestParameter.from_input("document", document),
        ]
    )
    async with AiohttpRequest() as request:
        status, _ = await request.do_request(f"{base}/upload", "POST", data)
    assert status == 200
    # Raw UTF-8, not percent-encoded: Telegram would show "%20" and "%E2%80%93" literally.
    assert f'filename="{name}"'.encode() in bodies[0]


async def test_a_slow_download_that_keeps_moving_completes(
    server: tuple[str, list[bytes]],
) -> None:
    base, _ = server
    async with AiohttpRequest(read_timeout=1, connect_timeout=1, pool_timeout=0.5) as request:
        status, body = await request.do_request(f"{base}/trickle", "GET")
    assert status == 200 and len(body) == 12000


async def test_a_stalled_answer_times_out_and_a_closed_port_is_a_network_error(
    server: tuple[str, list[bytes]],
) -> None:
    base, _ = server
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    async with AiohttpRequest(read_timeout=0.5) as request:
        with pytest.raises(TimedOut):
            await request.do_request(f"{base}/stall", "GET")
        with pytest.raises(NetworkError):
            await request.do_request(f"http://127.0.0.1:{closed}/bot1:x/getMe", "POST")
