"""Meta's two send limits: per business number (throughput) and per person (pair rate).

Throughput is about 80 messages a second per number (error 130429 beyond); the pair rate
limits how fast one number may write to the same person (error 131056, roughly one message
every six seconds after a burst). The first is a sliding one-second window, the second a token
bucket; the pair limit is off unless `Sandbox(whatsapp_pair_rate=...)` sets it. Both run on
real (monotonic) time, like the Telegram limiter: they are about how fast a bot sends, which
the sandbox clock used for the 24-hour window does not describe.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from sandbox.whatsapp.errors import GraphError


class Throughput:
    def __init__(
        self,
        rate: int | None = 80,
        pair_rate: float | None = None,
        pair_burst: int = 45,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.pair_rate = pair_rate
        self.pair_burst = pair_burst
        self._clock = clock
        self._window: deque[float] = deque()
        self._buckets: dict[str, tuple[float, float]] = {}  # wa_id -> (tokens, at)

    def check(self, wa_id: str | None) -> None:
        """Raise Meta's error if one more message now would exceed a limit."""
        now = self._clock()
        if self.rate is not None:
            while self._window and now - self._window[0] >= 1.0:
                self._window.popleft()
            if len(self._window) >= self.rate:
                raise GraphError(429, 130429)
        if self.pair_rate is not None and wa_id is not None and self._tokens(wa_id, now) < 1.0:
            raise GraphError(400, 131056)

    def record(self, wa_id: str | None) -> None:
        now = self._clock()
        if self.rate is not None:
            self._window.append(now)
        if self.pair_rate is not None and wa_id is not None:
            self._buckets[wa_id] = (self._tokens(wa_id, now) - 1.0, now)

    def _tokens(self, wa_id: str, now: float) -> float:
        assert self.pair_rate is not None
        tokens, at = self._buckets.get(wa_id, (float(self.pair_burst), now))
        return min(float(self.pair_burst), tokens + (now - at) * self.pair_rate)
