"""What the engine needs from the outside, as small protocols implemented at the edges.

The dispatcher knows nothing of Telegram: ``bot/`` hands it a ``Sender`` (python-telegram-bot
underneath) and a ``Renderer`` (the message catalogue in ``handlers/``).
"""

from __future__ import annotations

from typing import Protocol

from sqlmodel import Session

from models.messages import Button, Rendered
from models.outbox import OutboxMessage
from models.people import Person

__all__ = ["Button", "Rendered", "Renderer", "Sender"]


class SendError(Exception):
    """A send that did not deliver; the subclass says what to do about it."""


class Unreachable(SendError):
    """403: the person blocked the bot or deleted the account. Not retried."""


class Rejected(SendError):
    """400: Telegram refused the message itself. Retrying would not help."""


class RetryLater(SendError):
    """429: everything pauses for ``seconds``."""

    def __init__(self, seconds: float, detail: str = "") -> None:
        super().__init__(detail or f"retry after {seconds}s")
        self.seconds = seconds


class Transient(SendError):
    """Network errors, timeouts, 5xx: retried with backoff."""


class Sender(Protocol):
    async def send(self, chat_id: int, message: Rendered) -> int:
        """Deliver and return Telegram's message id, or raise a ``SendError``."""
        ...


class Renderer(Protocol):
    def render(
        self, session: Session, person: Person, rows: list[OutboxMessage]
    ) -> Rendered | None:
        """One message for these rows (several only for a bundle of nudges), in the
        person's language; None when there is nothing left to say."""
        ...
