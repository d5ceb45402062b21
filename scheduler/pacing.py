"""Pacing at Telegram's limits: a global rate, about one message per second per chat, and a
shared pause when Telegram answers 429.

Telegram (and the sandbox, as strictly) counts a bot's messages in a sliding one-second window.
Evenly spaced sends at exactly the cap still make a 31st in some window: a task woken 5 ms late
followed by one woken on time, or a request that reaches the server a little later than the one
after it. So the pacer keeps the same books as the server — never more than ``rate`` sends in
any one-second window — and adds a small margin to the window for that jitter. Within the
window the sends are spaced evenly instead of allowed in bursts: a bursty limiter drew dozens
of 429s for 600 messages against a strict 30/s window, even pacing drew none (DESIGN.md).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

# Seconds added to the one-second window. Measured against the sandbox at 30/s (README): a
# request reaches the server 1-3 ms after its slot (p50-p99), longer only when the loop stalls
# (then the send before counts from the stall's end, see _take); 20 ms drew no 429 over 3,000
# messages and costs 2 % of any rate.
WINDOW_MARGIN = 0.02
# A 429 within this many seconds of the previous pause's end (or while the pace is still
# climbing back) means the configured rate is above what Telegram grants now, not bad luck.
REPEATED_WITHIN = 10.0
SLOWER = 1.25  # the interval, after each repeated 429
SLOWEST_INTERVAL = 1.0  # however many 429s came, at least one send a second
RECOVERY = 5.0  # seconds after the pause in which the pace climbs back to the configured one,
MAX_RECOVERY = 600.0  # doubled by every 429 that comes while it climbs, up to this


class Pacer:
    def __init__(
        self,
        rate: float,
        *,
        per_chat_interval: float = 1.0,
        margin: float = WINDOW_MARGIN,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"the rate must be positive, not {rate}")
        self.rate = rate
        self.per_chat_interval = per_chat_interval
        self.margin = margin
        # At most `burst` sends in any `window` seconds, one every `base_interval`.
        self.burst = max(1, math.ceil(rate))
        self.window = self.burst / rate + margin
        self.base_interval = self.window / self.burst
        self._monotonic = monotonic
        self._sleep = sleep
        self._sent: deque[float] = deque(maxlen=self.burst)
        self._others: deque[float] = deque(maxlen=self.burst)  # the latest replies
        self._next_global = 0.0
        self._paused_until = 0.0
        self._slower = 1.0  # the interval's factor when the last pause ended
        self._recovery = RECOVERY
        self._chat_next: dict[int | str, float] = {}
        self._queue: asyncio.Lock | None = None

    def pause(self, seconds: float, *, slow: bool = True) -> None:
        """Telegram said 429: nobody sends until ``seconds`` have passed, then the configured
        pace again at once.

        A 429 at the cap is jitter, not a reason to go slower for thousands of sends. Only a
        429 soon after the previous pause ended (the configured rate is above what Telegram
        grants this bot today) slows the pace, climbing back within ``RECOVERY`` seconds; each
        429 during the climb slows it further and makes the climb twice as long, so repeated
        429s die out instead of recurring after every pause. 429s of requests that were in
        flight when the first one came are the same episode. The slowdown stops at one send a
        second: hours of 429s must not leave the queue crawling once they stop. ``slow`` False
        (the channel refused the bot itself, not the pace): only the pause.
        """
        now = self._monotonic()
        if not slow and now >= self._paused_until:
            # Keep only what is left of an earlier slowdown, measured from now, not from the
            # end of a pause long ago (which would bring it back once this one ends).
            self._slower, self._recovery = self._factor(now), RECOVERY
        if slow and now >= self._paused_until:
            factor = self._factor(now)
            if factor > 1.0:
                self._slower, self._recovery = factor * SLOWER, self._recovery * 2
            elif self._paused_until > 0 and now - self._paused_until < REPEATED_WITHIN:
                self._slower, self._recovery = SLOWER, RECOVERY
            else:
                self._slower, self._recovery = 1.0, RECOVERY
            self._recovery = min(self._recovery, MAX_RECOVERY)
            self._slower = min(self._slower, max(1.0, SLOWEST_INTERVAL / self.base_interval))
        self._paused_until = max(self._paused_until, now + seconds)

    def count_other_send(self) -> None:
        """A message the engine did not pace (a reply) went out now: it takes a place in the
        window, so the engine's sends and the replies together stay within the rate. Telegram
        counts them together; at 25/s of a broadcast, replies on top drew 429s, and a 429 holds
        every call for its retry_after (replies p99 1.1 s, issue 15)."""
        now = self._monotonic()
        self._sent.append(now)
        self._others.append(now)

    def _limit(self, now: float) -> int:
        """How many sends (the engine's and replies) the window may hold before the engine waits:
        ``burst`` less as many places as replies took in the last window, so another window of
        the same replies fits. People writing come in bursts (registering sends four messages
        at once); at the full rate a burst on top made a 31st message and a 429 that held every
        reply for a second. The engine keeps at least a quarter of the rate for itself, however
        busy the chat is."""
        while self._others and self._others[0] + self.window <= now:
            self._others.popleft()
        replies = len(self._others)
        return max(self.burst - min(replies, self.burst // 2), replies + self.burst // 4, 1)

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._monotonic())

    @property
    def interval(self) -> float:
        """The spacing of the sends now (longer than ``base_interval`` right after 429s)."""
        return self.base_interval * self._factor(self._monotonic())

    def _factor(self, now: float) -> float:
        since = now - self._paused_until
        if self._slower <= 1.0 or since >= self._recovery:
            return 1.0
        return 1.0 + (self._slower - 1.0) * (1.0 - max(0.0, since) / self._recovery)

    async def wait_turn(self, chat_id: int | str) -> None:
        """Sleep until this chat may send, then take the slot.

        The slot is taken at wake-up, not reserved in advance: when the event loop stalls
        (a busy machine), tasks that overslept do not all fire at once, so a stall never turns
        into a burst that draws 429s (the lost time is not caught up). Waiters queue in turn
        for the global slot, so one timer wakes one task (not all of them for every slot); a
        chat's own spacing is waited out before joining the queue, so it holds up nobody.
        """
        if self._queue is None:
            self._queue = asyncio.Lock()
        while True:
            now = self._monotonic()
            chat_ready = self._chat_next.get(chat_id, 0.0)
            if now < chat_ready:
                await self._sleep(chat_ready - now)
                continue
            async with self._queue:
                while (now := self._monotonic()) < (ready := self._global_ready(now)):
                    await self._sleep(ready - now)
                if self._chat_next.get(chat_id, 0.0) > now:
                    continue  # another message to this chat went first: wait for the chat again
                self._take(chat_id, now, late=now - ready)
                return

    def _global_ready(self, now: float) -> float:
        ready = max(self._next_global, self._paused_until)
        limit = min(self._limit(now), self.burst)
        if len(self._sent) >= limit:
            ready = max(ready, self._sent[-limit] + self.window * self._factor(now))
        return ready

    def _take(self, chat_id: int | str, now: float, *, late: float) -> None:
        interval = self.base_interval * self._factor(now)
        if self._sent and late > self.margin:
            # Later than the margin: the loop was held up (or idle). The previous send's request
            # may have been held up with it and reach the server only now, just before this one:
            # count it from now. (That costs one interval, ``burst`` sends later.)
            self._sent[-1] = max(self._sent[-1], now)
        # Back on the even grid after a wake-up a little late; a stall starts a new grid.
        following = self._next_global + interval
        self._next_global = following if following > now else now + interval
        self._sent.append(now)
        self._chat_next[chat_id] = now + self.per_chat_interval
        if len(self._chat_next) > 10_000:
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
