"""The web chat page playing WhatsApp people: its JSON API, driven like the page drives it.

The bot side is the real pywa client; what a persona does on the page must reach the bot's
webhook exactly as the Python drivers' actions do, and reading her chat must give the bot
`read` statuses.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from pywa_async.types import Button, Section, SectionList, SectionRow
from pywa_async.types.templates import BodyText, HeaderText, QuickReplyButton, TemplateLanguage

from sandbox import Sandbox, make_png
from sandbox.whatsapp import WhatsAppNumber, make_jpeg
from tests.sandbox.conftest import Hook

# pywa declares `params` in a way mypy reads as an instance method; the calls are right.
Header: Any = HeaderText
Body: Any = BodyText


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def api(sb: Sandbox) -> str:
    return sb.base_url + "/sandbox/api"


async def get(http: aiohttp.ClientSession, url: str) -> Any:
    async with http.get(url) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def post(http: aiohttp.ClientSession, url: str, body: Any = None, status: int = 200) -> Any:
    async with http.post(url, json=body) as response:
        assert response.status == status, await response.text()
        if response.content_type != "application/json":
            return await response.text()  # aiohttp's plain-text 404s
        return await response.json()


async def test_personas_of_both_apps_are_listed(
    wsb: Sandbox, hook: Hook, http: aiohttp.ClientSession
) -> None:
    listing = await get(http, f"{api(wsb)}/users")
    assert listing["whatsapp"] == {"number": "6281100001001"} and listing["bot"] is None
    waiting = asyncio.create_task(get(http, f"{api(wsb)}/users?after={listing['version']}&wait=5"))
    await asyncio.sleep(0.02)
    sitti = {"name": "Sitti", "phone": "+6285312345678", "label": "Posyandu Melati Baruga"}
    created = await post(http, f"{api(wsb)}/wa/users", sitti)
    assert (created["id"], created["channel"]) == ("wa:6285312345678", "whatsapp")
    assert created["label"] == "Posyandu Melati Baruga"  # what tells namesakes apart on the page
    woken = await asyncio.wait_for(waiting, 2)  # a new WhatsApp person wakes the list's poll
    assert [u["id"] for u in woken["users"]] == ["wa:6285312345678"]
    wsb.create_user("Rina", phone="+628123")
    users = (await get(http, f"{api(wsb)}/users"))["users"]
    assert [(u["name"], u["channel"]) for u in users] == [
        ("Rina", "telegram"),
        ("Sitti", "whatsapp"),
    ]
    assert users[1]["wa_id"] == "6285312345678" and users[1]["online"] is True

    sent = await post(http, f"{api(wsb)}/wa/users/6285312345678/send", {"text": "halo *bidan*"})
    assert sent["message"]["text"] == {"body": "halo *bidan*"}
    # The send answers once the bot's endpoint accepted the webhook: no waiting needed.
    assert hook.values()[-1]["messages"][0]["text"]["body"] == "halo *bidan*"
    assert hook.values()[-1]["contacts"][0]["profile"]["name"] == "Sitti"
    await post(http, f"{api(wsb)}/wa/users", {"name": "Dua", "phone": "085312"}, status=400)


async def test_the_bots_messages_buttons_rows_and_ticks(
    wsb: Sandbox, wa: Any, biz: WhatsAppNumber, hook: Hook, http: aiohttp.ClientSession
) -> None:
    sitti = wsb.create_whatsapp_user("Sitti", "+6285312345678")
    base = f"{api(wsb)}/wa/users/{sitti.wa_id}"
    await post(http, f"{base}/send", {"text": "halo"})
    state = await get(http, f"{base}/messages?read=0")
    (mine,) = state["messages"]
    assert (mine["from_bot"], mine["body"], mine["status"]) == (False, "halo", "delivered")

    # Long poll: the bot's message wakes it (read=0: a hidden tab leaves it delivered).
    poll = f"{base}/messages?after={state['version']}&wait=5&read=0"
    waiting = asyncio.create_task(get(http, poll))
    await asyncio.sleep(0.02)
    asked = await wa.send_message(
        sitti.wa_id,
        "*Posyandu* besok, <b>datang</b>?",
        buttons=[Button("Hadir", "rsvp:yes"), Button("Tidak", "rsvp:no")],
        footer="Pokjanal",
    )
    state = await asyncio.wait_for(waiting, 2)
    question = state["messages"][-1]
    assert question["body"] == "*Posyandu* besok, <b>datang</b>?"  # markers as sent, unescaped
    assert (question["type"], question["interactive_type"]) == ("interactive", "button")
    assert question["buttons"] == ["Hadir", "Tidak"] and question["footer"] == "Pokjanal"
    assert (question["id"], question["status"]) == (asked.id, "delivered")

    rows = [SectionRow("Melati", "pos:1", "RW 01"), SectionRow("Mawar", "pos:2")]
    await wa.send_message(
        sitti.wa_id, "Posyandu mana?", buttons=SectionList("Pilih pos", [Section("Desa", rows)])
    )
    await wa.send_template(
        sitti.wa_id,
        "pengingat_posyandu",
        TemplateLanguage.INDONESIAN,
        [
            Header.params("Melati"),
            Body.params("Sitti", "Senin", "08.00"),
            QuickReplyButton.params(callback_data="rsvp:42:yes", index=0),
        ],
    )
    state = await get(http, f"{base}/messages?read=0")
    listed, reminder = state["messages"][-2:]
    assert (listed["list_button"], listed["buttons"]) == ("Pilih pos", [])
    assert listed["rows"] == [
        {"section": "Desa", "id": "pos:1", "title": "Melati", "description": "RW 01"},
        {"section": "Desa", "id": "pos:2", "title": "Mawar", "description": None},
    ]
    assert (reminder["template"], reminder["header"]) == ("pengingat_posyandu", "Posyandu Melati")
    assert reminder["body"] == "Halo *Sitti*, Posyandu buka Senin jam 08.00."
    assert reminder["buttons"] == ["Hadir", "Tidak bisa"]

    tapped = await post(http, f"{base}/press", {"message_id": asked.id, "label": "Hadir"})
    assert tapped["message"]["interactive"]["button_reply"] == {"id": "rsvp:yes", "title": "Hadir"}
    await post(http, f"{base}/press", {"message_id": listed["id"], "label": "Mawar"})
    await post(http, f"{base}/press", {"message_id": reminder["id"], "label": "Hadir"})
    inbound = [v["messages"][0] for v in hook.values() if "messages" in v]
    assert inbound[-3]["context"]["id"] == asked.id
    assert inbound[-2]["interactive"]["list_reply"] == {"id": "pos:2", "title": "Mawar"}
    assert inbound[-1]["button"] == {"payload": "rsvp:42:yes", "text": "Hadir"}
    state = await get(http, f"{base}/messages?read=0")
    taps = [m for m in state["messages"] if not m["from_bot"]][-3:]
    assert [(m["body"], m["reply_to"]) for m in taps] == [
        ("Hadir", asked.id),
        ("Mawar", listed["id"]),
        ("Hadir", reminder["id"]),
    ]
    assert [m["from_bot"] for m in state["messages"]] == [False, True, True, True] + [False] * 3

    await post(http, f"{base}/press", {"message_id": asked.id, "label": "Mungkin"}, status=400)
    await post(http, f"{base}/press", {"message_id": "wamid.nope", "label": "Hadir"}, status=404)
    wsb.whatsapp_faults.fail_next(sitti.wa_id)
    await wa.send_message(sitti.wa_id, "Gagal", buttons=[Button("Ya", "y")])
    failed = (await get(http, f"{base}/messages?read=0"))["messages"][-1]
    assert (failed["status"], failed["error_code"]) == ("failed", 131026)
    await post(http, f"{base}/press", {"message_id": failed["id"], "label": "Ya"}, status=404)

    # Opening the chat reads it: the bot gets `read` statuses; the business reads hers.
    await wa.mark_message_as_read(inbound[-1]["id"])
    state = await get(http, f"{base}/messages")
    assert {m["status"] for m in state["messages"] if m["from_bot"]} == {"read", "failed"}
    assert {m["status"] for m in state["messages"] if not m["from_bot"]} == {"read"}
    await biz.drain()
    read = {message_id for message_id, status in hook.statuses() if status == "read"}
    assert read == {asked.id, listed["id"], reminder["id"]}
    assert await post(http, f"{base}/read") == {"read": []}  # nothing left unread


async def test_photos_both_ways_and_media_urls(
    wsb: Sandbox, wa: Any, hook: Hook, http: aiohttp.ClientSession
) -> None:
    sitti = wsb.create_whatsapp_user("Sitti", "+6285312345678")
    base = f"{api(wsb)}/wa/users/{sitti.wa_id}"
    form = aiohttp.FormData()
    form.add_field("file", make_jpeg(), filename="kms.jpg", content_type="image/jpeg")
    form.add_field("caption", "KMS *Budi*")
    async with http.post(f"{base}/photo", data=form) as response:
        image = (await response.json())["message"]["image"]
    assert hook.values()[-1]["messages"][0]["image"]["caption"] == "KMS *Budi*"
    form = aiohttp.FormData()
    html = b"<script>alert(1)</script>"
    form.add_field("file", html, filename="x.html", content_type="text/html")
    async with http.post(f"{base}/photo", data=form) as response:
        document = (await response.json())["message"]["document"]
    assert document["filename"] == "x.html"

    png = make_png(4, 4)
    media = await wa.upload_media(png, mime_type="image/png", filename="grafik.png")
    await wa.send_image(sitti.wa_id, media.id, caption="Grafik")
    await wa.delete_media(media.id)  # her phone downloaded it already: the page still shows it
    state = await get(http, f"{base}/messages")
    mine_image, mine_doc, bots = state["messages"]
    assert (mine_image["type"], mine_image["body"]) == ("image", "KMS *Budi*")
    assert mine_image["media"]["url"].endswith(image["id"]) and mine_doc["type"] == "document"
    assert (bots["type"], bots["body"], bots["media"]["mime"]) == ("image", "Grafik", "image/png")
    async with http.get(wsb.base_url + bots["media"]["url"]) as response:
        assert (response.content_type, await response.read()) == ("image/png", png)
    async with http.get(wsb.base_url + mine_image["media"]["url"]) as response:
        assert await response.read() == make_jpeg()
    async with http.get(wsb.base_url + mine_doc["media"]["url"]) as response:
        assert response.content_type == "application/octet-stream"  # never HTML on our origin
    async with http.get(f"{api(wsb)}/wa/media/123") as response:
        assert response.status == 404


async def test_offline_and_errors(wsb: Sandbox, wa: Any, http: aiohttp.ClientSession) -> None:
    sitti = wsb.create_whatsapp_user("Sitti", "+6285312345678")
    base = f"{api(wsb)}/wa/users/{sitti.wa_id}"
    async with http.get(f"{api(wsb)}/wa/users/62000/messages") as response:
        assert response.status == 404
    await post(http, f"{base}/send", {"text": "halo"})
    version = (await get(http, f"{base}/messages"))["version"]
    waiting = asyncio.create_task(get(http, f"{base}/messages?after={version}&wait=5"))
    await asyncio.sleep(0.02)
    assert (await post(http, f"{base}/online", {"online": False}))["online"] is False
    assert (await asyncio.wait_for(waiting, 2))["user"]["online"] is False  # header redraws
    await post(http, f"{base}/send", {"text": "x"}, status=400)  # her phone is off
    await wa.send_message(sitti.wa_id, "Sudah sampai?")
    pending = (await get(http, f"{base}/messages"))["messages"][-1]
    assert pending["status"] == "sent"  # one tick; offline, so not read by polling either
    await post(http, f"{base}/online", {"online": True})
    assert (await get(http, f"{base}/messages"))["messages"][-1]["status"] == "read"
    await post(http, f"{base}/send", {"text": "   "}, status=400)


async def test_page_has_the_whatsapp_look(wsb: Sandbox, http: aiohttp.ClientSession) -> None:
    async with http.get(wsb.base_url + "/") as response:
        page = await response.text()
    for needle in ("#008069", "#efeae2", "#d9fdd3", "/wa/users/", "☰", "✓✓", 'id="sheet"'):
        assert needle in page
    assert "innerHTML" not in page and "<script src" not in page
