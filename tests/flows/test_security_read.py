"""Findings of a security read, told as the people who would meet them: a decline reason too
long to keep, and a file that only claims to be a document."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from models.meetings import AnswerChange
from tests.flows.conftest import World
from tests.flows.personas import CHANNELS, Persona
from tests.flows.test_both_channels import SITTI, answer_of, invited
from tests.flows.test_rsvp import rakor

LONG_REASON = "Anak saya sakit demam sejak kemarin dan harus dibawa ke Puskesmas. " * 5  # 340


@pytest.mark.parametrize("channel", CHANNELS)
async def test_a_typed_decline_reason_past_the_limit_is_asked_again_not_cut(
    wa_world: World, channel: str
) -> None:
    """``TIDAK <alasan>`` over 300 letters was cut silently while the step re-asked: now both
    re-ask with the limit, save nothing, and the next message is taken as the reason."""
    assert len(LONG_REASON.strip()) > 300
    sitti = Persona(wa_world, channel, *SITTI)
    await sitti.register()
    meeting_id = rakor(wa_world)
    await invited(sitti)
    await sitti.send("TIDAK " + LONG_REASON)
    await sitti.wait_text("paling banyak 300 huruf")
    row = answer_of(wa_world, SITTI[1], meeting_id)
    assert (row.answer, row.reason) == ("pending", "")
    with Session(wa_world.engine) as session:
        assert session.exec(select(AnswerChange)).all() == []
    await sitti.send("Anak sakit, ke Puskesmas")
    await sitti.wait_text("alasan: Anak sakit, ke Puskesmas")
    row = answer_of(wa_world, SITTI[1], meeting_id)
    assert (row.answer, row.reason) == ("tidak_hadir", "Anak sakit, ke Puskesmas")


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def a_small_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Daftar hadir pelatihan kader")
    page.save()
    return buffer.getvalue()


async def test_a_program_sent_as_a_pdf_is_refused_and_nothing_is_kept(world: World) -> None:
    """Evidence was trusted by the type the app declared: ``invoice.pdf.exe`` sent as
    ``application/pdf`` was stored. The file's first bytes decide now; a real PDF and a real
    photo still go in."""
    from models.actions import Evidence
    from sandbox.files import make_png
    from tests.flows.test_registration import SITTI as SITTI_TG
    from tests.flows.test_registration import register
    from tests.flows.test_rtl import an_action, told

    sitti = world.user(*SITTI_TG)
    await register(sitti)
    action_id = an_action(world)
    await told(sitti)
    await sitti.send_text("/tindaklanjut")
    listed = await sitti.wait_for(lambda m: "tindak lanjut terbuka" in m[-1].text)
    await sitti.press(listed[-1].buttons[0][0])
    await sitti.wait_for(lambda m: "Bagaimana statusnya" in m[-1].text)
    await sitti.press("Selesai")
    await sitti.wait_for(lambda m: "Tulis catatan singkat" in m[-1].text)
    await sitti.send_text("Sudah dikirim ke Puskesmas.")
    await sitti.wait_for(lambda m: "Kirim foto atau dokumen" in m[-1].text)

    def refusals() -> int:
        return len([m for m in sitti.messages if "tidak bisa dipakai" in m.text])

    for name in ("invoice.pdf.exe", "laporan.pdf"):
        before = refusals()
        await sitti.send_document(EXE, file_name=name, mime_type="application/pdf")
        await sitti.wait_for(lambda m, before=before: refusals() == before + 1)
    folder = world.settings.files_dir / "actions" / str(action_id)
    assert not folder.exists() or list(folder.iterdir()) == []
    with Session(world.engine) as session:
        assert session.exec(select(Evidence)).all() == []

    await sitti.send_document(a_small_pdf(), file_name="daftar.pdf", mime_type="application/pdf")
    await sitti.wait_for(lambda m: "Bukti ke-1 tersimpan" in m[-1].text)
    await sitti.send_document(make_png(rgb=(9, 9, 9)), file_name="foto.png", mime_type="image/png")
    await sitti.wait_for(lambda m: "Bukti ke-2 tersimpan" in m[-1].text)
    with Session(world.engine) as session:
        kept = session.exec(select(Evidence)).all()
    assert sorted(e.mime_type for e in kept) == ["application/pdf", "image/png"]
    assert len(list(folder.iterdir())) == 2
