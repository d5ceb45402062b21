"""/siaran: the secretariat tells a kecamatan's cadres something, and watches it arrive."""

from __future__ import annotations

from tests.flows.conftest import World
from tests.flows.test_registration import HASRUL, SITTI, register


async def test_an_admin_broadcasts_to_one_kecamatan_and_refreshes_the_report(world: World) -> None:
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    sitti = world.user(*SITTI)  # Posyandu Melati Baruga, Desa Baruga, Kecamatan Malili
    await register(sitti)
    await hasrul.send_text("/siaran")
    assert "kepada siapa" in (await hasrul.next_message()).text
    await hasrul.press("Per kecamatan…")
    await hasrul.next_message()
    await hasrul.press("Kecamatan Malili")
    ask = await hasrul.next_message()
    assert "Kecamatan Malili" in ask.text
    await hasrul.send_text("x" * 3501)
    assert "1 sampai 3500 huruf" in (await hasrul.next_message()).text
    await hasrul.send_text("Mohon kirim data SKDN <b>paling lambat</b> Jumat.")
    preview = await hasrul.next_message()
    assert "Pratinjau siaran" in preview.text and "paling lambat" in preview.text
    await hasrul.press("Kirim")
    report = await hasrul.next_message()
    assert "sedang dikirim" in report.text and "Laporan siaran #1" in report.text
    news = await sitti.next_message()
    assert "Mohon kirim data SKDN <b>paling lambat</b> Jumat." in news.text  # shown as typed
    await hasrul.press("Perbarui")
    refreshed = await hasrul.wait_for(
        lambda msgs: any(
            m.message_id == report.message_id
            and "Terkirim: 1\nMenunggu: 0\nTidak terjangkau: 1" in m.text
            for m in msgs
        )
    )
    assert refreshed


async def test_a_cadre_cannot_broadcast_and_batal_drops_a_draft(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    await sitti.send_text("/siaran")
    assert "hanya untuk admin" in (await sitti.next_message()).text
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    await hasrul.send_text("/siaran")
    await hasrul.next_message()
    await hasrul.press("Semua kader")
    await hasrul.next_message()
    await hasrul.send_text("/batal")
    assert "Siaran dibatalkan" in (await hasrul.next_message()).text
    await hasrul.send_text("Pesan yang tidak jadi")
    assert "belum mengerti" in (await hasrul.next_message()).text
    answer = await sitti.press_callback("sb:1:a:all")
    assert answer == "Maaf, perintah ini hanya untuk admin sekretariat."


async def test_a_draft_survives_a_restart(world: World) -> None:
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    await hasrul.send_text("/siaran")
    await hasrul.next_message()
    await hasrul.press("Cari instansi/Posyandu…")
    await hasrul.next_message()
    await world.stop_bot()
    await world.start_bot()
    await hasrul.send_text("melati")
    await hasrul.next_message()
    await hasrul.press("Posyandu Melati Baruga")
    assert "Posyandu Melati Baruga" in (await hasrul.next_message()).text
    await hasrul.send_text("Halo kader Melati")
    assert "Pratinjau" in (await hasrul.next_message()).text
