"""Pacing is even (no bursts), about one per second per chat, and a 429 pauses everyone."""

from __future__ import annotations

import itertools

from scheduler.pacing import Pacer
from tests.domain.test_dispatcher import FakeTime


async def test_slots_are_evenly_spaced_at_the_rate() -> None:
    clock = FakeTime()
    pacer = Pacer(25, per_chat_interval=1.0, monotonic=clock.monotonic, sleep=clock.sleep)
    starts = []
    for chat in range(50):
        await pacer.wait_turn(chat)
        starts.append(clock.now)
    gaps = {round(b - a, 6) for a, b in itertools.pairwise(starts)}
    assert gaps == {0.04}  # 25 per second, never two at once


async def test_one_chat_gets_about_one_message_a_second() -> None:
    clock = FakeTime()
    pacer = Pacer(25, per_chat_interval=1.0, monotonic=clock.monotonic, sleep=clock.sleep)
    for _ in range(3):
        await pacer.wait_turn(42)
    assert clock.now == 2.0


async def test_a_pause_holds_every_chat() -> None:
    clock = FakeTime()
    pacer = Pacer(25, monotonic=clock.monotonic, sleep=clock.sleep)
    await pacer.wait_turn(1)
    pacer.pause(7)
    await pacer.wait_turn(2)
    assert clock.now >= 7


async def test_429s_slow_the_pace_and_it_recovers_afterwards() -> None:
    clock = FakeTime()
    pacer = Pacer(25, per_chat_interval=0, monotonic=clock.monotonic, sleep=clock.sleep)
    pacer.pause(1)
    pacer.pause(1)
    assert pacer.interval > 0.04 * 1.4
    for chat in range(5000):
        await pacer.wait_turn(chat)
    assert pacer.interval == pacer.base_interval


async def test_many_waiters_at_once_never_burst() -> None:
    import asyncio

    clock = FakeTime()
    pacer = Pacer(25, per_chat_interval=1.0, monotonic=clock.monotonic, sleep=clock.sleep)
    starts: list[float] = []

    async def send(chat: int) -> None:
        await pacer.wait_turn(chat)
        starts.append(clock.now)

    await asyncio.gather(*(send(chat) for chat in range(60)))
    starts.sort()
    assert all(b - a >= 0.04 - 1e-9 for a, b in itertools.pairwise(starts))
