"""What a newcomer found in the dialogs: examples dated in the past, a refusal in two messages,
a command word stored as a position, a double tap answered twice, labels cut mid-word, the
same language "changed", a refusal in the app's language, a /bantuan without /hadir, evidence
without a caption."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select
from telegram.ext import CommandHandler

from models import meetings
from models.dates import parse_date
from models.db import unit_of_work
from models.meetings import AnswerChange, Meeting
from sandbox.users import SandboxUser
from tests.flows.conftest import World
from tests.flows.personas import Persona
from tests.flows.test_registration import HASRUL, SITTI, register
from tests.flows.test_rsvp import START, invited, rakor
from tests.flows.test_rtl import TITLE, an_action, report_selesai

LATER = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)  # Selasa, 10 Maret 2026, 09.00 WITA
LATER_TODAY = LATER.astimezone(ZoneInfo("Asia/Jakarta")).date()
_EXAMPLE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{1,2} [A-Za-z]{3} \d{4}\b")


def example_dates(text: str, today: date) -> list[date]:
    """Every dated example in a question (``6/12/2023``, ``6 Des 2023``), read as the bot would."""
    found = [parse_date(example, today=today) for example in _EXAMPLE.findall(text)]
    assert found, f"no dated example in {text!r}"
    return found


async def ask(user: SandboxUser, text: str, expect: str) -> str:
    await user.send_text(text)
    shown = await user.wait_for(lambda m: expect in m[-1].text)
    return str(shown[-1].text)


async def test_the_examples_in_the_questions_are_ahead_of_today(world: World) -> None:
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    world.clock.set(LATER)  # two years after the roster's story: fixed examples would be past
    question = await ask(hasrul, "/rapatbaru", "Apa judul rapatnya?")
    question = await ask(hasrul, "Rakor Pokjanal Posyandu", "Tanggal rapat?")
    assert all(day > LATER_TODAY for day in example_dates(question, LATER_TODAY))
    refusal = await ask(hasrul, "tanggal tiga puluh", "tidak dapat dibaca")
    assert all(day > LATER_TODAY for day in example_dates(refusal, LATER_TODAY))
    await ask(hasrul, "20/3/2026", "Jam mulai?")
    await ask(hasrul, "09.00", "Tempat rapat?")
    await ask(hasrul, "Aula Kantor Bupati", "Batas konfirmasi")
    refusal = await ask(hasrul, "secepatnya", "tidak dapat dibaca")
    # The deadline's example falls between today and the meeting's day.
    assert all(
        LATER_TODAY <= day <= date(2026, 3, 20) for day in example_dates(refusal, LATER_TODAY)
    )
    await ask(hasrul, "/batal", "dibatalkan")

    with unit_of_work(world.engine) as session:
        meetings.create(
            session,
            title="Lokmin Kecamatan Malili",
            starts_at=LATER + timedelta(days=5),
            timezone="Asia/Makassar",
            venue="Kantor Camat Malili",
            specs=["opd"],
            now=world.clock.now(),
        )
    await hasrul.send_text("/pindahrapat")
    choose = await hasrul.wait_for(lambda m: "dipindahkan?" in m[-1].text)
    await hasrul.press(choose[-1].buttons[0][0])
    moved = await hasrul.wait_for(lambda m: "Tanggal baru" in m[-1].text)
    assert all(day > LATER_TODAY for day in example_dates(moved[-1].text, LATER_TODAY))
    await ask(hasrul, "/batal", "tidak diubah")

    await ask(hasrul, "/rtlbaru", "dari rapat mana")
    await hasrul.press("Tanpa rapat")
    await hasrul.wait_for(lambda m: "Apa tindak lanjutnya" in m[-1].text)
    await ask(hasrul, "Laporan SKDN bulanan", "Siapa penanggung jawabnya")
    await ask(hasrul, "melati", "Pilih penanggung jawab")
    await hasrul.press("Posyandu Melati Baruga")
    due = await hasrul.wait_for(lambda m: "Tenggatnya kapan" in m[-1].text)
    assert all(day > LATER_TODAY for day in example_dates(due[-1].text, LATER_TODAY))
    await hasrul.send_text("akhir bulan")
    refused = await hasrul.wait_for(lambda m: "tidak terbaca" in "".join(x.text for x in m[-2:]))
    text = "\n".join(x.text for x in refused[-2:])
    assert all(day > LATER_TODAY for day in example_dates(text, LATER_TODAY))


async def test_the_examples_are_in_the_persons_language_too(world: World) -> None:
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    world.clock.set(LATER)
    await hasrul.send_text("/profil")
    await hasrul.wait_for(lambda m: "English" in str(m[-1].buttons))
    await hasrul.press("English")
    await hasrul.wait_for(lambda m: "Language" in m[-1].text or "language" in m[-1].text)
    await ask(hasrul, "/rapatbaru", "title")
    question = await ask(hasrul, "Rakor Pokjanal Posyandu", "Date of the meeting?")
    assert all(day > LATER_TODAY for day in example_dates(question, LATER_TODAY))


async def refused_once(user: SandboxUser, bad: str, good: str, expect: str, then: str) -> str:
    """Send a bad answer, then a good one: between them the bot said exactly one thing (what
    was wrong, with what to type); its text."""
    before = len(user.messages)
    await user.send_text(bad)
    await user.wait_for(lambda m: len(m) > before and expect in m[-1].text)
    await user.send_text(good)
    shown = await user.wait_for(lambda m: then in m[-1].text)
    between = shown[before:-1]
    assert [m.text for m in between] == [between[0].text] and len(between) == 1, between
    return str(between[0].text)


async def test_a_refused_typed_answer_is_one_message(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    await ask(hasrul, "/rtlbaru", "dari rapat mana")
    # Text where a button is awaited: one message, with the buttons to press.
    before = len(hasrul.messages)
    await hasrul.send_text("rapat kemarin")
    hint = await hasrul.wait_for(lambda m: len(m) > before and "tombol" in m[-1].text)
    assert "Tanpa rapat" in str(hint[-1].buttons)
    await hasrul.press("Tanpa rapat", message=hint[-1])
    await hasrul.wait_for(lambda m: "Apa tindak lanjutnya" in m[-1].text)
    refusal = await refused_once(hasrul, "ab", TITLE, "3–300 huruf", "Siapa penanggung jawabnya")
    assert "Apa tindak lanjutnya" in refusal  # what to type, in the same message
    await ask(hasrul, "melati", "Pilih penanggung jawab")
    await hasrul.press("Posyandu Melati Baruga")
    await hasrul.wait_for(lambda m: "Tenggatnya kapan" in m[-1].text)
    refusal = await refused_once(hasrul, "akhir bulan", "1 Des 2023", "tidak terbaca", "Periksa")
    assert "Tenggatnya kapan" in refusal
    await hasrul.press("Simpan")
    await hasrul.wait_for(lambda m: "Tersimpan" in m[-1].text)

    await sitti.wait_for(lambda m: "ada tindak lanjut untuk" in m[-1].text)
    await ask(sitti, "/tindaklanjut", "tindak lanjut terbuka")
    await sitti.press(sitti.messages[-1].buttons[0][0])
    await sitti.wait_for(lambda m: "Bagaimana statusnya" in m[-1].text)
    await sitti.press("Selesai")
    await sitti.wait_for(lambda m: "(wajib)" in m[-1].text)
    refusal = await refused_once(
        sitti, "ok", "Laporan SKDN sudah dikirim.", "Catatan wajib", "Kirim foto atau dokumen"
    )
    assert "(wajib)" in refusal


async def test_a_second_hadir_says_so_and_the_invitation_shows_the_answer(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    rakor(world)
    await invited(sitti)
    card = sitti.last_message
    assert card is not None and card.buttons == [["Hadir"], ["Diwakilkan", "Tidak hadir"]]
    await sitti.press("Hadir", message=card)
    await sitti.wait_for(lambda m: "Jawaban Anda untuk" in m[-1].text)
    assert card.buttons == [["✓ Hadir"], ["Diwakilkan", "Tidak hadir"]]  # edited in place
    before = len(sitti.messages)
    toast = await sitti.press("✓ Hadir", message=card)
    assert toast == "Jawaban Anda sudah Hadir."
    await sitti.send_text("/bantuan")  # whatever the tap said came before this answer
    shown = await sitti.wait_for(lambda m: len(m) > before and "/undangan" in m[-1].text)
    assert len(shown) == before + 1, [m.text for m in shown[before:]]
    assert card.buttons == [["✓ Hadir"], ["Diwakilkan", "Tidak hadir"]]
    # A changed answer: the mark leaves while the reason is typed, and comes back with Hadir.
    await sitti.press("Tidak hadir", message=card)
    await sitti.wait_for(lambda m: "alasan singkat" in m[-1].text)
    assert card.buttons == [["Hadir"], ["Diwakilkan", "Tidak hadir"]]
    await sitti.send_text("Posyandu buka hari itu")
    await sitti.wait_for(lambda m: "alasan: Posyandu buka hari itu" in m[-1].text)
    await sitti.press("Hadir", message=card)
    await sitti.wait_for(lambda m: "Jawaban Anda untuk" in m[-1].text and "Hadir" in m[-1].text)
    assert card.buttons == [["✓ Hadir"], ["Diwakilkan", "Tidak hadir"]]
    refused = [c for c in world.sandbox.calls if "not modified" in (c.description or "")]
    assert refused == []  # no edit Telegram would answer "message is not modified"


async def test_choosing_the_language_already_chosen_changes_nothing(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    profile = await ask(sitti, "/profil", "Bahasa")
    assert profile
    card = sitti.last_message
    assert card is not None and card.buttons == [["✓ Bahasa Indonesia", "English"]]
    edits = len(world.sandbox.calls_to("editMessageText"))
    toast = await sitti.press("✓ Bahasa Indonesia", message=card)
    assert toast == "Bahasa Anda sudah Bahasa Indonesia."
    assert len(world.sandbox.calls_to("editMessageText")) == edits  # nothing to edit
    toast = await sitti.press("English", message=card)
    assert toast == "Language changed to English."
    await sitti.wait_for(lambda _: card.buttons == [["Bahasa Indonesia", "✓ English"]])
    toast = await sitti.press("✓ English", message=card)
    assert toast == "Your language is already English."
    refused = [c for c in world.sandbox.calls if "not modified" in (c.description or "")]
    assert refused == []


async def test_the_admin_only_refusal_is_in_the_persons_chosen_language(world: World) -> None:
    """Sitti's Telegram app is in English, but her language in the bot is Indonesian."""
    sitti = world.user(*SITTI, language_code="en")
    await sitti.send_text("/start")
    await sitti.wait_for(lambda m: bool(m) and "privacy notice" in m[-1].text)
    await sitti.press("I agree")
    await sitti.wait_for(lambda m: "Share phone number" in m[-1].text)
    await sitti.press("Share phone number")
    await sitti.wait_for(lambda m: "Sitti Aminah" in m[-1].text)
    await sitti.send_text("/profil")
    await sitti.wait_for(lambda m: "✓ Bahasa Indonesia" in str(m[-1].buttons))  # her language
    for command in ("/rapatbaru", "/rtlbaru", "/siaran", "/pindahrapat", "/batalrapat", "/rekap"):
        before = len(sitti.messages)
        await sitti.send_text(command)
        shown = await sitti.wait_for(lambda m, before=before: len(m) > before)
        assert "hanya untuk admin" in shown[-1].text, (command, shown[-1].text)


