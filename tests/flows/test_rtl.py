"""Follow-up actions end to end: created, assigned, reported with evidence, checked, chased."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session, select

from models import action_owners, actions, organizations
from models.action_drafts import ReportDraft
from models.actions import Action, ActionReport, Evidence
from models.clock import FrozenClock
from models.db import unit_of_work
from models.organizations import OrgKind
from models.outbox import OutboxMessage
from sandbox.files import make_png
from sandbox.users import SandboxUser
from tests.flows.conftest import World, open_world
from tests.flows.test_delivery import eventually
from tests.flows.test_registration import HASRUL, SITTI, register
from tests.flows.test_reminders import tick

DEWI = ("Dewi Lestari", "+6285399990003")
DUE = date(2023, 12, 1)  # a Friday; the clock starts on Monday 27 November 2023
TITLE = "Laporan SKDN bulanan dikirim ke Puskesmas"


def an_action(world: World, owner: str = "Posyandu Melati Baruga", due: date = DUE) -> int:
    with unit_of_work(world.engine) as session:
        found = action_owners.find_owner(session, owner)
        assert found is not None
        created = actions.create(session, title=TITLE, owner=found, due=due, now=world.clock.now())
        assert created.created[0].id is not None
        action_id = created.created[0].id
    world.delivery.wake()  # as the CLI's queued rows are found by the running bot's next look
    return action_id


async def settled(world: World) -> None:
    """Every message in flight has been recorded as sent (the send returns before that)."""

    def quiet() -> bool:
        with Session(world.engine) as session:
            return not session.exec(
                select(OutboxMessage).where(OutboxMessage.status == "sending")
            ).first()

    await eventually(quiet)


def action(world: World, action_id: int) -> Action:
    with Session(world.engine) as session:
        found = session.get(Action, action_id)
        assert found is not None
        return found


def rows(world: World, kind: str, person_phone: str) -> list[OutboxMessage]:
    person = world.person(person_phone)
    with Session(world.engine) as session:
        query = select(OutboxMessage).where(
            OutboxMessage.kind == kind, OutboxMessage.person_id == person.id
        )
        return list(session.exec(query))


async def told(user: SandboxUser) -> None:
    """The assignment notice arrived (so it does not land in the middle of a conversation)."""
    await user.wait_for(lambda m: any("ada tindak lanjut untuk" in x.text for x in m))


async def report_selesai(world: World, sitti: SandboxUser, action_id: int) -> None:
    """Sitti reports Selesai with a note and two photos, and sends it."""
    await told(sitti)
    await sitti.send_text("/tindaklanjut")
    listed = await sitti.wait_for(lambda m: "tindak lanjut terbuka" in m[-1].text)
    assert TITLE in listed[-1].text
    await sitti.press(listed[-1].buttons[0][0])
    await sitti.wait_for(lambda m: "Bagaimana statusnya" in m[-1].text)
    await sitti.press("Selesai")
    await sitti.wait_for(lambda m: "(wajib)" in m[-1].text)
    await sitti.send_text("ok")  # too short: a note is required for Selesai
    await sitti.wait_for(lambda m: "Catatan wajib" in m[-1].text)
    await sitti.send_text("Laporan SKDN November sudah dikirim ke Puskesmas Malili.")
    await sitti.wait_for(lambda m: "Kirim foto atau dokumen" in m[-1].text)
    await sitti.send_photo(make_png(rgb=(200, 10, 10)))
    await sitti.wait_for(lambda m: "Bukti ke-1 tersimpan" in m[-1].text)
    await sitti.send_photo(make_png(rgb=(10, 200, 10)))
    await sitti.wait_for(lambda m: "Bukti ke-2 tersimpan" in m[-1].text)
    await sitti.press("Cukup, lanjut (2)")
    preview = await sitti.wait_for(lambda m: "Periksa laporan Anda" in m[-1].text)
    assert "Bukti: 2 berkas" in preview[-1].text
    await sitti.press("Kirim laporan")
    await sitti.wait_for(lambda m: "menunggu pemeriksaan sekretariat" in m[-1].text)


async def test_rtlbaru_creates_an_action_and_its_owner_is_told(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    await sitti.send_text("/rtlbaru")
    await sitti.wait_for(lambda m: "hanya untuk admin" in m[-1].text)
    await hasrul.send_text("/rtlbaru")
    await hasrul.wait_for(lambda m: "dari rapat mana" in m[-1].text)
    await hasrul.press("Tanpa rapat")
    await hasrul.wait_for(lambda m: "Apa tindak lanjutnya" in m[-1].text)
    await hasrul.send_text(TITLE)
    await hasrul.wait_for(lambda m: "Siapa penanggung jawabnya" in m[-1].text)
    await hasrul.send_text("zzzz")
    await hasrul.wait_for(lambda m: "Tidak ditemukan" in m[-1].text)
    await hasrul.send_text("melati")
    await hasrul.wait_for(lambda m: "Pilih penanggung jawab" in m[-1].text)
    await hasrul.press("Posyandu Melati Baruga")
    await hasrul.wait_for(lambda m: "Tenggatnya kapan" in m[-1].text)
    await hasrul.send_text("20/11/2023")  # before today: refused with the reason
    await hasrul.wait_for(lambda m: "tidak boleh sebelum hari ini" in m[-1].text)
    await hasrul.send_text("1 Des 2023")
    preview = await hasrul.wait_for(lambda m: "Periksa tindak lanjut" in m[-1].text)
    assert "Jumat, 1 Desember 2023" in preview[-1].text
    await hasrul.press("Simpan")
    await hasrul.wait_for(lambda m: "Tersimpan" in m[-1].text)
    told = await sitti.wait_for(lambda m: "ada tindak lanjut untuk" in m[-1].text)
    assert TITLE in told[-1].text
    await sitti.press("Lapor: Laporan SKDN bulanan dikirim…")  # cut between words
    await sitti.wait_for(lambda m: "Bagaimana statusnya" in m[-1].text)
    with Session(world.engine) as session:
        saved = session.exec(select(Action)).one()
        assert saved.due == DUE and saved.meeting_id is None


async def test_a_group_owner_fans_out_one_action_per_kecamatan(world: World) -> None:
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    with unit_of_work(world.engine) as session:  # the test roster knows Malili; add two more
        for name in ("Wotu", "Towuti"):
            organizations.get_or_create(
                session, name=name, kind=OrgKind.KECAMATAN, parent_id=None, now=world.clock.now()
            )
    await hasrul.send_text("/rtlbaru")
    await hasrul.wait_for(lambda m: "dari rapat mana" in m[-1].text)
    await hasrul.press("Tanpa rapat")
    await hasrul.wait_for(lambda m: "Apa tindak lanjutnya" in m[-1].text)
    await hasrul.send_text("Revitalisasi Posyandu tidak aktif")
    await hasrul.wait_for(lambda m: "Siapa penanggung jawabnya" in m[-1].text)
    await hasrul.send_text("camat se-kabupaten")
    await hasrul.wait_for(lambda m: "Pilih penanggung jawab" in m[-1].text)
    with Session(world.engine) as session:
        kecamatan = len(action_owners.group_owner(session, "kecamatan").organizations)
    await hasrul.press(f"Camat se-Kabupaten ({kecamatan} organisasi)")
    await hasrul.wait_for(lambda m: "Tenggatnya kapan" in m[-1].text)
    await hasrul.send_text("31/1/2024")
    await hasrul.wait_for(lambda m: "Periksa tindak lanjut" in m[-1].text)
    await hasrul.press("Simpan")
    done = await hasrul.wait_for(lambda m: "Tersimpan" in m[-1].text)
    assert f"{kecamatan} tindak lanjut" in done[-1].text
    with Session(world.engine) as session:
        saved = session.exec(select(Action)).all()
        assert len(saved) == kecamatan == 3
        assert {a.group_key for a in saved} == {"kecamatan"}


async def test_a_report_with_two_photos_is_accepted_and_the_nudges_stop(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    action_id = an_action(world)
    await report_selesai(world, sitti, action_id)
    with Session(world.engine) as session:
        report = session.exec(select(ActionReport)).one()
        files = session.exec(select(Evidence).where(Evidence.report_id == report.id)).all()
    assert len(files) == 2
    for item in files:
        stored = world.settings.files_dir / item.path
        assert stored.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert action(world, action_id).status == "selesai"
    review = await hasrul.wait_for(lambda m: "menunggu pemeriksaan Bapak/Ibu" in m[-1].text)
    assert "Laporan SKDN November" in review[-1].text and "Bukti: 2 berkas" in review[-1].text
    await hasrul.press("Lihat bukti")
    await hasrul.wait_for(lambda m: sum(1 for x in m if x.photo) >= 2)
    await hasrul.press("✅ Terima", message=review[-1])
    await hasrul.wait_for(lambda m: "Laporan diterima" in (m[-1].text or ""))
    await sitti.wait_for(lambda m: "diterima" in m[-1].text)
    assert action(world, action_id).verdict == "accepted"
    again = await hasrul.press_callback(f"ac:1:y:{report.id}")
    assert again == "Laporan ini sudah diperiksa."
    # Past the due date: no nudge about an accepted action.
    world.clock.set(datetime(2023, 12, 4, 2, 0, tzinfo=UTC))
    await tick(world)
    assert rows(world, "nudge", SITTI[1]) == []


async def returning(world: World) -> tuple[SandboxUser, SandboxUser, int]:
    """Sitti reports Selesai; Hasrul taps Kembalikan and is asked why."""
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    action_id = an_action(world)
    await report_selesai(world, sitti, action_id)
    review = await hasrul.wait_for(lambda m: "menunggu pemeriksaan Bapak/Ibu" in m[-1].text)
    await hasrul.press("↩️ Kembalikan", message=review[-1])
    await hasrul.wait_for(lambda m: "alasan pengembalian" in m[-1].text)
    return hasrul, sitti, action_id


async def test_a_returned_report_reopens_the_action(world: World) -> None:
    hasrul, sitti, action_id = await returning(world)
    await hasrul.send_text("x")
    await hasrul.wait_for(lambda m: "3–500 huruf" in m[-1].text)
    await hasrul.send_text("Mohon lampirkan tanda terima dari Puskesmas.")
    await hasrul.wait_for(lambda m: "dikembalikan" in m[-1].text)
    told = await sitti.wait_for(lambda m: "dikembalikan" in m[-1].text)
    assert "tanda terima dari Puskesmas" in told[-1].text
    reopened = action(world, action_id)
    assert reopened.is_open and reopened.verdict == "returned"
    await sitti.send_text("/tindaklanjut")
    listed = await sitti.wait_for(lambda m: "tindak lanjut terbuka" in m[-1].text)
    assert "Dikembalikan" in listed[-1].text
    with Session(world.engine) as session:
        history = session.exec(select(ActionReport)).all()
        assert [(r.status, r.verdict) for r in history] == [("selesai", "returned")]


async def test_an_overdue_action_is_nudged_then_escalated_exactly_once(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    action_id = an_action(world)
    await told(sitti)
    # Tuesday 28 November, 09.00 WIB: three days before the due date.
    world.clock.set(datetime(2023, 11, 28, 2, 0, tzinfo=UTC))
    await tick(world)
    await sitti.wait_for(lambda m: "bertenggat Jumat, 1 Desember 2023" in m[-1].text)
    # Monday 4 December: three days overdue; Thursday 7 December: six days.
    for day, late in ((4, 3), (7, 6)):
        world.clock.set(datetime(2023, 12, day, 2, 0, tzinfo=UTC))
        await tick(world)
        await sitti.wait_for(lambda m, late=late: f"lewat tenggat {late} hari" in m[-1].text)
        await settled(world)
        assert not any("belum dilaporkan" in m.text for m in hasrul.messages)
    await tick(world)  # the second overdue nudge went out: the admins hear of it now
    escalation = await hasrul.wait_for(lambda m: "belum dilaporkan" in m[-1].text)
    assert TITLE in escalation[-1].text and "Posyandu Melati Baruga" in escalation[-1].text
    # Sunday 10 December is no working day: the third nudge waits for Monday 11 December.
    world.clock.set(datetime(2023, 12, 11, 2, 0, tzinfo=UTC))
    await tick(world)
    await sitti.wait_for(lambda m: "lewat tenggat 10 hari" in m[-1].text)
    await tick(world)
    assert sum("belum dilaporkan" in m.text for m in hasrul.messages) == 1
    assert action(world, action_id).escalated_at is not None


async def test_another_organization_can_neither_see_nor_report(world: World) -> None:
    sitti, dewi = world.user(*SITTI), world.user(*DEWI)
    await register(sitti)
    await register(dewi)
    action_id = an_action(world)
    await told(sitti)
    await dewi.send_text("/tindaklanjut")
    await dewi.wait_for(lambda m: "Tidak ada tindak lanjut terbuka" in m[-1].text)
    refused = await dewi.press_callback(f"tl:1:a:{action_id}")
    assert refused == "Maaf, tindak lanjut ini bukan milik instansi/Posyandu Anda."
    # A forged status button for Sitti's draft changes nothing either.
    await sitti.send_text("/tindaklanjut")
    listed = await sitti.wait_for(lambda m: "tindak lanjut terbuka" in m[-1].text)
    await sitti.press(listed[-1].buttons[0][0])
    await sitti.wait_for(lambda m: "Bagaimana statusnya" in m[-1].text)
    with Session(world.engine) as session:
        draft = session.exec(select(ReportDraft)).one()
    assert await dewi.press_callback(f"tl:1:s:{draft.id}:{draft.version}:s") == (
        "Tombol ini sudah tidak berlaku."
    )
    assert await dewi.press_callback("tl:1:a:99999999999999999999") is not None
    assert action(world, action_id).status == "belum_mulai"
    with Session(world.engine) as session:
        assert session.exec(select(ActionReport)).all() == []


async def test_a_report_draft_survives_a_restart_and_batal_drops_it(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    action_id = an_action(world)
    await told(sitti)
    await sitti.send_text("/tindaklanjut")
    listed = await sitti.wait_for(lambda m: "tindak lanjut terbuka" in m[-1].text)
    await sitti.press(listed[-1].buttons[0][0])
    await sitti.wait_for(lambda m: "Bagaimana statusnya" in m[-1].text)
    await sitti.press("Sedang berjalan")
    await sitti.wait_for(lambda m: "Tulis catatan singkat" in m[-1].text)
    await world.stop_bot()
    await world.start_bot()
    await sitti.send_text("Sudah dikirim untuk 3 dari 5 Posyandu.")
    await sitti.wait_for(lambda m: "Kirim foto atau dokumen" in m[-1].text)
    await sitti.send_sticker()
    await sitti.wait_for(lambda m: "tidak bisa dipakai sebagai bukti" in m[-1].text)
    await sitti.send_document(b"PK\x03\x04 zip", file_name="foto.zip", mime_type="application/zip")
    await sitti.wait_for(lambda m: len([x for x in m if "tidak bisa dipakai" in x.text]) == 2)
    await sitti.send_document(
        b"%PDF-1.4 daftar", file_name="daftar.pdf", mime_type="application/pdf"
    )
    await sitti.wait_for(lambda m: "Bukti ke-1 tersimpan" in m[-1].text)
    stored = list((world.settings.files_dir / "actions" / str(action_id)).iterdir())
    assert len(stored) == 1
    await sitti.send_text("/batal")
    await sitti.wait_for(lambda m: "Dibatalkan" in m[-1].text)
    assert list((world.settings.files_dir / "actions" / str(action_id)).iterdir()) == []
    with Session(world.engine) as session:
        assert session.exec(select(ReportDraft)).all() == []
        assert session.exec(select(Evidence)).all() == []
    assert action(world, action_id).status == "belum_mulai"


async def test_a_file_past_the_limit_is_refused_and_nothing_is_kept(
    tmp_path: Path, clock: FrozenClock
) -> None:
    async with open_world(tmp_path, clock, evidence_max_mb=0.001) as world:  # about 1 KB
        sitti = world.user(*SITTI)
        await register(sitti)
        an_action(world)
        await told(sitti)
        await sitti.send_text("/tindaklanjut")
        listed = await sitti.wait_for(lambda m: "tindak lanjut terbuka" in m[-1].text)
        await sitti.press(listed[-1].buttons[0][0])
        await sitti.wait_for(lambda m: "Bagaimana statusnya" in m[-1].text)
        await sitti.press("Sedang berjalan")
        await sitti.wait_for(lambda m: "Tulis catatan singkat" in m[-1].text)
        await sitti.send_photo(make_png(rgb=(1, 2, 3)))  # a photo before the note: note first
        await sitti.wait_for(lambda m: "Tulis catatannya dulu" in m[-1].text)
        await sitti.send_text("Sudah dikirim untuk 3 dari 5 Posyandu.")
        await sitti.wait_for(lambda m: "Kirim foto atau dokumen" in m[-1].text)
        await sitti.send_document(
            b"%PDF-1.4 " + b"x" * 5000, file_name="laporan.pdf", mime_type="application/pdf"
        )
        await sitti.wait_for(
            lambda m: (
                "Berkas terlalu besar (paling besar 0 MB)" not in m[-1].text
                and "Berkas terlalu besar" in m[-1].text
            )
        )
        with Session(world.engine) as session:
            assert session.exec(select(Evidence)).all() == []
        assert not (world.settings.files_dir / "actions").exists()


async def test_escalations_due_together_reach_an_admin_as_one_list(world: World) -> None:
    """An admin who links on a Sunday, with four late actions nobody could be told of, gets
    one message listing the four (each row still recorded as sent), not four at once."""
    late = [
        ("Posyandu Anggrek Lakawali", "Pendataan sasaran baru Anggrek"),
        ("Posyandu Anggrek Lakawali", "Laporan SKDN Oktober Anggrek"),
        ("Dinas Sosial", "Penyampaian data balita keluarga miskin"),
        ("Dinas Sosial", "Daftar penerima bantuan pangan"),
    ]
    with unit_of_work(world.engine) as session:  # nobody of either owner is registered
        for owner, title in late:
            found = action_owners.find_owner(session, owner)
            assert found is not None
            actions.create(
                session, title=title, owner=found, due=date(2023, 11, 1), now=world.clock.now()
            )
    world.clock.set(datetime(2023, 12, 3, 2, 0, tzinfo=UTC))  # Sunday 3 December, 09.00 WIB
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    linked = len(hasrul.messages)
    await tick(world)
    await settled(world)
    escalations = rows(world, "escalation", HASRUL[1])
    assert len(escalations) == 4 and {r.status for r in escalations} == {"sent"}
    await tick(world)  # nothing more comes of a second look
    news = hasrul.messages[linked:]
    assert len(news) == 1, [m.text for m in news]
    for owner, title in late:
        assert title in news[0].text and owner in news[0].text
