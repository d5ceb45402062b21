"""What the engine needs from the outside, as small protocols implemented at the edges.

The dispatcher knows nothing of Telegram: ``bot/`` hands it a ``Sender`` (python-telegram-bot
underneath) and a ``Renderer`` (the message catalogue in ``handlers/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlmodel import Session

from models.messages import Button, Rendered
from models.outbox import OutboxMessage
from models.people import Person

__all__ = ["Button", "Recipient", "Rendered", "Renderer", "Sender"]


class SendError(Exception):
    """A send that did not deliver; the subclass says what to do about it."""


class Unreachable(SendError):
    """403 on Telegram, 131026 on WhatsApp: the person blocked the bot, deleted the account or
    has no WhatsApp. Not retried on that channel; tried once on the other when there is one."""


class Rejected(SendError):
    """400: Telegram refused the message itself. Retrying would not help."""


class RetryLater(SendError):
    """429: everything pauses for ``seconds``. ``throttle`` False: the channel refuses the bot
    itself (an expired WhatsApp token): everything waits, but it says nothing about the pace,
    so it does not slow the sends once the fault is fixed."""

    def __init__(self, seconds: float, detail: str = "", *, throttle: bool = True) -> None:
        super().__init__(detail or f"retry after {seconds}s")
        self.seconds = seconds
        self.throttle = throttle


class TooFast(SendError):
    """Too many messages to this one person just now (WhatsApp's 131056): only this row waits,
    and the wait is not one of its attempts."""

    def __init__(self, seconds: float, detail: str = "") -> None:
        super().__init__(detail or f"too fast for this person, retry after {seconds}s")
        self.seconds = seconds


class Transient(SendError):
    """Network errors, timeouts, 5xx: retried with backoff."""


@dataclass(frozen=True)
class Recipient:
    """Where one message goes: a channel and the person's address there."""

    channel: str  # "telegram" | "whatsapp"
    address: str  # Telegram: the chat id; WhatsApp: the number (wa_id)
    # WhatsApp: inside the 24-hour window after the person's last message, any message may be
    # sent; outside it only an approved template.
    window_open: bool = True
    kinds: tuple[str, ...] = ()  # the outbox kinds in this message (a template per kind)
    language: str = "id"


class Sender(Protocol):
    async def send(self, recipient: Recipient, message: Rendered) -> str:
        """Deliver and return the channel's message id, or raise a ``SendError``."""
        ...


class Renderer(Protocol):
    def render(
        self, session: Session, person: Person, rows: list[OutboxMessage]
    ) -> Rendered | None:
        """One message for these rows (several only for a bundle of nudges), in the
        person's language; None when there is nothing left to say."""
        ...