async def test_hadir_again_after_the_meeting_moved_is_a_new_confirmation(world: World) -> None:
    """Asked to confirm again after a move, the same Hadir is recorded and confirmed."""
    sitti = world.user(*SITTI)
    await register(sitti)
    meeting_id = rakor(world)
    await invited(sitti)
    await sitti.press("Hadir")
    await sitti.wait_for(lambda m: "Jawaban Anda untuk" in m[-1].text)
    world.clock.advance(timedelta(hours=1))
    with unit_of_work(world.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        meetings.reschedule(
            session, meeting, starts_at=START + timedelta(days=7), now=world.clock.now()
        )
    world.delivery.wake()
    moved = await sitti.wait_for(lambda m: "Jadwal berubah" in m[-1].text)
    world.clock.advance(timedelta(hours=1))
    before = len(sitti.messages)
    await sitti.press("✓ Hadir", message=moved[-1])
    await sitti.wait_for(lambda m: len(m) > before and "Jawaban Anda untuk" in m[-1].text)
    with Session(world.engine) as session:
        history = session.exec(select(AnswerChange)).all()
    assert [h.answer for h in history] == ["hadir", "hadir"]


ADMIN_ONLY = {"siaran", "rapatbaru", "notulen", "batalrapat", "pindahrapat", "rtlbaru", "konsol"}
ADMIN_ONLY |= {"rekap"}
NOT_LISTED = {"start", "help"}  # /start begins; /help is /bantuan's English twin


def registered_commands(world: World) -> set[str]:
    assert world.app is not None
    return {
        command
        for group in world.app.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }


async def test_bantuan_lists_every_command_the_person_can_use(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    commands = registered_commands(world) - NOT_LISTED
    assert commands >= ADMIN_ONLY
    cadre_help = await ask(sitti, "/bantuan", "Perintah")
    listed = set(re.findall(r"/([a-z]+)", cadre_help))
    assert listed == commands - ADMIN_ONLY, cadre_help  # /hadir (the check-in) among them
    admin_help = await ask(hasrul, "/bantuan", "Perintah")
    assert set(re.findall(r"/([a-z]+)", admin_help)) == commands, admin_help
    for command in sorted(ADMIN_ONLY):  # and what the cadre does not see is not hers indeed
        await ask(sitti, f"/{command}", "hanya untuk admin")


async def test_bantuan_on_whatsapp_lists_the_check_in_too(wa_world: World) -> None:
    sitti = Persona(wa_world, "whatsapp", *SITTI)
    await sitti.register()
    await sitti.send("BANTUAN")
    shown = await sitti.wait_text("Yang dapat Anda ketik")
    assert "HADIR KODE" in shown.text  # the check-in, as on Telegram (/hadir KODE)


async def test_the_evidence_shown_to_the_admin_says_which_report_it_belongs_to(
    world: World,
) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    action_id = an_action(world)
    await report_selesai(world, sitti, action_id)
    review = await hasrul.wait_for(lambda m: "menunggu pemeriksaan Bapak/Ibu" in m[-1].text)
    await hasrul.press("Lihat bukti", message=review[-1])
    shown = await hasrul.wait_for(lambda m: sum(1 for x in m if x.photo) >= 2)
    captions = [m.caption or "" for m in shown if m.photo]
    for number, caption in enumerate(captions, start=1):
        assert TITLE in caption and f"#{action_id}" in caption, caption
        assert "Sitti Aminah" in caption and "27 November 2023" in caption, caption
        assert f"{number}/2" in caption, caption
