"""Webhooks: verification, signatures, statuses, the 24-hour window, retries, re-delivery."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from typing import Any, cast

import pytest
from pywa_async import errors as wa_errors
from pywa_async import filters, types
from pywa_async.types import Button, Section, SectionList, SectionRow

from sandbox import Sandbox, SandboxUsageError
from sandbox.whatsapp import WhatsAppNumber, WhatsAppUser, check_envelope
from tests.sandbox.conftest import (
    WA_SECRET,
    WA_VERIFY,
    FakeClock,
    Hook,
    parse_with_pywa,
    wa_client,
)

DAY = 24 * 3600


async def test_verification_handshake(biz: WhatsAppNumber) -> None:
    endpoint = Hook()
    await endpoint.start()
    try:
        with pytest.raises(SandboxUsageError, match="verification failed"):
            await biz.subscribe(endpoint.url, "wrong-token")  # the endpoint answers 403
        endpoint.challenge_answer = "12345"
        with pytest.raises(SandboxUsageError, match="exactly the challenge"):
            await biz.subscribe(endpoint.url, WA_VERIFY)
        endpoint.challenge_answer = None
        await biz.subscribe(endpoint.url, WA_VERIFY)
        assert biz.subscribed_url == endpoint.url
        biz.unsubscribe()
        assert biz.subscribed_url is None
    finally:
        await endpoint.stop()
    with pytest.raises(SandboxUsageError, match="cannot reach"):
        await biz.subscribe(endpoint.url, WA_VERIFY)
    with pytest.raises(SandboxUsageError, match="not an http"):
        await biz.subscribe("ftp://example.org/hook", WA_VERIFY)


async def test_endpoint_accepting_any_token_is_refused(biz: WhatsAppNumber) -> None:
    from aiohttp import web

    async def careless(request: web.Request) -> web.Response:
        return web.Response(text=request.query["hub.challenge"])

    app = web.Application()
    app.router.add_get("/hook", careless)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
        with pytest.raises(SandboxUsageError, match="wrong verify token"):
            await biz.subscribe(url, WA_VERIFY)
        await biz.subscribe(url, WA_VERIFY, check_wrong_token=False)  # Meta itself does not check
    finally:
        await runner.cleanup()


async def test_signed_raw_bytes_in_metas_layout(
    wsb: Sandbox, biz: WhatsAppNumber, hook: Hook
) -> None:
    ani = wsb.create_whatsapp_user("Ani Lestari", "+6285312340000")
    sent = await ani.send_photo(caption="Foto KMS – bulan ke-3")
    raw, headers = hook.posts[-1]
    assert headers["Content-Type"] == "application/json"
    expected = "sha256=" + hmac.new(WA_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert headers["X-Hub-Signature-256"] == expected == biz.sign(raw)
    assert raw.isascii() and b"\\u2013" in raw and b"https:" not in raw and b"http:\\/\\/" in raw
    body = json.loads(raw)
    assert body["entry"][0]["changes"][0]["value"]["messages"][0] == sent
    assert check_envelope(body) == []
    reserialised = json.dumps(body).encode()
    assert biz.sign(reserialised) != expected  # why signatures must be checked on raw bytes
    assert body == {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "2001",
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "6281100001001",
                                "phone_number_id": "1001",
                            },
                            "contacts": [
                                {
                                    "profile": {"name": "Ani Lestari"},
                                    "wa_id": "6285312340000",
                                    "user_id": ani.user_id,
                                }
                            ],
                            "messages": [sent],
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


async def test_pywa_checks_signatures(wsb: Sandbox, biz: WhatsAppNumber) -> None:
    client = wa_client(wsb)
    endpoint = Hook(wa=client)
    await endpoint.start()
    try:
        await biz.subscribe(endpoint.url, WA_VERIFY)
        await wsb.create_whatsapp_user("Ani", "+6285312340000").send_text("halo")
        assert biz.envelopes[-1].statuses == [200]
        raw = biz.envelopes[-1].raw
        assert await biz.post_raw(raw, None) == 401
        assert await biz.post_raw(raw, "sha256=" + "0" * 64) == 403
        forged = raw.replace(b"halo", b"HALO")
        assert await biz.post_raw(forged, biz.sign(raw)) == 403
        assert await biz.post_raw(forged, biz.sign(forged)) == 200
        biz.app_secret = "rotated"  # the bot still holds the old secret
        await wsb.whatsapp_user("6285312340000").send_text("setelah rotasi")
        assert biz.envelopes[-1].statuses == [403] * 5
        assert len(biz.webhook_failures) == 1
    finally:
        await endpoint.stop()
        await client.api._session.aclose()


async def test_statuses_sent_delivered_read(
    wa: Any, biz: WhatsAppNumber, sitti: WhatsAppUser, hook: Hook
) -> None:
    first = await wa.send_message(sitti.wa_id, "satu")
    second = await wa.send_message(sitti.wa_id, "dua")
    await biz.drain()
    assert hook.statuses()[-4:] == [
        (first.id, "sent"),
        (first.id, "delivered"),
        (second.id, "sent"),
        (second.id, "delivered"),
    ]
    read = sitti.read_all()
    assert [m.id for m in read] == [first.id, second.id]
    await biz.drain()
    assert hook.statuses()[-2:] == [(first.id, "read"), (second.id, "read")]
    assert sitti.read_all() == []
    status = parse_with_pywa(wa, biz.envelopes[-1])
    assert isinstance(status, types.MessageStatus)
    assert (status.id, status.status, status.from_user.wa_id) == (second.id, "read", sitti.wa_id)
    delivered = [e for e in biz.envelopes if b'"delivered"' in e.raw][-1]
    parsed = parse_with_pywa(wa, delivered)
    assert isinstance(parsed, types.MessageStatus)
    assert parsed.pricing is not None and parsed.pricing.billable is False
    assert parsed.conversation is not None and parsed.conversation.category == "service"
    assert [m.status for m in sitti.messages] == ["read", "read"]
    assert [s for s, _ in sitti.messages[0].history] == ["accepted", "sent", "delivered", "read"]


async def test_window_closes_after_24_hours(
    wsb: Sandbox, wa: Any, biz: WhatsAppNumber, sitti: WhatsAppUser, clock: FakeClock, hook: Hook
) -> None:
    assert sitti.window_open and sitti.last_inbound_at == clock.now
    clock.advance(DAY - 1)
    await wa.send_message(sitti.wa_id, "masih bisa")
    clock.advance(2)
    assert not sitti.window_open and not biz.window_open(sitti.wa_id)
    late = await wa.send_message(sitti.wa_id, "terlambat")  # accepted...
    await biz.drain()
    assert [m.text for m in sitti.messages] == ["masih bisa"]  # ...but never shown
    assert [(m.id, m.status, m.error_code) for m in sitti.undelivered] == [
        (late.id, "failed", 131047)
    ]
    assert hook.statuses()[-1] == (late.id, "failed")
    failed = parse_with_pywa(wa, biz.envelopes[-1])
    assert isinstance(failed, types.MessageStatus)
    assert isinstance(failed.error, wa_errors.ReEngagementMessage)
    assert failed.from_user.wa_id == sitti.wa_id
    await wa.send_template(
        sitti.wa_id,
        "pengingat_posyandu",
        types.templates.TemplateLanguage.INDONESIAN,
        [
            cast(Any, types.templates.HeaderText).params("Melati"),
            cast(Any, types.templates.BodyText).params("Sitti", "Senin", "08.00"),
        ],
    )
    assert (await sitti.wait_for(lambda ms: len(ms) == 2))[-1].type == "template"
    await sitti.press("Hadir")  # any message from her reopens the window
    await wa.send_message(sitti.wa_id, "terima kasih")
    assert sitti.last_message is not None and sitti.last_message.text == "terima kasih"


async def test_unknown_recipient_and_injected_failures(
    wsb: Sandbox, wa: Any, biz: WhatsAppNumber, sitti: WhatsAppUser
) -> None:
    wsb.whatsapp_faults.fail_next(sitti.wa_id, code=131026)
    sent = await wa.send_message(sitti.wa_id, "tidak sampai")
    await wa.send_message(sitti.wa_id, "sampai")
    assert [m.text for m in sitti.messages] == ["sampai"]
    assert [(m.id, m.error_code) for m in sitti.undelivered] == [(sent.id, 131026)]
    failed = parse_with_pywa(wa, [e for e in biz.envelopes if b'"failed"' in e.raw][-1])
    assert isinstance(failed, types.MessageStatus)
    assert isinstance(failed.error, wa_errors.MessageUndeliverable)
    wsb.whatsapp_faults.fail_next(sitti.wa_id, code=131049, times=2)
    for _ in range(3):
        await wa.send_message(sitti.wa_id, "x")
    assert [m.error_code for m in sitti.undelivered] == [131026, 131049, 131049]


async def test_failed_status_without_contacts_as_documented(
    wa: Any, biz: WhatsAppNumber, sitti: WhatsAppUser, clock: FakeClock
) -> None:
    biz.failed_status_contacts = False
    clock.advance(DAY + 1)
    await wa.send_message(sitti.wa_id, "di luar jendela")
    value = biz.envelopes[-1].body["entry"][0]["changes"][0]["value"]
    assert "contacts" not in value and value["statuses"][0]["status"] == "failed"
    assert check_envelope(biz.envelopes[-1].body) == []
    with pytest.raises(KeyError):  # pywa 4.5 cannot build a MessageStatus from it
        parse_with_pywa(wa, biz.envelopes[-1])


async def test_retries_with_backoff_then_gives_up(
    wsb: Sandbox, biz: WhatsAppNumber, hook: Hook
) -> None:
    ani = wsb.create_whatsapp_user("Ani", "+6285312340000")
    hook.answers = [500, 503]
    await ani.send_text("ketiga kali berhasil")  # returns once the bot accepted it
    envelope = biz.envelopes[-1]
    assert (envelope.attempts, envelope.statuses, envelope.delivered) == (3, [500, 503, 200], True)
    assert len(hook.posts) == 3 and hook.posts[0][0] == hook.posts[2][0]
    biz.webhook.tries = 2
    hook.answers = [500, 500]
    await ani.send_text("gagal")
    assert biz.envelopes[-1].statuses == [500, 500] and not biz.envelopes[-1].delivered
    assert [f.envelope for f in biz.webhook_failures] == [biz.envelopes[-1]]
    assert biz.webhook_failures[0].errors[0].startswith("HTTP 500")
    await ani.send_text("lanjut")
    assert biz.envelopes[-1].delivered


async def test_redelivery_is_handled_once_by_pywa(wsb: Sandbox, biz: WhatsAppNumber) -> None:
    client = wa_client(wsb)
    seen: list[str] = []

    @client.on_message
    async def remember(_: Any, msg: Any) -> None:  # a types.Message
        seen.append(msg.id)

    endpoint = Hook(wa=client)
    await endpoint.start()
    try:
        await biz.subscribe(endpoint.url, WA_VERIFY)
        sent = await wsb.create_whatsapp_user("Ani", "+6285312340000").send_text("sekali saja")
        assert await biz.redeliver_last() == 200
        assert [raw for raw, _ in endpoint.posts] == [biz.envelopes[-1].raw] * 2
        assert seen == [sent["id"]]
    finally:
        await endpoint.stop()
        await client.api._session.aclose()


async def test_lanes_keep_order_per_person_and_do_not_block_others(
    wsb: Sandbox, biz: WhatsAppNumber
) -> None:
    from aiohttp import web

    order: list[str] = []
    ani_arrived = asyncio.Event()
    budi_arrived = asyncio.Event()

    async def endpoint(request: web.Request) -> web.Response:
        if request.method == "GET":
            if request.query["hub.verify_token"] != WA_VERIFY:
                return web.Response(status=403)
            return web.Response(text=request.query["hub.challenge"])
        value = (await request.json())["entry"][0]["changes"][0]["value"]
        text = value["messages"][0]["text"]["body"]
        order.append(text)
        if text == "ani-1":  # hold Ani's first message until Budi's got through
            ani_arrived.set()
            await asyncio.wait_for(budi_arrived.wait(), 5)
        if text.startswith("budi"):
            budi_arrived.set()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/hook", endpoint)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await biz.subscribe(f"http://127.0.0.1:{runner.addresses[0][1]}/hook", WA_VERIFY)
        ani = wsb.create_whatsapp_user("Ani", "+6285312340000")
        budi = wsb.create_whatsapp_user("Budi", "+6285312340001")
        ani_sends = asyncio.gather(ani.send_text("ani-1"), ani.send_text("ani-2"))
        await asyncio.wait_for(ani_arrived.wait(), 5)
        await budi.send_text("budi-1")  # Ani's lane is stuck; Budi's is not
        await ani_sends
        await biz.drain()
        assert order == ["ani-1", "budi-1", "ani-2"]
    finally:
        await runner.cleanup()


async def test_without_subscription_events_are_kept_not_sent(
    wsb: Sandbox, wa: Any, biz: WhatsAppNumber
) -> None:
    ani = wsb.create_whatsapp_user("Ani", "+6285312340000")
    await ani.send_text("ada orang?")
    await wa.send_message(ani.wa_id, "ya")
    await biz.drain()
    assert [e.delivered for e in biz.envelopes] == [False, False, False]
    assert [m.text for m in ani.messages] == ["ya"]
    with pytest.raises(SandboxUsageError):
        await biz.post_raw(b"{}", None)


async def test_offline_person_gets_messages_later(
    wa: Any, biz: WhatsAppNumber, sitti: WhatsAppUser, hook: Hook
) -> None:
    sitti.go_offline()
    sent = await wa.send_message(sitti.wa_id, "pengingat")
    await biz.drain()
    assert sitti.messages == [] and [m.status for m in sitti.pending] == ["sent"]
    assert hook.statuses()[-1] == (sent.id, "sent")
    with pytest.raises(SandboxUsageError, match="offline"):
        await sitti.send_text("halo")
    sitti.go_online()
    await biz.drain()
    assert [m.text for m in sitti.messages] == ["pengingat"] and sitti.pending == []
    assert hook.statuses()[-1] == (sent.id, "delivered")


async def test_a_pywa_bot_end_to_end(wsb: Sandbox, biz: WhatsAppNumber) -> None:
    """The shape of the real bot: pywa handlers behind an aiohttp webhook.

    Handler arguments are typed Any: mypy resolves pywa_async's update types to pywa's
    synchronous ones, whose reply methods are not awaitable.
    """
    bot = wa_client(wsb)

    @bot.on_message(filters.text & filters.matches("DAFTAR"))
    async def register(_: Any, msg: Any) -> None:
        await msg.mark_as_read()
        await msg.reply_text(
            f"Halo *{msg.from_user.name}*! Anda kader?",
            buttons=[Button("Ya", "role:kader"), Button("Bukan", "role:warga")],
        )

    @bot.on_callback_button
    async def role(_: Any, btn: Any) -> None:
        menu = SectionList("Pilih", [Section("Posyandu", [SectionRow("Melati", "pos:1", "RW 01")])])
        await btn.reply_text(f"Peran: {btn.data}. Posyandu mana?", buttons=menu)

    @bot.on_callback_selection
    async def posyandu(_: Any, sel: Any) -> None:
        await sel.reply_text(f"Terdaftar di {sel.title} ({sel.data})")

    @bot.on_message(filters.image)
    async def photo(_: Any, msg: Any) -> None:
        data = await msg.get_media_bytes()
        await msg.reply_text(f"Foto diterima: {len(data)} byte, {msg.caption}")

    endpoint = Hook(wa=bot)
    await endpoint.start()
    try:
        await biz.subscribe(endpoint.url, WA_VERIFY)
        sitti = wsb.create_whatsapp_user("Sitti Aminah", "+6285312345678")
        await sitti.send_text("DAFTAR")
        question = await sitti.next_message()
        assert question.text == "Halo Sitti Aminah! Anda kader?"
        assert sitti.seen_by_business()
        assert biz.calls[-1].json["recipient"] == sitti.user_id  # pywa replies by BSUID
        await sitti.press("Ya")
        menu = await sitti.next_message()
        assert menu.text == "Peran: role:kader. Posyandu mana?" and menu.buttons == [["Melati"]]
        await sitti.press("Melati")
        assert (await sitti.next_message()).text == "Terdaftar di Melati (pos:1)"
        await sitti.send_photo(caption="KMS")
        assert (await sitti.next_message()).text == "Foto diterima: 633 byte, KMS"
        await biz.drain()
        assert biz.webhook_failures == [] and all(e.delivered for e in biz.envelopes)
    finally:
        await endpoint.stop()
        await bot.api._session.aclose()
