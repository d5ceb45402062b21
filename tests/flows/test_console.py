"""The console's sign-in: /konsol in the chat, a one-time link, a cookie, CSRF, and Beranda."""

from __future__ import annotations

import re

import aiohttp
from sqlmodel import Session, select

from models.db import unit_of_work
from models.meetings import Meeting
from models.people import Person
from models.roster import import_roster
from tests.flows.conftest import World
from tests.flows.console_driver import csrf_of, sign_in_link, signed_in, upload_form
from tests.flows.personas import Persona
from tests.flows.test_rsvp import rakor

HASRUL = ("Hasrul Nawir", "+6281141000001")
SITTI = ("Sitti Aminah", "+6285312345678")


async def test_an_admin_signs_in_with_a_one_time_link_and_out_again(
    console_world: World,
) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    rakor(world)
    path = await sign_in_link(hasrul)
    base = f"http://127.0.0.1:{world.web_port}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        # Opening the link (a link preview does the same) signs nobody in: a button does.
        for _ in range(2):
            async with http.get(base + path) as shown:
                assert shown.status == 200 and "Masuk" in await shown.text()
        token = path.split("t=", 1)[1]
        async with http.post(
            base + "/konsol/masuk", data={"t": token}, allow_redirects=False
        ) as signed:
            assert signed.status == 303 and signed.headers["Location"] == "/konsol/"
            cookie = signed.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/konsol" in cookie
        async with http.get(base + "/konsol/") as home:
            page = await home.text()
        assert home.status == 200 and "Beranda" in page
        assert "Rakor Pokjanal Posyandu" in page and "Diundang" in page
        assert "Hasrul Nawir" in page
        # The same link again: refused, with a clear page.
        async with http.post(base + "/konsol/masuk", data={"t": token}) as again:
            assert again.status == 403 and "sudah dipakai" in await again.text()
        # A form without the session's CSRF token changes nothing.
        async with http.post(base + "/konsol/keluar", data={"csrf": "forged"}) as forged:
            assert forged.status == 403
        async with http.get(base + "/konsol/") as still:
            assert still.status == 200
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        async with http.post(base + "/konsol/keluar", data={"csrf": csrf.group(1)}) as out:
            assert out.status == 200 and "keluar" in await out.text()
        async with http.get(base + "/konsol/") as gone:
            assert gone.status == 401


async def test_a_cadre_gets_no_link_and_guessing_is_limited(console_world: World) -> None:
    world = console_world
    sitti = Persona(world, "telegram", *SITTI)
    await sitti.register()
    await sitti.send("/konsol")
    await sitti.wait_text("hanya untuk admin")
    base = f"http://127.0.0.1:{world.web_port}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        statuses = []
        for n in range(12):
            async with http.post(base + "/konsol/masuk", data={"t": f"guess-{n}"}) as tried:
                statuses.append(tried.status)
        assert statuses[:10] == [403] * 10 and statuses[10:] == [429, 429]
        async with http.get(base + "/konsol/") as home:
            assert home.status == 401 and "/konsol" in await home.text()
        # Refusals are what is limited: a valid link from the same address still signs in.
        hasrul = Persona(world, "telegram", *HASRUL)
        await hasrul.register()
        token = (await sign_in_link(hasrul)).split("t=", 1)[1]
        async with http.post(base + "/konsol/masuk", data={"t": token}) as signed:
            assert signed.status == 200 and "Beranda" in await signed.text()


