"""What one typed text costs the database: at most three transactions (the inbox's write, the
handler's unit of work, done), counted on the real engine while the real bot answers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bot.inbox import inbox_of
from models.clock import FrozenClock
from sandbox.users import SandboxUser
from tests.flows.conftest import World, open_world
from tests.flows.test_delivery import eventually
from tests.flows.test_registration import HASRUL, SITTI, register
from tests.flows.test_rsvp import invited, rakor


@dataclass
class Counts:
    transactions: int = 0
    statements: int = 0
    log: list[str] = field(default_factory=list)


@contextmanager
def counted(world: World) -> Iterator[Counts]:
    counts = Counts()

    def on_begin(_connection: Any) -> None:
        counts.transactions += 1

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        counts.statements += 1
        counts.log.append(statement.split("\n")[0][:90])

    event.listen(world.engine, "begin", on_begin)
    event.listen(world.engine, "before_cursor_execute", on_statement)
    try:
        yield counts
    finally:
        event.remove(world.engine, "begin", on_begin)
        event.remove(world.engine, "before_cursor_execute", on_statement)


async def cost_of(world: World, user: SandboxUser, text: str, expect: str) -> Counts:
    """Send one text, wait for its answer and for the inbox to mark it done, count both."""
    app = world.app
    assert app is not None
    inbox = inbox_of(app)
    await eventually(lambda: inbox.idle.is_set())  # the previous update is done
    before = inbox.handled + inbox.failed
    seen = len(user.messages)
    with counted(world) as counts:
        await user.send_text(text)
        await user.wait_for(
            lambda messages: len(user.messages) > seen and expect in messages[-1].text
        )
        await eventually(lambda: inbox.handled + inbox.failed > before and inbox.idle.is_set())
    return counts


async def test_a_typed_text_costs_at_most_three_transactions(
    tmp_path: Path, clock: FrozenClock
) -> None:
    # No tick during the measurement: only the update's own work is counted.
    async with open_world(tmp_path, clock, tick_seconds=3600) as world:
        hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
        await register(hasrul)
        await register(sitti)
        stranger = world.user("Orang Lain", "+6281399990000")
        await stranger.send_text("/start")  # the consent question, then typed text
        await stranger.next_message()
        rakor(world)
        await invited(sitti)
        await hasrul.send_text("/rapatbaru")
        await hasrul.wait_for(lambda messages: "Apa judul rapatnya?" in messages[-1].text)

        costs = {
            "not understood": await cost_of(world, sitti, "halo apa kabar", "belum mengerti"),
            "HADIR typed": await cost_of(world, sitti, "HADIR", "Jawaban Anda untuk"),
            "a draft's answer": await cost_of(
                world, hasrul, "Rakor Pokjanal Posyandu", "Tanggal rapat?"
            ),
            "a draft's refusal": await cost_of(world, hasrul, "31/2/2023", "tidak dapat dibaca"),
            "unregistered": await cost_of(world, stranger, "halo", ""),
        }
        for name, cost in costs.items():
            assert cost.transactions <= 3, (name, cost)
        # One lookup: store, who is writing (with their drafts), done. Nothing else.
        assert costs["not understood"].statements == 3, costs["not understood"].log
        assert costs["unregistered"].statements <= 4, costs["unregistered"].log
