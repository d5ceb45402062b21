"""The audit trail through the real flows: what an admin did in the chat and on the console is
read back with ``pokjanal audit``, and a refused act leaves no line."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli import app
from models.actions import ActionReport
from models.broadcasts import Broadcast
from models.people import Person
from tests.flows.conftest import World
from tests.flows.console_driver import csrf_of, signed_in
from tests.flows.personas import Persona
from tests.flows.test_registration import HASRUL, SITTI, register
from tests.flows.test_rtl import an_action, report_selesai

runner = CliRunner()


def trail(world: World, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """``pokjanal audit`` on the world's database: each line's fields after the time."""
    monkeypatch.setenv("POKJANAL_DATABASE_URL", world.engine.url.render_as_string())
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    result = runner.invoke(app, ["audit"])
    assert result.exit_code == 0, result.output
    return [line.split("\t")[1:] or [line] for line in result.output.splitlines()]


def person_id(world: World, name: str) -> int:
    with Session(world.engine) as session:
        found = session.exec(select(Person).where(Person.name == name)).one()
        assert found.id is not None
        return found.id


async def test_a_broadcast_sent_in_the_chat_is_in_the_trail(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    hasrul = world.user(*HASRUL)
    await register(hasrul)
    sitti = world.user(*SITTI)
    await register(sitti)
    await hasrul.send_text("/siaran")
    await hasrul.next_message()
    await hasrul.press("Semua")
    await hasrul.next_message()
    await hasrul.send_text("Rapat koordinasi diundur ke Senin.")
    await hasrul.next_message()
    assert trail(world, monkeypatch) == [["Belum ada catatan."]]  # a preview is no act
    await hasrul.press("Kirim")
    assert "Laporan siaran #1" in (await hasrul.next_message()).text
    admin = person_id(world, HASRUL[0])
    with Session(world.engine) as session:
        sent = session.exec(select(Broadcast)).one()
    assert sent.recipients == 4  # everyone on the roster, registered or not
    assert trail(world, monkeypatch) == [
        [f"admin #{admin} {HASRUL[0]} (obrolan)", "kirim siaran", f"broadcast:{sent.id}", "4 orang"]
    ]


async def test_a_report_accepted_on_the_console_is_in_the_trail(
    console_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    sitti = Persona(world, "telegram", *SITTI)
    await sitti.register()
    action_id = an_action(world)
    await report_selesai(world, sitti.user, action_id)  # type: ignore[arg-type]
    with Session(world.engine) as session:
        waiting = session.exec(select(ActionReport)).one()
    async with signed_in(world, hasrul) as (http, base):
        async with http.get(base + "/konsol/tindak-lanjut") as shown:
            csrf = csrf_of(await shown.text())
        url = f"{base}/konsol/tindak-lanjut/laporan/{waiting.id}"
        async with http.post(url + "/kembalikan", data={"csrf": csrf, "alasan": "x"}) as short:
            assert "Alasan pengembalian perlu 3–500 huruf" in await short.text()
        assert trail(world, monkeypatch) == [["Belum ada catatan."]]  # refused: no line
        async with http.post(url + "/terima", data={"csrf": csrf}) as accepted:
            assert "Laporan diterima" in await accepted.text()
        async with http.post(url + "/terima", data={"csrf": csrf}) as again:
            assert "sudah diperiksa" in await again.text()
    admin = person_id(world, HASRUL[0])
    assert trail(world, monkeypatch) == [
        [
            f"admin #{admin} {HASRUL[0]} (konsol)",
            "terima laporan",
            f"report:{waiting.id}",
            "1 orang",
        ]
    ]
