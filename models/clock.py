"""One injectable clock, so domain code never reads the wall clock and tests can move time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock, used in production and in the demo."""

    def now(self) -> datetime:
        return datetime.now(UTC)  # noqa: TID251 - the one place that may read the wall clock


class ShiftedClock:
    """The real clock moved ahead by hand: the demo's "maju 1 jam / 1 hari", so reminders,
    nudges and escalations come while one watches. Never used in production."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset  # noqa: TID251 - the wall clock, moved ahead

    def advance(self, delta: timedelta) -> datetime:
        self.offset += delta
        return self.now()


class FrozenClock:
    """A clock that only moves when told to: scheduler tests move it instead of sleeping."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = when.astimezone(UTC)
