"""Even pacing under Telegram's limits: a global rate, about one message per second per chat,
and a shared pause when Telegram answers 429.

Reservations are spaced evenly instead of allowing bursts: a bursty limiter drew dozens of
429s for 600 messages against a strict 30/s window, even pacing drew none (DESIGN.md).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class Pacer:
    def __init__(
        self,
        rate: float,
        *,
        per_chat_interval: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.base_interval = 1.0 / rate
        self.interval = self.base_interval
        self.per_chat_interval = per_chat_interval
        self._since_throttle = 0
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_global = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[int | str, float] = {}

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends until the pause is over, and we go slower.

        The configured rate may be above what Telegram grants this bot today: each 429 slows
        the pace by a sixth, and it creeps back (2 % every 50 sends without one), so repeated
        429s die out instead of recurring after every pause.
        """
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)
        self.interval = min(self.interval * 1.2, 1.0)
        self._since_throttle = 0

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._monotonic())

    async def wait_turn(self, chat_id: int | str) -> None:
        """Sleep until this chat may send, then take the slot.

        The slot is taken at wake-up, not reserved in advance: when the event loop stalls
        (a busy machine), tasks that overslept do not all fire at once, so a stall never turns
        into a burst that draws 429s (the lost time is not caught up).
        """
        while True:
            now = self._monotonic()
            ready = max(self._next_global, self._paused_until, self._chat_next.get(chat_id, 0.0))
            if now >= ready:
                self._next_global = max(self._next_global + self.interval, now)
                if self._next_global <= now:
                    self._next_global = now + self.interval
                self._chat_next[chat_id] = now + self.per_chat_interval
                self._since_throttle += 1
                if self._since_throttle % 50 == 0 and self.interval > self.base_interval:
                    self.interval = max(self.base_interval, self.interval * 0.98)
                if len(self._chat_next) > 10_000:
                    self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
                return
            await self._sleep(ready - now)
