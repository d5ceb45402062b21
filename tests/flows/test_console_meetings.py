"""The console's meetings: a new one from a form (checked with /rapatbaru's rules, previewed,
made once), moved after a preview, cancelled after Ya, closed with its minutes (text or a file).
Whatever the bot would tell invitees, they are told in the sandbox's chat."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from sqlmodel import Session, select

from models.meetings import Meeting
from tests.flows.conftest import World
from tests.flows.console_driver import csrf_of, signed_in
from tests.flows.personas import Persona
from tests.flows.test_notulen import held_meeting
from tests.flows.test_registration import HASRUL, SITTI
from tests.flows.test_rsvp import START, invited, rakor

NEW = "/konsol/rapat/baru"
TITLE = "Rakor Pokjanal Posyandu Kabupaten"
GOOD = {
    "judul": TITLE,
    "tanggal": "6 Des 2023",
    "jam": "09.00 Wita",
    "selesai": "12.00",
    "tempat": "Aula Hotel I Lagaligo, Malili",
    "acara": "Evaluasi revitalisasi Posyandu",
    "batas": "",
    "untuk": "kader",
    "untuk_lain": "",
}


def all_meetings(world: World) -> list[Meeting]:
    with Session(world.engine) as session:
        return list(session.exec(select(Meeting)).all())


def the_meeting(world: World, meeting_id: int) -> Meeting:
    with Session(world.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        return meeting


def hidden(page: str, name: str) -> str:
    return page.split(f'name="{name}" value="', 1)[1].split('"', 1)[0]


async def admin_and_cadre(world: World) -> tuple[Persona, Persona]:
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    sitti = Persona(world, "telegram", *SITTI)
    await sitti.register()
    return hasrul, sitti


async def test_a_meeting_is_made_from_the_form_and_invites_go_out(console_world: World) -> None:
    world = console_world
    hasrul, sitti = await admin_and_cadre(world)
    async with signed_in(world, hasrul) as (http, base):
        async with http.get(base + NEW) as shown:
            assert shown.status == 200
            csrf = csrf_of(await shown.text())
        # A date that does not exist and a too-short title: the bot's words, the typed values
        # kept, nothing made.
        bad = GOOD | {"csrf": csrf, "judul": "ab", "tanggal": "31/2/2023"}
        async with http.post(base + NEW, data=bad) as refused:
            page = await refused.text()
            assert refused.status == 400
        assert "Tanggal itu tidak dapat dibaca" in page
        assert "Judul harus berisi 3 sampai 200 huruf" in page
        assert 'value="31/2/2023"' in page and 'value="Aula Hotel I Lagaligo, Malili"' in page
        assert "Evaluasi revitalisasi Posyandu</textarea>" in page
        async with http.post(base + NEW, data=GOOD | {"csrf": csrf, "jam": "jam sembilan"}) as t:
            assert "Jam itu tidak dapat dibaca" in await t.text()
        late = GOOD | {"csrf": csrf, "batas": "7/12/2023"}
        async with http.post(base + NEW, data=late) as t:
            assert "tidak sesudah waktu mulai" in await t.text()
        nobody = GOOD | {"csrf": csrf, "untuk": "lain", "untuk_lain": "kecamatan:Atlantis"}
        async with http.post(base + NEW, data=nobody) as t:
            assert "Tidak ada orang yang cocok" in await t.text()
        assert all_meetings(world) == []
        # A forged form is refused before anything is read.
        async with http.post(base + NEW, data=GOOD | {"csrf": "forged"}) as forged:
            assert forged.status == 403 and "tidak berlaku" in await forged.text()
        async with http.post(base + NEW, data=GOOD | {"csrf": csrf}) as previewed:
            preview = await previewed.text()
        assert "Pratinjau rapat" in preview
        assert "Rabu, 6 Desember 2023 pukul 09.00 WITA" in preview
        assert "Undangan Pokjanal Posyandu" in preview  # the invitation as it will read
        assert "Acara: Evaluasi revitalisasi Posyandu" in preview
        assert "lewat bot" in preview and "belum terdaftar di bot" in preview
        assert all_meetings(world) == []  # nothing made before "Buat rapat"
        token = hidden(preview, "pratinjau")
        # Ubah: the form again, as typed; still nothing made.
        async with http.post(base + NEW, data=GOOD | {"csrf": csrf, "ubah": "1"}) as edit:
            page = await edit.text()
        assert f'value="{TITLE}"' in page and "Pratinjau rapat" not in page
        assert 'value="kader" checked' in page
        make = base + NEW + "/buat"
        async with http.post(make, data={"csrf": "forged", "pratinjau": token}) as forged:
            assert forged.status == 403
        assert all_meetings(world) == []
        async with http.post(make, data={"csrf": csrf, "pratinjau": token}) as made:
            created = await made.text()
        assert "Rapat #1 dibuat" in created and "Kode hadir" in created
        (meeting,) = all_meetings(world)
        assert meeting.timezone == "Asia/Makassar" and meeting.audience == "kader"
        assert meeting.created_by_id == world.person(HASRUL[1]).id
        assert meeting.starts_at.replace(tzinfo=UTC) == START
        assert meeting.ends_at is not None
        assert meeting.ends_at.replace(tzinfo=UTC) == START + timedelta(hours=3)
        assert meeting.agenda == "Evaluasi revitalisasi Posyandu"
        await invited(sitti.user, TITLE)
        # The same "Buat rapat" again (a double click, a refresh): no second meeting.
        async with http.post(make, data={"csrf": csrf, "pratinjau": token}) as again:
            said = await again.text()
        assert "sudah dibuat" in said and "/konsol/rapat/1" in said
        assert len(all_meetings(world)) == 1
    async with aiohttp.ClientSession() as stranger, stranger.get(base + NEW) as denied:
        assert denied.status == 401


async def test_two_clicks_at_once_make_one_meeting(console_world: World) -> None:
    world = console_world
    hasrul, _ = await admin_and_cadre(world)
    async with signed_in(world, hasrul) as (http, base):
        async with http.get(base + NEW) as shown:
            csrf = csrf_of(await shown.text())
        async with http.post(base + NEW, data=GOOD | {"csrf": csrf}) as previewed:
            token = hidden(await previewed.text(), "pratinjau")

        async def click() -> str:
            data = {"csrf": csrf, "pratinjau": token}
            async with http.post(base + NEW + "/buat", data=data) as answered:
                return await answered.text()

        first, second = await asyncio.gather(click(), click())
    assert len(all_meetings(world)) == 1
    made, refused = sorted((first, second), key=lambda page: "sudah dibuat" in page)
    assert "Rapat #1 dibuat" in made and "sudah dibuat" in refused


async def test_a_preview_lost_to_a_restart_shows_the_form_again(console_world: World) -> None:
    world = console_world
    hasrul, _ = await admin_and_cadre(world)
    async with signed_in(world, hasrul) as (http, base):
        async with http.get(base + NEW) as shown:
            csrf = csrf_of(await shown.text())
        data = {"csrf": csrf, "pratinjau": "unknown"} | {k: v for k, v in GOOD.items()}
        async with http.post(base + NEW + "/buat", data=data) as gone:
            page = await gone.text()
        assert "Pratinjau ini sudah tidak berlaku" in page
        assert f'value="{TITLE}"' in page  # what was typed, to preview again
    assert all_meetings(world) == []


def version_and_start(world: World, meeting_id: int) -> tuple[int, datetime]:
    meeting = the_meeting(world, meeting_id)
    return meeting.version, meeting.starts_at.replace(tzinfo=UTC)


async def test_a_move_is_previewed_and_made_on_ya(console_world: World) -> None:
    world = console_world
    hasrul, sitti = await admin_and_cadre(world)
    meeting_id = rakor(world, specs=["kader"])
    await invited(sitti.user)
    url = f"/konsol/rapat/{meeting_id}"
    async with signed_in(world, hasrul) as (http, base):
        async with http.get(base + url) as shown:
            page = await shown.text()
            csrf = csrf_of(page)
        assert f'href="{url}/pindah"' in page and f'href="{url}/batal"' in page
        async with http.get(base + url + "/pindah") as form:
            assert "Semula: Rabu, 6 Desember 2023 pukul 09.00 WITA" in await form.text()
        move = {"csrf": csrf, "tanggal": "13 Des 2023", "jam": "jam sembilan"}
        async with http.post(base + url + "/pindah", data=move | {"csrf": "x"}) as forged:
            assert forged.status == 403
        async with http.post(base + url + "/pindah", data=move) as refused:
            page = await refused.text()
            assert refused.status == 400
        assert "Jam itu tidak dapat dibaca" in page and 'value="13 Des 2023"' in page
        async with http.post(base + url + "/pindah", data=move | {"tanggal": "1/11/2023"}) as p:
            assert "Tanggal itu sudah lewat" in await p.text()
        async with http.post(base + url + "/pindah", data=move | {"jam": "10.00"}) as previewed:
            preview = await previewed.text()
        assert "Pindahkan rapat?" in preview
        assert "Semula: Rabu, 6 Desember 2023 pukul 09.00 WITA" in preview
        assert "Menjadi: <b>Rabu, 13 Desember 2023 pukul 10.00 WITA</b>" in preview
        assert "Diberi tahu jadwal baru: 1 lewat bot" in preview
        assert "Ya, pindahkan" in preview and f'href="{url}"' in preview  # Tidak: back, no POST
        assert version_and_start(world, meeting_id) == (1, START)  # nothing moved before Ya
        # Ya carries the start previewed (not "besok" read again after midnight) and the
        # meeting's version.
        confirm = {
            "csrf": csrf,
            "mulai": hidden(preview, "mulai"),
            "versi": hidden(preview, "versi"),
        }
        async with http.post(base + url + "/pindah/ya", data=confirm | {"csrf": "x"}) as forged:
            assert forged.status == 403
        assert version_and_start(world, meeting_id) == (1, START)
        async with http.post(base + url + "/pindah/ya", data=confirm) as moved:
            said = await moved.text()
        assert "dipindahkan ke Rabu, 13 Desember 2023 pukul 10.00 WITA" in said
        assert version_and_start(world, meeting_id) == (2, START + timedelta(days=7, hours=1))
        await sitti.wait_text("Jadwal berubah")
        # The same Ya again: the preview is of a meeting that has changed since; nothing moves.
        async with http.post(base + url + "/pindah/ya", data=confirm) as again:
            assert "sudah berubah sejak pratinjau" in await again.text()
        assert version_and_start(world, meeting_id)[0] == 2


async def test_a_cancellation_asks_ya_or_tidak(console_world: World) -> None:
    world = console_world
    hasrul, sitti = await admin_and_cadre(world)
    meeting_id = rakor(world, specs=["kader"])
    await invited(sitti.user)
    url = f"/konsol/rapat/{meeting_id}"
    async with signed_in(world, hasrul) as (http, base):
        async with http.get(base + url + "/batal") as asked:
            page = await asked.text()
        csrf = csrf_of(page)
        assert "Batalkan <b>Rakor Pokjanal Posyandu</b>?" in page
        assert "Ya, batalkan rapat" in page
        tidak = page.split(">Tidak</a>", 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
        async with http.get(base + tidak) as back:  # Tidak: the meeting's page, unchanged
            assert back.status == 200 and "Rakor Pokjanal Posyandu" in await back.text()
        assert the_meeting(world, meeting_id).status == "scheduled"
        async with http.post(base + url + "/batal", data={"csrf": "forged"}) as forged:
            assert forged.status == 403
        assert the_meeting(world, meeting_id).status == "scheduled"
        async with http.post(base + url + "/batal", data={"csrf": csrf}) as done:
            assert "Rakor Pokjanal Posyandu</b> dibatalkan" in await done.text()
        assert the_meeting(world, meeting_id).status == "cancelled"
        await sitti.wait_text("Rapat dibatalkan")
        for path in ("/batal", "/pindah"):
            async with http.get(base + url + path) as refused:
                assert "Rapat ini sudah ditutup atau dibatalkan" in await refused.text()
        async with http.post(base + url + "/batal", data={"csrf": csrf}) as again:
            assert "sudah ditutup atau dibatalkan" in await again.text()
    # A meeting that has started is closed with its minutes, not cancelled or moved.
    started = rakor(world, specs=["kader"], title="Lokmin Kecamatan")
    world.clock.set(START + timedelta(minutes=30))
    later = f"/konsol/rapat/{started}"
    async with signed_in(world, hasrul) as (http, base):
        async with http.get(base + later) as shown:
            page = await shown.text()
            csrf = csrf_of(page)
        assert f'href="{later}/notulen"' in page  # answers are closed: the minutes are offered
        async with http.post(base + later + "/batal", data={"csrf": csrf}) as refused:
            assert "Rapat ini sudah dimulai" in await refused.text()
        move = {"csrf": csrf, "tanggal": "13 Des 2023", "jam": "10.00"}
        async with http.post(base + later + "/pindah", data=move) as refused:
            assert "sudah ditutup atau dibatalkan" in await refused.text()
        assert the_meeting(world, started).status == "scheduled"


async def test_minutes_close_a_held_meeting(console_world: World) -> None:
    world = console_world
    hasrul, _ = await admin_and_cadre(world)
    meeting_id = held_meeting(world, world.person(HASRUL[1]).id)
    url = f"/konsol/rapat/{meeting_id}/notulen"
    async with signed_in(world, hasrul) as (http, base), http.get(base + url) as early:
        assert "Rapat ini belum selesai" in await early.text()
    world.clock.set(START + timedelta(hours=6))  # a new day: a new session
    async with signed_in(world, hasrul) as (http, base):
        async with http.get(base + url) as shown:
            page = await shown.text()
        assert 'enctype="multipart/form-data"' in page and "<textarea" in page
        csrf = csrf_of(page)

        def posted(text: str, file: tuple[str, bytes, str] | None, token: str) -> aiohttp.FormData:
            data = aiohttp.FormData()
            data.add_field("csrf", token)
            data.add_field("notulen", text)
            if file is not None:
                name, content, kind = file
                data.add_field("berkas", content, filename=name, content_type=kind)
            else:
                data.add_field("berkas", b"", filename="", content_type="application/octet-stream")
            return data

        async with http.post(base + url, data=posted("ok", None, csrf)) as short:
            assert "paling sedikit 3 huruf" in await short.text()
        program = ("notulen.exe", b"MZ", "application/x-msdownload")
        async with http.post(base + url, data=posted("", program, csrf)) as wrong:
            assert "PDF, Word, atau foto" in await wrong.text()
        disguised = ("notulen.pdf", b"MZ\x90\x00\x03", "application/pdf")  # a program's bytes
        async with http.post(base + url, data=posted("", disguised, csrf)) as wrong:
            assert "PDF, Word, atau foto" in await wrong.text()
        assert not (Path(world.settings.files_dir) / "notulen").exists()
        pdf = ("notulen-rakor.pdf", b"%PDF-1.4 notulen", "application/pdf")
        async with http.post(base + url, data=posted("Disepakati 12 RTL.", pdf, "x")) as forged:
            assert forged.status == 403
        assert the_meeting(world, meeting_id).status == "scheduled"
        async with http.post(base + url, data=posted("Disepakati 12 RTL.", pdf, csrf)) as done:
            said = await done.text()
        assert "rapat ditutup" in said
        meeting = the_meeting(world, meeting_id)
        assert meeting.status == "done" and meeting.minutes == "Disepakati 12 RTL."
        assert meeting.minutes_file_name == "notulen-rakor.pdf" and meeting.minutes_path
        stored = Path(world.settings.files_dir) / meeting.minutes_path
        assert stored.read_bytes() == b"%PDF-1.4 notulen"
        async with http.get(base + url) as recorded:
            page = await recorded.text()
        assert "Disepakati 12 RTL." in page and f'href="{url}/berkas"' in page
        async with http.get(base + url + "/berkas") as document:
            assert document.content_type == "application/pdf"
            assert await document.read() == b"%PDF-1.4 notulen"
        async with http.post(base + url, data=posted("Lagi.", None, csrf)) as again:
            assert "sudah ditutup atau dibatalkan" in await again.text()
    async with aiohttp.ClientSession() as stranger, stranger.get(base + url + "/berkas") as denied:
        assert denied.status == 401
