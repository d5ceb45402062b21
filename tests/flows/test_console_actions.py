"""The console's Tindak lanjut: a Selesai report checked from the web (its photos inline), the
RTL sheet checked row by row before it is saved, and the export."""

from __future__ import annotations

import io

import aiohttp
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, select

from models.actions import Action, ActionReport, Evidence
from tests.flows.conftest import World
from tests.flows.console_driver import csrf_of, signed_in, upload_form
from tests.flows.personas import Persona
from tests.flows.test_registration import HASRUL, SITTI
from tests.flows.test_rtl import TITLE, an_action, report_selesai


def report(world: World) -> ActionReport:
    with Session(world.engine) as session:
        return session.exec(select(ActionReport)).one()


async def test_an_admin_checks_a_report_from_the_console(console_world: World) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    sitti = Persona(world, "telegram", *SITTI)
    await sitti.register()
    action_id = an_action(world)
    await report_selesai(world, sitti.user, action_id)  # type: ignore[arg-type]
    waiting = report(world)
    async with signed_in(world, hasrul) as (http, base):
        async with http.get(base + "/konsol/tindak-lanjut") as shown:
            page = await shown.text()
        assert "Laporan selesai menunggu pemeriksaan (1)" in page and TITLE in page
        assert "Laporan SKDN November sudah dikirim" in page
        with Session(world.engine) as session:
            files = session.exec(select(Evidence).where(Evidence.report_id == waiting.id)).all()
        assert len(files) == 2
        for item in files:
            assert f'src="/konsol/bukti/{item.id}"' in page  # the photos inline
        async with http.get(f"{base}/konsol/bukti/{files[0].id}") as photo:
            assert photo.status == 200 and photo.content_type == "image/png"
            assert (await photo.read())[:8] == b"\x89PNG\r\n\x1a\n"
        csrf = csrf_of(page)
        url = f"{base}/konsol/tindak-lanjut/laporan/{waiting.id}"
        # A forged form, and a return without a reason: nothing changes.
        async with http.post(url + "/terima", data={"csrf": "forged"}) as forged:
            assert "tidak berlaku" in await forged.text()
        async with http.post(url + "/kembalikan", data={"csrf": csrf, "alasan": "x"}) as short:
            assert "Alasan pengembalian perlu 3–500 huruf" in await short.text()
        assert report(world).verdict == "pending"
        async with http.post(url + "/terima", data={"csrf": csrf}) as accepted:
            text = await accepted.text()
        assert "Laporan diterima" in text and "menunggu pemeriksaan (" not in text
        assert report(world).verdict == "accepted"
        # Sitti is told in the chat; a second Terima (another admin's tab) changes nothing.
        await sitti.wait_text("diterima")
        async with http.post(url + "/terima", data={"csrf": csrf}) as again:
            assert "sudah diperiksa" in await again.text()
    async with (
        aiohttp.ClientSession() as stranger,
        stranger.get(f"{base}/konsol/bukti/{files[0].id}") as denied,
    ):
        assert denied.status == 401  # no session: no photo


def sheet(rows: list[list[str]]) -> bytes:
    book = Workbook()
    active = book.active
    assert active is not None
    for row in rows:
        active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def test_an_rtl_sheet_is_checked_before_it_is_saved(console_world: World) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    data = sheet(
        [
            ["Tindak lanjut", "Penanggung jawab", "Tenggat"],
            ["Pendataan ulang balita gizi kurang", "Posyandu Melati Baruga", "2023-12-20"],
            ["Rapat evaluasi kader", "Dinas Tidak Ada", "2023-12-20"],
        ]
    )
    async with signed_in(world, hasrul) as (http, base):
        async with http.get(base + "/konsol/tindak-lanjut") as shown:
            csrf = csrf_of(await shown.text())
        form = upload_form(csrf, "rtl.xlsx", data)
        async with http.post(base + "/konsol/tindak-lanjut/unggah", data=form) as checked:
            page = await checked.text()
        assert "Baris 2: penanggung jawab tidak dikenal (Dinas Tidak Ada)" in page, page[
            page.find("<main>") :
        ][:700]
        assert "Belum ada yang disimpan" in page
        with Session(world.engine) as session:
            assert session.exec(select(Action)).all() == []  # checked, not saved
        upload = page.split('name="upload" value="', 1)[1].split('"', 1)[0]
        # The roster's Simpan cannot take an RTL sheet's check.
        async with http.post(
            base + "/konsol/peserta/simpan", data={"csrf": csrf, "upload": upload}
        ) as wrong:
            assert "sudah tidak tersedia" in await wrong.text()
        async with http.post(
            base + "/konsol/tindak-lanjut/simpan", data={"csrf": csrf, "upload": upload}
        ) as saved:
            assert "Tersimpan" in await saved.text()
        with Session(world.engine) as session:
            (created,) = session.exec(select(Action)).all()
        assert created.title == "Pendataan ulang balita gizi kurang"
        async with http.get(base + "/konsol/tindak-lanjut/ekspor.xlsx") as export:
            workbook = load_workbook(io.BytesIO(await export.read()))
        cells = [str(c.value) for s in workbook.worksheets for r in s.iter_rows() for c in r]
        assert "Pendataan ulang balita gizi kurang" in cells
        # Not a sheet: said so, nothing saved.
        form = upload_form(csrf, "notulen.pdf", b"%PDF-1.4")
        async with http.post(base + "/konsol/tindak-lanjut/unggah", data=form) as pdf:
            assert "bukan lembar kerja" in await pdf.text()
