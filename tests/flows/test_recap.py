"""/rekap through the sandbox: the secretariat sees who is coming, and chases who is silent."""

from __future__ import annotations

from sqlmodel import Session, select
from telegram.ext import CommandHandler

import handlers.recap
from models.outbox import Kind, OutboxMessage
from models.recap import recap
from sandbox.users import SandboxUser
from tests.flows.conftest import World
from tests.flows.test_delivery import eventually
from tests.flows.test_registration import HASRUL, SITTI, register
from tests.flows.test_rsvp import invited, rakor

NUDGE_BUTTON = "Ingatkan yang belum menjawab"


def with_recap(world: World) -> None:
    """Until handlers/__init__.py registers /rekap itself, the test adds it (once)."""
    assert world.app is not None
    registered = any(
        isinstance(handler, CommandHandler) and "rekap" in handler.commands
        for group in world.app.handlers.values()
        for handler in group
    )
    if not registered:
        handlers.recap.register(world.app)


def rows(world: World, kind: Kind) -> list[OutboxMessage]:
    with Session(world.engine) as session:
        return list(session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind.value)))


async def meeting_with_one_answer(world: World) -> tuple[SandboxUser, SandboxUser, int]:
    """Hasrul (admin) and Sitti (kader) registered; Dewi and "<b>Iseng</b> & Co" never did.
    Hasrul answers Hadir; Sitti stays silent."""
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    meeting_id = rakor(world)
    await invited(hasrul)
    await invited(sitti)
    await hasrul.press("Hadir")
    await hasrul.wait_for(lambda msgs: "Jawaban Anda untuk" in (msgs[-1].text or ""))
    # Two delivered (sent, or shown to Sitti at the end of her registering when the meeting
    # came first: the same delivery); the two who never registered have none queued.
    await eventually(
        lambda: (
            sorted((r.status, r.last_error) for r in rows(world, Kind.INVITATION))
            in ([("sent", "")] * 2, [("sent", ""), ("skipped", "shown")])
        )
    )
    with_recap(world)
    return hasrul, sitti, meeting_id


async def test_an_admin_sees_the_recap_and_the_chart(world: World) -> None:
    hasrul, _, meeting_id = await meeting_with_one_answer(world)
    hasrul.mark_read()
    await hasrul.send_text("/rekap")
    listing = await hasrul.next_message()
    assert "Pilih rapat" in (listing.text or "")
    assert listing.buttons == [["Rakor Pokjanal Posyandu · 6 Des 2023"]]
    await hasrul.press("Rakor Pokjanal Posyandu · 6 Des 2023")
    messages = await hasrul.wait_for(lambda msgs: msgs[-1].photo is not None, timeout=20)
    # One message: the chart, the numbers as its caption, the buttons under it.
    assert messages[-2] is listing
    recap = messages[-1]
    assert recap.photo and 500 <= recap.photo[-1]["width"] <= 700
    caption = recap.caption or ""
    for line in (
        "Rekap Rakor Pokjanal Posyandu",
        "Rabu, 6 Desember 2023 pukul 09.00 WITA",
        "📨 4 diundang · 📬 2 (50%) terkirim",
        "💬 1 (25%) menjawab · 📍 0 (0%) check-in",
        "✅ 1 hadir · 👥 0 diwakilkan · ❌ 0 tidak · ⏳ 3 belum",
        "OPD 1/2 · terwakili 1 dari 2",
        "belum: Dinas Sosial (1)",
        "Posyandu 0/2 · terwakili 0 dari 2",
        "belum: Posyandu Anggrek Lakawali (1), Posyandu Melati Baruga (1)",
    ):
        assert line in caption, line
    assert recap.buttons == [
        ["Belum menjawab (3)"],
        [NUDGE_BUTTON],
        ["Unduh daftar hadir"],  # no "Buka konsol": this bot has no public address
    ]
    # Who has not answered, with why the bot cannot reach some of them.
    hasrul.mark_read()
    await hasrul.press("Belum menjawab (3)", message=recap)
    names = (await hasrul.next_message()).text or ""
    for line in (
        "Belum menjawab: Rakor Pokjanal Posyandu (3 orang, halaman 1/1)",
        "• Sitti Aminah — Posyandu Melati Baruga",
        "• <b>Iseng</b> & Co — Dinas Sosial (belum mendaftar di bot)",  # shown as typed
        "• Dewi Lestari — Posyandu Anggrek Lakawali (belum mendaftar di bot)",
    ):
        assert line in names, line
    # The daftar hadir, as the XLSX and the PDF.
    assert await hasrul.press("Unduh daftar hadir", message=recap) == (
        "Daftar hadir (XLSX dan PDF) sedang dikirim…"
    )
    files = await hasrul.wait_for(lambda msgs: len([m for m in msgs if m.document]) == 2)
    names_sent = [m.document["file_name"] for m in files if m.document]
    assert names_sent == [f"daftar-hadir-{meeting_id}.xlsx", f"daftar-hadir-{meeting_id}.pdf"]
    # The same recap by id, without the list.
    hasrul.mark_read()
    await hasrul.send_text(f"/rekap {meeting_id}")
    assert "📨 4 diundang" in ((await hasrul.next_message(timeout=20)).caption or "")
    await hasrul.send_text("/rekap 999")
    await hasrul.wait_for(lambda msgs: "tidak ditemukan" in (msgs[-1].text or ""))


