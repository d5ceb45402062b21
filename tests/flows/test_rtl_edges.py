"""Follow-ups at their edges: long lists, old buttons, other features mid-report, a report
decided by another admin while one writes a comment."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from models import action_owners, actions
from models.action_drafts import ActionDraft, ReportDraft
from models.actions import ActionReport
from models.db import unit_of_work
from models.meeting_drafts import MeetingDraft
from models.meetings import Meeting
from models.people import Person, Role
from tests.factories import person
from tests.flows.conftest import World
from tests.flows.test_notulen import held_meeting
from tests.flows.test_registration import HASRUL, SITTI, register
from tests.flows.test_rsvp import START, invited, rakor
from tests.flows.test_rtl import an_action, returning, told


def many_actions(world: World, count: int) -> None:
    with unit_of_work(world.engine) as session:
        owner = action_owners.find_owner(session, "Posyandu Melati Baruga")
        assert owner is not None
        for number in range(count):
            actions.create(
                session,
                title=f"{number:02d} Pendataan & verifikasi sasaran " + "panjang " * 30,
                owner=owner,
                due=date(2023, 12, 1),
                detail="Keterangan <rinci> " * 50,
                now=world.clock.now(),
                notify=False,
            )


async def test_a_long_list_comes_in_pages_with_plain_button_labels(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    many_actions(world, 12)
    await sitti.send_text("/tindaklanjut")
    first = await sitti.wait_for(lambda m: "halaman 1 dari 2" in m[-1].text)
    labels = [row[0] for row in first[-1].buttons]
    assert len(labels) == 9 and labels[-1] == "Berikutnya (2/2)"
    assert labels[0].startswith("1. 00 Pendataan & verifikasi")  # not "&amp;"
    await sitti.press("Berikutnya (2/2)")
    second = await sitti.wait_for(lambda m: "halaman 2 dari 2" in m[-1].text)
    assert [row[0][:3] for row in second[-1].buttons] == ["9. ", "10.", "11.", "12."]


async def test_typed_hadir_still_answers_an_invitation_mid_report(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    an_action(world)
    await told(sitti)
    rakor(world)
    await invited(sitti)
    await sitti.send_text("/tindaklanjut")
    listed = await sitti.wait_for(lambda m: "tindak lanjut terbuka" in m[-1].text)
    await sitti.press(listed[-1].buttons[0][0])
    await sitti.wait_for(lambda m: "Bagaimana statusnya" in m[-1].text)
    await sitti.send_text("HADIR")
    await sitti.wait_for(lambda m: "Hadir" in m[-1].text and "Terima kasih" in m[-1].text)
    await sitti.send_text("halo")  # neither an answer nor a note: the report's question again
    await sitti.wait_for(lambda m: "Bagaimana statusnya" in m[-1].text)
    with Session(world.engine) as session:
        assert session.exec(select(ReportDraft)).one().stage == "status"


async def test_an_old_batal_button_leaves_the_report_being_written(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    an_action(world)
    await told(sitti)
    await sitti.send_text("/tindaklanjut")
    listed = await sitti.wait_for(lambda m: "tindak lanjut terbuka" in m[-1].text)
    await sitti.press(listed[-1].buttons[0][0])
    first = await sitti.wait_for(lambda m: "Bagaimana statusnya" in m[-1].text)
    old_batal = first[-1].buttons[-1][0]
    assert old_batal == "✖ Batalkan laporan"
    await sitti.send_text("/tindaklanjut")  # a second report starts over the first
    listed = await sitti.wait_for(lambda m: "tindak lanjut terbuka" in m[-1].text)
    await sitti.press(listed[-1].buttons[0][0])
    await sitti.wait_for(lambda m: "Bagaimana statusnya" in m[-1].text)
    answer = await sitti.press(old_batal, message=first[-1])
    assert answer == "Tombol ini sudah tidak berlaku."
    with Session(world.engine) as session:
        assert session.exec(select(ReportDraft)).one() is not None
    await sitti.press("Sedang berjalan")
    await sitti.wait_for(lambda m: "Tulis catatan singkat" in m[-1].text)


async def test_a_return_comment_after_another_admin_decided(world: World) -> None:
    hasrul, _, _ = await returning(world)
    with unit_of_work(world.engine) as session:  # the chair accepts it meanwhile
        chair = person(
            session, name="Ketua", phone="081100001111", role=Role.ADMIN, now=world.clock.now()
        )
        report = session.exec(select(ActionReport)).one()
        actions.review(session, report.id, chair, accept=True, now=world.clock.now())
    await hasrul.send_text("Mohon lampirkan tanda terima.")
    await hasrul.wait_for(lambda m: "sudah diperiksa" in m[-1].text)
    with Session(world.engine) as session:
        assert session.exec(select(ActionDraft)).all() == []
        chair_row = session.exec(select(Person).where(Person.name == "Ketua")).one()
        assert session.exec(select(ActionReport)).one().verdict_by_id == chair_row.id
    await hasrul.send_text("/tindaklanjut")  # his next words are his own again
    await hasrul.wait_for(lambda m: "Tidak ada tindak lanjut terbuka" in m[-1].text)


async def test_one_conversation_at_a_time_each_new_one_ends_the_one_before(world: World) -> None:
    """Hasrul starts the minutes, then /rtlbaru, then a report: each start ends the one before
    and says so, and what he types or sends goes to the one conversation in progress."""
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    meeting_id = held_meeting(world, world.person(HASRUL[1]).id)
    an_action(world, owner="Dinas Pemberdayaan Masyarakat dan Desa")
    await told(hasrul)
    world.clock.set(START + timedelta(hours=6))
    await hasrul.send_text("/notulen")
    choose = await hasrul.wait_for(lambda m: "menunggu notulen" in m[-1].text)
    await hasrul.press(choose[-1].buttons[0][0])
    await hasrul.wait_for(lambda m: "Kirim notulen" in m[-1].text)
    await hasrul.send_text("/rtlbaru")
    stopped = await hasrul.wait_for(lambda m: "dari rapat mana" in m[-1].text)
    assert "pengisian rapat" in stopped[-2].text and "dihentikan" in stopped[-2].text
    await hasrul.send_text("/tindaklanjut")
    listed = await hasrul.wait_for(lambda m: "tindak lanjut terbuka" in m[-1].text)
    await hasrul.press(listed[-1].buttons[0][0])
    await hasrul.wait_for(lambda m: "Bagaimana statusnya" in m[-1].text)
    assert any("penulisan tindak lanjut" in m.text for m in hasrul.messages[-3:])
    await hasrul.press("Sedang berjalan")
    await hasrul.wait_for(lambda m: "Tulis catatan singkat" in m[-1].text)
    # The minutes were stopped: a document now is the report's, which wants its note first.
    await hasrul.send_document(
        b"%PDF-1.4 notulen", file_name="notulen.pdf", mime_type="application/pdf"
    )
    await hasrul.wait_for(lambda m: "Tulis catatannya dulu" in m[-1].text)
    await hasrul.send_text("Draf SK sudah di bagian hukum.")
    await hasrul.wait_for(lambda m: "Kirim foto atau dokumen" in m[-1].text)
    with Session(world.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.status == "scheduled"  # not closed by accident
        assert session.exec(select(ReportDraft)).one().note == "Draf SK sudah di bagian hukum."
        assert session.exec(select(ActionDraft)).all() == []
        assert session.exec(select(MeetingDraft)).all() == []


async def test_a_follow_up_title_is_not_taken_for_a_meeting_date(world: World) -> None:
    """The issue's story: /rapatbaru and a title, then /rtlbaru → Tanpa rapat; the follow-up's
    title goes to /rtlbaru, not to the meeting's date question."""
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    await hasrul.send_text("/rapatbaru")
    await hasrul.wait_for(lambda m: "Apa judul rapatnya" in m[-1].text)
    await hasrul.send_text("Rakor Pokjanal Posyandu")
    await hasrul.wait_for(lambda m: "Tanggal rapat" in m[-1].text)
    await hasrul.send_text("/rtlbaru")
    stopped = await hasrul.wait_for(lambda m: "dari rapat mana" in m[-1].text)
    assert "pengisian rapat" in stopped[-2].text
    await hasrul.press("Tanpa rapat")
    await hasrul.wait_for(lambda m: "Apa tindak lanjutnya" in m[-1].text)
    await hasrul.send_text("Pendataan ulang Posyandu aktif")
    answer = await hasrul.wait_for(lambda m: "Siapa penanggung jawabnya" in m[-1].text)
    assert not any("tidak dapat dibaca" in m.text for m in answer[-3:])
    await hasrul.send_text("/batal")
    await hasrul.wait_for(lambda m: m[-1].text != answer[-1].text)
    await hasrul.send_text("/batal")  # the meeting draft is gone too: nothing left to stop
    await hasrul.wait_for(lambda m: "Tidak ada langkah yang sedang berjalan" in m[-1].text)


async def test_buttons_without_their_draft_change_nothing(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    an_action(world)
    await told(sitti)
    await sitti.send_text("/tindaklanjut")
    listed = await sitti.wait_for(lambda m: "tindak lanjut terbuka" in m[-1].text)
    await sitti.press(listed[-1].buttons[0][0])
    await sitti.wait_for(lambda m: "Bagaimana statusnya" in m[-1].text)
    assert await sitti.press_callback("tl:1:x") == "Tombol ini sudah tidak berlaku."
    await hasrul.send_text("/rapatbaru")
    await hasrul.wait_for(lambda m: "judul" in m[-1].text.lower())
    assert await hasrul.press_callback("mt:1:x") == "Tombol ini sudah tidak berlaku."
    assert await hasrul.press_callback("mt:1:dl") == "Tombol ini sudah tidak berlaku."
    with Session(world.engine) as session:
        assert session.exec(select(ReportDraft)).one() is not None
        assert session.exec(select(MeetingDraft)).one() is not None
