"""WhatsApp's own rules, through the sandbox playing Meta: the 24-hour window and its templates,
opt-in, the other channel when a number fails, signatures and re-delivered webhooks."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli import app as cli_app
from handlers.recap import recap_caption
from models.db import unit_of_work
from models.inbox import InboxUpdate
from models.meetings import Invitation
from models.outbox import OutboxMessage
from models.people import Person
from models.recap import ChannelLine, recap
from sandbox.whatsapp.users import WhatsAppUser
from tests.flows.conftest import World
from tests.flows.personas import Persona
from tests.flows.test_delivery import eventually
from tests.flows.test_reminders import tick
from tests.flows.test_rsvp import START, rakor
from whatsapp.webhook import signature_of

SITTI = ("Sitti Aminah", "+6285312345678")
HASRUL = ("Hasrul Nawir", "+6281141000001")
DAY = timedelta(days=1)


def rows(world: World, kind: str) -> list[OutboxMessage]:
    with Session(world.engine) as session:
        return list(session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind)))


async def settled(world: World) -> None:
    """Every message received so far has been handled (the welcome's last step included)."""

    def done() -> bool:
        with Session(world.engine) as session:
            return all(r.status != "pending" for r in session.exec(select(InboxUpdate)))

    await eventually(done)


def meta_window_closes(user: WhatsAppUser) -> None:
    """Meta's clock: the person's last message was more than 24 hours ago."""
    assert user.chat.last_inbound_at is not None
    user.chat.last_inbound_at -= 25 * 3600


async def answered_hadir(world: World) -> Persona:
    sitti = Persona(world, "whatsapp", *SITTI)
    await sitti.register()
    rakor(world)
    await sitti.wait_text("Rakor Pokjanal Posyandu")
    await sitti.send("HADIR")
    await sitti.wait_text("Jawaban Anda untuk")
    return sitti


async def test_inside_the_window_an_interactive_message_outside_it_the_template(
    wa_world: World,
) -> None:
    sitti = await answered_hadir(wa_world)
    invitation = next(m for m in sitti.messages if "Rakor Pokjanal Posyandu" in m.text)
    assert invitation.type == "interactive" and invitation.template is None
    # Eight days later (the 3-day reminder): the window closed long ago, so the template.
    wa_world.clock.set(START - timedelta(days=3))
    meta_window_closes(sitti.user)  # type: ignore[arg-type]
    await tick(wa_world)
    reminder = await sitti.wait_text("Pengingat rapat")
    assert reminder.type == "template"
    assert reminder.template.name == "pokjanal_pesan" and reminder.template.language == "id"
    assert reminder.text.startswith("Pesan dari Pokjanal Posyandu:\n\n⏰ Pengingat rapat · Rakor")
    # She writes: the window opens, and the next reminder is an ordinary message again.
    wa_world.clock.set(START - DAY - timedelta(hours=2))
    await sitti.send("terima kasih")
    await sitti.wait_text("belum mengerti")
    wa_world.clock.set(START - DAY)
    await tick(wa_world)
    await sitti.wait_for(lambda ms: sum("Pengingat rapat" in m.text for m in ms) == 2)
    assert sitti.last.type == "text" and sitti.last.template is None


async def test_a_message_refused_for_the_closed_window_goes_again_as_the_template(
    wa_world: World,
) -> None:
    sitti = await answered_hadir(wa_world)
    # The bot believes the window is open (she wrote minutes ago by its clock), but Meta's
    # clock says otherwise: accepted, then failed with 131047, then re-sent as the template.
    meta_window_closes(sitti.user)  # type: ignore[arg-type]
    rakor(wa_world, title="Lokmin Kecamatan Malili")
    card = await sitti.wait_text("Lokmin Kecamatan Malili")
    assert card.type == "template" and card.template.name == "pokjanal_undangan"
    assert card.labels == ["Hadir", "Diwakilkan", "Tidak hadir"]
    assert [m.error_code for m in sitti.user.undelivered] == [131047]  # type: ignore[union-attr]
    person = wa_world.person(SITTI[1])

    def lokmin() -> OutboxMessage:
        mine = [r for r in rows(wa_world, "invitation") if r.person_id == person.id]
        return max(mine, key=lambda r: r.id or 0)

    await eventually(lambda: lokmin().status == "sent" and lokmin().external_id is not None)
    assert lokmin().payload.get("template") is True
    # The template's quick reply answers the invitation like the interactive button.
    await sitti.press("Hadir", message=card)
    await sitti.wait_for(lambda ms: sum("Jawaban Anda untuk" in m.text for m in ms) == 2)


async def test_a_roster_person_who_never_wrote_gets_nothing_on_whatsapp(wa_world: World) -> None:
    silent = wa_world.wa_user(*HASRUL)  # on WhatsApp, on the roster, never wrote to the bot
    rakor(wa_world)
    wa_world.delivery.wake()
    await eventually(lambda: all(r.status != "pending" for r in rows(wa_world, "invitation")))
    assert silent.messages == [] and silent.undelivered == []
    person = wa_world.person(HASRUL[1])
    # Nothing queued for him at all (issue 15): he sees the invitation when he registers.
    assert [r for r in rows(wa_world, "invitation") if r.person_id == person.id] == []


async def test_both_channels_a_failed_whatsapp_delivery_comes_on_telegram_once(
    wa_world: World,
) -> None:
    on_telegram = Persona(wa_world, "telegram", *SITTI)
    await on_telegram.register()
    on_whatsapp = Persona(wa_world, "whatsapp", *SITTI)
    await on_whatsapp.register()  # she wrote on WhatsApp last: it is her preferred channel
    person = wa_world.person(SITTI[1])
    assert person.telegram_user_id and person.whatsapp_id and person.preferred_channel == "whatsapp"
    await settled(wa_world)
    wa_world.sandbox.whatsapp_faults.fail_next("6285312345678", code=131026)
    rakor(wa_world)
    card = await on_telegram.wait_text("Rakor Pokjanal Posyandu")
    assert card.buttons == [["Hadir"], ["Diwakilkan", "Tidak hadir"]]

    def hers() -> OutboxMessage:
        (row,) = [r for r in rows(wa_world, "invitation") if r.person_id == person.id]
        return row

    await eventually(lambda: hers().status == "sent")
    row = hers()
    assert (row.channel, row.payload.get("not_on")) == ("telegram", "whatsapp")
    assert [m for m in on_whatsapp.messages if "Rakor" in m.text] == []
    assert sum("Rakor Pokjanal Posyandu" in m.text for m in on_telegram.messages) == 1


async def test_a_forged_signature_is_refused_and_a_redelivered_message_is_handled_once(
    wa_world: World,
) -> None:
    sitti = Persona(wa_world, "whatsapp", *SITTI)
    await sitti.register()
    number = wa_world.whatsapp
    assert number is not None
    before = len(sitti.messages)
    assert await number.redeliver_last() == 200  # Meta sends the last envelope again
    await number.drain()
    body = json.dumps(
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
                                "metadata": {"phone_number_id": "1001"},
                                "contacts": [{"wa_id": "6285312345678", "profile": {"name": "x"}}],
                                "messages": [
                                    {
                                        "from": "6285312345678",
                                        "id": "wamid.FORGED",
                                        "timestamp": "1700000000",
                                        "type": "text",
                                        "text": {"body": "UNDANGAN"},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()
    assert await number.post_raw(body, signature_of(body, "not-the-secret")) == 403
    assert await number.post_raw(body, None) == 401
    assert await number.post_raw(b"{not json", signature_of(b"{not json", "APP-SECRET")) == 400
    with Session(wa_world.engine) as session:
        stored = session.exec(select(InboxUpdate).where(InboxUpdate.channel == "whatsapp")).all()
    assert "wamid.FORGED" not in {row.external_id for row in stored}
    assert len({row.external_id for row in stored}) == len(stored)
    await eventually(lambda: all(row.status == "done" for row in stored))
    assert len(sitti.messages) == before  # nothing answered twice, nothing forged answered


async def test_one_funnel_counts_both_channels_with_delivered_and_read_per_channel(
    wa_world: World,
) -> None:
    sitti = Persona(wa_world, "whatsapp", *SITTI)
    hasrul = Persona(wa_world, "telegram", *HASRUL)
    await sitti.register()
    await hasrul.register()
    await settled(wa_world)
    meeting_id = rakor(wa_world)
    await sitti.wait_text("Rakor Pokjanal Posyandu")
    await hasrul.wait_text("Rakor Pokjanal Posyandu")
    await sitti.send("HADIR")
    await hasrul.send("TIDAK rapat dinas")
    await sitti.wait_text("Jawaban Anda untuk")
    await hasrul.wait_text("alasan: rapat dinas")
    sitti.user.read_all()  # type: ignore[union-attr]  # she opens the chat: "read" statuses
    await wa_world.whatsapp.drain()  # type: ignore[union-attr]

    def read_on_whatsapp() -> bool:
        return any(r.read_at is not None for r in rows(wa_world, "invitation"))

    await eventually(read_on_whatsapp)
    with Session(wa_world.engine) as session:
        data = recap(session, meeting_id, now=wa_world.clock.now())
    assert data.funnel.answered == 2 and data.answers["hadir"] == 1
    assert data.answers["tidak_hadir"] == 1
    assert data.funnel.channels == (
        ChannelLine("telegram", 1, 1, None),
        ChannelLine("whatsapp", 1, 1, 1),
    )
    text = recap_caption("id", data, now_text="sekarang")
    assert "WhatsApp: 1 terkirim, 1 diterima, 1 dibaca" in text
    assert "Telegram: 1 terkirim" in text


async def test_the_printed_templates_are_exactly_the_ones_the_bot_sends(
    wa_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POKJANAL_WHATSAPP_TEMPLATE_LANGUAGES", "id,en")
    result = CliRunner().invoke(cli_app, ["whatsapp", "templates", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    shapes = {
        (t["name"], t["language"]): (
            len(set(re.findall(r"\{\{(\d+)\}\}", _body(t)))),
            len([b for c in t["components"] if c["type"] == "BUTTONS" for b in c["buttons"]]),
        )
        for t in printed
    }
    assert set(shapes) == {
        ("pokjanal_undangan", "id"),
        ("pokjanal_undangan", "en"),
        ("pokjanal_pesan", "id"),
        ("pokjanal_pesan", "en"),
    }
    for t in printed:  # Meta's rules: lowercase names, no variable at either end of the body
        assert re.fullmatch(r"[a-z0-9_]+", t["name"]) and t["category"] == "UTILITY"
        assert not _body(t).startswith("{{") and not _body(t).endswith("}}")
    # Both templates go out (an invitation and a reminder, outside the window) ...
    sitti = await answered_hadir(wa_world)
    meta_window_closes(sitti.user)  # type: ignore[arg-type]
    wa_world.clock.set(START - timedelta(days=3))
    rakor(wa_world, title="Lokmin Kecamatan Malili")
    await tick(wa_world)
    await sitti.wait_text("Undangan dari Pokjanal Posyandu: Lokmin")
    await sitti.wait_text("Pengingat rapat")
    # ... and each matches a printed one: name, language, parameter and button counts.
    sent = [m for m in sitti.messages if m.template is not None]
    assert {m.template.name for m in sent} == {"pokjanal_undangan", "pokjanal_pesan"}
    for message in sent:
        template = message.template
        assert shapes[(template.name, template.language)] == (
            len(template.params),
            len(template.payloads),
        )


def _body(template: dict[str, Any]) -> str:
    return str(next(c["text"] for c in template["components"] if c["type"] == "BODY"))


async def test_stickers_voice_and_foreign_buttons_change_nothing(wa_world: World) -> None:
    sitti = Persona(wa_world, "whatsapp", *SITTI)
    await sitti.register()
    user = sitti.user
    assert isinstance(user, WhatsAppUser)
    await user.send_sticker()
    await sitti.wait_text("belum mengerti")
    await user.send_audio()
    await user.send_location(-2.57, 121.37)
    await sitti.wait_for(lambda ms: sum("belum mengerti" in m.text for m in ms) == 3)
    meeting_id = rakor(wa_world)
    await sitti.wait_text("Rakor Pokjanal Posyandu")
    # A reply id that is not ours, and the answer button of someone else's invitation.
    for forged in ("not-ours", "rv:1:999999:h"):
        await user.send_raw(
            {
                "type": "interactive",
                "interactive": {
                    "type": "button_reply",
                    "button_reply": {"id": forged, "title": "Hadir"},
                },
            }
        )
    await sitti.wait_for(lambda ms: sum("sudah tidak berlaku" in m.text for m in ms) == 2)
    person = wa_world.person(SITTI[1])
    with Session(wa_world.engine) as session:
        mine = session.exec(
            select(Invitation).where(
                Invitation.meeting_id == meeting_id, Invitation.person_id == person.id
            )
        ).one()
        assert mine.answer == "pending"


async def test_a_template_meta_refuses_fails_the_row_visibly_and_is_not_retried(
    wa_world: World, caplog: pytest.LogCaptureFixture
) -> None:
    sitti = await answered_hadir(wa_world)
    number = wa_world.whatsapp
    assert number is not None
    for language in ("id", "en"):  # Meta took the general template back (paused, deleted)
        del wa_world.sandbox.whatsapp.templates[(number.waba_id, "pokjanal_pesan", language)]
    wa_world.clock.set(START - timedelta(days=3))
    meta_window_closes(sitti.user)  # type: ignore[arg-type]
    await tick(wa_world)

    def reminder() -> OutboxMessage:
        (row,) = rows(wa_world, "reminder")
        return row

    await eventually(lambda: reminder().status == "failed")
    assert "template pokjanal_pesan/id: 132001" in reminder().last_error
    assert reminder().attempts == 1  # refused for good: not retried
    assert any("pokjanal_pesan" in r.getMessage() for r in caplog.records)
    assert not [m for m in sitti.messages if "Pengingat rapat" in m.text]


@pytest.mark.parametrize("later", [False, True], ids=["same-day", "two-days-later"])
async def test_a_newcomer_on_whatsapp_is_approved_by_the_admin_on_telegram(
    wa_world: World, later: bool
) -> None:
    hasrul = Persona(wa_world, "telegram", *HASRUL)
    await hasrul.register()
    budi = Persona(wa_world, "whatsapp", "Budi Santoso", "+6281299998888")
    await budi.send("DAFTAR")
    await budi.wait_text("pemberitahuan privasi")
    await budi.press("Setuju")
    await budi.wait_text("belum ada di daftar peserta")
    await budi.send("Budi Santoso, Posyandu Mawar Lampenai")
    await budi.wait_text("sudah dikirim ke sekretariat")
    request = await hasrul.wait_text("Permintaan pendaftaran baru")
    assert "+6281299998888" in request.text
    if later:  # the admin decides two days later: the window has closed
        wa_world.clock.set(wa_world.clock.now() + timedelta(days=2))
        meta_window_closes(budi.user)  # type: ignore[arg-type]
    await hasrul.press("Setujui (kader)", message=request)
    approved = await budi.wait_text("Selamat bergabung")
    assert "Budi Santoso" in approved.text
    assert approved.type == ("template" if later else "text")
    person = wa_world.person("+6281299998888")
    assert (person.whatsapp_id, person.telegram_user_id) == ("6281299998888", None)


async def test_a_paper_opt_in_gets_the_template_and_the_notice_when_she_writes(
    wa_world: World,
) -> None:
    with unit_of_work(wa_world.engine) as session:
        sitti = session.exec(select(Person).where(Person.phone == SITTI[1])).one()
        sitti.whatsapp_opt_in_at = wa_world.clock.now()  # "Izin WA: ya" on the roster
        session.add(sitti)
    user = wa_world.wa_user(*SITTI)
    rakor(wa_world)
    invitation = await Persona.wrap(wa_world, user).wait_text("Undangan dari Pokjanal Posyandu")
    assert invitation.type == "template" and invitation.labels == [
        "Hadir",
        "Diwakilkan",
        "Tidak hadir",
    ]
    # Her first message: consent first, as for anyone, before the number is linked.
    await user.send_text("halo")
    await user.wait_for(lambda ms: any("pemberitahuan privasi" in m.text for m in ms))
    assert wa_world.person(SITTI[1]).whatsapp_id is None
    await user.press("Setuju")
    await user.wait_for(lambda ms: any("Akun Anda sudah terhubung" in m.text for m in ms))
    assert wa_world.person(SITTI[1]).whatsapp_id == "6285312345678"