async def test_a_cadre_is_refused(world: World) -> None:
    _, sitti, meeting_id = await meeting_with_one_answer(world)
    sitti.mark_read()
    await sitti.send_text("/rekap")
    assert "hanya untuk admin" in ((await sitti.next_message()).text or "")
    refused = await sitti.press_callback(f"rk:1:n:{meeting_id}")
    assert refused == "Maaf, perintah ini hanya untuk admin sekretariat."
    assert await sitti.press_callback(f"rk:1:m:{meeting_id}") == refused
    assert rows(world, Kind.NUDGE) == []


async def test_the_nudge_button_reminds_the_silent_invitee(world: World) -> None:
    hasrul, sitti, meeting_id = await meeting_with_one_answer(world)
    await hasrul.send_text(f"/rekap {meeting_id}")
    await hasrul.wait_for(lambda msgs: msgs[-1].photo is not None, timeout=20)
    hasrul.mark_read()
    assert await hasrul.press(NUDGE_BUTTON) == "1 pengingat diantrekan."
    assert "1 pengingat diantrekan" in ((await hasrul.next_message()).text or "")
    # Only Sitti: Dewi and Iseng cannot be reached, Hasrul has answered.
    (queued,) = rows(world, Kind.NUDGE)
    assert queued.person_id == world.person(SITTI[1]).id
    nudge = await sitti.wait_for(lambda msgs: "menunggu jawaban" in (msgs[-1].text or ""))
    assert "Rakor Pokjanal Posyandu" in (nudge[-1].text or "") and nudge[-1].buttons
    # Pressed again: nothing new is queued, and the admin is told why.
    assert await hasrul.press(NUDGE_BUTTON) == "0 pengingat diantrekan."
    assert "Tidak ada pengingat baru" in ((await hasrul.next_message()).text or "")
    assert len(rows(world, Kind.NUDGE)) == 1
    # The nudge's button opens the invitation, and she answers from there.
    sitti.mark_read()
    await sitti.press(nudge[-1].buttons[0][0], message=nudge[-1])
    card = await sitti.next_message()
    assert card.buttons == [["Hadir"], ["Diwakilkan", "Tidak hadir"]]
    await sitti.press("Hadir", message=card)
    await sitti.wait_for(lambda msgs: "Jawaban Anda untuk" in (msgs[-1].text or ""))
    hasrul.mark_read()
    await hasrul.send_text(f"/rekap {meeting_id}")
    assert "💬 2 (50%) menjawab" in ((await hasrul.next_message(timeout=20)).caption or "")


async def test_an_agency_focal_point_is_refused_too(world: World) -> None:
    _, _, meeting_id = await meeting_with_one_answer(world)
    from tests.flows.test_registration import register as register_person

    iseng = world.user("Iseng", "+6285399990004")  # an OPD person of the roster
    await register_person(iseng)
    await iseng.wait_for(lambda msgs: bool(msgs[-1].buttons))  # the open invitation, shown at once
    iseng.mark_read()
    await iseng.send_text(f"/rekap {meeting_id}")
    assert "hanya untuk admin" in ((await iseng.next_message()).text or "")
    assert (
        await iseng.press_callback(f"rk:1:m:{meeting_id}")
        == "Maaf, perintah ini hanya untuk admin sekretariat."
    )


async def test_an_invitation_shown_on_registering_counts_as_delivered(world: World) -> None:
    """Before: "Undangan terkirim: 0" beside "Sudah menjawab: 2" in the demo, because the
    invitations of people who registered after the meeting was made were shown, not sent."""
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    meeting_id = rakor(world)
    await invited(hasrul)
    # Sent, or shown at the end of his registering when the meeting came first.
    await eventually(
        lambda: [r.status for r in rows(world, Kind.INVITATION)] in (["sent"], ["skipped"])
    )
    sitti = world.user(*SITTI)
    await register(sitti)  # the Rakor is shown to her at the end of registering
    await sitti.wait_for(lambda msgs: any("Rakor Pokjanal Posyandu" in m.content for m in msgs))

    def delivered() -> int:
        with Session(world.engine) as session:
            return recap(session, meeting_id, now=world.clock.now()).funnel.delivered

    await eventually(lambda: delivered() == 2)
