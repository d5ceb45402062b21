"""/statusrtl through the sandbox: the secretariat sees every organization's follow-up actions
and a chart; a cadre sees only her own Posyandu's."""

from __future__ import annotations

from datetime import date

from models import actions
from models.action_owners import find_owner
from models.actions import ReportStatus
from models.db import unit_of_work
from tests.flows.conftest import World
from tests.flows.test_registration import HASRUL, SITTI, register

DEWI = ("Dewi Lestari", "+6285399990003")


def seed(world: World) -> None:
    """Today is Monday 27 November 2023 (the clock fixture)."""
    now = world.clock.now()
    with unit_of_work(world.engine) as session:
        for owner, title, due in (
            ("Posyandu Melati Baruga", "Timbang balita November", date(2023, 11, 10)),
            ("Posyandu Melati Baruga", "Kunjungan rumah ibu hamil", date(2023, 12, 15)),
            ("Posyandu Anggrek Lakawali", "Pendataan sasaran baru Anggrek", date(2023, 11, 20)),
            ("Dinas Pemberdayaan Masyarakat dan Desa", "SK Pokjanal 2024", date(2023, 12, 29)),
        ):
            found = find_owner(session, owner)
            assert found is not None, owner
            actions.create(session, title=title, owner=found, due=due, now=now, notify=False)


def report_progress(world: World) -> None:
    """Sitti has started the home visits."""
    with unit_of_work(world.engine) as session:
        sitti = world.person(SITTI[1])
        (visits,) = [
            a for a in actions.actions_of(session, sitti) if a.title == "Kunjungan rumah ibu hamil"
        ]
        actions.submit_report(
            session,
            visits,
            sitti,
            status=ReportStatus.SEDANG_BERJALAN.value,
            note="",
            now=world.clock.now(),
        )


async def test_the_admin_gets_every_organization_and_the_chart(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    seed(world)
    report_progress(world)
    hasrul.mark_read()
    await hasrul.send_text("/statusrtl")
    await hasrul.wait_for(lambda msgs: msgs[-1].photo is not None, timeout=20)
    *texts, chart = hasrul.unread
    text = "\n".join(m.text or "" for m in texts)
    assert "Status rencana tindak lanjut (RTL)" in text
    assert "Keadaan per Senin, 27 November 2023" in text
    assert "Jumlah RTL: 4" in text and "Terlambat: 2" in text
    for line in (
        "Posyandu Melati Baruga (2 RTL, 1 terlambat): 1 belum mulai, 1 sedang berjalan",
        "Posyandu Anggrek Lakawali (1 RTL, 1 terlambat): 1 belum mulai",
        "• Dinas Pemberdayaan Masyarakat dan Desa (1 RTL): 1 belum mulai",
    ):
        assert line in text, line
    # The overdue organizations come first.
    assert text.index("Posyandu Anggrek") < text.index("Dinas Pemberdayaan")
    assert text.index("Posyandu Melati") < text.index("Dinas Pemberdayaan")
    assert texts and all(m.photo is None for m in texts)
    assert chart.photo and chart.photo[-1]["width"] > 600
    assert "Status RTL per organisasi" in (chart.caption or "")


async def test_a_cadre_sees_only_her_own_posyandu(world: World) -> None:
    sitti, dewi = world.user(*SITTI), world.user(*DEWI)
    await register(sitti)
    await register(dewi)
    seed(world)
    report_progress(world)
    sitti.mark_read()
    await sitti.send_text("/statusrtl")
    reply = await sitti.next_message()
    text = reply.text or ""
    assert "RTL Posyandu Melati Baruga" in text
    assert (
        "Timbang balita November\n  Tenggat Jumat, 10 November 2023 · Belum mulai · ⚠️ terlambat"
        in text
    )
    assert "Kunjungan rumah ibu hamil\n  Tenggat Jumat, 15 Desember 2023 · Sedang berjalan" in text
    assert "Pendataan sasaran baru Anggrek" not in text
    assert "SK Pokjanal" not in text
    assert reply.photo is None
    # Dewi, in turn, sees her Posyandu's action and not Sitti's.
    dewi.mark_read()
    await dewi.send_text("/statusrtl")
    text = (await dewi.next_message()).text or ""
    assert "Pendataan sasaran baru Anggrek" in text and "Timbang balita" not in text
    # No chart follows for a cadre.
    await sitti.send_text("/statusrtl")
    await sitti.next_message()
    assert all(m.photo is None for m in sitti.messages)


async def test_nothing_yet_and_not_registered(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    stranger = world.user("Orang Lain", "+6281377776666")
    await stranger.send_text("/statusrtl")
    assert "belum terdaftar" in ((await stranger.next_message()).text or "")
    await register(hasrul)
    await register(sitti)
    await hasrul.send_text("/statusrtl")
    reply = await hasrul.next_message()
    assert "Yth. Bapak/Ibu, belum ada rencana tindak lanjut (RTL) yang tercatat." in (
        reply.text or ""
    )
    await sitti.send_text("/statusrtl")
    assert "belum ada rencana tindak lanjut (RTL) untuk Posyandu Melati Baruga" in (
        (await sitti.next_message()).text or ""
    )
    assert all(m.photo is None for m in hasrul.messages)
