"""Fakes of our own ports (never of python-telegram-bot): a sender that records and misbehaves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from models.messages import Rendered
from scheduler.ports import Recipient, SendError


@dataclass
class RecordingSender:
    """Delivers into a list; ``failures`` are raised, in order, before anything succeeds."""

    sent: list[tuple[int, Rendered]] = field(default_factory=list)
    failures: list[SendError] = field(default_factory=list)
    calls: int = 0

    async def send(self, recipient: Recipient, message: Rendered) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((int(recipient.address), message))
        return str(len(self.sent))

    def texts_to(self, chat_id: int) -> list[str]:
        return [m.text for c, m in self.sent if c == chat_id]

    def __iter__(self) -> Iterator[tuple[int, Rendered]]:
        return iter(self.sent)
