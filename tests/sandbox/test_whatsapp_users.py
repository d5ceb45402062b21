"""Playing people on WhatsApp: buttons, media, raw input, waits, and the sandbox's self-checks."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from pywa_async import types
from pywa_async.types import Button, Section, SectionList, SectionRow

from sandbox import Sandbox, SandboxBug, SandboxUsageError, make_png
from sandbox.whatsapp import WhatsAppNumber, WhatsAppUser, check_envelope, strip_markup
from tests.sandbox.conftest import WA_TOKEN, Hook, parse_with_pywa, wa_client


async def test_press_uses_the_newest_message_with_that_label(
    wa: Any, biz: WhatsAppNumber, sitti: WhatsAppUser
) -> None:
    old = await wa.send_message(sitti.wa_id, "Senin?", buttons=[Button("Hadir", "senin")])
    new = await wa.send_message(
        sitti.wa_id, "Selasa?", buttons=[Button("Hadir", "selasa"), Button("Tidak", "x")]
    )
    tap = await sitti.press("Hadir")
    assert tap["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": "selasa", "title": "Hadir"},
    }
    assert tap["context"] == {"from": biz.display_phone_number, "id": new.id}
    first = sitti.messages[0]
    assert first.id == old.id
    again = await sitti.press("Hadir", message=first)  # WhatsApp keeps old buttons tappable
    assert again["interactive"]["button_reply"]["id"] == "senin"
    update = parse_with_pywa(wa, biz.envelopes[-1])
    assert isinstance(update, types.CallbackButton)
    assert (update.data, update.is_quick_reply) == ("senin", False)
    with pytest.raises(SandboxUsageError, match="no button 'Mungkin'"):
        await sitti.press("Mungkin")
    assert sitti.last_inbound_at is not None


async def test_list_rows_are_picked_by_title(
    wa: Any, biz: WhatsAppNumber, sitti: WhatsAppUser
) -> None:
    rows = [SectionRow("Melati", "pos:1", "RW 01"), SectionRow("Mawar", "pos:2")]
    await wa.send_message(
        sitti.wa_id, "Posyandu?", buttons=SectionList("Pilih", [Section("A", rows)])
    )
    picked = await sitti.press("Melati")
    assert picked["interactive"]["list_reply"] == {
        "id": "pos:1",
        "title": "Melati",
        "description": "RW 01",
    }
    plain = await sitti.press("Mawar")
    assert plain["interactive"]["list_reply"] == {"id": "pos:2", "title": "Mawar"}
    update = parse_with_pywa(wa, biz.envelopes[-1])
    assert isinstance(update, types.CallbackSelection)
    assert (update.data, update.title, update.description) == ("pos:2", "Mawar", None)
    with pytest.raises(SandboxUsageError):
        await sitti.press("Pilih")  # the list's own button only opens it


async def test_failed_messages_cannot_be_pressed(
    wsb: Sandbox, wa: Any, sitti: WhatsAppUser
) -> None:
    wsb.whatsapp_faults.fail_next(sitti.wa_id)
    await wa.send_message(sitti.wa_id, "?", buttons=[Button("Ya", "y")])
    with pytest.raises(SandboxUsageError):
        await sitti.press("Ya")
    with pytest.raises(SandboxUsageError, match="never received"):
        await sitti.press("Ya", message=sitti.undelivered[0])


async def test_inbound_media_and_locations(
    wsb: Sandbox, wa: Any, biz: WhatsAppNumber, hook: Hook
) -> None:
    ani = wsb.create_whatsapp_user("Ani", "+6285312340000")
    jpeg = await ani.send_photo(caption="KMS")
    png_data = make_png(3, 3)
    png = await ani.send_photo(png_data, mime="image/png")
    assert (jpeg["image"]["mime_type"], png["image"]["mime_type"]) == ("image/jpeg", "image/png")
    assert "caption" not in png["image"]
    doc = await ani.send_document(b"%PDF-1.4 surat", "surat.pdf", caption="Surat")
    sticker = await ani.send_sticker()
    voice = await ani.send_audio()
    place = await ani.send_location(-6.2, 106.8, name="Posyandu Melati")
    parsed = [parse_with_pywa(wa, e) for e in biz.envelopes[-6:]]
    assert all(isinstance(p, types.Message) for p in parsed)
    image, image2, document, stick, audio, location = parsed
    assert isinstance(image, types.Message) and image.image is not None
    assert image.caption == "KMS" and image.image.id == jpeg["image"]["id"]
    assert isinstance(document, types.Message) and document.document is not None
    assert (document.document.filename, document.caption) == ("surat.pdf", "Surat")
    assert isinstance(stick, types.Message) and stick.sticker is not None
    assert stick.sticker.animated is False
    assert isinstance(audio, types.Message) and audio.voice is not None
    assert isinstance(location, types.Message) and location.location is not None
    assert location.location.name == "Posyandu Melati"
    assert isinstance(image2, types.Message) and image2.image is not None
    assert await cast(Any, image2).get_media_bytes() == png_data  # pywa's own download
    assert await wa.get_media_bytes((await wa.get_media_url(doc["document"]["id"])).url) == (
        b"%PDF-1.4 surat"
    )
    assert (sticker["sticker"]["mime_type"], voice["audio"]["voice"]) == ("image/webp", True)
    assert place["location"] == {"latitude": -6.2, "longitude": 106.8, "name": "Posyandu Melati"}
    with pytest.raises(SandboxUsageError):
        await ani.send_photo(b"bukan gambar")
    with pytest.raises(SandboxUsageError):
        await ani.send_location(91, 0)
    assert len(hook.posts) == 6


async def test_send_raw_bypasses_the_schema(wsb: Sandbox, biz: WhatsAppNumber, hook: Hook) -> None:
    ani = wsb.create_whatsapp_user("Ani", "+6285312340000")
    sent = await ani.send_raw({"type": "poll", "poll": {"question": "?"}})
    assert (
        sent["from"] == ani.wa_id
        and sent["id"].startswith("wamid.")
        and sent["timestamp"].isdigit()
    )
    envelope = biz.envelopes[-1]
    assert not envelope.checked and envelope.delivered
    assert check_envelope(envelope.body) != []  # the sandbox would never produce it itself
    assert hook.values()[-1]["messages"][0]["poll"] == {"question": "?"}
    assert ani.window_open


async def test_people_are_created_like_whatsapp_accounts(wsb: Sandbox) -> None:
    ani = wsb.create_whatsapp_user("Ani", "+62 853-1234-0000")
    assert ani.wa_id == "6285312340000"
    assert re.fullmatch(r"ID\.\d{19}", ani.user_id)
    assert wsb.whatsapp_user(ani.wa_id) is ani and wsb.whatsapp_users == [ani]
    fixed = wsb.create_whatsapp_user("Budi", "+6285312340001", user_id="ID.1234567890123456")
    assert fixed.user_id == "ID.1234567890123456"
    for phone, user_id in (
        ("085312340002", None),
        ("+6285312340000", None),
        ("+6285312340003", "1234"),
        ("+6285312340004", "ID.1234567890123456"),
    ):
        with pytest.raises(SandboxUsageError):
            wsb.create_whatsapp_user("X", phone, user_id=user_id)
    with pytest.raises(SandboxUsageError):
        wsb.whatsapp_user("62000")
    with pytest.raises(SandboxUsageError):
        wsb.create_whatsapp_number()  # phone_id 1001 exists already


async def test_waiting_is_event_driven_and_explains_timeouts(wa: Any, sitti: WhatsAppUser) -> None:
    with pytest.raises(TimeoutError, match=r"a new message[\s\S]*> text: \{'body': 'halo'\}"):
        await sitti.next_message(timeout=0.05)
    await wa.send_message(sitti.wa_id, "satu")
    await wa.send_message(sitti.wa_id, "dua")
    assert [m.text for m in sitti.unread] == ["satu", "dua"]
    assert (await sitti.next_message()).text == "satu"
    sitti.mark_read()
    assert sitti.unread == []
    found = await sitti.wait_for(lambda ms: any(m.text == "dua" for m in ms))
    assert len(found) == 2


async def test_two_business_numbers(wsb: Sandbox, sitti: WhatsAppUser) -> None:
    other = wsb.create_whatsapp_number("1002", "6281100001002", "OTHER-TOKEN", "S2", "2002")
    stranger = wa_client(wsb, token="OTHER-TOKEN")
    try:
        with pytest.raises(Exception) as info:  # this token belongs to another WABA
            await stranger.send_message(sitti.wa_id, "x")
        assert getattr(info.value, "code", None) == 100
    finally:
        await stranger.api._session.aclose()
    at_other = sitti.at(other)
    await at_other.send_text("halo nomor kedua")
    assert at_other.window_open and sitti.window_open
    assert [m["text"]["body"] for m in at_other.sent] == ["halo nomor kedua"]
    assert [m["text"]["body"] for m in sitti.sent] == ["halo"]
    assert other.envelopes[-1].body["entry"][0]["id"] == "2002"
    assert wsb.whatsapp_numbers == [wsb.whatsapp_number, other]
    shared = wsb.create_whatsapp_number("1003", "6281100001003", WA_TOKEN, "S3", "2001")
    assert shared.token == WA_TOKEN  # one system-user token may serve a whole WABA


async def test_the_sandbox_refuses_to_emit_what_meta_would_not(
    wsb: Sandbox, biz: WhatsAppNumber
) -> None:
    bad = {"object": "whatsapp_business_account", "entry": [{"id": "2001", "changes": []}]}
    with pytest.raises(SandboxBug, match="invalid WhatsApp webhook envelope"):
        biz.emit("x", bad)
    assert wsb.errors and "changes" in wsb.errors[-1]
    wsb.errors.clear()
    problems = check_envelope(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "2001",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "62811",
                                    "phone_number_id": "1",
                                },
                                "statuses": [
                                    {
                                        "id": "wamid.AAAAAAAAAA==",
                                        "status": "failed",
                                        "timestamp": "1700000000",
                                        "recipient_id": "6281234",
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    )
    assert problems == [
        "entry[0].changes[0].value.statuses[0]: 'errors' comes with, and only with, a failed status"
    ]


def test_strip_markup_reads_like_the_app() -> None:
    cases = {
        "*Undangan* _Posyandu_ ~batal~": "Undangan Posyandu batal",
        "```*kode*``` dan `x`": "*kode* dan x",
        "> kutipan": "kutipan",
        "2*3*4 dan snake_case_name": "2*3*4 dan snake_case_name",
        "*_tebal miring_*": "tebal miring",
        "a * b": "a * b",
    }
    for text, shown in cases.items():
        assert strip_markup(text) == shown
