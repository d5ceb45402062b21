"""Webhook delivery, and the JSON API behind the web chat page."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
import telegram
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup

from sandbox import Sandbox, SandboxUser, make_png


async def test_webhook_delivery(bot: telegram.Bot, sb: Sandbox, alice: SandboxUser) -> None:
    received: list[tuple[dict[str, Any], str | None]] = []
    fail_first = [True]

    async def hook(request: web.Request) -> web.Response:
        if fail_first[0]:
            fail_first[0] = False
            return web.Response(status=500)
        received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        assert await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        with pytest.raises(telegram.error.Conflict, match="webhook is active"):
            await bot.get_updates()
        await alice.send_text("lewat webhook")
        for _ in range(200):
            if len(received) == 2:
                break
            await asyncio.sleep(0.01)
        assert [u["message"]["text"] for u, _ in received] == ["/start", "lewat webhook"]
        assert {secret for _, secret in received} == {"s3cret"}
        info = await bot.get_webhook_info()
        assert info.url == f"http://127.0.0.1:{port}/hook"
        assert info.pending_update_count == 0
        assert info.last_error_message is not None  # the first attempt got a 500
        assert await bot.delete_webhook()
        await alice.send_text("lewat polling")
        assert [u.message.text for u in await bot.get_updates() if u.message] == ["lewat polling"]
    finally:
        await runner.cleanup()


async def test_set_webhook_validation(bot: telegram.Bot) -> None:
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)bad webhook"):
        await bot.set_webhook("ftp://example.org/hook")


@pytest.fixture
async def http() -> Any:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_page_is_served(sb: Sandbox, http: aiohttp.ClientSession) -> None:
    async with http.get(sb.base_url + "/") as response:
        assert response.status == 200
        page = await response.text()
    assert 'const API = "/sandbox/api"' in page
    assert "innerHTML" not in page  # text is rendered with DOM nodes only
    assert "<script src" not in page and "<link" not in page  # self-contained, no CDN


# What the page said in English before it was shown to Indonesian audiences.
ENGLISH_LABELS = (
    'lang="en"',
    "Chat sandbox",
    "Telegram sandbox",
    '"Name"',
    "Phone, e.g.",
    "Role label",
    "Add person",
    '"Back"',
    "No one selected",
    "Block bot",
    "Unblock bot",
    "Pick a person",
    '"Message"',
    ">Send<",
    "Share my contact",
    "Send photo",
    '"Close"',
    '"Error "',
    '"Send "',
    '"blocked"',
    '"offline"',
    "no phone",
    "(unsupported message)",
    "deleted · ",
    "edited · ",
    "No messages yet",
    "Say halo",
    "Loading…",
    "typing…",
    "WhatsApp to +",
    "Go offline",
    "Go online",
    "not delivered",
    " message)",
    "template · ",
    "not supported in the sandbox",
    "did not answer the button press",
)
INDONESIAN_LABELS = (
    'lang="id"',
    "Tambah orang",
    "Kembali",
    "Blokir bot",
    "Buka blokir bot",
    "Pilih seseorang",
    ">Kirim<",
    "Bagikan kontak saya",
    "Kirim foto",
    "Belum ada pesan",
    "Memuat…",
    "mengetik…",
    "Matikan HP",
    "Nyalakan HP",
    "Cari nama atau no. HP",
    "Tidak ada yang cocok",
)


async def test_page_labels_are_indonesian(sb: Sandbox, http: aiohttp.ClientSession) -> None:
    """The page is played in front of Indonesian audiences: its own words are Indonesian,
    only product names (Telegram, WhatsApp) stay as they are."""
    async with http.get(sb.base_url + "/") as response:
        page = await response.text()
    assert [label for label in ENGLISH_LABELS if label in page] == []
    assert [label for label in INDONESIAN_LABELS if label not in page] == []


async def test_page_api_flow(bot: telegram.Bot, sb: Sandbox, http: aiohttp.ClientSession) -> None:
    api = sb.base_url + "/sandbox/api"
    async with http.post(
        f"{api}/users", json={"name": "Rina Wati", "phone": "+628123", "label": "admin"}
    ) as response:
        created = await response.json()
    assert created["name"] == "Rina Wati" and created["label"] == "admin"
    uid = created["id"]
    async with http.get(f"{api}/users") as response:
        listing = await response.json()
    assert listing["bot"]["username"] == "pokjanal_bot"
    assert [u["id"] for u in listing["users"]] == [uid]

    async with http.post(f"{api}/users/{uid}/send", json={"text": "/start"}) as response:
        assert (await response.json())["message"]["text"] == "/start"
    async with http.get(f"{api}/users/{uid}/messages") as response:
        state = await response.json()
    version = state["version"]

    waiting = asyncio.create_task(http.get(f"{api}/users/{uid}/messages?after={version}&wait=5"))
    await asyncio.sleep(0.02)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Hadir", callback_data="yes")]])
    sent = await bot.send_message(
        uid, "<b>Undangan</b> &lt;script&gt;", parse_mode="HTML", reply_markup=markup
    )
    async with await waiting as response:
        state = await response.json()
    bot_msg = state["messages"][-1]
    assert bot_msg["text"] == "Undangan <script>"
    assert bot_msg["entities"] == [{"type": "bold", "offset": 0, "length": 8}]
    assert bot_msg["buttons"][0][0]["callback_data"] == "yes"

    async def answer_when_pressed() -> None:
        update = (await bot.get_updates(offset=-1, timeout=5))[-1]
        assert update.callback_query is not None
        await update.callback_query.answer("Tercatat")

    answering = asyncio.create_task(answer_when_pressed())
    async with http.post(
        f"{api}/users/{uid}/press", json={"message_id": sent.message_id, "label": "Hadir"}
    ) as response:
        assert await response.json() == {"answer": "Tercatat"}
    await answering

    await bot.send_message(uid, "Nomor?", reply_markup=ReplyKeyboardMarkup([["Nanti"]]))
    async with http.get(f"{api}/users/{uid}/messages") as response:
        assert (await response.json())["reply_keyboard"] == [[{"text": "Nanti"}]]
    async with http.post(f"{api}/users/{uid}/press", json={"label": "Nanti"}) as response:
        assert response.status == 200
    async with http.post(f"{api}/users/{uid}/contact") as response:
        contact = (await response.json())["message"]["contact"]
    assert contact == {
        "phone_number": "628123",
        "first_name": "Rina",
        "last_name": "Wati",
        "user_id": uid,
    }

    form = aiohttp.FormData()
    form.add_field("file", make_png(6, 6), filename="kms.png", content_type="image/png")
    async with http.post(f"{api}/users/{uid}/photo", data=form) as response:
        photo = (await response.json())["message"]["photo"]
    async with http.get(f"{api}/files/{photo[-1]['file_id']}") as response:
        assert await response.read() == make_png(6, 6)

    photo_msg = await bot.send_photo(uid, make_png(5, 5))
    async with http.get(f"{api}/users/{uid}/messages") as response:
        state = await response.json()
    assert state["messages"][-1]["photo"].endswith(photo_msg.photo[-1].file_id)
    kinds = [m["kind"] for m in state["messages"]]
    assert kinds[-4:] == ["text", "contact", "photo", "photo"]


async def test_page_api_errors(sb: Sandbox, http: aiohttp.ClientSession) -> None:
    api = sb.base_url + "/sandbox/api"
    async with http.get(f"{api}/users/42/messages") as response:
        assert response.status == 404
    user = sb.create_user("Tanpa", phone=None)
    async with http.post(f"{api}/users/{user.id}/contact") as response:
        assert response.status == 400
        assert "no phone number" in (await response.json())["error"]
    async with http.post(f"{api}/users/{user.id}/press", json={"label": "X"}) as response:
        assert response.status == 400
    async with http.post(f"{api}/users/{user.id}/block", json={"blocked": True}) as response:
        assert (await response.json())["blocked"] is True