async def test_the_meeting_page_reminds_and_gives_the_daftar_hadir(console_world: World) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    sitti = Persona(world, "telegram", *SITTI)
    await sitti.register()
    meeting_id = rakor(world)
    await sitti.wait_text("Rakor Pokjanal Posyandu")
    await sitti.send("HADIR")
    await sitti.wait_text("Jawaban Anda untuk")
    path = await sign_in_link(hasrul)
    base = f"http://127.0.0.1:{world.web_port}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        token = path.split("t=", 1)[1]
        async with http.post(base + "/konsol/masuk", data={"t": token}) as home:
            assert home.status == 200 and f"/konsol/rapat/{meeting_id}" in await home.text()
        async with http.get(f"{base}/konsol/rapat/{meeting_id}") as shown:
            page = await shown.text()
        assert shown.status == 200 and "Rakor Pokjanal Posyandu" in page
        assert "Hadir 1" in page and "Belum menjawab" in page
        assert "Posyandu Melati Baruga" in page  # Sitti's organization, covered
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf and "Ingatkan yang belum menjawab (1)" in page  # Hasrul, registered
        async with http.post(
            f"{base}/konsol/rapat/{meeting_id}/ingatkan", data={"csrf": "forged"}
        ) as forged:
            assert forged.status == 403
        async with http.post(
            f"{base}/konsol/rapat/{meeting_id}/ingatkan", data={"csrf": csrf.group(1)}
        ) as nudged:
            assert "1 pengingat diantrekan" in await nudged.text()
        async with http.get(f"{base}/konsol/rapat/{meeting_id}/daftar-hadir.xlsx") as xlsx:
            body = await xlsx.read()
            assert xlsx.status == 200 and body[:2] == b"PK"  # a zip: the XLSX
            assert "attachment" in xlsx.headers["Content-Disposition"]
        async with http.get(f"{base}/konsol/rapat/{meeting_id}/daftar-hadir.pdf") as pdf:
            assert (await pdf.read())[:5] == b"%PDF-"
        async with http.get(f"{base}/konsol/rapat/999") as missing:
            assert missing.status == 404
        # The table, folded until searched: filtered by answer, by words, by forged values.
        assert "<details><summary><h2>Daftar undangan (4)" in page
        query = f"{base}/konsol/rapat/{meeting_id}?jawaban=hadir"
        async with http.get(query) as only_hadir:
            shown = await only_hadir.text()
        assert "<details open>" in shown and "1 dari 4 orang" in shown
        assert "<td>Sitti Aminah</td>" in shown and "<td>Hasrul Nawir</td>" not in shown
        async with http.get(f"{base}/konsol/rapat/{meeting_id}?q=tidak+ada+siapa") as none:
            assert "Tidak ada yang cocok" in await none.text()
        forged_query = f"{base}/konsol/rapat/{meeting_id}?jawaban=<x>&jenis=1&kecamatan=-1&hal=z"
        async with http.get(forged_query) as forged_filters:
            assert forged_filters.status == 200 and "4 dari 4 orang" in await forged_filters.text()
        # The check-in QR, printable: the code, and a QR for the bot's Telegram deep link.
        async with http.get(f"{base}/konsol/rapat/{meeting_id}/qr") as qr:
            printable = await qr.text()
        with Session(world.engine) as session:
            meeting = session.get(Meeting, meeting_id)
            assert meeting is not None
            code = meeting.attendance_code
        assert qr.status == 200 and f'<p class="code">{code}</p>' in printable
        assert "<svg" in printable and f"?start=hadir_{code}" in printable
    csv = f"{base}/konsol/rapat/{meeting_id}/daftar-hadir.csv"
    async with aiohttp.ClientSession() as stranger, stranger.get(csv) as denied:
        assert denied.status == 401  # no session: nothing to download


async def test_a_roster_upload_is_checked_before_anything_is_saved(
    console_world: World,
) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    path = await sign_in_link(hasrul)
    base = f"http://127.0.0.1:{world.web_port}"
    sheet = (
        b"Nama,No HP,Peran,Instansi\n"
        b"Rina Kartika,0852 1111 0001,kader,Posyandu Mawar\n"
        b"Tanpa Nomor,,kader,Posyandu Mawar\n"
        b"Bidan Sari,0852 1111 0002,bidan,Puskesmas Malili\n"
    )

    def form(csrf: str, name: str, data: bytes) -> aiohttp.FormData:
        posted = aiohttp.FormData()
        posted.add_field("csrf", csrf)
        posted.add_field("file", data, filename=name, content_type="text/csv")
        return posted

    def count() -> int:
        with Session(world.engine) as session:
            return len(session.exec(select(Person)).all())

    before = count()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        token = path.split("t=", 1)[1]
        async with http.post(base + "/konsol/masuk", data={"t": token}) as home:
            assert home.status == 200
        async with http.get(base + "/konsol/peserta") as shown:
            page = await shown.text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf and "Unggah daftar peserta" in page
        async with http.post(
            base + "/konsol/peserta/unggah", data=form(csrf.group(1), "peserta.csv", sheet)
        ) as checked:
            report = await checked.text()
        assert "3 baris: 1 baru, 0 diperbarui, 0 tidak berubah, 2 ditolak." in report
        assert "Baris 2:" in report and "Baris 3: peran tidak dikenal (bidan)" in report
        assert count() == before  # nothing saved yet
        upload = re.search(r'name="upload" value="([^"]+)"', report)
        assert upload and "Simpan 1 baris" in report
        # Another's form, or a file that is not a sheet: refused, nothing changed.
        async with http.post(
            base + "/konsol/peserta/unggah", data=form("forged", "peserta.csv", sheet)
        ) as forged:
            assert forged.status == 400
        async with http.post(
            base + "/konsol/peserta/unggah", data=form(csrf.group(1), "foto.pdf", b"%PDF-1.4")
        ) as not_a_sheet:
            assert not_a_sheet.status == 400 and "bukan lembar kerja" in await not_a_sheet.text()
        async with http.post(
            base + "/konsol/peserta/simpan",
            data={"csrf": csrf.group(1), "upload": upload.group(1)},
        ) as saved:
            assert "Tersimpan." in await saved.text()
        assert count() == before + 1
        async with http.post(  # the same upload twice: it is gone
            base + "/konsol/peserta/simpan",
            data={"csrf": csrf.group(1), "upload": upload.group(1)},
        ) as again:
            assert again.status == 400
    assert world.person("+6285211110001").name == "Rina Kartika"


