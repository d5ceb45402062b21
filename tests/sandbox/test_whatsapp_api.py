"""The WhatsApp Cloud API of the sandbox driven by the real pywa client: sends, limits, errors."""

from __future__ import annotations

import pathlib
from typing import Any

import httpx
import pytest
from pywa_async import errors as wa_errors
from pywa_async.types import Button, Section, SectionList, SectionRow

from sandbox import Sandbox, make_png
from sandbox.whatsapp import WhatsAppNumber, WhatsAppUser
from tests.sandbox.conftest import WA_TOKEN, FakeClock, wa_client


async def graph(
    sb: Sandbox,
    method: str,
    path: str,
    *,
    token: str | None = WA_TOKEN,
    version: str = "v22.0",
    **kwargs: Any,
) -> tuple[int, Any]:
    """A Graph API call without pywa, for shapes pywa would never send."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    base = f"{sb.whatsapp_api_url}/{version}" if version else sb.whatsapp_api_url
    async with httpx.AsyncClient() as client:
        response = await client.request(method, f"{base}{path}", headers=headers, **kwargs)
        return response.status_code, response.json()


def message(to: str, kind: str, content: Any) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": to, "type": kind, kind: content}


async def test_text_is_delivered_with_statuses(
    wa: Any, biz: WhatsAppNumber, sitti: WhatsAppUser
) -> None:
    sent = await wa.send_message(sitti.wa_id, "*Undangan* Posyandu _Melati_ hari ini")
    msg = await sitti.next_message()
    assert msg.id == sent.id and msg.id.startswith("wamid.")
    assert msg.body == "*Undangan* Posyandu _Melati_ hari ini"
    assert msg.text == "Undangan Posyandu Melati hari ini"
    assert (msg.type, msg.status, msg.pricing_category, msg.billable) == (
        "text",
        "delivered",
        "service",
        False,
    )
    call = biz.calls[-1]
    assert (call.method, call.status, call.path) == ("POST", 200, "/graph/v22.0/1001/messages")
    assert call.json["text"] == {"body": msg.body, "preview_url": False}
    assert call.response["contacts"] == [{"input": sitti.wa_id, "wa_id": sitti.wa_id}]
    statuses = [
        e.body["entry"][0]["changes"][0]["value"]["statuses"][0]
        for e in biz.envelopes
        if "statuses" in e.body["entry"][0]["changes"][0]["value"]
    ]
    assert [(s["id"], s["status"]) for s in statuses] == [(sent.id, "sent"), (sent.id, "delivered")]
    assert statuses[0]["pricing"] == {
        "billable": False,
        "pricing_model": "PMP",
        "category": "service",
        "type": "free_customer_service",
    }


async def test_authentication_and_unknown_objects(wsb: Sandbox, sitti: WhatsAppUser) -> None:
    stranger = wa_client(wsb, token="NOT-OURS")
    try:
        with pytest.raises(wa_errors.ExpiredAccessToken) as info:
            await stranger.send_message(sitti.wa_id, "halo")
        assert info.value.status_code == 401 and info.value.type == "OAuthException"
    finally:
        await stranger.api._session.aclose()
    status, body = await graph(wsb, "POST", "/1001/messages", token=None, json={})
    assert (status, body["error"]["code"]) == (401, 190)
    assert [c.status for c in wsb.whatsapp_number.calls] == [401, 401]  # addressed to 1001
    status, body = await graph(wsb, "POST", "/9999/messages", json=message("1", "text", {}))
    assert (status, body["error"]["code"], body["error"]["error_subcode"]) == (400, 100, 33)
    assert body["error"]["type"] == "GraphMethodException" and body["error"]["fbtrace_id"]
    assert sitti.messages == []


async def test_any_api_version_and_none(wsb: Sandbox, sitti: WhatsAppUser) -> None:
    for version in ("v19.0", "v26.0", ""):
        payload = message(sitti.wa_id, "text", {"body": version or "tanpa versi"})
        status, _ = await graph(wsb, "POST", "/1001/messages", version=version, json=payload)
        assert status == 200
    assert [m.body for m in sitti.messages] == ["v19.0", "v26.0", "tanpa versi"]


async def test_text_limits(wa: Any, sitti: WhatsAppUser) -> None:
    await wa.send_message(sitti.wa_id, "x" * 4096)
    with pytest.raises(wa_errors.WhatsAppError) as info:
        await wa.send_message(sitti.wa_id, "é" * 4097)  # characters, not bytes
    assert info.value.code == 100 and "4096" in (info.value.details or "")
    with pytest.raises(wa_errors.MissingRequiredParameter):
        await wa.send_message(sitti.wa_id, "   ")
    assert len(sitti.messages) == 1


async def test_reply_buttons(wa: Any, sitti: WhatsAppUser) -> None:
    await wa.send_message(
        sitti.wa_id,
        "Datang ke Posyandu *Senin*?",
        header="Undangan",
        footer="Pokjanal",
        buttons=[Button("Hadir", "rsvp:yes"), Button("Tidak", "rsvp:no")],
    )
    msg = await sitti.next_message()
    assert (msg.type, msg.interactive_type, msg.header, msg.footer) == (
        "interactive",
        "button",
        "Undangan",
        "Pokjanal",
    )
    assert msg.buttons == [["Hadir", "Tidak"]] and msg.button_ids == ["rsvp:yes", "rsvp:no"]
    assert msg.text == "Datang ke Posyandu Senin?"

    bad_sets = [
        [Button(f"B{i}", f"b{i}") for i in range(4)],
        [Button("x" * 21, "long")],
        [Button("Sama", "a"), Button("Sama", "b")],
        [Button("A", "same"), Button("B", "same")],
        [Button("A", "i" * 257)],
    ]
    for buttons in bad_sets:
        with pytest.raises(wa_errors.InvalidParameter):
            await wa.send_message(sitti.wa_id, "?", buttons=buttons)
    for kwargs in ({"header": "h" * 61}, {"footer": "f" * 61}, {"text": "b" * 1025}):
        args: dict[str, Any] = {"text": "?", "buttons": [Button("A", "a")], **kwargs}
        with pytest.raises(wa_errors.InvalidParameter) as info:
            await wa.send_message(sitti.wa_id, **args)
        assert "length invalid" in (info.value.details or "")
    await wa.send_message(sitti.wa_id, "x" * 20, buttons=[Button("x" * 20, "i" * 256)])
    assert len(sitti.messages) == 2


async def test_list_messages(wsb: Sandbox, wa: Any, sitti: WhatsAppUser) -> None:
    menu = SectionList(
        "Pilih jadwal",
        [
            Section("Pagi", [SectionRow("Senin 08.00", "slot:1", "Balai desa")]),
            Section("Siang", [SectionRow("Senin 13.00", "slot:2")]),
        ],
    )
    await wa.send_message(sitti.wa_id, "Kapan Anda bisa?", buttons=menu)
    msg = await sitti.next_message()
    assert (msg.interactive_type, msg.list_button) == ("list", "Pilih jadwal")
    assert msg.buttons == [["Senin 08.00"], ["Senin 13.00"]]
    assert msg.rows == [("slot:1", "Senin 08.00", "Balai desa"), ("slot:2", "Senin 13.00", None)]
    assert [title for title, _ in msg.sections] == ["Pagi", "Siang"]

    too_many = SectionList(
        "Pilih", [Section("A", [SectionRow(f"R{i}", f"r{i}") for i in range(11)])]
    )
    long_row = SectionList("Pilih", [Section("A", [SectionRow("r" * 25, "r")])])
    long_desc = SectionList("Pilih", [Section("A", [SectionRow("R", "r", "d" * 73)])])
    long_label = SectionList("p" * 21, [Section("A", [SectionRow("R", "r")])])
    same_ids = SectionList("Pilih", [Section("A", [SectionRow("R", "r"), SectionRow("S", "r")])])
    for bad in (too_many, long_row, long_desc, long_label, same_ids):
        with pytest.raises(wa_errors.InvalidParameter):
            await wa.send_message(sitti.wa_id, "?", buttons=bad)

    untitled: dict[str, Any] = {
        "type": "list",
        "body": {"text": "?"},
        "action": {
            "button": "Pilih",
            "sections": [
                {"rows": [{"id": "a", "title": "A"}]},
                {"rows": [{"id": "b", "title": "B"}]},
            ],
        },
    }
    status, body = await graph(
        wsb, "POST", "/1001/messages", json=message(sitti.wa_id, "interactive", untitled)
    )
    assert (status, body["error"]["code"]) == (400, 131008)
    untitled["action"]["sections"] = untitled["action"]["sections"][:1]
    status, _ = await graph(
        wsb, "POST", "/1001/messages", json=message(sitti.wa_id, "interactive", untitled)
    )
    assert status == 200  # one section needs no title
    assert len(sitti.messages) == 2


async def test_unknown_fields_warn_and_unmodelled_types_refuse(
    wsb: Sandbox, wa: Any, sitti: WhatsAppUser
) -> None:
    payload = message(sitti.wa_id, "text", {"body": "halo", "colour": "red"})
    payload["priority"] = "high"
    status, _ = await graph(wsb, "POST", "/1001/messages", json=payload)
    assert status == 200
    assert any("'colour'" in w for w in wsb.warnings)
    assert any("'priority'" in w for w in wsb.warnings)
    with pytest.raises(wa_errors.WhatsAppError) as info:
        await wa.send_location(sitti.wa_id, latitude=-6.2, longitude=106.8)
    assert info.value.code == 100
    assert any("'location' is not modelled" in w for w in wsb.warnings)
    status, body = await graph(wsb, "POST", "/1001/messages", json=message(sitti.wa_id, "fax", {}))
    assert (status, body["error"]["code"]) == (400, 100)
    status, body = await graph(
        wsb,
        "POST",
        "/1001/messages",
        json={"to": sitti.wa_id, "type": "text", "text": {"body": "x"}},
    )
    assert (status, body["error"]["code"]) == (400, 131008)  # messaging_product missing
    with pytest.raises(wa_errors.WhatsAppError) as info:
        await wa.get_business_phone_number()
    assert info.value.code == 100
    assert any("not implemented by the sandbox" in w for w in wsb.warnings)


async def test_media_upload_send_and_download(
    wsb: Sandbox, wa: Any, biz: WhatsAppNumber, sitti: WhatsAppUser, clock: FakeClock
) -> None:
    png = make_png(20, 10)
    media = await wa.upload_media(png, mime_type="image/png", filename="grafik.png")
    assert media.id.isdigit()
    upload = biz.calls[-1]
    assert upload.form is not None and upload.form["type"] == "image/png"
    assert upload.form["file"] == {
        "filename": "grafik.png",
        "content_type": "image/png",
        "size": len(png),
    }

    await wa.send_image(sitti.wa_id, media.id, caption="Grafik *hadir*")
    msg = await sitti.next_message()
    assert (msg.type, msg.media, msg.mime, msg.caption, msg.text) == (
        "image",
        png,
        "image/png",
        "Grafik *hadir*",
        "Grafik hadir",
    )
    info = await wa.get_media_url(media.id)
    assert (info.mime_type, info.file_size) == ("image/png", len(png))
    assert info.url.startswith(f"{wsb.base_url}/whatsapp_business/attachments/?mid={media.id}")
    assert await wa.get_media_bytes(info.url) == png
    async with httpx.AsyncClient() as anonymous:
        assert (await anonymous.get(info.url)).status_code == 401
    clock.advance(301)  # the URL lives five minutes
    with pytest.raises(httpx.HTTPStatusError):
        await wa.get_media_bytes(info.url)
    assert await wa.get_media_bytes((await wa.get_media_url(media.id)).url) == png
    assert (await wa.delete_media(media.id)).success
    with pytest.raises(wa_errors.WhatsAppError):
        await wa.get_media_url(media.id)


async def test_media_refusals(wsb: Sandbox, wa: Any, sitti: WhatsAppUser) -> None:
    png = make_png(4, 4)
    with pytest.raises(wa_errors.MediaUploadError, match="image/png image but was uploaded as"):
        await wa.upload_media(png, mime_type="image/jpeg")
    with pytest.raises(wa_errors.MediaUploadError):
        await wa.upload_media(b"not an image", mime_type="image/png")
    with pytest.raises(wa_errors.MediaUploadError):
        await wa.upload_media(b"#!/bin/sh", mime_type="application/x-sh")
    with pytest.raises(wa_errors.MediaUploadError, match="limited to"):
        await wa.upload_media(png + bytes(5 * 1024 * 1024), mime_type="image/png")
    pdf = await wa.upload_media(b"%PDF-1.4", mime_type="application/pdf", filename="a.pdf")
    with pytest.raises(wa_errors.MediaUploadError, match="not an image"):
        await wa.send_image(sitti.wa_id, pdf.id)
    with pytest.raises(wa_errors.MediaUploadError, match="Unknown media id"):
        await wa.send_image(sitti.wa_id, "1234567890")
    with pytest.raises(wa_errors.WhatsAppError) as info:
        await wa.send_image(sitti.wa_id, "https://example.org/kms.png")
    assert info.value.code == 100  # pywa sends links as they are; the sandbox fetches none
    assert any("media by link is not modelled" in w for w in wsb.warnings)
    assert sitti.messages == []


async def test_document_and_media_header(
    wa: Any, sitti: WhatsAppUser, tmp_path: pathlib.Path
) -> None:
    await wa.send_document(
        sitti.wa_id,
        b"nama,hadir\nSitti,ya\n",
        filename="rekap.csv",
        mime_type="text/csv",
        caption="Rekap",
    )
    msg = await sitti.next_message()
    assert (msg.type, msg.filename, msg.mime, msg.media, msg.caption) == (
        "document",
        "rekap.csv",
        "text/csv",
        b"nama,hadir\nSitti,ya\n",
        "Rekap",
    )
    url = (await wa.get_media_url(msg.media_id)).url
    saved = await wa.download_media(url=url, path=tmp_path)  # named by Content-Disposition
    assert (saved.name, saved.read_bytes()) == ("rekap.csv", msg.media)

    chart = make_png(6, 6)
    await wa.send_image(
        sitti.wa_id,
        chart,
        caption="Grafik bulan ini",
        mime_type="image/png",
        buttons=[Button("Lihat detail", "detail")],
    )
    card = await sitti.next_message()
    assert (card.type, card.interactive_type, card.media, card.mime) == (
        "interactive",
        "button",
        chart,
        "image/png",
    )
    assert (card.text, card.buttons) == ("Grafik bulan ini", [["Lihat detail"]])


async def test_recipients_by_phone_format_and_by_user_id(
    wa: Any, biz: WhatsAppNumber, sitti: WhatsAppUser
) -> None:
    await wa.send_message("+62 853-1234-5678", "dengan format")
    assert biz.calls[-1].response["contacts"] == [
        {"input": "+62 853-1234-5678", "wa_id": sitti.wa_id}
    ]
    sent = await wa.send_message(sitti.user_id, "lewat BSUID")
    assert biz.calls[-1].json["recipient"] == sitti.user_id and "to" not in biz.calls[-1].json
    assert biz.calls[-1].response["contacts"] == [
        {"input": sitti.user_id, "user_id": sitti.user_id}
    ]
    assert sent.chat.id == sitti.user_id
    assert [m.text for m in sitti.messages] == ["dengan format", "lewat BSUID"]
    with pytest.raises(wa_errors.WhatsAppError) as info:
        await wa.send_message("ID.1111111111111111111", "siapa?")
    assert info.value.code == 100


async def test_unknown_number_is_accepted_then_fails(wa: Any, biz: WhatsAppNumber) -> None:
    sent = await wa.send_message("6281299999999", "halo")  # Meta cannot tell before trying
    assert sent.id.startswith("wamid.")
    assert [(m.id, m.status, m.error_code) for m in biz.undeliverable] == [
        (sent.id, "failed", 131026)
    ]
    status = biz.envelopes[-1].body["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert status["errors"][0]["code"] == 131026
    with pytest.raises(wa_errors.RecipientCannotBeSender):
        await wa.send_message(biz.display_phone_number, "diri sendiri")
    assert len(biz.undeliverable) == 1
    local = await wa.send_message("085312345678", "tanpa kode negara")  # not Sitti's wa_id
    assert biz.undeliverable[-1].id == local.id


async def test_throughput_limit() -> None:
    async with Sandbox(whatsapp_rate=3) as sb:
        sb.create_whatsapp_number()
        users = [sb.create_whatsapp_user(f"Kader {i}", f"+62811000000{i}") for i in range(4)]
        for user in users:
            await user.send_text("halo")
        client = wa_client(sb)
        try:
            for user in users[:3]:
                await client.send_message(user.wa_id, "pengumuman")
            with pytest.raises(wa_errors.RateLimitHit) as info:
                await client.send_message(users[3].wa_id, "pengumuman")
            assert info.value.status_code == 429
        finally:
            await client.api._session.aclose()
        assert users[3].messages == []


async def test_pair_rate_limit_is_opt_in() -> None:
    async with Sandbox(whatsapp_pair_rate=0.001, whatsapp_pair_burst=2) as sb:
        sb.create_whatsapp_number()
        ani, budi = (
            sb.create_whatsapp_user(n, p)
            for n, p in (("Ani", "+6281110001"), ("Budi", "+6282220002"))
        )
        await ani.send_text("halo")
        await budi.send_text("halo")
        client = wa_client(sb)
        try:
            await client.send_message(ani.wa_id, "1")
            await client.send_message(ani.wa_id, "2")
            with pytest.raises(wa_errors.TooManyMessages):
                await client.send_message(ani.wa_id, "3")
            await client.send_message(budi.wa_id, "1")
        finally:
            await client.api._session.aclose()
        assert [m.text for m in ani.messages] == ["1", "2"]


async def test_call_faults(wsb: Sandbox, wa: Any, sitti: WhatsAppUser) -> None:
    wsb.whatsapp_faults.fail_next_call()  # 130429 by default
    with pytest.raises(wa_errors.RateLimitHit):
        await wa.send_message(sitti.wa_id, "x")
    refused = wsb.whatsapp_number.calls[-1]
    assert (refused.status, refused.error_code, refused.json) == (429, 130429, None)
    wsb.whatsapp_faults.fail_next_call(code=131000, endpoint="media")
    await wa.send_message(sitti.wa_id, "pesan lewat")  # only media calls were targeted
    with pytest.raises(wa_errors.UnknownError) as info:
        await wa.upload_media(make_png(), mime_type="image/png")
    assert info.value.status_code == 500
    wsb.whatsapp_faults.fail_next_call(code=131056, http_status=400)
    with pytest.raises(wa_errors.TooManyMessages):
        await wa.send_message(sitti.wa_id, "x")
    assert [m.text for m in sitti.messages] == ["pesan lewat"]


async def test_delayed_answer_times_out_but_delivers(wsb: Sandbox, sitti: WhatsAppUser) -> None:
    impatient = wa_client(wsb, timeout=0.2)
    try:
        wsb.whatsapp_faults.delay_next_call(seconds=5)
        with pytest.raises(httpx.ReadTimeout):
            await impatient.send_message(sitti.wa_id, "terlambat")
        assert [m.text for m in sitti.messages] == ["terlambat"]  # the answer was lost, not it
        wsb.whatsapp_faults.delay_next_call(seconds=5, execute=False)
        with pytest.raises(httpx.ReadTimeout):
            await impatient.send_message(sitti.wa_id, "hilang")
        assert [m.text for m in sitti.messages] == ["terlambat"]
    finally:
        await impatient.api._session.aclose()


async def test_read_receipts_typing_and_quotes(wsb: Sandbox, wa: Any, sitti: WhatsAppUser) -> None:
    question = await sitti.send_text("Jadwal imunisasi kapan?")
    assert not sitti.seen_by_business()
    assert (await wa.mark_message_as_read(question["id"])).success
    assert sitti.seen_by_business() and sitti.seen_by_business(sitti.sent[0]["id"])
    await wa.indicate_typing(question["id"])
    assert sitti.business_typing
    with pytest.raises(wa_errors.WhatsAppError) as info:
        await wa.mark_message_as_read("wamid.bukan")
    assert info.value.code == 100
    await wa.send_message(sitti.wa_id, "Kamis", reply_to_message_id=question["id"])
    assert (await sitti.next_message()).reply_to == question["id"]
    await wa.send_message(sitti.wa_id, "?", reply_to_message_id="wamid.tidakada")
    assert (await sitti.next_message()).reply_to is None
    assert any("context.message_id" in w for w in wsb.warnings)


async def test_tracker_is_echoed_in_statuses(
    wa: Any, biz: WhatsAppNumber, sitti: WhatsAppUser
) -> None:
    await wa.send_message(sitti.wa_id, "halo", tracker="undangan:42")
    last = biz.envelopes[-1].body["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert last["biz_opaque_callback_data"] == "undangan:42"
    with pytest.raises(wa_errors.InvalidParameter):
        await wa.send_message(sitti.wa_id, "halo", tracker="t" * 513)
