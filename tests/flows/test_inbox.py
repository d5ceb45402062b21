"""The inbox in the running bot: a failing update is set aside without blocking its chat, and
one chat's flood neither loses its order nor starves the others."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, col, select
from telegram import Update
from telegram.ext import TypeHandler

from bot.inbox import inbox_of
from models.clock import FrozenClock
from models.inbox import InboxUpdate
from tests.flows.conftest import World, open_world
from tests.flows.test_delivery import eventually


def inbox_rows(world: World) -> list[InboxUpdate]:
    with Session(world.engine) as session:
        return list(session.exec(select(InboxUpdate).order_by(col(InboxUpdate.id))))


async def test_an_update_whose_reply_telegram_refuses_is_failed_and_the_chat_goes_on(
    world: World,
) -> None:
    (sitti,) = world.registered_people(1)
    # Telegram refuses the reply (as it does for a message it cannot parse): the handler raises.
    world.sandbox.faults.fail(
        "sendMessage", status=400, description="Bad Request: can't parse entities", times=1
    )
    await sitti.send_text("/bantuan")
    sorry = await sitti.next_message()
    assert "terjadi gangguan" in sorry.text  # the person is told, not left waiting
    await sitti.send_text("/profil")
    assert "Profil Anda" in (await sitti.next_message()).html
    app = world.app
    assert app is not None
    await eventually(lambda: inbox_of(app).idle.is_set() and len(inbox_rows(world)) == 2)
    failed, done = inbox_rows(world)
    assert failed.status == "failed" and "parse entities" in (failed.error or "")
    assert done.status == "done" and done.error is None


async def test_a_flood_from_one_chat_keeps_its_order_and_does_not_starve_another(
    tmp_path: Path, clock: FrozenClock
) -> None:
    # Telegram's own pace for one private chat (about one message a second after a burst),
    # sped up five times so the test stays short.
    options = {"per_chat_rate": 5.0}
    async with open_world(tmp_path, clock, sandbox_options=options) as world:
        app = world.app
        assert app is not None
        seen: list[tuple[int, str]] = []

        async def record(update: Update, _context: object) -> None:
            if update.effective_chat and update.message and update.message.text:
                seen.append((update.effective_chat.id, update.message.text))

        app.add_handler(TypeHandler(Update, record), group=-5)  # observes, changes nothing
        flooder, other = world.registered_people(2)
        for i in range(50):
            await flooder.send_text(f"pesan {i}")
        await other.send_text("/bantuan")
        reply = await other.next_message(timeout=10)
        assert "Perintah" in reply.html
        assert len(flooder.messages) < 50, "the other chat waited for the whole flood"
        await eventually(lambda: len(flooder.messages) == 50, timeout=60)
        assert [text for chat, text in seen if chat == flooder.id] == [
            f"pesan {i}" for i in range(50)
        ]
        await eventually(lambda: inbox_of(app).idle.is_set())  # the last one marked done too
        assert all(row.status == "done" for row in inbox_rows(world))