async def test_an_admin_approves_a_newcomer_from_the_console(console_world: World) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    budi = Persona(world, "telegram", "Budi Santoso", "+6281299998888")
    await budi.register()  # not on the roster: asked who he is
    await budi.send("Budi Santoso, Posyandu Mawar Lampenai")
    await budi.wait_text("sudah dikirim ke sekretariat")
    path = await sign_in_link(hasrul)
    base = f"http://127.0.0.1:{world.web_port}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.post(base + "/konsol/masuk", data={"t": path.split("t=", 1)[1]}):
            pass
        async with http.get(base + "/konsol/peserta") as shown:
            page = await shown.text()
        assert "Budi Santoso, Posyandu Mawar Lampenai" in page
        action = re.search(r'action="(/konsol/peserta/permintaan/\d+)"', page)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert action and csrf
        async with http.post(
            base + action.group(1), data={"csrf": csrf.group(1), "keputusan": "k"}
        ) as decided:
            assert "Disetujui oleh Hasrul Nawir" in await decided.text()
        await budi.wait_text("disetujui")
        assert world.person("+6281299998888").name == "Budi Santoso"
        async with http.post(  # a second decision (another admin's tab): nothing changes
            base + action.group(1), data={"csrf": csrf.group(1), "keputusan": "x"}
        ) as again:
            assert "sudah diputuskan" in await again.text()
        async with http.post(
            base + action.group(1), data={"csrf": "forged", "keputusan": "x"}
        ) as forged:
            assert forged.status == 400


async def test_open_the_console_from_the_recap_lands_on_the_meetings_page(
    console_world: World,
) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    meeting_id = rakor(world)
    await hasrul.wait_text("Rakor Pokjanal Posyandu")
    await hasrul.send(f"/rekap {meeting_id}")
    recap = (await hasrul.wait_for(lambda msgs: msgs[-1].photo is not None, timeout=20))[-1]
    assert recap.buttons[-1] == ["Unduh daftar hadir", "Buka konsol"]
    await hasrul.press("Buka konsol", message=recap)
    link = await hasrul.wait_text("Tautan masuk konsol")
    found = re.search(r"http://console\.test(/konsol/masuk\?\S+)", link.text)
    assert found and f"ke=%2Fkonsol%2Frapat%2F{meeting_id}" in found.group(1)
    base = f"http://127.0.0.1:{world.web_port}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(base + found.group(1)) as confirm:
            form = await confirm.text()
        token = re.search(r'name="t" value="([^"]+)"', form)
        onward = re.search(r'name="ke" value="([^"]+)"', form)
        assert token and onward and onward.group(1) == f"/konsol/rapat/{meeting_id}"
        async with http.post(
            base + "/konsol/masuk",
            data={"t": token.group(1), "ke": onward.group(1)},
            allow_redirects=False,
        ) as signed:
            assert signed.headers["Location"] == f"/konsol/rapat/{meeting_id}"
    # Anywhere else is refused as a destination: the console's home instead (no open redirect).
    for elsewhere in ("https://evil.example/", "//evil.example", "/konsol/../x", "/sandbox"):
        path = await sign_in_link(hasrul)
        form = {"t": path.split("t=", 1)[1], "ke": elsewhere}
        async with (
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http,
            http.post(base + "/konsol/masuk", data=form, allow_redirects=False) as signed,
        ):
            assert signed.headers["Location"] == "/konsol/", elsewhere


async def test_too_big_unknown_columns_and_a_role_change_change_nothing(
    console_world: World,
) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    async with signed_in(world, hasrul) as (http, base):
        async with http.get(base + "/konsol/peserta") as shown:
            csrf = csrf_of(await shown.text())
        big = upload_form(csrf, "peserta.csv", b"Nama,No HP,Peran\n" + b"x" * (4 * 1024 * 1024))
        async with http.post(base + "/konsol/peserta/unggah", data=big) as refused:
            assert "terlalu besar" in await refused.text()
        odd = upload_form(csrf, "peserta.csv", b"Judul,Tanggal\nRapat,6 Des\n")
        async with http.post(base + "/konsol/peserta/unggah", data=odd) as unknown:
            text = await unknown.text()
        assert "Kolom wajib tidak ditemukan" in text and "Simpan 1" not in text
        # Hasrul is made a focal point by the roster: his console session ends at once.
        with unit_of_work(world.engine) as session:
            import_roster(
                session,
                ["Nama", "No HP", "Peran"],
                [["Hasrul Nawir", HASRUL[1], "opd"]],
                now=world.clock.now(),
            )
        async with http.get(base + "/konsol/") as ended:
            assert ended.status == 401
