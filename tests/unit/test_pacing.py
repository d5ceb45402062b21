"""Pacing at the cap: even, about one per second per chat, never more than the server's
window holds, a 429 pauses everyone for its ``retry_after`` and the pace comes back at once."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from collections.abc import Coroutine, Iterable

import pytest

from sandbox.ratelimit import RateLimiter
from scheduler.pacing import Pacer
from tests.domain.test_dispatcher import FakeTime


class LateTime(FakeTime):
    """A busy event loop: every wake-up comes up to ``late`` seconds after it was due, and
    the ones listed in ``stalls`` (by number) that many seconds later still."""

    def __init__(self, late: float, *, seed: int = 15, stalls: dict[int, float] | None = None):
        super().__init__()
        self.late = late
        self.random = random.Random(seed)
        self.stalls = stalls or {}
        self.sleeps = 0

    async def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.now += seconds + self.random.uniform(0, self.late) + self.stalls.get(self.sleeps, 0)


class VirtualTime(FakeTime):
    """Time that jumps to the next sleeper's deadline once every task is waiting: concurrent
    sleepers wait side by side, as on a real clock."""

    def __init__(self) -> None:
        super().__init__()
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._count = itertools.count()

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + seconds, next(self._count), future))
        await future

    async def run(self, *coroutines: Coroutine[None, None, None]) -> None:
        tasks = [asyncio.ensure_future(c) for c in coroutines]
        while not all(task.done() for task in tasks):
            for _ in range(20):  # let every task that can run, run
                await asyncio.sleep(0)
            if self._timers:
                deadline, _, future = heapq.heappop(self._timers)
                self.now = max(self.now, deadline)
                future.set_result(None)
        for task in tasks:
            task.result()


def pacer_at(rate: float, clock: FakeTime, per_chat_interval: float = 0.0) -> Pacer:
    return Pacer(
        rate, per_chat_interval=per_chat_interval, monotonic=clock.monotonic, sleep=clock.sleep
    )


async def send_times(pacer: Pacer, clock: FakeTime, chats: Iterable[int]) -> list[float]:
    times = []
    for chat in chats:
        await pacer.wait_turn(chat)
        times.append(clock.now)
    return times


def most_in_one_second(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


async def test_slots_are_evenly_spaced_at_the_rate() -> None:
    clock = FakeTime()
    starts = await send_times(pacer_at(25, clock, 1.0), clock, range(50))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert max(gaps) - min(gaps) < 1e-9  # never two at once
    assert 0.04 <= gaps[0] <= 0.041  # 25 per second, less a little margin


async def test_one_chat_gets_about_one_message_a_second() -> None:
    clock = FakeTime()
    await send_times(pacer_at(25, clock, 1.0), clock, [42, 42, 42])
    assert clock.now == 2.0


async def test_a_pause_holds_every_chat() -> None:
    clock = FakeTime()
    pacer = pacer_at(25, clock, 1.0)
    await pacer.wait_turn(1)
    pacer.pause(7)
    await pacer.wait_turn(2)
    assert clock.now >= 7


async def test_after_a_429_nobody_sends_for_retry_after_then_the_configured_pace_is_back() -> None:
    clock = FakeTime()
    pacer = pacer_at(30, clock)
    await send_times(pacer, clock, range(90))
    pacer.pause(3)
    paused_at = clock.now
    after = await send_times(pacer, clock, range(90, 180))
    assert after[0] >= paused_at + 3
    # The next second holds 29 sends again (30 less the margin), not 30 / 1.2 = 25.
    assert most_in_one_second(after) >= 29
    assert after[30] - after[0] <= 1.05


async def test_429s_in_a_row_slow_the_pace_for_a_few_seconds_only() -> None:
    clock = FakeTime()
    pacer = pacer_at(30, clock)
    await send_times(pacer, clock, range(30))
    pacer.pause(1)
    await send_times(pacer, clock, range(30, 40))
    pacer.pause(1)  # again, right after the first pause: 30/s is more than Telegram grants
    resumed = clock.now + 1
    after = await send_times(pacer, clock, range(40, 400))
    first_second = [t for t in after if t < resumed + 1]
    assert len(first_second) < 29  # slower for a while, in case the cap is lower than ours
    later = [t for t in after if t >= resumed + 5]
    assert most_in_one_second(later) >= 29  # and the configured pace again within 5 s


async def test_a_rate_above_what_the_server_grants_draws_fewer_and_fewer_429s() -> None:
    """25/s configured, 20/s granted: each 429 pauses everyone for its retry_after, as the
    dispatcher does, and the 429s thin out instead of coming back after every pause."""
    clock = FakeTime()
    pacer = pacer_at(25, clock)
    server = RateLimiter(20, per_chat_rate=None, clock=clock.monotonic)
    refused: list[float] = []
    for _ in range(3000):
        while True:
            await pacer.wait_turn(1)
            retry = server.retry_after(1)
            if retry is None:
                server.record(1)
                break
            refused.append(clock.now)
            pacer.pause(retry)
    gaps = [b - a for a, b in itertools.pairwise(refused)]
    assert len(refused) <= 10
    assert gaps[-1] > 20 and gaps[-1] >= 2 * gaps[0]
    assert 3000 / clock.now >= 0.8 * 20


async def test_hours_of_429s_leave_at_least_one_send_a_second_once_they_stop() -> None:
    """A channel refusing for hours (retry every 300 s, each counted as repeated) must not leave
    the queue crawling afterwards: the slowdown stops at one send a second."""
    clock = FakeTime()
    pacer = pacer_at(70, clock)
    for _ in range(40):
        await pacer.wait_turn(1)
        pacer.pause(300)
    await pacer.wait_turn(1)  # the pause is over: the fault was fixed
    started = clock.now
    await send_times(pacer, clock, range(2, 22))
    assert clock.now - started <= 20.0


async def test_a_channel_that_refuses_the_bot_pauses_without_slowing_the_pace() -> None:
    clock = FakeTime()
    pacer = pacer_at(30, clock)
    for _ in range(3):
        await pacer.wait_turn(1)
        pacer.pause(5, slow=False)  # an expired WhatsApp token, not a throttle
    resumed = clock.now + 5
    after = await send_times(pacer, clock, range(2, 200))
    assert after[0] >= resumed
    assert most_in_one_second(after) >= 29


@pytest.mark.parametrize("late", [0.9 / 30, 0.005])
async def test_the_servers_window_never_holds_more_than_the_rate(late: float) -> None:
    """Wake-ups late by up to ``late`` (then the next one on time) and requests that reach the
    server up to 15 ms after their slot still make no 31st message in any second as the sandbox
    (and Telegram) count them."""
    clock = LateTime(late)
    pacer = pacer_at(30, clock)
    latency = random.Random(7)
    slots = await send_times(pacer, clock, range(3000))
    arrivals = sorted(t + latency.uniform(0, 0.015) for t in slots)
    assert refused_by_the_server(arrivals) == 0
    if late < 0.01:  # a loop that is not starved
        assert len(slots) / (slots[-1] - slots[0]) >= 29  # and still near the cap


def refused_by_the_server(arrivals: list[float], rate: int = 30) -> int:
    """How many of these requests the sandbox's window (Telegram's, as strict) answers 429."""
    at = [0.0]
    server = RateLimiter(rate, per_chat_rate=None, clock=lambda: at[0])
    refused = 0
    for at[0] in sorted(arrivals):
        if server.retry_after(1) is not None:
            refused += 1
        else:
            server.record(1)
    return refused


async def test_a_request_held_up_by_a_stall_does_not_make_a_31st_in_the_window() -> None:
    """The loop stalls for 250 ms right after a slot is taken (another task's database work):
    that request reaches the server only after the stall, next to the following one."""
    stalls = {n: 0.25 for n in range(50, 3000, 97)}
    clock = LateTime(late=0.002, stalls=stalls)
    slots = await send_times(pacer_at(30, clock), clock, range(3000))
    arrivals = [
        following - 0.001 if following - slot > 0.2 else slot + 0.003
        for slot, following in itertools.pairwise(slots)
    ]
    assert sum(1 for a, b in itertools.pairwise(slots) if b - a > 0.2) >= 25
    assert refused_by_the_server(arrivals) == 0


async def test_a_stall_never_turns_into_a_burst() -> None:
    clock = LateTime(late=0.0, stalls={40: 5.0})
    pacer = pacer_at(30, clock, 1.0)
    starts: list[float] = []

    async def send(chat: int) -> None:
        await pacer.wait_turn(chat)
        starts.append(clock.now)

    await asyncio.gather(*(send(chat) for chat in range(120)))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert max(gaps) > 5  # the stall happened
    assert min(gaps) >= 1 / 30 - 1e-9  # and nobody caught up on the lost time


async def test_many_waiters_at_once_never_burst() -> None:
    clock = FakeTime()
    pacer = pacer_at(25, clock, 1.0)
    starts: list[float] = []

    async def send(chat: int) -> None:
        await pacer.wait_turn(chat)
        starts.append(clock.now)

    await asyncio.gather(*(send(chat) for chat in range(60)))
    starts.sort()
    assert all(b - a >= 0.04 - 1e-9 for a, b in itertools.pairwise(starts))


async def test_a_chat_that_must_wait_does_not_hold_up_the_others() -> None:
    clock = VirtualTime()
    pacer = Pacer(10, per_chat_interval=1.0, monotonic=clock.monotonic, sleep=clock.sleep)
    starts: dict[int, list[float]] = {}

    async def send(chat: int) -> None:
        await pacer.wait_turn(chat)
        starts.setdefault(chat, []).append(clock.now)

    await clock.run(send(1), send(1), *(send(chat) for chat in range(2, 8)))
    assert starts[1][1] - starts[1][0] >= 1.0
    assert max(t for chat in range(2, 8) for t in starts[chat]) < 0.7


async def busiest_second_with_replies(*, counted: bool, burst: int = 0) -> int:
    """A broadcast at 25/s while five people write, about one reply a second each; ``burst``
    more at once every few seconds (someone registering: welcome, list, cards)."""
    clock = VirtualTime()
    pacer = pacer_at(25, clock)
    sent: list[float] = []

    async def broadcast() -> None:
        for chat in range(300):
            await pacer.wait_turn(chat)
            sent.append(clock.now)

    async def people_writing() -> None:
        for n in range(60):
            await clock.sleep(0.2)
            for _ in range(1 + (burst if n % 15 == 7 else 0)):
                if counted:
                    pacer.count_other_send()
                sent.append(clock.now)

    await clock.run(broadcast(), people_writing())
    return most_in_one_second(sorted(sent))


async def test_replies_take_their_place_in_the_window() -> None:
    """Replies go out unpaced; counted in the engine's books, the engine makes room for them,
    so together they stay at the rate (a reply landing on a full window is the one extra)
    instead of rate + replies, which drew 429s that hold every call."""
    assert await busiest_second_with_replies(counted=False) >= 29
    assert await busiest_second_with_replies(counted=True) <= 26
    # A burst on top of people writing (registering sends four messages at once; two people
    # registering together, more): still within Telegram's 30, where counting the replies
    # alone made 32 (a 429 that held every call for a second; replies p99 1.1 s).
    assert await busiest_second_with_replies(counted=True, burst=6) <= 30


async def test_only_the_messages_the_engine_did_not_send_are_counted() -> None:
    from bot.flood import OUTBOX, RetryRepliesOnFlood

    pacer = pacer_at(25, FakeTime())
    limiter = RetryRepliesOnFlood()
    limiter.count_reply = pacer.count_other_send

    async def call() -> bool:
        return True

    async def through(endpoint: str, rate_limit_args: str | None = None) -> None:
        await limiter.process_request(call, (), {}, endpoint, {}, rate_limit_args)

    for method in ("sendMessage", "editMessageText", "sendPhoto", "copyMessage"):
        await through(method)
    for method in ("answerCallbackQuery", "getUpdates", "setMyCommands", "getFile"):
        await through(method)
    await through("sendMessage", OUTBOX)  # the engine's own: already in its books
    assert len(pacer._sent) == 4


async def test_the_engine_keeps_a_quarter_of_the_rate_however_busy_the_chat_is() -> None:
    """Fifteen replies a second (people tapping on a fresh broadcast): the engine still sends,
    at least a quarter of its rate, instead of stopping until they calm down."""
    clock = VirtualTime()
    pacer = pacer_at(25, clock)
    engine: list[float] = []

    async def broadcast() -> None:
        for chat in range(100):
            await pacer.wait_turn(chat)
            engine.append(clock.now)

    async def busy() -> None:
        for _ in range(15 * 20):
            await clock.sleep(1 / 15)
            pacer.count_other_send()

    await clock.run(broadcast(), busy())
    assert len(engine) == 100
    assert engine[-1] - engine[0] <= 100 / 6  # at least ~6 a second


async def test_a_channel_pause_long_after_429s_does_not_bring_their_slowdown_back() -> None:
    clock = FakeTime()
    pacer = pacer_at(30, clock)
    for _ in range(3):  # repeated 429s: slower for a while
        await pacer.wait_turn(1)
        pacer.pause(1)
    clock.now += 1000  # long recovered
    pacer.pause(5, slow=False)  # an expired WhatsApp token
    after = await send_times(pacer, clock, range(2, 200))
    assert most_in_one_second(after) >= 29
