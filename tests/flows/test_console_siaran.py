"""The console's Siaran: the web twin of /siaran. Compose, preview with the exact text and the
recipients counted by app, Kirim (queued in the outbox like the chat's, sent by the delivery
engine), the delivery report; a double Kirim sends once; bad input queues nothing."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import Session, col, select

from models.broadcasts import Broadcast, BroadcastDraft
from models.clock import FrozenClock
from models.organizations import Organization, OrgKind
from models.outbox import Kind, OutboxMessage
from tests.flows.conftest import World, open_world
from tests.flows.console_driver import csrf_of, signed_in
from tests.flows.personas import Persona
from tests.flows.test_registration import HASRUL, SITTI

TEXT = "Mohon kirim data SKDN <b>paling lambat</b> Jumat."
DEWI = ("Dewi Lestari", "+6285399990003")
SIARAN = "/konsol/siaran"
HIDDEN = re.compile(r'name="(draf|versi)" value="([0-9]+)"')


@pytest.fixture
async def wa_console_world(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[World]:
    """Both chat apps and the console."""
    async with open_world(
        tmp_path, clock, whatsapp=True, public_url="http://console.test"
    ) as opened:
        yield opened


def malili(world: World) -> int:
    with Session(world.engine) as session:
        found = session.exec(
            select(Organization).where(Organization.kind == OrgKind.KECAMATAN.value)
        ).first()
    assert found is not None and found.name == "Malili" and found.id is not None
    return found.id


def queued(world: World) -> tuple[int, int]:
    """Broadcasts recorded, and outbox rows queued for them."""
    with Session(world.engine) as session:
        broadcasts = len(session.exec(select(Broadcast)).all())
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == Kind.BROADCAST.value)
        ).all()
    return broadcasts, len(rows)


def draft_fields(page: str) -> dict[str, str]:
    found = dict(HIDDEN.findall(page))
    assert set(found) == {"draf", "versi"}, page[page.find("<main>") :][:800]
    return found


async def text_of(http: aiohttp.ClientSession, url: str) -> str:
    async with http.get(url) as response:
        assert response.status == 200
        return await response.text()


async def report_shows(http: aiohttp.ClientSession, url: str, *needles: str) -> str:
    """The Siaran page once its report says all of ``needles`` (the engine marks rows sent
    a moment after the sandbox has the message)."""
    deadline = time.monotonic() + 5
    while True:
        page = await text_of(http, url)
        if all(needle in page for needle in needles) or time.monotonic() > deadline:
            report = page[page.find('id="laporan"') :]
            for needle in needles:
                assert needle in report, report[:1500]
            return page
        await asyncio.sleep(0.05)


async def test_an_admin_broadcasts_to_a_kecamatan_from_the_console(console_world: World) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    sitti = Persona(world, "telegram", *SITTI)  # Posyandu Melati Baruga, Kecamatan Malili
    await sitti.register()
    kecamatan = malili(world)
    async with signed_in(world, hasrul) as (http, base):
        page = await text_of(http, base + SIARAN)
        assert f'<option value="{kecamatan}">Kecamatan Malili</option>' in page
        assert "Belum ada siaran." in page
        csrf = csrf_of(page)
        form = {"csrf": csrf, "penerima": "kecamatan", "kecamatan": str(kecamatan), "teks": TEXT}
        async with http.post(base + SIARAN + "/pratinjau", data=form) as shown:
            preview = await shown.text()
        assert shown.status == 200
        # The exact message as the recipients get it (typed markup shown, not obeyed), and
        # who gets it: Sitti on Telegram; Dewi (Anggrek Lakawali, Malili) never registered.
        assert "Mohon kirim data SKDN &lt;b&gt;paling lambat&lt;/b&gt; Jumat." in preview
        assert "📢 <b>Siaran Pokjanal Posyandu</b>" in preview
        assert "Kepada: Kecamatan Malili" in preview
        assert "1 orang menerima lewat bot (Telegram 1, WhatsApp 0)" in preview
        assert "1 belum terdaftar di bot (tidak akan menerima)" in preview
        assert queued(world) == (0, 0)  # a preview queues nothing
        fields = draft_fields(preview)
        async with http.post(
            base + SIARAN + "/kirim", data={"csrf": csrf, **fields}, allow_redirects=False
        ) as sent:
            assert sent.status == 303
            where = sent.headers["Location"]
        assert where == f"{SIARAN}?terkirim=1"
        assert queued(world) == (1, 2)  # one row each: Sitti's to send, Dewi's unreachable
        news = await sitti.wait_text("paling lambat")
        assert TEXT in news.text  # the sandbox chat shows it as typed
        page = await report_shows(
            http, base + where, "Terkirim 1", "Tidak terjangkau 1", "Menunggu 0"
        )
        assert "Siaran #1 sedang dikirim" in page
        assert "#1" in page and "Kecamatan Malili" in page
        # Kirim again (a refresh that re-posts, a second tab): nothing more goes out.
        async with http.post(base + SIARAN + "/kirim", data={"csrf": csrf, **fields}) as again:
            assert again.status == 409
            assert "sudah tidak berlaku" in await again.text()
        assert queued(world) == (1, 2)
    await asyncio.sleep(0.2)
    assert len([m for m in sitti.texts() if "paling lambat" in (m or "")]) == 1


async def test_a_double_click_on_kirim_sends_once(console_world: World) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    sitti = Persona(world, "telegram", *SITTI)
    await sitti.register()
    async with signed_in(world, hasrul) as (http, base):
        csrf = csrf_of(await text_of(http, base + SIARAN))
        form = {"csrf": csrf, "penerima": "kader", "teks": "Rapat kader besok pagi."}
        async with http.post(base + SIARAN + "/pratinjau", data=form) as shown:
            fields = draft_fields(await shown.text())
        url, data = base + SIARAN + "/kirim", {"csrf": csrf, **fields}
        first, second = await asyncio.gather(
            http.post(url, data=data, allow_redirects=False),
            http.post(url, data=data, allow_redirects=False),
        )
        statuses = sorted([first.status, second.status])
        first.release()
        second.release()
        assert statuses == [303, 409]
        assert queued(world) == (1, 2)  # Sitti and Dewi, once each
        await sitti.wait_text("Rapat kader besok pagi.")
        # A preview made before a newer one cannot send either: only the latest is valid.
        async with http.post(base + SIARAN + "/pratinjau", data=form) as old:
            old_fields = draft_fields(await old.text())
        changed = {**form, "teks": "Rapat kader besok pagi, jam 09.00."}
        async with http.post(base + SIARAN + "/pratinjau", data=changed) as new:
            new_fields = draft_fields(await new.text())
        async with http.post(url, data={"csrf": csrf, **old_fields}) as stale:
            assert stale.status == 409
        assert queued(world) == (1, 2)
        async with http.post(url, data={"csrf": csrf, **new_fields}, allow_redirects=False) as ok:
            assert ok.status == 303
        assert queued(world) == (2, 4)
        with Session(world.engine) as session:
            texts = [b.text for b in session.exec(select(Broadcast).order_by(col(Broadcast.id)))]
        assert texts == ["Rapat kader besok pagi.", "Rapat kader besok pagi, jam 09.00."]


async def test_bad_input_queues_nothing_and_says_why(console_world: World) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    with Session(world.engine) as session:  # a kecamatan on the map where nobody is listed
        now = world.clock.now()
        session.add(Organization(kind=OrgKind.KECAMATAN.value, name="Wotu", created_at=now))
        session.commit()
        wotu = session.exec(select(Organization).where(Organization.name == "Wotu")).one().id
    async with signed_in(world, hasrul) as (http, base):
        csrf = csrf_of(await text_of(http, base + SIARAN))
        preview_url = base + SIARAN + "/pratinjau"

        async def refused(form: dict[str, str], status: int, needle: str) -> str:
            async with http.post(preview_url, data=form) as response:
                page = await response.text()
            assert response.status == status, page[page.find("<main>") :][:600]
            assert needle in page, page[page.find("<main>") :][:600]
            assert 'name="draf"' not in page  # no Kirim offered
            return page

        await refused(
            {"csrf": csrf, "penerima": "kader", "teks": "  \r\n "},
            400,
            "Pesan harus berisi 1 sampai 3500 huruf",
        )
        long = "x" * 3501
        page = await refused(
            {"csrf": csrf, "penerima": "kader", "teks": long},
            400,
            "Pesan harus berisi 1 sampai 3500 huruf (sekarang 3501)",
        )
        assert long in page  # what was typed is kept in the form, not lost
        await refused(
            {"csrf": csrf, "penerima": "kecamatan", "kecamatan": str(wotu), "teks": "Halo"},
            400,
            "Tidak ada penerima untuk pilihan itu",
        )
        await refused(
            {"csrf": csrf, "penerima": "kecamatan", "kecamatan": "999", "teks": "Halo"},
            400,
            "Penerima itu tidak dikenal",
        )
        await refused({"csrf": csrf, "teks": "Halo"}, 400, "Pilih penerima")
        await refused(
            {"csrf": csrf, "penerima": "instansi", "instansi": "Puskesmas Bulan", "teks": "Halo"},
            400,
            "Tidak ada instansi yang cocok dengan “Puskesmas Bulan”",
        )
        await refused({"csrf": "forged", "penerima": "kader", "teks": "Halo"}, 403, "tidak berlaku")
        # A preview that cannot be sent by a forged form, nor by made-up numbers.
        form = {"csrf": csrf, "penerima": "admin", "teks": "Uji coba"}
        async with http.post(preview_url, data=form) as shown:
            fields = draft_fields(await shown.text())
        kirim = base + SIARAN + "/kirim"
        async with http.post(kirim, data={"csrf": "forged", **fields}) as forged:
            assert forged.status == 403 and "tidak berlaku" in await forged.text()
        async with http.post(kirim, data={"csrf": csrf, "draf": "x", "versi": "1"}) as junk:
            assert junk.status == 409
        assert queued(world) == (0, 0)
        with Session(world.engine) as session:  # the preview is still there to be sent
            assert session.exec(select(BroadcastDraft)).one().text == "Uji coba"
    async with aiohttp.ClientSession() as stranger:
        async with stranger.get(base + SIARAN) as denied:
            assert denied.status == 401
        async with stranger.post(kirim, data={"csrf": csrf, **fields}) as denied:
            assert denied.status == 401
    assert queued(world) == (0, 0)


async def test_a_text_of_the_full_length_with_line_breaks_is_accepted(
    console_world: World,
) -> None:
    """A browser posts a textarea's line breaks as CRLF; its maxlength counts them as one:
    the limit is the bot's, counted the bot's way."""
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    text = ("y" * 99 + "\r\n") * 35  # 3500 characters with LF line breaks
    async with signed_in(world, hasrul) as (http, base):
        csrf = csrf_of(await text_of(http, base + SIARAN))
        form = {"csrf": csrf, "penerima": "admin", "teks": text}
        async with http.post(base + SIARAN + "/pratinjau", data=form) as shown:
            assert shown.status == 200
            draft_fields(await shown.text())
        with Session(world.engine) as session:
            stored = session.exec(select(BroadcastDraft)).one().text
        assert "\r" not in stored and len(stored) == 3499  # the last break stripped


async def test_an_organization_is_found_by_part_of_its_name(console_world: World) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    async with signed_in(world, hasrul) as (http, base):
        csrf = csrf_of(await text_of(http, base + SIARAN))
        url = base + SIARAN + "/pratinjau"
        form = {"csrf": csrf, "penerima": "instansi", "instansi": "posyandu", "teks": "Halo"}
        async with http.post(url, data=form) as several:
            page = await several.text()
        # Two match: the admin picks one (the text kept), then previews again.
        assert "Beberapa instansi cocok dengan “posyandu”" in page
        assert 'name="draf"' not in page
        melati = r'name="instansi_id" value="([0-9]+)"[^>]*> Posyandu Melati Baruga'
        choice = re.search(melati, page)
        assert choice, page[page.find("<main>") :][:1500]
        form["instansi_id"] = choice.group(1)
        async with http.post(url, data=form) as chosen:
            preview = await chosen.text()
        assert "Kepada: Posyandu Melati Baruga" in preview
        assert "1 belum terdaftar di bot" in preview  # Sitti has not registered
        draft_fields(preview)
        one = {"csrf": csrf, "penerima": "instansi", "instansi": "sosial", "teks": "Halo"}
        async with http.post(url, data=one) as found:
            assert "Kepada: Dinas Sosial" in await found.text()


async def test_the_report_tells_delivered_and_read_on_whatsapp(wa_console_world: World) -> None:
    world = wa_console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    sitti = Persona(world, "whatsapp", *SITTI)
    await sitti.register()
    dewi = Persona(world, "telegram", *DEWI)
    await dewi.register()
    async with signed_in(world, hasrul) as (http, base):
        csrf = csrf_of(await text_of(http, base + SIARAN))
        form = {"csrf": csrf, "penerima": "kader", "teks": "Posyandu serentak tanggal 12."}
        async with http.post(base + SIARAN + "/pratinjau", data=form) as shown:
            preview = await shown.text()
        assert "2 orang menerima lewat bot (Telegram 1, WhatsApp 1)" in preview
        assert "belum terdaftar" not in preview
        async with http.post(
            base + SIARAN + "/kirim", data={"csrf": csrf, **draft_fields(preview)}
        ) as sent:
            assert sent.status == 200  # followed to the report
        await sitti.wait_text("Posyandu serentak tanggal 12.")
        await dewi.wait_text("Posyandu serentak tanggal 12.")
        await report_shows(
            http, base + SIARAN, "Terkirim 2", "WhatsApp: 1 terkirim, 1 diterima, 0 dibaca"
        )
        sitti.user.read_all()  # type: ignore[union-attr]
        await report_shows(
            http, base + SIARAN, "WhatsApp: 1 terkirim, 1 diterima, 1 dibaca", "Telegram: 1"
        )
