"""Telegram's flood control, approximated.

Telegram documents ~30 messages/second overall and, for a single private chat, to stay
around one message per second, "short bursts" allowed. The sandbox models the first as
a sliding one-second window and the second as a token bucket (capacity `per_chat_burst`,
refilled at `per_chat_rate` per second). Only successful send/edit calls consume budget.
A 429 of the global limit is a flood wait, as on Telegram: every call within its
`retry_after` is refused too, even once the window has room again, so a client that does
not honour `retry_after` shows up as repeated 429s.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self,
        global_rate: int | None = 30,
        per_chat_rate: float | None = 1.0,
        per_chat_burst: int = 10,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.global_rate = global_rate
        self.per_chat_rate = per_chat_rate
        self.per_chat_burst = per_chat_burst
        self._clock = clock
        self._window: deque[float] = deque()
        self._flood_wait_until = 0.0
        self._buckets: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)

    def retry_after(self, chat_id: int) -> int | None:
        """Seconds to wait if a message to `chat_id` now would be flood-limited."""
        now = self._clock()
        waits: list[float] = []
        if now < self._flood_wait_until:
            waits.append(self._flood_wait_until - now)
        elif self.global_rate is not None:
            while self._window and now - self._window[0] >= 1.0:
                self._window.popleft()
            if len(self._window) >= self.global_rate:
                wait = max(1, math.ceil(1.0 - (now - self._window[0])))
                self._flood_wait_until = now + wait
                waits.append(wait)
        if self.per_chat_rate is not None:
            tokens = self._tokens(chat_id, now)
            if tokens < 1.0:
                waits.append((1.0 - tokens) / self.per_chat_rate)
        if not waits:
            return None
        return max(1, math.ceil(max(waits)))

    def record(self, chat_id: int) -> None:
        now = self._clock()
        if self.global_rate is not None:
            self._window.append(now)
        if self.per_chat_rate is not None:
            self._buckets[chat_id] = (self._tokens(chat_id, now) - 1.0, now)

    def _tokens(self, chat_id: int, now: float) -> float:
        assert self.per_chat_rate is not None
        tokens, at = self._buckets.get(chat_id, (float(self.per_chat_burst), now))
        return min(float(self.per_chat_burst), tokens + (now - at) * self.per_chat_rate)
